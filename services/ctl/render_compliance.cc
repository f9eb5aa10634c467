// Rendering compliance: the promise ledger, the report, reminders.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/types/optional.h"
#include "services/ctl/render.h"
#include "services/ctl/render_internal.h"

namespace statuscast {
namespace ctl {
namespace {

const char* PromiseTag(v1::PromiseStatus s) {
  switch (s) {
    case v1::PROMISE_STATUS_KEPT:
      return "[kept]";
    case v1::PROMISE_STATUS_MISSED:
      return "[MISSED]";
    default:
      return "[pending]";
  }
}

// "2 kept, 1 missed, 1 pending" (zeros left out), or "none made yet".
std::string PromiseCounts(const v1::IncidentCompliance& c) {
  int kept = 0, missed = 0, pending = 0;
  for (const v1::PromiseEntry& p : c.ledger()) {
    if (p.status() == v1::PROMISE_STATUS_KEPT) {
      ++kept;
    } else if (p.status() == v1::PROMISE_STATUS_MISSED) {
      ++missed;
    } else {
      ++pending;
    }
  }
  if (c.ledger_size() == 0) {
    return c.severity() == v1::SEVERITY_SEV3 ? "none (SEV-3: updates on state change)"
                                             : "none made yet";
  }
  std::vector<std::string> parts;
  if (kept > 0) parts.push_back(absl::StrCat(kept, " kept"));
  if (missed > 0) parts.push_back(absl::StrCat(missed, " missed"));
  if (pending > 0) parts.push_back(absl::StrCat(pending, " pending"));
  return absl::StrJoin(parts, ", ");
}

// The compliance lines of one incident, each indented by two: first
// communication, the ledger, gaps beyond the cadence, resolution and
// postmortem, and what is overdue now with the command that fixes it.
void AppendCompliance(std::string* out, const v1::IncidentCompliance& c, absl::Time now) {
  constexpr size_t kLabel = 14;
  auto line = [out](const std::string& label, const std::string& text) {
    absl::StrAppend(out, "  ", Pad(label, kLabel), " ", text, "\n");
  };
  const bool open = c.state() != v1::INCIDENT_STATE_RESOLVED;
  if (c.has_first_communication_delay()) {
    const absl::Duration delay = DurationFromProto(c.first_communication_delay());
    // The server's target may differ from the default; only name it when
    // the verdicts agree.
    const bool agrees = c.first_communication_late() == (delay > kFirstCommunicationTarget);
    line("first update",
         absl::StrCat(
             FormatSpan(delay), " after start", c.first_communication_late() ? ": LATE" : "",
             agrees ? absl::StrCat(" (target ", FormatSpan(kFirstCommunicationTarget), ")") : ""));
  } else if (open) {
    line("first update", c.first_communication_late() ? "NONE YET: LATE" : "none yet");
  } else {
    line("first update", "none was posted");
  }

  // The ledger, with times on today's date short and all long otherwise so
  // that they stay aligned.
  bool today = true;
  for (const v1::PromiseEntry& p : c.ledger()) {
    if (FormatUtcNear(TimeFromProto(p.made_at()), now).size() > 9) today = false;
  }
  for (const v1::PromiseEntry& p : c.ledger()) {
    const absl::Time made = TimeFromProto(p.made_at());
    absl::StrAppend(out, "  ", today ? FormatUtcNear(made, now) : FormatUtcMinute(made), "  ",
                    p.description().empty()
                        ? absl::StrCat("promised ", FormatUtcNear(TimeFromProto(p.due()), now))
                        : OneLine(p.description()),
                    "  ", PromiseTag(p.status()), "\n");
  }

  int within = 0, beyond = 0;
  for (const v1::UpdateGap& g : c.gaps()) {
    if (!g.has_allowed()) continue;
    (g.within_cadence() ? within : beyond)++;
  }
  if (within + beyond > 0) {
    line("update gaps", beyond == 0
                            ? (within == 1 ? std::string("1, within the cadence")
                                           : absl::StrCat("all ", within, " within the cadence"))
                            : absl::StrCat(beyond, " BEYOND the cadence, ", within, " within"));
    for (const v1::UpdateGap& g : c.gaps()) {
      if (!g.has_allowed() || g.within_cadence()) continue;
      const absl::Time from = TimeFromProto(g.from()), to = TimeFromProto(g.to());
      line("", absl::StrCat(FormatUtcNear(from, now), " to ", FormatUtcNear(to, now), ": ",
                            FormatSpan(to - from), ", ", SeverityLabel(g.severity()), " allowed ",
                            FormatSpan(DurationFromProto(g.allowed()))));
    }
  }
  if (!open && !c.has_resolution_update()) line("resolution", "NO resolution update was posted");
  if (c.postmortem_expected()) {
    line("postmortem", c.postmortem_published() ? "published"
                       : c.postmortem_overdue() ? "NOT PUBLISHED, overdue"
                                                : "not published yet");
  }
  if (c.overdue()) {
    const bool first = c.overdue_what() == "first communication";
    absl::optional<absl::Time> promised = first ? absl::nullopt : OverduePromise(c);
    absl::StrAppend(out, "  !! OVERDUE by ", FormatSpan(DurationFromProto(c.overdue_by())), ": ",
                    c.overdue_what().empty() ? std::string("next update") : c.overdue_what(),
                    promised ? absl::StrCat(" (promised ", FormatUtcNear(*promised, now), ")") : "",
                    "\n", "     post one now: statuscastctl template ",
                    c.incident_ref().empty() ? std::string("INC-n") : c.incident_ref(), " --tone ",
                    first ? "acknowledging" : "no_progress", " --post\n");
  }
}

std::string ReportCount(int n, int of) {
  return of == 0 ? std::string("-") : absl::StrCat(n, " of ", of);
}

const char* ReminderCommandTone(v1::Reminder::Kind k) {
  switch (k) {
    case v1::Reminder::KIND_MISSED:
    case v1::Reminder::KIND_DUE_SOON:
    case v1::Reminder::KIND_PROMISE_MOVED:
      return "no_progress";
    case v1::Reminder::KIND_FIRST_COMMUNICATION_LATE:
    case v1::Reminder::KIND_FIRST_COMMUNICATION_DUE_SOON:
      return "acknowledging";
    default:
      return nullptr;
  }
}

}  // namespace

std::string RenderPromises(const v1::IncidentCompliance& c, absl::Time now) {
  std::string out = absl::StrCat("Promises: ", PromiseCounts(c), "\n");
  AppendCompliance(&out, c, now);
  return out;
}

std::string RenderComplianceReport(const v1::ComplianceReport& r, absl::optional<absl::Time> since,
                                   absl::optional<absl::Time> until, absl::Time now) {
  const absl::Time at = r.has_generated_at() ? TimeFromProto(r.generated_at()) : now;
  std::string range = "All incidents";
  if (since && until) {
    range =
        absl::StrCat("Incidents confirmed from ", FormatUtcMinute(*since), " until ", FormatUtcMinute(*until));
  } else if (since) {
    range = absl::StrCat("Incidents confirmed since ", FormatUtcMinute(*since));
  } else if (until) {
    range = absl::StrCat("Incidents confirmed before ", FormatUtcMinute(*until));
  }
  std::string out = absl::StrCat(range, ": communication compliance as of ", FormatUtcMinute(at), "\n\n");

  std::vector<std::vector<std::string>> rows = {
      {"SEVERITY", "INCIDENTS", "FIRST COMMS", "PROMISES", "", "", "GAPS", "POSTMORTEMS", ""},
      {"", "", "LATE", "KEPT", "MISSED", "PENDING", "BEYOND CADENCE", "PUBLISHED", "MISSING"}};
  v1::SeverityTotals all;
  for (const v1::SeverityTotals& t : r.by_severity()) {
    const bool pm = t.severity() != v1::SEVERITY_SEV3;
    rows.push_back(
        {SeverityLabel(t.severity()), absl::StrCat(t.incidents()),
         ReportCount(t.first_communications_late(), t.first_communications()),
         absl::StrCat(t.promises_kept()), absl::StrCat(t.promises_missed()),
         absl::StrCat(t.promises_pending()),
         ReportCount(t.gaps_beyond_cadence(), t.gaps_beyond_cadence() + t.gaps_within_cadence()),
         pm ? absl::StrCat(t.postmortems_published()) : "-",
         pm ? absl::StrCat(t.postmortems_missing()) : "-"});
    all.set_incidents(all.incidents() + t.incidents());
    all.set_first_communications(all.first_communications() + t.first_communications());
    all.set_first_communications_late(all.first_communications_late() +
                                      t.first_communications_late());
    all.set_promises_kept(all.promises_kept() + t.promises_kept());
    all.set_promises_missed(all.promises_missed() + t.promises_missed());
    all.set_promises_pending(all.promises_pending() + t.promises_pending());
    all.set_gaps_within_cadence(all.gaps_within_cadence() + t.gaps_within_cadence());
    all.set_gaps_beyond_cadence(all.gaps_beyond_cadence() + t.gaps_beyond_cadence());
    all.set_postmortems_published(all.postmortems_published() + t.postmortems_published());
    all.set_postmortems_missing(all.postmortems_missing() + t.postmortems_missing());
  }
  rows.push_back({"all", absl::StrCat(all.incidents()),
                  ReportCount(all.first_communications_late(), all.first_communications()),
                  absl::StrCat(all.promises_kept()), absl::StrCat(all.promises_missed()),
                  absl::StrCat(all.promises_pending()),
                  ReportCount(all.gaps_beyond_cadence(),
                              all.gaps_beyond_cadence() + all.gaps_within_cadence()),
                  absl::StrCat(all.postmortems_published()),
                  absl::StrCat(all.postmortems_missing())});
  absl::StrAppend(&out, Table(rows), "\n");

  if (r.overdue_now() == 0) {
    absl::StrAppend(&out, "overdue now: none\n");
  } else {
    absl::StrAppend(&out, "!! OVERDUE NOW: ", r.overdue_now(),
                    r.overdue_now() == 1 ? " incident" : " incidents", ", the largest by ",
                    FormatSpan(DurationFromProto(r.largest_overdue())), "\n");
  }
  if (r.resolved_without_resolution_update() > 0) {
    absl::StrAppend(&out, "resolved without a resolution update: ",
                    r.resolved_without_resolution_update(), "\n");
  }
  if (r.incidents_size() == 0) {
    absl::StrAppend(&out, "\nno incidents in this range\n");
    return out;
  }
  for (const v1::IncidentCompliance& c : r.incidents()) {
    absl::StrAppend(&out, "\n", c.incident_ref(), "  ", SeverityLabel(c.severity()), "  ",
                    StateLabel(c.state()), "  promises: ", PromiseCounts(c), "\n");
    AppendCompliance(&out, c, at);
  }
  return out;
}

std::string RenderReminder(const v1::Reminder& r, absl::Time now) {
  const std::string when =
      r.has_raised_at() ? FormatUtcMinute(TimeFromProto(r.raised_at())) : std::string(kTimeWidth, ' ');
  std::string text = OneLine(r.text());
  if (text.empty()) {
    text = absl::StrCat(r.incident_ref(), " ", SeverityLabel(r.severity()), ": next update due by ",
                        FormatUtcNear(TimeFromProto(r.due()), now));
  }
  std::string out = absl::StrCat(when, "  REMINDER  ", text, "\n");
  const std::string pad(kTimeWidth + 2 + 10, ' ');
  const bool late = r.kind() == v1::Reminder::KIND_MISSED ||
                    r.kind() == v1::Reminder::KIND_FIRST_COMMUNICATION_LATE;
  const char* tone = ReminderCommandTone(r.kind());
  if (late && r.kind() == v1::Reminder::KIND_MISSED && !r.suggested_message().empty()) {
    absl::StrAppend(&out, pad, "suggested: ", OneLine(r.suggested_message()), "\n");
  }
  // A missed promise, or one an escalation moved: post now.
  const bool post_now = late || r.kind() == v1::Reminder::KIND_PROMISE_MOVED;
  if (post_now && tone != nullptr && !r.incident_ref().empty()) {
    absl::StrAppend(&out, pad, "post it:   statuscastctl template ", r.incident_ref(), " --tone ",
                    tone, " --post\n");
  }
  return out;
}

}  // namespace ctl
}  // namespace statuscast
