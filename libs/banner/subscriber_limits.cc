#include "libs/banner/subscriber_limits.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace statuscast {

SubscriberLimits::SubscriberLimits(SubscriberLimitOptions options) : options_(std::move(options)) {}

absl::Status SubscriberLimits::Acquire(const PeerAddress& peer) {
  absl::MutexLock lock(&mu_);
  if (options_.max_total > 0 && total_ >= options_.max_total) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "this server holds its limit of ", options_.max_total, " banner subscriptions (",
        options_.total_flag, "); retry later with backoff"));
  }
  if (PerPeerApplies(peer)) {
    size_t& held = per_peer_[peer.key];
    if (held >= options_.max_per_peer) {
      return absl::ResourceExhaustedError(absl::StrCat(
          "client address ", peer.key, " holds its limit of ", options_.max_per_peer,
          " banner subscriptions (", options_.per_peer_flag, "); close one or retry later"));
    }
    ++held;
  }
  ++total_;
  return absl::OkStatus();
}

void SubscriberLimits::Release(const PeerAddress& peer) {
  absl::MutexLock lock(&mu_);
  if (total_ > 0) --total_;
  if (!PerPeerApplies(peer)) return;
  auto it = per_peer_.find(peer.key);
  if (it == per_peer_.end()) return;
  if (--it->second == 0) per_peer_.erase(it);
}

size_t SubscriberLimits::total() const {
  absl::MutexLock lock(&mu_);
  return total_;
}

size_t SubscriberLimits::held_by(const std::string& key) const {
  absl::MutexLock lock(&mu_);
  auto it = per_peer_.find(key);
  return it == per_peer_.end() ? 0 : it->second;
}

}  // namespace statuscast
