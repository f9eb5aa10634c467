#include "services/ctl/render.h"

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/types/optional.h"
#include "libs/incident/model.h"

namespace statuscast {
namespace ctl {
namespace {

constexpr size_t kWidth = 100;       // wrap timeline text at this column
constexpr size_t kTimeWidth = 20;    // "2026-11-27 14:02 UTC"
constexpr size_t kLabelWidth = 13;   // "investigating"
constexpr size_t kHeaderLabel = 16;  // "confirmed start "

size_t Utf8Length(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// Left-aligns `s` in `width` columns (counting code points, not bytes).
std::string Pad(const std::string& s, size_t width) {
  size_t len = Utf8Length(s);
  return len >= width ? s : s + std::string(width - len, ' ');
}

// At most `max` code points, ending in "..." when cut.
std::string Truncate(const std::string& s, size_t max) {
  if (Utf8Length(s) <= max) return s;
  size_t keep = max > 3 ? max - 3 : 0, n = 0, i = 0;
  for (; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
      if (n == keep) break;
      ++n;
    }
  }
  return s.substr(0, i) + "...";
}

// One line of text (newlines become spaces), for single-line output.
std::string OneLine(const std::string& s) {
  std::string out;
  for (char c : s) out.push_back(c == '\n' || c == '\r' || c == '\t' ? ' ' : c);
  return out;
}

// Splits text into lines of at most `width` code points, breaking at spaces
// (a longer word gets a line of its own); newlines start a new line.
std::vector<std::string> Wrap(const std::string& text, size_t width) {
  std::vector<std::string> lines;
  for (absl::string_view para : absl::StrSplit(text, '\n')) {
    std::string line;
    for (absl::string_view word : absl::StrSplit(para, ' ', absl::SkipEmpty())) {
      std::string w(word);
      if (!line.empty() && Utf8Length(line) + 1 + Utf8Length(w) > width) {
        lines.push_back(line);
        line.clear();
      }
      absl::StrAppend(&line, line.empty() ? "" : " ", w);
    }
    lines.push_back(line);
  }
  while (lines.size() > 1 && lines.back().empty()) lines.pop_back();
  return lines;
}

absl::optional<absl::Time> OptTime(bool has, const google::protobuf::Timestamp& ts) {
  if (!has) return absl::nullopt;
  return TimeFromProto(ts);
}

absl::Duration DurationFromProto(const google::protobuf::Duration& d) {
  return absl::Seconds(d.seconds()) + absl::Nanoseconds(d.nanos());
}

std::string ChannelList(const google::protobuf::RepeatedField<int>& channels) {
  std::vector<std::string> names;
  for (int c : channels) names.push_back(ChannelLabel(static_cast<v1::Channel>(c)));
  return absl::StrJoin(names, ", ");
}

bool HasChannel(const google::protobuf::RepeatedField<int>& channels, v1::Channel c) {
  return std::find(channels.begin(), channels.end(), c) != channels.end();
}

bool IsOpen(const v1::Incident& inc) { return inc.state() != v1::INCIDENT_STATE_RESOLVED; }

// Appends a timeline entry: time, label, text wrapped in the third column,
// `tail` after the text when it fits on the last line (else on its own),
// then `meta` lines, indented under the text.
void AppendEntry(std::string* out, absl::Time at, const std::string& label, const std::string& text,
                 const std::string& tail, const std::vector<std::string>& meta) {
  const size_t indent = 2 + kTimeWidth + 2 + kLabelWidth + 2;
  const size_t text_width = kWidth - indent;
  const std::string pad(indent, ' ');
  std::vector<std::string> lines = Wrap(text, text_width);
  if (!tail.empty()) {
    if (Utf8Length(lines.back()) + 2 + Utf8Length(tail) <= text_width && !lines.back().empty()) {
      absl::StrAppend(&lines.back(), "  ", tail);
    } else if (lines.back().empty()) {
      lines.back() = tail;
    } else {
      lines.push_back(tail);
    }
  }
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i == 0) {
      absl::StrAppend(out, "  ", FormatUtc(at), "  ", Pad(label, kLabelWidth), "  ", lines[i],
                      "\n");
    } else {
      absl::StrAppend(out, pad, lines[i], "\n");
    }
  }
  for (const std::string& m : meta) absl::StrAppend(out, pad, m, "\n");
}

void AppendHeader(std::string* out, const std::string& label, const std::string& value) {
  absl::StrAppend(out, "  ", Pad(label, kHeaderLabel), " ", value, "\n");
}

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
    return absl::StrCat(FormatUtc(first), ", ", FormatSpan(delay), " after start",
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
  std::vector<std::string> metas = {meta};
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

std::string Table(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> widths;
  for (const auto& row : rows) {
    if (widths.size() < row.size()) widths.resize(row.size(), 0);
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], Utf8Length(row[i]));
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      absl::StrAppend(&line, i + 1 == row.size() ? row[i] : Pad(row[i], widths[i] + 2));
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    absl::StrAppend(&out, line, "\n");
  }
  return out;
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
      return "component";
    case v1::IncidentEvent::KIND_BANNER_CREATED:
    case v1::IncidentEvent::KIND_BANNER_UPDATED:
    case v1::IncidentEvent::KIND_BANNER_DISABLED:
      return "banner";
    case v1::IncidentEvent::KIND_KILL_SWITCH:
      return "killswitch";
    default:
      return "change";
  }
}

