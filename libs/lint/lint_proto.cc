#include "libs/lint/lint_proto.h"

#include <google/protobuf/util/json_util.h>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace statuscast {
namespace lint {

LintInput InputFromProto(const v1::LintUpdateRequest& request) {
  LintInput in;
  in.message = request.message();
  in.banner_text = request.banner_text();
  in.phase = static_cast<Phase>(request.phase());
  in.severity = static_cast<Severity>(request.severity());
  in.state_before = static_cast<State>(request.state_before());
  in.state_after = static_cast<State>(request.state_after());
  for (int ch : request.channels()) in.channels.push_back(static_cast<Channel>(ch));
  in.third_party_confirmed = request.third_party_confirmed();
  if (request.has_next_update_at()) {
    in.next_update_at = absl::FromUnixSeconds(request.next_update_at().seconds()) +
                        absl::Nanoseconds(request.next_update_at().nanos());
  }
  in.affected_components.assign(request.affected_components().begin(),
                                request.affected_components().end());
  return in;
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
