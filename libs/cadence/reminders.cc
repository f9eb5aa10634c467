#include "libs/cadence/reminders.h"

#include "absl/strings/str_cat.h"
#include "libs/base/time_text.h"
#include "libs/cadence/compliance.h"
#include "libs/incident/promise.h"

namespace statuscast {
namespace {
std::string Minutes(absl::Duration d) {
  int64_t m = absl::ToInt64Minutes(d + absl::Seconds(30));
  return m < 1 ? "under a minute" : absl::StrCat(m, "m");
}
}  // namespace

const char* ReminderKindName(ReminderKind k) {
  switch (k) {
    case ReminderKind::kDueSoon: return "due_soon";
    case ReminderKind::kMissed: return "missed";
    case ReminderKind::kFirstDueSoon: return "first_due_soon";
    case ReminderKind::kFirstLate: return "first_late";
    case ReminderKind::kPromiseMoved: return "promise_moved";
    case ReminderKind::kNoCommsLead:
      return "no_comms_lead";
    case ReminderKind::kDraftWaiting:
      return "draft_waiting";
  }
  return "unknown";
}

bool LacksCommsLead(const Incident& incident, absl::Time now, absl::Duration after) {
  return incident.state != IncidentState::kResolved && incident.comms_lead.empty() &&
         (incident.severity == Severity::kSev1 || incident.severity == Severity::kSev2) &&
         now >= incident.declared_at + after;
}

std::vector<PlannedReminder> PlanReminders(const Incident& incident, absl::Time now,
                                           const CadencePolicy& policy, absl::Duration lead,
                                           absl::optional<absl::Duration> comms_lead_after) {
  const Promises promises(policy);
  std::vector<PlannedReminder> out;
  if (incident.state == IncidentState::kResolved) return out;
  const std::string who = absl::StrCat(incident.ref, " ", SeverityName(incident.severity), ": ");
  if (comms_lead_after && LacksCommsLead(incident, now, *comms_lead_after)) {
    out.push_back({ReminderKind::kNoCommsLead, incident.declared_at + *comms_lead_after,
                   absl::StrCat(who, "no communications lead ", Minutes(now - incident.declared_at),
                                " after it was declared; the incident commander (",
                                incident.commander.empty() ? "none" : incident.commander,
                                ") speaks for it alone. Name one: statuscastctl roles ",
                                incident.ref, " --comms NAME")});
  }
  if (!incident.first_communication_at) {
    const absl::Time due = incident.confirmed_start + policy.first_communication_target;
    if (promises.Overdue(due, now)) {
      out.push_back({ReminderKind::kFirstLate, due,
                     absl::StrCat(who, "the first customer communication is LATE: it was due by ",
                                  FormatUtcClock(due), " (", Minutes(now - due), " ago)")});
    } else if (now >= due - lead) {
      out.push_back({ReminderKind::kFirstDueSoon, due,
                     absl::StrCat(who, "the first customer communication is due by ",
                                  FormatUtcClock(due), " (in ", Minutes(due - now), ")")});
    }
    return out;
  }
  if (!incident.next_update_at) return out;
  const absl::Time due = *incident.next_update_at;
  if (promises.Overdue(due, now)) {
    out.push_back({ReminderKind::kMissed, due,
                   absl::StrCat(who, "the promised update of ", FormatUtcClock(due),
                                " was MISSED (", Minutes(now - due),
                                " ago); post now, even with no progress")});
    return out;
  }
  // The last update customers read on the status page promised another time.
  const Update* last_public = nullptr;
  for (const Update& u : incident.updates) {
    if (ReachesStatusPage(u.channels) && (!last_public || u.posted_at >= last_public->posted_at)) {
      last_public = &u;
    }
  }
  if (last_public && last_public->next_update_at && *last_public->next_update_at != due) {
    out.push_back({ReminderKind::kPromiseMoved, due,
                   absl::StrCat(who, "the next update is now due by ", FormatUtcClock(due),
                                ", but the last status-page update says ",
                                FormatUtcClock(*last_public->next_update_at),
                                "; post an update stating the new time")});
  }
  if (now >= due - lead) {
    out.push_back({ReminderKind::kDueSoon, due,
                   absl::StrCat(who, "next update due by ", FormatUtcClock(due), " (in ",
                                Minutes(std::max(due - now, absl::ZeroDuration())), ")")});
  }
  return out;
}

}  // namespace statuscast
