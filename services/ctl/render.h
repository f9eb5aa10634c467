// Human output of statuscastctl: short, aligned, every time in UTC with
// "UTC" written, readable at 03:00.
//
// Every function is pure: "now" is passed in (promises are judged against it)
// and the result is returned as text ending in a newline where it is whole
// lines. Thread safety: safe to call from any thread.
#ifndef STATUSCAST_SERVICES_CTL_RENDER_H_
#define STATUSCAST_SERVICES_CTL_RENDER_H_

#include <string>

#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "libs/base/proto_time.h"
#include "libs/base/time_text.h"
#include "statuscast/v1/banner.pb.h"
#include "statuscast/v1/compliance.pb.h"
#include "statuscast/v1/incident.pb.h"
#include "statuscast/v1/lint.pb.h"

namespace statuscast {
namespace ctl {

// The target for the first customer-facing communication (mission text).
inline constexpr absl::Duration kFirstCommunicationTarget = absl::Minutes(15);

// Times and spans are written with libs/base/time_text.h (FormatUtcMinute,
// FormatUtcNear, FormatSpan) and read from protos with libs/base/proto_time.h.

const char* SeverityLabel(v1::Severity s);    // "SEV-1"
const char* StateLabel(v1::IncidentState s);  // "investigating"
const char* ComponentStatusLabel(v1::ComponentStatus s);
const char* ChannelLabel(v1::Channel c);

// The standing promise in one phrase:
//   "due in 12m (by 14:30 UTC)", "OVERDUE by 4m (promised 14:30 UTC)",
//   "resolved at 2026-11-27 15:40 UTC", "on state change (SEV-3)",
//   "none yet: no update posted".
// Whether it is overdue is always the server's verdict (it allows a grace
// after each promise): the compliance view when the incident carries it
// (GetIncident fills it), else the incident's next_update_overdue; past the
// promised time but not overdue reads "next update due now (promised 14:30
// UTC, within the grace)".
std::string DescribePromise(const v1::Incident& incident, absl::Time now);

// `show`: header (ref, title, severity, state, times, first communication and
// its delay against the 15-minute target, components, postmortem), the
// timeline (updates with their promises and whether each kept the one
// before, severity changes, postmortem), the Promises section when the
// incident carries its compliance (RenderPromises) and the standing promise
// last.
// `components_now` (may be null): the catalog with each component's status
// now, as `components list` and the status page derive it from the open
// incidents. The incident's own record keeps each component's status while
// it was open; once resolved, or when another incident weighs more, `show`
// prints the status now and the incident's in parentheses, so it never
// contradicts `components list`.
std::string RenderIncident(const v1::Incident& incident, absl::Time now,
                           const v1::ListComponentsResponse* components_now = nullptr);

// The "Promises" section of `show`: a count line, the first communication's
// delay against the target, one line per ledger entry with the server's
// description ("  14:02 UTC  promised 14:30 UTC, posted 14:28 UTC  [kept]"),
// update gaps beyond the cadence, a missing resolution update or postmortem,
// and, when overdue, a line starting "!! OVERDUE by 4m: next update" with the
// command that posts a "no progress" update.
std::string RenderPromises(const v1::IncidentCompliance& compliance, absl::Time now);

// `report`: the range, a table by severity (incidents, late first
// communications, promises kept / missed / pending, gaps beyond the cadence,
// postmortems published / missing), what is overdue now, then a short block
// per incident with its ledger. `since` / `until` as asked (nullopt: open).
std::string RenderComplianceReport(const v1::ComplianceReport& report,
                                   absl::optional<absl::Time> since,
                                   absl::optional<absl::Time> until, absl::Time now);

// `watch`: a reminder, marked "REMINDER", e.g.
//   "2026-11-27 14:25 UTC  REMINDER  INC-3 SEV-1: next update due by 14:30 UTC (in 5m)"
// and, for a missed promise or a late first communication, the suggested
// message and the command that posts it, on lines of their own.
std::string RenderReminder(const v1::Reminder& reminder, absl::Time now);

// `list`: one aligned row per incident, newest first as given.
std::string RenderIncidentTable(const v1::ListIncidentsResponse& list, absl::Time now);

// `components list`.
std::string RenderComponents(const v1::ListComponentsResponse& list);

// After a write: one or two lines saying what happened and what is promised,
// e.g. "INC-12 updated: identified, SEV-1. Next update due in 29m (by
// 14:59 UTC)." `verb` is "declared", "updated", ...
std::string RenderWriteResult(const std::string& verb, const v1::WriteIncidentResponse& response,
                              absl::Time now);

// `watch`: one line per event.
std::string RenderEvent(const v1::IncidentEvent& event, absl::Time now);

// The line of `text` holding bytes [begin, end), and under it a "^^^" mark
// of the span (a single ^ after the text for an empty span: something
// missing). A line wider than `width` code points is cut around the span,
// with "..." where it was cut. `line` and `column` are 1-based (code points).
struct MarkedSpan {
  std::string text_line;
  std::string underline;
  size_t line = 1;
  size_t column = 1;
};
MarkedSpan MarkSpan(const std::string& text, size_t begin, size_t end, size_t width = 90);

// `lint`: each finding with its level, rule id, where it is, the text line
// with the span underlined, why it matters and a suggested rewrite; then a
// summary ("3 problems: 2 errors, 1 warning" or "no problems found").
std::string RenderLintFindings(const std::string& message, const std::string& banner_text,
                               const v1::LintUpdateResponse& response);

// After a write: what the linter said, one finding per line ("" when none).
std::string RenderLintNotes(const google::protobuf::RepeatedPtrField<v1::LintFinding>& findings);

// `banner list`: manual banners (id, level, state, target, schedule, text)
// and the kill switches.
std::string RenderBanners(const v1::ListBannersResponse& list, absl::Time now);

// After a banner write: "banner 12 (maintenance, enabled, version 3): text".
std::string RenderBannerLine(const v1::ManualBanner& banner, absl::Time now);

// `draft`, `reject` and `drafts`: a draft with its author, time, state,
// channels, text, lint findings and either how to review it (pending) or
// who decided and how. RenderDrafts: every draft, or "no drafts waiting".
std::string RenderDraft(const v1::Draft& draft, absl::Time now);
// Every version of `incident_ref`'s postmortem, newest last, each with its
// number, time, author, link and body; "no postmortem published" when none.
std::string RenderPostmortemVersions(const v1::ListPostmortemVersionsResponse& list,
                                     const std::string& incident_ref, absl::Time now);
std::string RenderDrafts(const v1::ListDraftsResponse& list, const std::string& incident_ref,
                         absl::Time now);

// `audit`: one row per event (time, actor, action, incident, what: the
// details, a lint override with its reason, a third-party confirmation).
std::string RenderAuditEvents(const v1::ListAuditEventsResponse& page, absl::Time now);

}  // namespace ctl
}  // namespace statuscast

#endif  // STATUSCAST_SERVICES_CTL_RENDER_H_
