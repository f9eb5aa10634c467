// Cadence compliance: did the organisation keep its word?
//
// Pure functions over an incident's full record (libs/incident/model.h) and
// a `now`; no I/O, no clock of their own. The figures are derived from the
// stored record, so they survive restarts and agree across replicas.
//
//   IncidentCompliance c = EvaluateIncident(incident, now, policy, options);
//   for (const PromiseEntry& p : c.ledger) ...   // "promised 14:30, posted 14:28"
//
// Definitions:
//   - First communication: the first customer-facing update; its delay is
//     from the confirmed start; late when beyond the target.
//   - Promise: each update's next_update_at (and an escalation's tightened
//     one) is a promise; it is kept by the next status-page update posted
//     no later than due + grace, missed otherwise; pending while open and not
//     yet due (+ grace).
//   - Only updates on the status page (channels status_page or public) keep,
//     make or answer promises and bound gaps; a banner-only update counts
//     only as a first communication.
//   - Gap: the time between consecutive status-page updates. It must end
//     by the last update + the cadence in force then; an escalation during
//     the gap tightens that to the change + the new cadence (and the gap
//     counts under the stricter severity); SEV-3 alone sets no deadline.
//   - Events at the same instant: a severity change is taken before an
//     update.
//   - Overdue now: an open incident whose standing promise (or first
//     communication target) has passed by more than the grace.
#ifndef STATUSCAST_LIBS_CADENCE_COMPLIANCE_H_
#define STATUSCAST_LIBS_CADENCE_COMPLIANCE_H_

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "libs/incident/cadence_policy.h"
#include "libs/incident/model.h"

namespace statuscast {

struct ComplianceOptions {
  // A resolved SEV-1/SEV-2 should have a public postmortem within this.
  absl::Duration postmortem_due = absl::Hours(24 * 5);
};

enum class PromiseStatus { kPending, kKept, kMissed };
const char* PromiseStatusName(PromiseStatus s);

struct PromiseEntry {
  absl::Time made_at;   // when the promise was made
  absl::Time due;       // the promised time
  PromiseStatus status = PromiseStatus::kPending;
  absl::optional<absl::Time> kept_at;  // the update that answered it
  // Positive when late (kept_at or now beyond due).
  absl::Duration lateness;
  bool from_escalation = false;
};

struct UpdateGap {
  absl::Time from;
  absl::Time to;
  Severity severity = Severity::kUnspecified;  // strictest in force during it
  absl::optional<absl::Duration> allowed;      // none for SEV-3
  bool within_cadence = true;
};

struct IncidentCompliance {
  std::string ref;
  Severity severity = Severity::kUnspecified;
  IncidentState state = IncidentState::kUnspecified;
  bool open = false;
  // Unset until the first communication.
  absl::optional<absl::Duration> first_communication_delay;
  bool first_communication_late = false;
  std::vector<PromiseEntry> ledger;
  std::vector<UpdateGap> gaps;
  bool overdue = false;
  absl::Duration overdue_by;
  // What is overdue: "first communication" or "next update".
  std::string overdue_what;
  bool has_resolution_update = false;
  // Resolved SEV-1/SEV-2 only.
  bool postmortem_expected = false;
  bool postmortem_published = false;
  bool postmortem_overdue = false;
};

// REQUIRES: `incident` carries its full timeline (updates and severity
// changes in time order).
IncidentCompliance EvaluateIncident(const Incident& incident, absl::Time now,
                                    const CadencePolicy& policy,
                                    const ComplianceOptions& options);

// Totals over many incidents, by severity (index 1..3; 0 unused).
struct ComplianceTotals {
  int incidents[4] = {};
  int first_communications[4] = {};
  int first_communications_late[4] = {};
  int promises_kept[4] = {};
  int promises_missed[4] = {};
  int promises_pending[4] = {};
  int gaps_within[4] = {};
  int gaps_beyond[4] = {};
  int overdue_now = 0;
  absl::Duration largest_overdue;
  int postmortems_published[4] = {};
  int postmortems_missing[4] = {};
  int resolved_without_resolution_update = 0;
};

ComplianceTotals Summarize(const std::vector<IncidentCompliance>& incidents);

// "promised 14:30 UTC, posted 14:28 UTC" / "... MISSED (posted 14:41 UTC, 11m late)" /
// "... due in 12m" / "... OVERDUE by 4m".
std::string DescribePromise(const PromiseEntry& p, absl::Time now);

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_CADENCE_COMPLIANCE_H_