const char* LintLevelLabel(v1::LintLevel l) {
  switch (l) {
    case v1::LINT_LEVEL_ERROR:
      return "error";
    case v1::LINT_LEVEL_WARNING:
      return "warning";
    default:
      return "info";
  }
}

const char* BannerLevelLabel(v1::BannerLevel l) {
  switch (l) {
    case v1::BANNER_LEVEL_INFO:
      return "info";
    case v1::BANNER_LEVEL_MAINTENANCE:
      return "maintenance";
    case v1::BANNER_LEVEL_MINOR:
      return "minor";
    case v1::BANNER_LEVEL_MAJOR:
      return "major";
    case v1::BANNER_LEVEL_CRITICAL:
      return "critical";
    default:
      return "?";
  }
}

// "apps shop; paths /checkout*; components checkout" or "everywhere".
std::string DescribeTarget(const v1::BannerTarget& t) {
  std::vector<std::string> parts;
  if (t.apps_size() > 0) parts.push_back(absl::StrCat("apps ", absl::StrJoin(t.apps(), ",")));
  if (t.path_patterns_size() > 0) {
    parts.push_back(absl::StrCat("paths ", absl::StrJoin(t.path_patterns(), ",")));
  }
  if (t.components_size() > 0) {
    parts.push_back(absl::StrCat("components ", absl::StrJoin(t.components(), ",")));
  }
  return parts.empty() ? "everywhere" : absl::StrJoin(parts, "; ");
}

// "from 14:00 UTC until 16:00 UTC", "until ...", "always".
std::string DescribeSchedule(const v1::ManualBanner& b, absl::Time now) {
  std::string out;
  if (b.has_starts_at())
    out = absl::StrCat("from ", FormatUtcNear(TimeFromProto(b.starts_at()), now));
  if (b.has_ends_at()) {
    absl::StrAppend(&out, out.empty() ? "" : " ", "until ",
                    FormatUtcNear(TimeFromProto(b.ends_at()), now));
  }
  return out.empty() ? "always" : out;
}

// The due time of the promise an overdue incident broke: the last ledger
// entry still unanswered.
absl::optional<absl::Time> OverduePromise(const v1::IncidentCompliance& c) {
  for (int i = c.ledger_size() - 1; i >= 0; --i) {
    const v1::PromiseEntry& p = c.ledger(i);
    if (p.status() == v1::PROMISE_STATUS_MISSED && !p.has_kept_at()) return TimeFromProto(p.due());
  }
  return absl::nullopt;
}

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
    absl::StrAppend(out, "  ", today ? FormatUtcNear(made, now) : FormatUtc(made), "  ",
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
      return "no_progress";
    case v1::Reminder::KIND_FIRST_COMMUNICATION_LATE:
    case v1::Reminder::KIND_FIRST_COMMUNICATION_DUE_SOON:
      return "acknowledging";
    default:
      return nullptr;
  }
}

}  // namespace

