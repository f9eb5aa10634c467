// ClientLimits: per-client fairness for the public HTTP endpoints, so one
// client (one address) cannot starve the others.
//
//   - Requests: a token bucket per client. It holds up to `burst` requests
//     and refills at `rate_per_second`; a request finding it empty is
//     refused with the time until a token is back (HTTP 429 + Retry-After).
//   - Streams: at most `max_streams` open SSE streams per client.
//   - Connections: at most `max_connections` open TCP connections per
//     client, so idle sockets from one address cannot take every slot of
//     the server's connection cap.
//
// A client is whatever key the caller picks (the server uses the IPv4
// address, or the /64 prefix of an IPv6 one, since one host holds a whole
// /64). Zero turns a limit off. Behind a proxy every client shares the
// proxy's address unless the server is told to trust it (client_address.h:
// TrustedProxies reads the client from X-Forwarded-For).
//
// Memory is bounded: idle clients (a full bucket, no stream) are forgotten
// when more than `max_tracked_clients` are known; beyond that, new clients
// pass unlimited rather than evicting ones being limited.
//
// Time comes from the caller (`now`), so tests drive it. Thread safety: all
// methods may be called from any thread.
#ifndef STATUSCAST_LIBS_HTTP_CLIENT_LIMITS_H_
#define STATUSCAST_LIBS_HTTP_CLIENT_LIMITS_H_

#include <cstddef>
#include <string>
#include <unordered_map>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace statuscast {

struct ClientLimitOptions {
  double rate_per_second = 0;  // 0: no request rate limit
  double burst = 0;            // bucket size; below 1 counts as 1
  size_t max_streams = 0;      // 0: no stream limit
  size_t max_connections = 0;  // 0: no connection limit
  size_t max_tracked_clients = 100000;
};

class ClientLimits {
 public:
  explicit ClientLimits(ClientLimitOptions options);

  struct Verdict {
    bool allowed = true;
    absl::Duration retry_after;  // when refused: until a token is back
  };
  // Takes one token from `client`'s bucket.
  Verdict AllowRequest(const std::string& client, absl::Time now);

  // Takes a stream slot; false when `client` already holds max_streams.
  // Every true is matched by exactly one ReleaseStream.
  bool AcquireStream(const std::string& client);
  void ReleaseStream(const std::string& client);

  // Takes a connection slot; false when `client` already holds
  // max_connections. Every true is matched by exactly one ReleaseConnection.
  bool AcquireConnection(const std::string& client);
  void ReleaseConnection(const std::string& client);

  bool rate_limited() const { return options_.rate_per_second > 0; }
  bool stream_limited() const { return options_.max_streams > 0; }
  bool connection_limited() const { return options_.max_connections > 0; }
  size_t tracked_clients() const;

 private:
  struct Bucket {
    double tokens = 0;
    absl::Time updated;
  };
  void SweepIdle(absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const ClientLimitOptions options_;
  const double burst_;
  mutable absl::Mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_ ABSL_GUARDED_BY(mu_);
  std::unordered_map<std::string, size_t> streams_ ABSL_GUARDED_BY(mu_);
  std::unordered_map<std::string, size_t> connections_ ABSL_GUARDED_BY(mu_);
  absl::Time last_sweep_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
};

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_HTTP_CLIENT_LIMITS_H_
