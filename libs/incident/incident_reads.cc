// IncidentCommands' reads: incidents, drafts and the audit log, with the
// page tokens they issue.

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "libs/base/field_violations.h"
#include "libs/base/status_macros.h"
#include "libs/base/text_limits.h"
#include "libs/incident/incident_commands.h"

namespace statuscast {
namespace {

// A page token: "<a>:<b>" in web-safe base64. False (and a violation on
// page_token) when `token` is not one this service issued.
bool ParsePageToken(const std::string& token, int64_t* a, int64_t* b, FieldViolations& v) {
  if (token.size() > kMaxPageTokenBytes) {
    v.Add("page_token", "is too long");
    return false;
  }
  std::string raw;
  std::vector<std::string> parts;
  if (!absl::WebSafeBase64Unescape(token, &raw) || (parts = absl::StrSplit(raw, ':')).size() != 2 ||
      !absl::SimpleAtoi(parts[0], a) || !absl::SimpleAtoi(parts[1], b)) {
    v.Add("page_token", "is not a token this service issued; start again without one");
    return false;
  }
  return true;
}

std::string PageToken(int64_t a, int64_t b) {
  return absl::WebSafeBase64Escape(absl::StrCat(a, ":", b));
}

void CheckPageSize(int* page_size, FieldViolations& v) {
  if (*page_size == 0) *page_size = 50;
  if (*page_size < 1 || *page_size > 200) v.Add("page_size", "must be 1..200");
}

}  // namespace

absl::StatusOr<Incident> IncidentCommands::GetIncident(const std::string& ref) {
  if (ref.empty()) return InvalidField("incident_ref", "is required (e.g. INC-12)");
  return store_.GetIncident(ref, true);
}

absl::StatusOr<IncidentPage> IncidentCommands::ListIncidents(IncidentQuery query,
                                                             const std::string& page_token,
                                                             std::string* next_page_token) {
  FieldViolations v;
  if (query.states.size() > 4) v.Add("states", "lists more than the four states");
  if (query.severities.size() > 3) v.Add("severities", "lists more than the three severities");
  for (IncidentState s : query.states) {
    if (!IsKnown(s) || s == IncidentState::kUnspecified) v.Add("states", "holds an unknown state");
  }
  for (Severity s : query.severities) {
    if (!IsKnown(s) || s == Severity::kUnspecified) {
      v.Add("severities", "holds an unknown severity");
    }
  }
  CheckPageSize(&query.page_size, v);
  if (query.started_after && query.started_before &&
      *query.started_after >= *query.started_before) {
    v.Add("started_before", "must be after started_after");
  }
  int64_t micros = 0;
  if (!page_token.empty() && ParsePageToken(page_token, &micros, &query.after_id, v)) {
    query.after_start = absl::FromUnixMicros(micros);
  }
  RETURN_IF_ERROR(v.ToStatus());
  ASSIGN_OR_RETURN(IncidentPage page, store_.ListIncidents(query));
  next_page_token->clear();
  if (page.has_more && !page.incidents.empty()) {
    const Incident& last = page.incidents.back();
    *next_page_token = PageToken(absl::ToUnixMicros(last.confirmed_start), last.id);
  }
  return page;
}

namespace {

// INVALID_ARGUMENT unless `ref` could name an incident.
absl::Status CheckIncidentRef(const std::string& ref) {
  if (ref.empty()) return InvalidField("incident_ref", "is required (e.g. INC-12)");
  if (ref.size() > 64) {
    return InvalidField("incident_ref", "is not an incident reference (like INC-12)");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<Draft>> IncidentCommands::ListDrafts(const std::string& incident_ref,
                                                                bool include_decided) {
  RETURN_IF_ERROR(CheckIncidentRef(incident_ref));
  return store_.ListDrafts(incident_ref, !include_decided);
}

absl::StatusOr<std::vector<Postmortem>> IncidentCommands::ListPostmortemVersions(
    const std::string& incident_ref) {
  RETURN_IF_ERROR(CheckIncidentRef(incident_ref));
  return store_.ListPostmortemVersions(incident_ref);
}

absl::StatusOr<AuditPage> IncidentCommands::ListAudit(AuditQuery query,
                                                      const std::string& page_token,
                                                      std::string* next_page_token) {
  FieldViolations v;
  CheckPageSize(&query.page_size, v);
  if (query.since && query.until && *query.since >= *query.until) {
    v.Add("until", "must be after since");
  }
  for (const auto& [field, value] :
       {std::pair<const char*, const std::string*>{"incident_ref", &query.incident_ref},
        {"actor", &query.actor}}) {
    std::string problem = CheckText(*value, rules_.limits().author_bytes, false);
    if (!problem.empty()) v.Add(field, problem);
  }
  int64_t kind = 0;
  if (!page_token.empty() && ParsePageToken(page_token, &kind, &query.after_id, v) && kind != 1) {
    v.Add("page_token", "is not a token this service issued for the audit log");
  }
  RETURN_IF_ERROR(v.ToStatus());
  if (!query.incident_ref.empty()) {
    // NOT_FOUND for an unknown incident rather than an empty page.
    RETURN_IF_ERROR(store_.GetIncident(query.incident_ref, false).status());
  }
  ASSIGN_OR_RETURN(AuditPage page, store_.ListAudit(query));
  next_page_token->clear();
  if (page.has_more && !page.events.empty()) {
    *next_page_token = PageToken(1, page.events.back().id);
  }
  return page;
}

}  // namespace statuscast
