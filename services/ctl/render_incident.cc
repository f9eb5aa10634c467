// Rendering incidents: show, list, the result of a write, watch events, the standing promise.
#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/types/optional.h"
#include "services/ctl/render.h"
#include "services/ctl/render_internal.h"

namespace statuscast {
namespace ctl {
namespace {

absl::optional<absl::Time> StateSince(const v1::Incident& inc) {
  switch (inc.state()) {
    case v1::INCIDENT_STATE_INVESTIGATING:
      return OptTime(inc.has_investigating_at(), inc.investigating_at());
    case v1::INCIDENT_STATE_IDENTIFIED:
      return OptTime(inc.has_identified_at(), inc.identified_at());
    case v1::INCIDENT_STATE_MONITORING:
      return OptTime(inc.has_monitoring_at(), inc.monitoring_at());
    case v1::INCIDENT_STATE_RESOLVED:
      return OptTime(inc.has_resolved_at(), inc.resolved_at());
    default:
      return absl::nullopt;
  }
}

// Whether a first communication `delay` after the start was late: the
// server's verdict when the incident carries its compliance, else against
// the 15-minute target.
bool FirstCommunicationLate(const v1::Incident& inc, absl::Duration delay) {
  return inc.has_compliance() ? inc.compliance().first_communication_late()
                              : delay > kFirstCommunicationTarget;
}

std::string FirstCommunication(const v1::Incident& inc, absl::Time now) {
  absl::Time start = TimeFromProto(inc.confirmed_start());
  const std::string target = absl::StrCat("target ", FormatSpan(kFirstCommunicationTarget));
  if (inc.has_first_communication_at()) {
    absl::Time first = TimeFromProto(inc.first_communication_at());
    absl::Duration delay = first - start;
    if (inc.has_first_communication_delay()) {
      delay = DurationFromProto(inc.first_communication_delay());
    }
    return absl::StrCat(FormatUtcMinute(first), ", ", FormatSpan(delay), " after start",
                        FirstCommunicationLate(inc, delay) ? ": LATE" : "", " (", target, ")");
  }
  if (!IsOpen(inc)) return "none was posted";
  absl::Duration since = now - start;
  const absl::Time due = start + kFirstCommunicationTarget;
  if (FirstCommunicationLate(inc, since)) {
    return absl::StrCat("NONE YET, ", FormatSpan(since), " since start: LATE (", target,
                        ", was due ", FormatUtcNear(due, now), ")");
  }
  if (now >= due) return absl::StrCat("none yet: due now (by ", FormatUtcNear(due, now), ")");
  return absl::StrCat("none yet: due by ", FormatUtcNear(due, now), " (in ", FormatSpan(due - now),
                      ")");
}

void AppendUpdate(std::string* out, const v1::Update& u, const v1::Incident& inc,
                  absl::optional<absl::Time>* standing) {
  absl::Time posted = TimeFromProto(u.posted_at());
  std::vector<std::string> marks;
  switch (u.kind()) {
    case v1::UPDATE_KIND_FIRST:
      marks.push_back(absl::StrCat("first update, ",
                                   FormatSpan(posted - TimeFromProto(inc.confirmed_start())),
                                   " after start"));
      break;
    case v1::UPDATE_KIND_NO_PROGRESS:
      marks.push_back("no progress");
      break;
    case v1::UPDATE_KIND_RESOLUTION:
      marks.push_back("resolution");
      break;
    case v1::UPDATE_KIND_REOPEN:
      marks.push_back("reopened");
      break;
    default:
      break;
  }
  if (u.kept_promise() == v1::PROMISE_OUTCOME_KEPT) {
    marks.push_back("kept");
  } else if (u.kept_promise() == v1::PROMISE_OUTCOME_LATE) {
    marks.push_back(standing->has_value() && posted > **standing
                        ? absl::StrCat("LATE by ", FormatSpan(posted - **standing))
                        : "LATE");
  }
  const bool on_status_page = HasChannel(u.channels(), v1::CHANNEL_STATUS_PAGE) ||
                              HasChannel(u.channels(), v1::CHANNEL_PUBLIC);
  if (u.third_party_confirmed()) marks.push_back("third party confirmed");
  std::string tail;
  if (u.has_next_update_at() && on_status_page) {
    tail =
        absl::StrCat("next update by ", FormatUtcNear(TimeFromProto(u.next_update_at()), posted));
  } else if (standing->has_value() && !on_status_page) {
    // Only a status-page update keeps or moves the promise.
    tail =
        absl::StrCat("banner only: next update still due by ", FormatUtcNear(**standing, posted));
  }
  if (!marks.empty()) {
    absl::StrAppend(&tail, tail.empty() ? "" : "  ", "[", absl::StrJoin(marks, ", "), "]");
  }
  std::string meta = absl::StrCat("by ", u.author().empty() ? "?" : u.author());
  if (u.channels_size() > 0) absl::StrAppend(&meta, " to ", ChannelList(u.channels()));
  if (u.id() != 0) absl::StrAppend(&meta, " (update ", u.id(), ")");  // for `correct --update`
  std::vector<std::string> metas = {meta};
  if (u.revisions_size() > 1) {
    const v1::UpdateRevision& last = u.revisions(u.revisions_size() - 1);
    metas.push_back(absl::StrCat("edited ", FormatUtcNear(TimeFromProto(last.revised_at()), posted),
                                 " by ", last.author().empty() ? "?" : last.author(), " (revision ",
                                 last.number(), last.reason().empty() ? "" : ": ",
                                 Truncate(OneLine(last.reason()), 60), ")"));
  }
  if (HasChannel(u.channels(), v1::CHANNEL_IN_APP_BANNER) && !u.banner_text().empty()) {
    metas.push_back(absl::StrCat("banner: \"", Truncate(OneLine(u.banner_text()), 50), "\""));
  }
  AppendEntry(out, posted, StateLabel(u.state()), u.message(), tail, metas);
  if (on_status_page) *standing = OptTime(u.has_next_update_at(), u.next_update_at());
}

void AppendSeverityChange(std::string* out, absl::Time at, const v1::SeverityChange& c,
                          absl::optional<absl::Time>* standing) {
  std::string text = absl::StrCat(SeverityLabel(c.from()), " -> ", SeverityLabel(c.to()));
  if (!c.reason().empty()) absl::StrAppend(&text, ": ", c.reason());
  std::string tail;
  if (c.has_next_update_at_after() &&
      (!c.has_next_update_at_before() ||
       TimeFromProto(c.next_update_at_before()) != TimeFromProto(c.next_update_at_after()))) {
    tail = absl::StrCat("next update now by ",
                        FormatUtcNear(TimeFromProto(c.next_update_at_after()), at));
  }
  AppendEntry(out, at, "severity", text, tail,
              {absl::StrCat("by ", c.author().empty() ? "?" : c.author())});
  if (c.has_next_update_at_after()) *standing = TimeFromProto(c.next_update_at_after());
}

void AppendRoleChange(std::string* out, absl::Time at, const v1::RoleChange& c) {
  const char* role =
      c.role() == v1::INCIDENT_ROLE_COMMS_LEAD ? "communications lead" : "incident commander";
  std::string text = c.from().empty() ? absl::StrCat(role, ": ", c.to())
                                      : absl::StrCat(role, ": ", c.from(), " -> ", c.to());
  AppendEntry(out, at, "roles", text, "",
              {absl::StrCat("by ", c.author().empty() ? "?" : c.author())});
}

void AppendPostmortem(std::string* out, absl::Time at, const v1::Postmortem& p) {
  std::string text = p.url();
  if (!p.body().empty()) {
    absl::StrAppend(&text, text.empty() ? "" : "  ",
                    absl::StrFormat("(write-up, %d characters)", Utf8Length(p.body())));
  }
  AppendEntry(out, at, "postmortem", text, "",
              {absl::StrCat("by ", p.author().empty() ? "?" : p.author())});
}

// The NEXT UPDATE cell of `list`.
std::string PromiseCell(const v1::Incident& inc, absl::Time now) {
  if (!IsOpen(inc)) return "resolved";
  if (!inc.has_next_update_at()) {
    if (!inc.has_first_communication_at()) return "NO UPDATE YET";
    return inc.severity() == v1::SEVERITY_SEV3 ? "on state change" : "none";
  }
  absl::Time next = TimeFromProto(inc.next_update_at());
  // Overdue is the server's verdict (it allows a grace after each promise).
  if (inc.next_update_overdue()) {
    return absl::StrCat("OVERDUE ", FormatSpan(std::max(now - next, absl::ZeroDuration())));
  }
  if (now >= next) return absl::StrCat("due now (", FormatUtcNear(next, now), ")");
  return absl::StrCat("in ", FormatSpan(next - now), " (", FormatUtcNear(next, now), ")");
}

const char* EventKindLabel(v1::IncidentEvent::Kind k) {
  switch (k) {
    case v1::IncidentEvent::KIND_SNAPSHOT:
      return "open";
    case v1::IncidentEvent::KIND_SNAPSHOT_END:
      return "live";
    case v1::IncidentEvent::KIND_DECLARED:
      return "declared";
    case v1::IncidentEvent::KIND_UPDATED:
      return "updated";
    case v1::IncidentEvent::KIND_SEVERITY_CHANGED:
      return "severity";
    case v1::IncidentEvent::KIND_RESOLVED:
      return "resolved";
    case v1::IncidentEvent::KIND_REOPENED:
      return "reopened";
    case v1::IncidentEvent::KIND_POSTMORTEM_PUBLISHED:
      return "postmortem";
    case v1::IncidentEvent::KIND_COMPONENT_CREATED:
    case v1::IncidentEvent::KIND_COMPONENT_UPDATED:
    case v1::IncidentEvent::KIND_COMPONENT_RETIRED:
      return "component";
    case v1::IncidentEvent::KIND_UPDATE_CORRECTED:
      return "corrected";
    case v1::IncidentEvent::KIND_BANNER_CREATED:
    case v1::IncidentEvent::KIND_BANNER_UPDATED:
    case v1::IncidentEvent::KIND_BANNER_DISABLED:
      return "banner";
    case v1::IncidentEvent::KIND_KILL_SWITCH:
      return "killswitch";
    case v1::IncidentEvent::KIND_ROLES_CHANGED:
      return "roles";
    case v1::IncidentEvent::KIND_DRAFT_PROPOSED:
    case v1::IncidentEvent::KIND_DRAFT_REJECTED:
      return "draft";
    default:
      return "change";
  }
}

}  // namespace

std::string DescribePromise(const v1::Incident& inc, absl::Time now) {
  if (!IsOpen(inc)) {
    return inc.has_resolved_at()
               ? absl::StrCat("resolved at ", FormatUtcMinute(TimeFromProto(inc.resolved_at())))
               : "resolved";
  }
  if (inc.has_compliance()) {
    // The server's verdict (it allows a grace after each promise).
    const v1::IncidentCompliance& c = inc.compliance();
    if (c.overdue()) {
      const std::string by = FormatSpan(DurationFromProto(c.overdue_by()));
      if (c.overdue_what() == "first communication" || !inc.has_first_communication_at()) {
        return absl::StrCat("OVERDUE by ", by, ": no customer update posted yet");
      }
      absl::optional<absl::Time> promised = OverduePromise(c);
      if (inc.has_next_update_at()) promised = TimeFromProto(inc.next_update_at());
      return absl::StrCat("OVERDUE by ", by,
                          promised ? absl::StrCat(" (promised ", FormatUtcNear(*promised, now), ")")
                                   : absl::StrCat(": ", c.overdue_what()));
    }
  }
  if (!inc.has_next_update_at()) {
    if (!inc.has_first_communication_at()) return "no customer update posted yet";
    if (inc.severity() == v1::SEVERITY_SEV3) return "next update on state change (SEV-3)";
    return "no next update promised";
  }
  absl::Time next = TimeFromProto(inc.next_update_at());
  // Without the compliance, the incident's own flag is the server's verdict.
  if (!inc.has_compliance() && inc.next_update_overdue()) {
    return absl::StrCat("OVERDUE by ", FormatSpan(std::max(now - next, absl::ZeroDuration())),
                        " (promised ", FormatUtcNear(next, now), ")");
  }
  if (now > next) {
    return absl::StrCat("next update due now (promised ", FormatUtcNear(next, now),
                        ", within the grace)");
  }
  if (next - now < absl::Seconds(1)) {
    return absl::StrCat("next update due now (by ", FormatUtcNear(next, now), ")");
  }
  return absl::StrCat("next update due in ", FormatSpan(next - now), " (by ",
                      FormatUtcNear(next, now), ")");
}

std::string RenderIncident(const v1::Incident& inc, absl::Time now,
                           const v1::ListComponentsResponse* components_now) {
  std::string out = absl::StrCat(inc.ref(), "  ", inc.title(), "\n");
  AppendHeader(&out, "severity", SeverityLabel(inc.severity()));
  // Who speaks for it (a server that predates roles sends neither).
  if (!inc.commander().empty() || !inc.comms_lead().empty()) {
    AppendHeader(&out, "commander", inc.commander().empty() ? "none named" : inc.commander());
    AppendHeader(&out, "comms lead",
                 !inc.comms_lead().empty() ? inc.comms_lead()
                 : IsOpen(inc)
                     ? absl::StrCat("none named (statuscastctl roles ", inc.ref(), " --comms NAME)")
                     : std::string("none named"));
  }
  absl::Time start = TimeFromProto(inc.confirmed_start());
  std::string state = StateLabel(inc.state());
  absl::optional<absl::Time> since = StateSince(inc);
  if (!IsOpen(inc) && since) {
    absl::StrAppend(&state, " at ", FormatUtcMinute(*since), ", ", FormatSpan(*since - start),
                    " after start");
  } else if (since) {
    absl::StrAppend(&state, " since ", FormatUtcMinute(*since));
  }
  AppendHeader(&out, "state", state);
  AppendHeader(&out, "confirmed start", FormatUtcMinute(start));
  if (inc.has_declared_at())
    AppendHeader(&out, "declared", FormatUtcMinute(TimeFromProto(inc.declared_at())));
  AppendHeader(&out, "first update", FirstCommunication(inc, now));
  if (inc.affected_components_size() == 0) {
    AppendHeader(&out, "components", "none named");
  } else {
    size_t name_width = 0;
    for (const auto& c : inc.affected_components())
      name_width = std::max(name_width, Utf8Length(c.name()));
    for (int i = 0; i < inc.affected_components_size(); ++i) {
      const auto& c = inc.affected_components(i);
      const v1::Component* now_c = nullptr;
      if (components_now != nullptr) {
        for (const v1::Component& k : components_now->components()) {
          if (k.name() == c.name()) now_c = &k;
        }
      }
      std::string status = ComponentStatusLabel(c.status());
      if (now_c != nullptr && (!IsOpen(inc) || now_c->status() != c.status())) {
        status = absl::StrCat(ComponentStatusLabel(now_c->status()), " now (",
                              ComponentStatusLabel(c.status()),
                              IsOpen(inc) ? " in this incident)" : " during this incident)");
      } else if (now_c == nullptr && !IsOpen(inc)) {
        status = absl::StrCat(status, " during this incident");
      }
      AppendHeader(&out, i == 0 ? "components" : "",
                   absl::StrCat(Pad(c.name(), name_width), "  ", status));
    }
  }
  if (inc.reopen_count() > 0) {
    AppendHeader(
        &out, "reopened",
        inc.reopen_count() == 1 ? std::string("once") : absl::StrCat(inc.reopen_count(), " times"));
  }
  if (inc.has_postmortem()) {
    const v1::Postmortem& p = inc.postmortem();
    std::string what = p.url().empty() ? "(written up in full)" : p.url();
    if (p.has_published_at()) {
      absl::StrAppend(&what, " (published ", FormatUtcMinute(TimeFromProto(p.published_at())), ")");
    }
    AppendHeader(&out, "postmortem", what);
  }

  absl::StrAppend(&out, "\n");
  if (inc.timeline_size() == 0) {
    absl::StrAppend(&out, "  no updates yet\n");
  }
  absl::optional<absl::Time> standing;
  for (const v1::TimelineEvent& ev : inc.timeline()) {
    absl::Time at = TimeFromProto(ev.at());
    switch (ev.event_case()) {
      case v1::TimelineEvent::kUpdate:
        AppendUpdate(&out, ev.update(), inc, &standing);
        break;
      case v1::TimelineEvent::kSeverityChange:
        AppendSeverityChange(&out, at, ev.severity_change(), &standing);
        break;
      case v1::TimelineEvent::kPostmortem:
        AppendPostmortem(&out, at, ev.postmortem());
        break;
      case v1::TimelineEvent::kRoleChange:
        AppendRoleChange(&out, at, ev.role_change());
        break;
      default:
        break;
    }
  }
  if (inc.has_compliance()) absl::StrAppend(&out, "\n", RenderPromises(inc.compliance(), now));
  absl::StrAppend(&out, "\n", DescribePromise(inc, now), "\n");
  return out;
}

std::string RenderIncidentTable(const v1::ListIncidentsResponse& list, absl::Time now) {
  if (list.incidents_size() == 0) return "no incidents match\n";
  std::vector<std::vector<std::string>> rows = {
      {"REF", "SEV", "STATE", "STARTED", "NEXT UPDATE", "TITLE"}};
  for (const v1::Incident& inc : list.incidents()) {
    rows.push_back({inc.ref(), SeverityLabel(inc.severity()), StateLabel(inc.state()),
                    FormatUtcMinute(TimeFromProto(inc.confirmed_start())), PromiseCell(inc, now),
                    Truncate(OneLine(inc.title()), 60)});
  }
  return Table(rows);
}

std::string RenderWriteResult(const std::string& verb, const v1::WriteIncidentResponse& r,
                              absl::Time now) {
  const v1::Incident& inc = r.incident();
  std::string out =
      absl::StrCat(inc.ref(), " ", verb, ": ", SeverityLabel(inc.severity()), ", ",
                   StateLabel(inc.state()), "  \"", Truncate(OneLine(inc.title()), 60), "\"\n");
  if (r.replayed()) {
    absl::StrAppend(&out,
                    "  (this repeats an earlier identical request; nothing new was written)\n");
  }
  if (r.has_update() && r.update().channels_size() > 0) {
    absl::StrAppend(&out, "  update posted to ", ChannelList(r.update().channels()), "\n");
  }
  if (inc.has_postmortem() && verb == "postmortem published") {
    absl::StrAppend(&out, "  postmortem ",
                    inc.postmortem().url().empty() ? "(body)" : inc.postmortem().url(), "\n");
  }
  if (IsOpen(inc) && !inc.has_first_communication_at()) {
    absl::StrAppend(&out, "  first customer update: ", FirstCommunication(inc, now), "\n",
                    "  post it: statuscastctl update ", inc.ref(), " --message \"...\"\n");
  } else {
    absl::StrAppend(&out, "  ", DescribePromise(inc, now), "\n");
  }
  return out;
}

std::string RenderEvent(const v1::IncidentEvent& e, absl::Time now) {
  std::string when = e.has_at() ? FormatUtcMinute(TimeFromProto(e.at())) : std::string(kTimeWidth, ' ');
  std::string head = absl::StrCat(when, "  ", Pad(absl::StrCat("#", e.sequence()), 8),
                                  Pad(EventKindLabel(e.kind()), 11));
  if (e.kind() == v1::IncidentEvent::KIND_SNAPSHOT_END) {
    return absl::StrCat(head, "open incidents above; live changes follow\n");
  }
  const std::string by = e.actor().empty() ? "" : absl::StrCat("  by ", e.actor());
  if (e.kind() == v1::IncidentEvent::KIND_COMPONENT_CREATED) {
    const v1::Component& c = e.component();
    return absl::StrCat(head, "created ", c.name(),
                        c.group().empty() ? "" : absl::StrCat(" (", c.group(), ")"), by, "\n");
  }
  if (e.kind() == v1::IncidentEvent::KIND_COMPONENT_UPDATED ||
      e.kind() == v1::IncidentEvent::KIND_COMPONENT_RETIRED) {
    return absl::StrCat(head,
                        e.kind() == v1::IncidentEvent::KIND_COMPONENT_RETIRED ? "retired " : "changed ",
                        e.component().name(), by, "\n");
  }
  // Changes without an incident: manual banners, kill switches, and kinds
  // newer than this statuscastctl (the server's summary still says what).
  const char* verb = nullptr;
  switch (e.kind()) {
    case v1::IncidentEvent::KIND_BANNER_CREATED:
      verb = "created ";
      break;
    case v1::IncidentEvent::KIND_BANNER_UPDATED:
      verb = "edited ";
      break;
    case v1::IncidentEvent::KIND_BANNER_DISABLED:
      verb = "disabled ";
      break;
    case v1::IncidentEvent::KIND_KILL_SWITCH:
      verb = "kill switch ";
      break;
    default:
      if (!e.has_incident()) verb = "";
  }
  if (verb != nullptr) {
    std::string what = e.summary().empty()
                           ? std::string("(no details; statuscastctl banner list shows the state)")
                           : Truncate(OneLine(e.summary()), 90);
    return absl::StrCat(head, verb, what, by, "\n");
  }
  const v1::Incident& inc = e.incident();
  std::string line = absl::StrCat(head, Pad(inc.ref(), 8), SeverityLabel(inc.severity()), "  ",
                                  Pad(StateLabel(inc.state()), kLabelWidth), "  ");
  std::string detail;
  switch (e.kind()) {
    case v1::IncidentEvent::KIND_SNAPSHOT:
    case v1::IncidentEvent::KIND_DECLARED:
    case v1::IncidentEvent::KIND_SEVERITY_CHANGED:
    case v1::IncidentEvent::KIND_POSTMORTEM_PUBLISHED:
      detail = Truncate(OneLine(inc.title()), 50);
      break;
    default:
      detail = e.has_update() ? Truncate(OneLine(e.update().message()), 50)
                              : Truncate(OneLine(inc.title()), 50);
  }
  absl::StrAppend(&line, detail);
  if (e.kind() == v1::IncidentEvent::KIND_POSTMORTEM_PUBLISHED && !inc.postmortem().url().empty()) {
    absl::StrAppend(&line, "  ", inc.postmortem().url());
  }
  absl::StrAppend(&line, "  | ", DescribePromise(inc, now));
  if (!e.actor().empty() && e.kind() != v1::IncidentEvent::KIND_SNAPSHOT) {
    absl::StrAppend(&line, "  by ", e.actor());
  }
  return line + "\n";
}

}  // namespace ctl
}  // namespace statuscast