absl::Time TimeFromProto(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

std::string FormatUtc(absl::Time t) {
  return absl::FormatTime("%Y-%m-%d %H:%M UTC", t, absl::UTCTimeZone());
}

std::string FormatUtcNear(absl::Time t, absl::Time now) {
  absl::TimeZone utc = absl::UTCTimeZone();
  if (absl::ToCivilDay(t, utc) == absl::ToCivilDay(now, utc)) {
    return absl::FormatTime("%H:%M UTC", t, utc);
  }
  return FormatUtc(t);
}

std::string FormatSpan(absl::Duration d) {
  if (d < absl::ZeroDuration()) return absl::StrCat("-", FormatSpan(-d));
  int64_t s = absl::ToInt64Seconds(d);
  if (s < 60) return absl::StrFormat("%ds", s);
  int64_t m = (s + 30) / 60;  // nearest minute: 58m59s reads as 59m
  if (m < 60) return absl::StrFormat("%dm", m);
  int64_t h = m / 60;
  if (h < 48) return absl::StrFormat("%dh%02dm", h, m % 60);
  return absl::StrFormat("%dd%02dh", h / 24, h % 24);
}

const char* SeverityLabel(v1::Severity s) { return SeverityName(static_cast<Severity>(s)); }
const char* StateLabel(v1::IncidentState s) { return StateName(static_cast<IncidentState>(s)); }
const char* ComponentStatusLabel(v1::ComponentStatus s) {
  return ComponentStatusName(static_cast<ComponentStatus>(s));
}
const char* ChannelLabel(v1::Channel c) { return ChannelName(static_cast<Channel>(c)); }

std::string DescribePromise(const v1::Incident& inc, absl::Time now) {
  if (!IsOpen(inc)) {
    return inc.has_resolved_at()
               ? absl::StrCat("resolved at ", FormatUtc(TimeFromProto(inc.resolved_at())))
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
  absl::Time start = TimeFromProto(inc.confirmed_start());
  std::string state = StateLabel(inc.state());
  absl::optional<absl::Time> since = StateSince(inc);
  if (!IsOpen(inc) && since) {
    absl::StrAppend(&state, " at ", FormatUtc(*since), ", ", FormatSpan(*since - start),
                    " after start");
  } else if (since) {
    absl::StrAppend(&state, " since ", FormatUtc(*since));
  }
  AppendHeader(&out, "state", state);
  AppendHeader(&out, "confirmed start", FormatUtc(start));
  if (inc.has_declared_at())
    AppendHeader(&out, "declared", FormatUtc(TimeFromProto(inc.declared_at())));
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
      absl::StrAppend(&what, " (published ", FormatUtc(TimeFromProto(p.published_at())), ")");
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
      default:
        break;
    }
  }
  if (inc.has_compliance()) absl::StrAppend(&out, "\n", RenderPromises(inc.compliance(), now));
  absl::StrAppend(&out, "\n", DescribePromise(inc, now), "\n");
  return out;
}

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
        absl::StrCat("Incidents confirmed from ", FormatUtc(*since), " until ", FormatUtc(*until));
  } else if (since) {
    range = absl::StrCat("Incidents confirmed since ", FormatUtc(*since));
  } else if (until) {
    range = absl::StrCat("Incidents confirmed before ", FormatUtc(*until));
  }
  std::string out = absl::StrCat(range, ": communication compliance as of ", FormatUtc(at), "\n\n");

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
      r.has_raised_at() ? FormatUtc(TimeFromProto(r.raised_at())) : std::string(kTimeWidth, ' ');
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
  if (late && tone != nullptr && !r.incident_ref().empty()) {
    absl::StrAppend(&out, pad, "post it:   statuscastctl template ", r.incident_ref(), " --tone ",
                    tone, " --post\n");
  }
  return out;
}

