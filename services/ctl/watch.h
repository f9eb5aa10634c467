// `statuscastctl watch`: follows IncidentService.WatchIncidents.
//
// Prints one line per event (or one JSON object per line with --json). When
// the stream breaks it reconnects with backoff (1s doubling to 30s) and
// resumes after the last sequence it printed, saying so on stderr; a break
// during the initial snapshot restarts the snapshot. SIGINT/SIGTERM end it
// with exit 0. If the server cannot be reached at all at the start, it exits
// 3 like every other command.
// Thread safety: one RunWatch per process (it installs signal handlers).
#ifndef STATUSCAST_SERVICES_CTL_WATCH_H_
#define STATUSCAST_SERVICES_CTL_WATCH_H_

#include <cstdint>
#include <iosfwd>
#include <string>

#include "absl/time/time.h"
#include "statuscast/v1/incident.grpc.pb.h"

namespace grpc {
class ChannelInterface;
}  // namespace grpc

namespace statuscast {
class Clock;

namespace ctl {

struct WatchOptions {
  std::string server;
  int64_t after = 0;
  bool json = false;
  // How long to wait for the first connection.
  absl::Duration connect_timeout = absl::Seconds(10);
  absl::Duration initial_backoff = absl::Seconds(1);
  absl::Duration max_backoff = absl::Seconds(30);
};

// `channel` may be null (then the first connection is not awaited).
int RunWatch(v1::IncidentService::StubInterface* stub, grpc::ChannelInterface* channel,
             const Clock& clock, const WatchOptions& options, std::ostream* out, std::ostream* err);

}  // namespace ctl
}  // namespace statuscast

#endif  // STATUSCAST_SERVICES_CTL_WATCH_H_
