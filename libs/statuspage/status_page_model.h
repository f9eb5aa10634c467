// StatusPageModel: what the public status page shows, built from incident
// records, with only public fields.
//
// The page is the canonical public record of every incident: state with its
// timestamps, affected components, each customer-facing update, and whether
// each promised update came on time (the ledger). What never reaches the
// model, so no renderer can leak it: authors, audit data, severity-change
// reasons, lint findings and override reasons, internal row ids, and updates
// sent only to the in-app banner (an update is public when its channels
// include status_page or public).
//
//   StatusPageModel m = BuildStatusPageModel(config, incidents, components, now);
//   std::string html = RenderStatusPageHtml(m);
//
// Thread safety: plain values and a pure function.
#ifndef STATUSCAST_LIBS_STATUSPAGE_STATUS_PAGE_MODEL_H_
#define STATUSCAST_LIBS_STATUSPAGE_STATUS_PAGE_MODEL_H_

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "libs/cadence/compliance.h"
#include "libs/incident/cadence_policy.h"
#include "libs/incident/maintenance.h"
#include "libs/incident/model.h"

namespace statuscast {

struct StatusPageConfig {
  // The page's name, e.g. "Example Inc. status".
  std::string title = "Service status";
  // Public base URL without a trailing slash, e.g. "https://status.example.com";
  // incident links become <base_url>/incidents/INC-3. Normalized
  // (NormalizePublicUrl in libs/base/public_url.h): no trailing slash.
  std::string base_url;
  // Resolved incidents shown: those resolved within this window.
  absl::Duration history_window = absl::Hours(24 * 90);
  // For the promise ledger (as statuscast-comms enforces it).
  CadencePolicy policy;
  ComplianceOptions compliance;
};

// The common status-page indicator (Statuspage's status.indicator and
// incident impact).
enum class Indicator { kNone = 0, kMinor = 1, kMajor = 2, kCritical = 3 };
// "none", "minor", "major", "critical".
const char* IndicatorName(Indicator i);
// SEV-1 critical, SEV-2 major, SEV-3 minor.
Indicator ImpactForSeverity(Severity s);
// major_outage major, partial_outage and degraded_performance minor, else none.
Indicator IndicatorForComponentStatus(ComponentStatus s);
// "All Systems Operational", "Minor Service Outage", "Partial System Outage",
// "Major System Outage" ("Service Under Maintenance" for none with a
// component under maintenance).
std::string IndicatorDescription(Indicator i, bool maintenance);

struct PublicComponent {
  std::string name;  // the id (Statuspage's "id")
  // What customers read: the display name, else the name.
  std::string label;
  std::string group;
  std::string description;
  ComponentStatus status = ComponentStatus::kOperational;
  absl::Time created_at;
};

// One version of a corrected update's text (no author: the page names none).
struct PublicRevision {
  int number = 0;
  std::string body;
  absl::Time at;
};

struct PublicUpdate {
  int number = 0;  // 1-based among the incident's public updates
  IncidentState state = IncidentState::kUnspecified;
  std::string body;  // the text in force
  absl::Time posted_at;
  absl::optional<absl::Time> next_update_at;
  // Set when the text was corrected: when the text in force was written,
  // and every version, oldest first (revision 1 as posted).
  absl::optional<absl::Time> edited_at;
  std::vector<PublicRevision> revisions;
};

// One promise of the ledger, as the public reads it.
struct PublicPromise {
  absl::Time due;
  PromiseStatus status = PromiseStatus::kPending;
  absl::optional<absl::Time> posted_at;
  bool from_escalation = false;
  // "next update by 14:30 UTC — posted 14:28 UTC"; see LedgerText.
  std::string text;
};

struct PublicStateMark {
  IncidentState state = IncidentState::kUnspecified;
  absl::Time at;
};

struct PublicIncident {
  std::string ref;  // "INC-3"
  std::string title;
  // From the worst severity the incident reached (a de-escalation late in
  // an outage does not shrink what customers lived through).
  Indicator impact = Indicator::kNone;
  IncidentState state = IncidentState::kUnspecified;
  absl::Time started_at;  // confirmed start
  absl::Time created_at;  // declared
  absl::Time updated_at;
  absl::optional<absl::Time> monitoring_at;
  absl::optional<absl::Time> resolved_at;
  absl::optional<absl::Time> next_update_at;  // open incidents only
  std::vector<AffectedComponent> affected;
  // What customers read for each of `affected` (its display name, else its
  // name), in the same order; retired components keep theirs.
  std::vector<std::string> affected_labels;
  std::vector<PublicStateMark> states;  // in time order
  std::vector<PublicUpdate> updates;    // newest first
  std::vector<PublicPromise> ledger;    // in time order
  // Only an absolute http(s) URL; "" when none (or unsafe).
  std::string postmortem_url;
  std::string postmortem_body;  // CommonMark (render with markdown.h)
  absl::optional<absl::Time> postmortem_published_at;  // of the version in force
  // Set when republished: when the first version was published (the page
  // then says "revised" at postmortem_published_at).
  absl::optional<absl::Time> postmortem_first_published_at;
  std::string shortlink;  // <base_url>/incidents/INC-3
};

// A scheduled maintenance window as the public reads it: upcoming or in
// progress (finished and cancelled windows leave the page).
struct PublicMaintenance {
  std::string ref;  // "MNT-3"
  std::string title;
  std::string message;
  MaintenanceState state = MaintenanceState::kUnspecified;  // scheduled or in_progress
  absl::Time scheduled_start;
  absl::Time scheduled_end;
  absl::optional<absl::Time> started_at;
  std::vector<std::string> components;
  absl::Time created_at;
  absl::Time updated_at;
};

struct StatusPageModel {
  std::string title;
  std::string base_url;
  // The newest change the page reflects (not the render time, so an
  // unchanged page renders byte for byte the same).
  absl::Time updated_at;
  Indicator indicator = Indicator::kNone;
  std::string description;
  // By group, then name; retired components are left out.
  std::vector<PublicComponent> components;
  std::vector<PublicIncident> open_incidents;      // newest start first
  std::vector<PublicIncident> resolved_incidents;  // newest resolution first
  // Upcoming and current maintenance, soonest start first. Their
  // components show under_maintenance while they run (unless an incident
  // puts them in a worse state); they never count as incidents.
  std::vector<PublicMaintenance> maintenances;
  absl::Duration history_window;

  // The incident with `ref` among open and resolved ones, or nullptr.
  const PublicIncident* Find(const std::string& ref) const;
};

// REQUIRES: every incident carries its full timeline (updates and severity
// changes). Incidents resolved before now - history_window are left out;
// of `maintenance`, the windows upcoming or in progress at `now` are kept.
StatusPageModel BuildStatusPageModel(const StatusPageConfig& config,
                                     const std::vector<Incident>& incidents,
                                     const std::vector<Component>& components, absl::Time now,
                                     const std::vector<MaintenanceWindow>& maintenance = {});

// Whether an update goes to the status page (channels status_page or public).
bool IsPublicUpdate(const Update& u);

// "next update by 14:30 UTC — posted 14:28 UTC",
// "next update by 14:30 UTC — posted 14:41 UTC, 11m late",
// "next update by 14:30 UTC — overdue", "next update by 14:30 UTC — pending";
// " (brought forward by an escalation)" appended when it was.
std::string LedgerText(const PromiseEntry& p);

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_STATUSPAGE_STATUS_PAGE_MODEL_H_
