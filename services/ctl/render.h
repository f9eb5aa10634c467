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
#include "statuscast/v1/incident.pb.h"

namespace statuscast {
namespace ctl {

// The target for the first customer-facing communication (mission text).
inline constexpr absl::Duration kFirstCommunicationTarget = absl::Minutes(15);

absl::Time TimeFromProto(const google::protobuf::Timestamp& ts);

// "2026-11-27 14:02 UTC".
std::string FormatUtc(absl::Time t);
// "14:30 UTC" when `t` falls on the same UTC day as `now`, else
// "2026-11-28 14:30 UTC".
std::string FormatUtcNear(absl::Time t, absl::Time now);
// "45s", "12m", "1h05m", "2d03h"; from a minute on, to the nearest minute.
std::string FormatSpan(absl::Duration d);

const char* SeverityLabel(v1::Severity s);    // "SEV-1"
const char* StateLabel(v1::IncidentState s);  // "investigating"
const char* ComponentStatusLabel(v1::ComponentStatus s);
const char* ChannelLabel(v1::Channel c);

// The standing promise in one phrase:
//   "due in 12m (by 14:30 UTC)", "OVERDUE by 4m (promised 14:30 UTC)",
//   "resolved at 2026-11-27 15:40 UTC", "on state change (SEV-3)",
//   "none yet: no update posted".
std::string DescribePromise(const v1::Incident& incident, absl::Time now);

// `show`: header (ref, title, severity, state, times, first communication and
// its delay against the 15-minute target, components, postmortem), the
// timeline (updates with their promises and whether each kept the one
// before, severity changes, postmortem) and the standing promise last.
std::string RenderIncident(const v1::Incident& incident, absl::Time now);

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

}  // namespace ctl
}  // namespace statuscast

#endif  // STATUSCAST_SERVICES_CTL_RENDER_H_