std::string RenderIncidentTable(const v1::ListIncidentsResponse& list, absl::Time now) {
  if (list.incidents_size() == 0) return "no incidents match\n";
  std::vector<std::vector<std::string>> rows = {
      {"REF", "SEV", "STATE", "STARTED", "NEXT UPDATE", "TITLE"}};
  for (const v1::Incident& inc : list.incidents()) {
    rows.push_back({inc.ref(), SeverityLabel(inc.severity()), StateLabel(inc.state()),
                    FormatUtc(TimeFromProto(inc.confirmed_start())), PromiseCell(inc, now),
                    Truncate(OneLine(inc.title()), 60)});
  }
  return Table(rows);
}

std::string RenderComponents(const v1::ListComponentsResponse& list) {
  if (list.components_size() == 0) {
    return "no components yet (add one: statuscastctl components create NAME)\n";
  }
  std::vector<std::vector<std::string>> rows = {{"NAME", "GROUP", "STATUS", "DESCRIPTION"}};
  for (const v1::Component& c : list.components()) {
    rows.push_back({c.name(), c.group().empty() ? "-" : c.group(), ComponentStatusLabel(c.status()),
                    Truncate(OneLine(c.description()), 60)});
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

MarkedSpan MarkSpan(const std::string& text, size_t begin, size_t end, size_t width) {
  begin = std::min(begin, text.size());
  end = std::min(std::max(end, begin), text.size());
  size_t line_start = begin == 0 ? 0 : text.rfind('\n', begin - 1);
  line_start = line_start == std::string::npos ? 0 : (begin == 0 ? 0 : line_start + 1);
  size_t line_end = text.find('\n', line_start);
  if (line_end == std::string::npos) line_end = text.size();
  if (begin > line_end) begin = line_end;  // a span starting at the newline itself
  end = std::min(end, line_end);
  MarkedSpan out;
  out.line = 1 + static_cast<size_t>(std::count(text.begin(), text.begin() + line_start, '\n'));
  // Code point starts of the line, as byte offsets, plus the end.
  std::vector<size_t> cps;
  for (size_t i = line_start; i < line_end; ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) cps.push_back(i);
  }
  const size_t total = cps.size();
  cps.push_back(line_end);
  auto cp_index = [&](size_t byte) {
    return static_cast<size_t>(std::lower_bound(cps.begin(), cps.end() - 1, byte) - cps.begin());
  };
  const size_t col = cp_index(begin);
  const size_t len = end > begin ? std::max<size_t>(1, cp_index(end) - col) : 1;
  out.column = col + 1;
  size_t ws = 0, we = total;
  if (total > width) {
    ws = col > 20 ? col - 20 : 0;
    we = std::min(total, ws + width);
  }
  std::string shown = text.substr(cps[ws], cps[we] - cps[ws]);
  for (char& c : shown) {
    if (c == '\t' || c == '\r') c = ' ';
  }
  const std::string lead = ws > 0 ? "..." : "";
  out.text_line = absl::StrCat(lead, shown, we < total ? "..." : "");
  size_t marks = std::max<size_t>(1, std::min(len, we > col ? we - col : 1));
  out.underline = std::string(lead.size() + (col - ws), ' ') + std::string(marks, '^');
  return out;
}

std::string RenderLintFindings(const std::string& message, const std::string& banner_text,
                               const v1::LintUpdateResponse& response) {
  std::string out;
  for (const v1::LintFinding& f : response.findings()) {
    const bool banner = f.field() == v1::LINT_FIELD_BANNER_TEXT;
    const std::string& text = banner ? banner_text : message;
    const bool missing = f.span_start() == f.span_end();
    MarkedSpan m = MarkSpan(text, static_cast<size_t>(std::max(0, f.span_start())),
                            static_cast<size_t>(std::max(0, f.span_end())));
    absl::StrAppend(
        &out, LintLevelLabel(f.level()), " [", f.rule_id(), "] ", banner ? "banner text, " : "",
        missing ? "missing from the text" : absl::StrCat("line ", m.line, ", column ", m.column),
        "\n");
    if (!text.empty()) absl::StrAppend(&out, "    ", m.text_line, "\n    ", m.underline, "\n");
    absl::StrAppend(&out, "  why: ", OneLine(f.explanation()), "\n");
    if (!f.suggestion().empty()) {
      absl::StrAppend(&out, "  ", missing ? "add" : "rewrite", ": ", OneLine(f.suggestion()), "\n");
    }
    absl::StrAppend(&out, "\n");
  }
  const int n = response.findings_size();
  if (n == 0) return "no problems found\n";
  std::vector<std::string> parts;
  auto count = [&parts](int k, const char* one, const char* many) {
    if (k > 0) parts.push_back(absl::StrCat(k, " ", k == 1 ? one : many));
  };
  count(response.error_count(), "error", "errors");
  count(response.warning_count(), "warning", "warnings");
  count(response.info_count(), "info", "infos");
  absl::StrAppend(&out, n, n == 1 ? " problem: " : " problems: ", absl::StrJoin(parts, ", "), "\n");
  return out;
}

std::string RenderLintNotes(const google::protobuf::RepeatedPtrField<v1::LintFinding>& findings) {
  if (findings.empty()) return "";
  std::string out = "  lint:\n";
  for (const v1::LintFinding& f : findings) {
    absl::StrAppend(&out, "    ", LintLevelLabel(f.level()), " [", f.rule_id(), "] ");
    if (f.span_start() != f.span_end()) {
      absl::StrAppend(&out, "\"", Truncate(OneLine(f.excerpt()), 60), "\"");
    } else {
      absl::StrAppend(&out, "(missing)");
    }
    if (!f.suggestion().empty()) {
      absl::StrAppend(&out, " -> ", Truncate(OneLine(f.suggestion()), 80));
    }
    absl::StrAppend(&out, "\n");
  }
  return out;
}

std::string RenderBannerLine(const v1::ManualBanner& b, absl::Time now) {
  return absl::StrCat("banner ", b.id(), " (", BannerLevelLabel(b.level()), ", ",
                      b.enabled() ? "enabled" : "disabled", ", version ", b.content_version(),
                      "): ", Truncate(OneLine(b.text()), 70), "\n  shown ",
                      DescribeTarget(b.target()), ", ", DescribeSchedule(b, now), "\n");
}

std::string RenderBanners(const v1::ListBannersResponse& list, absl::Time now) {
  std::string out;
  if (list.banners_size() == 0) {
    out = "no manual banners (add one: statuscastctl banner create --text T --level maintenance)\n";
  } else {
    std::vector<std::vector<std::string>> rows = {
        {"ID", "LEVEL", "STATE", "WHERE", "WHEN", "TEXT"}};
    for (const v1::ManualBanner& b : list.banners()) {
      rows.push_back({absl::StrCat(b.id()), BannerLevelLabel(b.level()),
                      b.enabled() ? "enabled" : "disabled", DescribeTarget(b.target()),
                      DescribeSchedule(b, now), Truncate(OneLine(b.text()), 50)});
    }
    out = Table(rows);
  }
  bool any = false;
  for (const v1::KillSwitch& k : list.kill_switches()) {
    if (!k.engaged()) continue;
    if (!any) absl::StrAppend(&out, "\n");
    any = true;
    absl::StrAppend(&out, "KILL SWITCH ON for ", k.scope() == "*" ? "every app" : k.scope(),
                    ": every banner hidden since ",
                    k.has_set_at() ? FormatUtc(TimeFromProto(k.set_at())) : "?", " by ",
                    k.set_by().empty() ? "?" : k.set_by(), " (", OneLine(k.reason()), ")\n");
  }
  if (!any) absl::StrAppend(&out, "kill switches: all off\n");
  return out;
}

std::string RenderEvent(const v1::IncidentEvent& e, absl::Time now) {
  std::string when = e.has_at() ? FormatUtc(TimeFromProto(e.at())) : std::string(kTimeWidth, ' ');
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
