#include "libs/pgstore/incident_rows.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "libs/proto_convert/lint_proto.h"

namespace statuscast {
namespace pgstore_internal {
namespace {

UpdateKind ParseKind(const std::string& s) {
  for (auto k : {UpdateKind::kFirst, UpdateKind::kProgress, UpdateKind::kNoProgress,
                 UpdateKind::kResolution, UpdateKind::kReopen}) {
    if (s == UpdateKindName(k)) return k;
  }
  return UpdateKind::kUnspecified;
}

PromiseOutcome ParsePromise(const std::string& s) {
  if (s == "kept") return PromiseOutcome::kKept;
  if (s == "late") return PromiseOutcome::kLate;
  if (s == "none") return PromiseOutcome::kNone;
  return PromiseOutcome::kUnspecified;
}

}  // namespace

absl::Time TimeAt(const pqxx::field& f) { return absl::FromUnixMicros(f.as<int64_t>()); }
absl::optional<absl::Time> OptTimeAt(const pqxx::field& f) {
  if (f.is_null()) return absl::nullopt;
  return TimeAt(f);
}

const char* PromiseName(PromiseOutcome p) {
  switch (p) {
    case PromiseOutcome::kKept: return "kept";
    case PromiseOutcome::kLate: return "late";
    case PromiseOutcome::kNone: return "none";
    default: return "unspecified";
  }
}

std::string ChannelsText(const std::vector<Channel>& channels) {
  std::vector<std::string> names;
  for (Channel c : channels) names.push_back(ChannelName(c));
  return absl::StrJoin(names, ",");
}

std::vector<Channel> ChannelsFromText(const std::string& text) {
  std::vector<Channel> out;
  for (absl::string_view name : absl::StrSplit(text, ',', absl::SkipEmpty())) {
    Channel c;
    if (ParseChannel(std::string(name), &c)) out.push_back(c);
  }
  return out;
}

absl::Status NoSuchIncident(const std::string& ref) {
  return absl::NotFoundError(absl::StrCat(
      "no incident ", ref, " (references look like INC-12; statuscastctl list shows them)"));
}

Incident IncidentFromRow(const pqxx::row& r) {
  Incident i;
  i.id = r[0].as<int64_t>();
  i.ref = r[1].as<std::string>();
  i.title = r[2].as<std::string>();
  i.severity = static_cast<Severity>(r[3].as<int>());
  i.state = ParseOr<IncidentState>(r[4].as<std::string>(), ParseState);
  i.confirmed_start = TimeAt(r[5]);
  i.declared_at = TimeAt(r[6]);
  i.first_communication_at = OptTimeAt(r[7]);
  i.investigating_at = OptTimeAt(r[8]);
  i.identified_at = OptTimeAt(r[9]);
  i.monitoring_at = OptTimeAt(r[10]);
  i.resolved_at = OptTimeAt(r[11]);
  i.next_update_at = OptTimeAt(r[12]);
  i.updated_at = TimeAt(r[13]);
  i.reopen_count = r[14].as<int>();
  i.version = r[15].as<int64_t>();
  if (!r[16].is_null()) {
    i.postmortem = Postmortem{r[16].as<std::string>(), r[17].as<std::string>(), TimeAt(r[18]),
                              r[19].as<std::string>()};
    i.postmortem->revision = r[20].as<int>();
    i.postmortem->first_published_at = TimeAt(r[21]);
  }
  i.commander = r[22].as<std::string>();
  i.comms_lead = r[23].as<std::string>();
  return i;
}

Update UpdateFromRow(const pqxx::row& r) {
  Update u;
  u.id = r[0].as<int64_t>();
  u.kind = ParseKind(r[1].as<std::string>());
  u.state = ParseOr<IncidentState>(r[2].as<std::string>(), ParseState);
  u.severity = static_cast<Severity>(r[3].as<int>());
  u.message = r[4].as<std::string>();
  u.banner_text = r[5].as<std::string>();
  u.channels = ChannelsFromText(r[6].as<std::string>());
  u.posted_at = TimeAt(r[7]);
  u.next_update_at = OptTimeAt(r[8]);
  u.author = r[9].as<std::string>();
  u.kept_promise = ParsePromise(r[10].as<std::string>());
  // Findings we cannot read (a newer release's shape) are left out rather than
  // failing the read of the whole timeline.
  absl::StatusOr<std::vector<lint::Finding>> findings =
      lint::FindingsFromJson(r[11].as<std::string>());
  if (findings.ok()) u.lint_findings = std::move(*findings);
  u.lint_override_reason = r[12].as<std::string>();
  u.third_party_confirmed = r[13].as<bool>();
  return u;
}

}  // namespace pgstore_internal
}  // namespace statuscast
