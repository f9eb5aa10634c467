#include "libs/cadence/compliance.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "libs/base/time_text.h"
#include "libs/incident/promise.h"

namespace statuscast {
namespace {

int Index(Severity s) {
  int i = static_cast<int>(s);
  return i >= 1 && i <= 3 ? i : 0;
}

}  // namespace

const char* PromiseStatusName(PromiseStatus s) {
  switch (s) {
    case PromiseStatus::kKept: return "kept";
    case PromiseStatus::kMissed: return "missed";
    default: return "pending";
  }
}

std::string DescribePromise(const PromiseEntry& p, absl::Time now) {
  std::string out = absl::StrCat("promised ", FormatUtcClock(p.due));
  switch (p.status) {
    case PromiseStatus::kKept:
      absl::StrAppend(&out, ", posted ", FormatUtcClock(*p.kept_at));
      break;
    case PromiseStatus::kMissed:
      if (p.kept_at) {
        absl::StrAppend(&out, " MISSED (posted ", FormatUtcClock(*p.kept_at), ", ",
                        ShortDuration(p.lateness), " late)");
      } else {
        absl::StrAppend(&out, " OVERDUE by ", ShortDuration(now - p.due));
      }
      break;
    case PromiseStatus::kPending:
      absl::StrAppend(&out, now <= p.due ? absl::StrCat(", due in ", ShortDuration(p.due - now))
                                         : absl::StrCat(", due ", ShortDuration(now - p.due),
                                                        " ago (within grace)"));
      break;
  }
  if (p.from_escalation) absl::StrAppend(&out, " (tightened by escalation)");
  return out;
}

IncidentCompliance EvaluateIncident(const Incident& inc, absl::Time now,
                                    const CadencePolicy& policy,
                                    const ComplianceOptions& options) {
  const Promises promises(policy);
  IncidentCompliance c;
  c.ref = inc.ref;
  c.severity = inc.severity;
  c.state = inc.state;
  c.open = inc.state != IncidentState::kResolved;

  struct Event {
    absl::Time at;
    int order;  // a severity change before an update at the same instant
    const Update* update;
    const SeverityChange* change;
  };
  std::vector<Event> events;
  for (const Update& u : inc.updates) events.push_back({u.posted_at, 1, &u, nullptr});
  for (const SeverityChange& s : inc.severity_changes) {
    events.push_back({s.changed_at, 0, nullptr, &s});
  }
  std::stable_sort(events.begin(), events.end(), [](const Event& a, const Event& b) {
    return a.at != b.at ? a.at < b.at : a.order < b.order;
  });

  Severity in_force =
      inc.severity_changes.empty() ? inc.severity : inc.severity_changes.front().from;
  absl::optional<size_t> standing;
  absl::optional<absl::Time> last_update;
  absl::optional<absl::Time> gap_deadline;  // when the current gap must end
  Severity gap_severity = in_force;

  for (const Event& e : events) {
    if (e.change) {
      in_force = e.change->to;
      // Escalation tightens the deadline of the running gap.
      if (last_update) {
        absl::optional<absl::Duration> cadence = policy.IntervalFor(in_force);
        if (cadence && (!gap_deadline || e.at + *cadence < *gap_deadline)) {
          gap_deadline = e.at + *cadence;
          gap_severity = in_force;
        }
      }
      // ... and the standing promise, when the service tightened it.
      if (e.change->next_update_at_after &&
          e.change->next_update_at_after != e.change->next_update_at_before) {
        if (standing) {
          // Only the promise the service tightened moves (an update at the
          // same instant may already have made an earlier one).
          PromiseEntry& p = c.ledger[*standing];
          if (p.status == PromiseStatus::kPending && e.change->next_update_at_before &&
              p.due == *e.change->next_update_at_before) {
            p.due = *e.change->next_update_at_after;
            p.from_escalation = true;
          }
        } else {
          PromiseEntry p;
          p.made_at = e.at;
          p.due = *e.change->next_update_at_after;
          p.from_escalation = true;
          c.ledger.push_back(p);
          standing = c.ledger.size() - 1;
        }
      }
      continue;
    }
    const Update& u = *e.update;
    if (!c.first_communication_delay) {
      c.first_communication_delay = u.posted_at - inc.confirmed_start;
      c.first_communication_late = *c.first_communication_delay > policy.first_communication_target;
    }
    // The status page is the record: a banner-only update neither keeps a
    // promise, nor makes one, nor ends a gap.
    if (!ReachesStatusPage(u.channels)) continue;
    if (last_update) {
      UpdateGap g;
      g.from = *last_update;
      g.to = u.posted_at;
      g.severity = gap_severity;
      if (gap_deadline) {
        g.allowed = *gap_deadline - g.from;
        g.within_cadence = promises.KeptBy(*gap_deadline, g.to);
      }
      c.gaps.push_back(g);
    }
    if (standing) {
      PromiseEntry& p = c.ledger[*standing];
      p.kept_at = u.posted_at;
      p.lateness = u.posted_at - p.due;
      p.status =
          promises.KeptBy(p.due, u.posted_at) ? PromiseStatus::kKept : PromiseStatus::kMissed;
      standing.reset();
    }
    if (u.next_update_at) {
      PromiseEntry p;
      p.made_at = u.posted_at;
      p.due = *u.next_update_at;
      c.ledger.push_back(p);
      standing = c.ledger.size() - 1;
    }
    if (u.kind == UpdateKind::kResolution) c.has_resolution_update = true;
    last_update = u.posted_at;
    gap_severity = in_force;
    gap_deadline.reset();
    if (u.state != IncidentState::kResolved) {
      absl::optional<absl::Duration> cadence = policy.IntervalFor(in_force);
      if (cadence) gap_deadline = u.posted_at + *cadence;
    }
  }

  if (standing) {
    PromiseEntry& p = c.ledger[*standing];
    if (promises.Overdue(p.due, now)) {
      p.status = PromiseStatus::kMissed;
      p.lateness = now - p.due;
    }
  }
  if (c.open) {
    if (!c.first_communication_delay) {
      const absl::Time due = inc.confirmed_start + policy.first_communication_target;
      if (promises.Overdue(due, now)) {
        c.overdue = true;
        c.overdue_by = now - due;
        c.overdue_what = "first communication";
        c.first_communication_late = true;
      }
    } else if (standing && c.ledger[*standing].status == PromiseStatus::kMissed) {
      c.overdue = true;
      c.overdue_by = now - c.ledger[*standing].due;
      c.overdue_what = "next update";
    }
  }
  if (!c.open && (inc.severity == Severity::kSev1 || inc.severity == Severity::kSev2)) {
    c.postmortem_expected = true;
    c.postmortem_published = inc.postmortem.has_value();
    c.postmortem_overdue = !c.postmortem_published && inc.resolved_at &&
                           now > *inc.resolved_at + options.postmortem_due;
  }
  return c;
}

ComplianceTotals Summarize(const std::vector<IncidentCompliance>& incidents) {
  ComplianceTotals t;
  for (const IncidentCompliance& c : incidents) {
    const int s = Index(c.severity);
    ++t.incidents[s];
    if (c.first_communication_delay) ++t.first_communications[s];
    if (c.first_communication_late) ++t.first_communications_late[s];
    for (const PromiseEntry& p : c.ledger) {
      if (p.status == PromiseStatus::kKept) ++t.promises_kept[s];
      else if (p.status == PromiseStatus::kMissed) ++t.promises_missed[s];
      else ++t.promises_pending[s];
    }
    for (const UpdateGap& g : c.gaps) {
      if (!g.allowed) continue;
      if (g.within_cadence) ++t.gaps_within[Index(g.severity)];
      else ++t.gaps_beyond[Index(g.severity)];
    }
    if (c.overdue) {
      ++t.overdue_now;
      t.largest_overdue = std::max(t.largest_overdue, c.overdue_by);
    }
    if (c.postmortem_expected) {
      if (c.postmortem_published) ++t.postmortems_published[s];
      else if (c.postmortem_overdue) ++t.postmortems_missing[s];
    }
    if (!c.open && !c.has_resolution_update) ++t.resolved_without_resolution_update;
  }
  return t;
}

}  // namespace statuscast
