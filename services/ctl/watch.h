// `statuscastctl watch`: follows IncidentService.WatchIncidents and, on the
// same channel in a thread of its own, ComplianceService.WatchReminders.
//
// Prints one line per event and a REMINDER block per reminder (or one JSON
// object per line with --json: IncidentEvent or Reminder). When a stream
// breaks it reconnects with backoff (1s doubling to 30s) and resumes after
// the last sequence / reminder id it printed, saying so on stderr; a break
// during the initial snapshot restarts the snapshot. SIGINT/SIGTERM end it
// with exit 0. If the server cannot be reached at all at the start, it exits
// 3 like every other command. A server without the ComplianceService
// (UNIMPLEMENTED) leaves the incident stream running alone, with a note.
// Thread safety: one RunWatch per process (it installs signal handlers).
#ifndef STATUSCAST_SERVICES_CTL_WATCH_H_
#define STATUSCAST_SERVICES_CTL_WATCH_H_

#include <cstdint>
#include <iosfwd>
#include <string>

#include "absl/time/time.h"
#include "statuscast/v1/compliance.grpc.pb.h"
#include "statuscast/v1/incident.grpc.pb.h"

namespace statuscast {
class Clock;

namespace ctl {

struct WatchOptions {
  std::string server;
  int64_t after = 0;
  bool json = false;
  // Which streams to follow (at least one).
  bool incidents = true;
  bool reminders = true;
  // How long to wait for the first connection.
  absl::Duration connect_timeout = absl::Seconds(10);
  absl::Duration initial_backoff = absl::Seconds(1);
  absl::Duration max_backoff = absl::Seconds(30);
};

// `channel` may be null (then the first connection is not awaited);
// `compliance` may be null (then no reminders are followed).
int RunWatch(v1::IncidentService::StubInterface* stub,
             v1::ComplianceService::StubInterface* compliance, grpc::ChannelInterface* channel,
             const Clock& clock, const WatchOptions& options, std::ostream* out, std::ostream* err);

}  // namespace ctl
}  // namespace statuscast

#endif  // STATUSCAST_SERVICES_CTL_WATCH_H_
