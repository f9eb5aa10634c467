// The incident record as the domain sees it: plain values, no I/O. Its words
// (Severity, IncidentState, Channel, ...) are libs/vocabulary/vocabulary.h.
#ifndef STATUSCAST_LIBS_INCIDENT_MODEL_H_
#define STATUSCAST_LIBS_INCIDENT_MODEL_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "libs/lint/linter.h"
#include "libs/vocabulary/vocabulary.h"

namespace statuscast {

enum class PromiseOutcome { kUnspecified = 0, kNone = 1, kKept = 2, kLate = 3 };

// Whether an update on `channels` shows on the status page, the canonical
// record (status_page or public). Only such an update keeps or makes a
// next-update promise: a banner-only update does neither.
bool ReachesStatusPage(const std::vector<Channel>& channels);

struct Component {
  std::string name;
  std::string group;
  std::string description;
  ComponentStatus status = ComponentStatus::kOperational;  // derived
  absl::Time created_at;
  // Where its incident banner shows; empty means everywhere.
  std::vector<std::string> banner_apps;
  std::vector<std::string> banner_paths;  // fnmatch(3) patterns
  // What customers read on the status page instead of `name` (empty: the
  // name). A retired component is hidden from the page and takes no new
  // incidents; incidents that named it keep it.
  std::string display_name;
  absl::optional<absl::Time> retired_at;
  // 1 when created; every edit (display name, description, retire) adds one.
  int64_t version = 1;
};

struct AffectedComponent {
  std::string name;
  ComponentStatus status = ComponentStatus::kUnspecified;
  bool operator==(const AffectedComponent& o) const {
    return name == o.name && status == o.status;
  }
};

// One version of an update's text. An update that was never corrected has
// none; its first correction (CorrectUpdate) records revision 1, the text as
// posted (at posted_at, by the author), and revision 2, the corrected text;
// every later correction adds the next. The last is the text in force.
struct UpdateRevision {
  int number = 0;
  std::string message;
  std::string banner_text;
  absl::Time at;
  std::string author;
  std::string reason;  // why it was corrected; empty for revision 1
};

struct Update {
  int64_t id = 0;
  UpdateKind kind = UpdateKind::kUnspecified;
  IncidentState state = IncidentState::kUnspecified;
  std::string message;
  std::string banner_text;
  std::vector<Channel> channels;
  absl::Time posted_at;
  absl::optional<absl::Time> next_update_at;
  std::string author;
  Severity severity = Severity::kUnspecified;
  PromiseOutcome kept_promise = PromiseOutcome::kUnspecified;
  // The linter's findings when it was posted, and the author's reason for
  // posting despite error-level ones (empty when none was given).
  std::vector<lint::Finding> lint_findings;
  std::string lint_override_reason;
  // The author confirmed that a third party named in the text is at fault
  // (the linter then does not flag the name); recorded for the audit trail.
  bool third_party_confirmed = false;
  // Every version of the text, oldest first; empty when never corrected.
  // Posting time, kind, state and the promise kept never change.
  std::vector<UpdateRevision> revisions;
  // When the text in force was written: the last revision's time, else none.
  absl::optional<absl::Time> edited_at() const {
    if (revisions.empty()) return absl::nullopt;
    return revisions.back().at;
  }
};

struct SeverityChange {
  Severity from = Severity::kUnspecified;
  Severity to = Severity::kUnspecified;
  std::string reason;
  std::string author;
  absl::Time changed_at;
  absl::optional<absl::Time> next_update_at_before;
  absl::optional<absl::Time> next_update_at_after;
};

// Who speaks for an incident: its incident commander (IC) and its
// communications lead, by token name (the actor names writes record).
enum class IncidentRole { kCommander = 1, kCommsLead = 2 };
// "commander", "comms_lead".
const char* IncidentRoleName(IncidentRole role);
// "incident commander", "communications lead".
const char* IncidentRoleWords(IncidentRole role);

// One change of a role, for the timeline and the audit trail; `from` is
// empty when the role was unset (at declare).
struct RoleChange {
  IncidentRole role = IncidentRole::kCommander;
  std::string from;
  std::string to;
  std::string author;
  absl::Time changed_at;
};

struct Postmortem {
  std::string url;
  std::string body;
  absl::Time published_at;  // of this version
  std::string author;
  // Every publication is kept: this is version `revision` (1 = the first),
  // first published at `first_published_at`.
  int revision = 1;
  absl::Time first_published_at;
  // What the linter found in the body, and the override reason, if any.
  std::vector<lint::Finding> lint_findings;
  std::string lint_override_reason;
};

struct Incident {
  int64_t id = 0;  // internal row id; never shown
  std::string ref;  // "INC-<n>"
  std::string title;
  Severity severity = Severity::kUnspecified;
  IncidentState state = IncidentState::kUnspecified;
  absl::Time confirmed_start;
  absl::Time declared_at;
  absl::optional<absl::Time> first_communication_at;
  absl::optional<absl::Time> resolved_at;
  absl::optional<absl::Time> next_update_at;
  absl::optional<absl::Time> investigating_at;
  absl::optional<absl::Time> identified_at;
  absl::optional<absl::Time> monitoring_at;
  absl::Time updated_at;
  int64_t version = 0;
  int32_t reopen_count = 0;
  std::vector<AffectedComponent> affected;
  absl::optional<Postmortem> postmortem;
  // Who may post customer-facing text under the server's post policy
  // (libs/incident/post_policy.h). The declaring token is the commander
  // unless the declaration names one; comms_lead may be empty.
  std::string commander;
  std::string comms_lead;
  // Filled only when the whole timeline is read.
  std::vector<Update> updates;
  std::vector<SeverityChange> severity_changes;
  std::vector<RoleChange> role_changes;
};

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_INCIDENT_MODEL_H_
