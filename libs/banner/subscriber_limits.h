// SubscriberLimits: admission of long-lived banner subscriptions, so one
// client cannot hold the server's memory with streams.
//
//   - per peer: at most `max_per_peer` open subscriptions per client address
//     (PeerAddress key: IPv4 address, IPv6 /64). Loopback peers are exempt
//     unless `limit_loopback`.
//   - global: at most `max_total` open subscriptions in all.
// Zero turns a limit off. A refusal is RESOURCE_EXHAUSTED naming the limit
// and its flag: the client should back off and retry later (or elsewhere).
//
// Every OK from Acquire is matched by exactly one Release of the same peer.
// Thread safety: all methods may be called from any thread; none blocks.
#ifndef STATUSCAST_LIBS_BANNER_SUBSCRIBER_LIMITS_H_
#define STATUSCAST_LIBS_BANNER_SUBSCRIBER_LIMITS_H_

#include <cstddef>
#include <string>
#include <unordered_map>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "libs/base/peer_address.h"

namespace statuscast {

struct SubscriberLimitOptions {
  size_t max_per_peer = 0;  // 0: no per-address limit
  size_t max_total = 0;     // 0: no global limit
  bool limit_loopback = false;
  // Flag names quoted in refusals, so an operator knows what to raise.
  std::string per_peer_flag = "--grpc_max_subscribers_per_ip";
  std::string total_flag = "--grpc_max_subscribers";
};

class SubscriberLimits {
 public:
  explicit SubscriberLimits(SubscriberLimitOptions options);

  // OK and one slot taken, or RESOURCE_EXHAUSTED and nothing taken.
  absl::Status Acquire(const PeerAddress& peer);
  void Release(const PeerAddress& peer);

  size_t total() const;
  size_t held_by(const std::string& key) const;

 private:
  bool PerPeerApplies(const PeerAddress& peer) const {
    return options_.max_per_peer > 0 && (options_.limit_loopback || !peer.loopback);
  }

  const SubscriberLimitOptions options_;
  mutable absl::Mutex mu_;
  size_t total_ ABSL_GUARDED_BY(mu_) = 0;
  std::unordered_map<std::string, size_t> per_peer_ ABSL_GUARDED_BY(mu_);
};

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_BANNER_SUBSCRIBER_LIMITS_H_
