// Reminder planning: what a communicator should be told about an open
// incident right now. Pure: the same incident and `now` give the same
// reminders, and each has a key (kind, due) so it is raised once.
#ifndef STATUSCAST_LIBS_CADENCE_REMINDERS_H_
#define STATUSCAST_LIBS_CADENCE_REMINDERS_H_

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "libs/incident/cadence_policy.h"
#include "libs/incident/model.h"

namespace statuscast {

enum class ReminderKind {
  kDueSoon = 1,
  kMissed = 2,
  kFirstDueSoon = 3,
  kFirstLate = 4,
  kNoCommsLead = 5,   // a SEV-1/SEV-2 has no communications lead yet
  kDraftWaiting = 6,  // a draft waits for review (raised per draft, not planned here)
  // The standing promise moved (an escalation brought it forward) since the
  // last status-page update, whose text names the old time: post one that
  // states the new time.
  kPromiseMoved = 8,
};
const char* ReminderKindName(ReminderKind k);

struct PlannedReminder {
  ReminderKind kind;
  absl::Time due;
  std::string text;  // "INC-3 SEV-1: next update due by 14:30 UTC (in 5m)"
};

// Reminders in force at `now` for `incident` (open incidents only; needs the
// timeline): due-soon from `lead` before the standing promise (or the first
// communication target), missed once it passed by more than the grace;
// promise-moved while the standing promise is not the one the last
// status-page update made (until it is due); and, with `comms_lead_after`, a
// SEV-1/SEV-2 that still has no communications lead that long after it was
// declared (due = declared_at + that).
std::vector<PlannedReminder> PlanReminders(
    const Incident& incident, absl::Time now, const CadencePolicy& policy, absl::Duration lead,
    absl::optional<absl::Duration> comms_lead_after = absl::nullopt);

// Whether `incident` is an open SEV-1/SEV-2 with no communications lead
// `after` its declaration, at `now`.
bool LacksCommsLead(const Incident& incident, absl::Time now, absl::Duration after);

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_CADENCE_REMINDERS_H_
