#include "libs/proto_convert/lint_proto.h"

#include <google/protobuf/util/json_util.h>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "libs/base/proto_time.h"
#include "libs/proto_convert/vocabulary_proto.h"

namespace statuscast {
namespace lint {
namespace {

static_assert(static_cast<int>(Phase::kUnspecified) == v1::LINT_PHASE_UNSPECIFIED);
static_assert(static_cast<int>(Phase::kFirst) == v1::LINT_PHASE_FIRST);
static_assert(static_cast<int>(Phase::kUpdate) == v1::LINT_PHASE_UPDATE);
static_assert(static_cast<int>(Phase::kResolution) == v1::LINT_PHASE_RESOLUTION);
static_assert(static_cast<int>(Phase::kPostmortem) == v1::LINT_PHASE_POSTMORTEM);
static_assert(v1::LintPhase_MAX == v1::LINT_PHASE_POSTMORTEM);
static_assert(static_cast<int>(Level::kError) == v1::LINT_LEVEL_ERROR);
static_assert(v1::LintLevel_MAX == v1::LINT_LEVEL_ERROR);
static_assert(static_cast<int>(TextField::kBannerText) == v1::LINT_FIELD_BANNER_TEXT);
static_assert(v1::LintField_MAX == v1::LINT_FIELD_BANNER_TEXT);

}  // namespace

LintInput InputFromProto(const v1::LintUpdateRequest& request) {
  LintInput in;
  in.message = request.message();
  in.banner_text = request.banner_text();
  in.phase = static_cast<Phase>(request.phase());
  in.severity = FromProto(request.severity());
  in.state_before = FromProto(request.state_before());
  in.state_after = FromProto(request.state_after());
  in.channels = ChannelsFromProto(request.channels());
  in.third_party_confirmed = request.third_party_confirmed();
  in.next_update_at = TimeFromProto(request.next_update_at(), request.has_next_update_at());
  in.affected_components.assign(request.affected_components().begin(),
                                request.affected_components().end());
  return in;
}

void CheckEnums(const v1::LintUpdateRequest& request, FieldViolations& v) {
  if (!v1::LintPhase_IsValid(request.phase())) v.Add("phase", "is not a known phase");
  if (!IsKnown(FromProto(request.severity()))) v.Add("severity", "is not a known severity");
  if (!IsKnown(FromProto(request.state_before()))) v.Add("state_before", "is not a known state");
  if (!IsKnown(FromProto(request.state_after()))) v.Add("state_after", "is not a known state");
  for (Channel c : ChannelsFromProto(request.channels())) {
    if (!IsKnown(c) || c == Channel::kUnspecified) v.Add("channels", "holds an unknown channel");
  }
}

Phase PhaseForUpdateKind(v1::UpdateKind kind) {
  switch (kind) {
    case v1::UPDATE_KIND_FIRST:
      return Phase::kFirst;
    case v1::UPDATE_KIND_PROGRESS:
    case v1::UPDATE_KIND_NO_PROGRESS:
    case v1::UPDATE_KIND_REOPEN:
      return Phase::kUpdate;
    case v1::UPDATE_KIND_RESOLUTION:
      return Phase::kResolution;
    default:
      return Phase::kUnspecified;
  }
}

void FindingToProto(const Finding& finding, v1::LintFinding* out) {
  out->set_rule_id(finding.rule_id);
  out->set_level(static_cast<v1::LintLevel>(finding.level));
  out->set_field(static_cast<v1::LintField>(finding.field));
  out->set_span_start(static_cast<int32_t>(finding.begin));
  out->set_span_end(static_cast<int32_t>(finding.end));
  out->set_excerpt(finding.excerpt);
  out->set_explanation(finding.explanation);
  out->set_suggestion(finding.suggestion);
}

Finding FindingFromProto(const v1::LintFinding& p) {
  Finding f;
  f.rule_id = p.rule_id();
  f.level = static_cast<Level>(p.level());
  f.field = static_cast<TextField>(p.field());
  f.begin = p.span_start() < 0 ? 0 : static_cast<size_t>(p.span_start());
  f.end = p.span_end() < 0 ? 0 : static_cast<size_t>(p.span_end());
  f.excerpt = p.excerpt();
  f.explanation = p.explanation();
  f.suggestion = p.suggestion();
  return f;
}

std::string FindingsToJson(const std::vector<Finding>& findings) {
  std::string out = "[";
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  for (size_t i = 0; i < findings.size(); ++i) {
    v1::LintFinding p;
    FindingToProto(findings[i], &p);
    std::string json;
    // Printing a message we built cannot fail.
    (void)google::protobuf::util::MessageToJsonString(p, &json, options);
    absl::StrAppend(&out, i == 0 ? "" : ",", json);
  }
  return out + "]";
}

absl::StatusOr<std::vector<Finding>> FindingsFromJson(const std::string& json) {
  v1::LintUpdateResponse wrapper;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;  // written by a newer release
  auto status = google::protobuf::util::JsonStringToMessage(
      absl::StrCat("{\"findings\":", json.empty() ? "[]" : json, "}"), &wrapper, options);
  if (!status.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "stored lint findings are not a JSON array of LintFinding: ", status.ToString()));
  }
  std::vector<Finding> out;
  for (const v1::LintFinding& p : wrapper.findings()) out.push_back(FindingFromProto(p));
  return out;
}

v1::LintUpdateResponse ResponseFromFindings(const std::vector<Finding>& findings) {
  v1::LintUpdateResponse response;
  for (const Finding& f : findings) {
    FindingToProto(f, response.add_findings());
    switch (f.level) {
      case Level::kError:
        response.set_error_count(response.error_count() + 1);
        break;
      case Level::kWarning:
        response.set_warning_count(response.warning_count() + 1);
        break;
      default:
        response.set_info_count(response.info_count() + 1);
        break;
    }
  }
  return response;
}

}  // namespace lint
}  // namespace statuscast
