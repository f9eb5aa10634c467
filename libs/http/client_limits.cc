#include "libs/http/client_limits.h"

#include <algorithm>
#include <cmath>

namespace statuscast {

ClientLimits::ClientLimits(ClientLimitOptions options)
    : options_(options), burst_(std::max(1.0, options.burst)) {}

ClientLimits::Verdict ClientLimits::AllowRequest(const std::string& client, absl::Time now) {
  if (!rate_limited()) return {};
  absl::MutexLock lock(&mu_);
  auto it = buckets_.find(client);
  if (it == buckets_.end()) {
    if (buckets_.size() >= options_.max_tracked_clients) {
      SweepIdle(now);
      if (buckets_.size() >= options_.max_tracked_clients) return {};
    }
    it = buckets_.emplace(client, Bucket{burst_, now}).first;
  }
  Bucket& b = it->second;
  // A clock stepped backwards refills nothing.
  const double elapsed = std::max(0.0, absl::ToDoubleSeconds(now - b.updated));
  b.tokens = std::min(burst_, b.tokens + elapsed * options_.rate_per_second);
  b.updated = std::max(b.updated, now);
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return {};
  }
  Verdict v;
  v.allowed = false;
  v.retry_after = absl::Seconds((1.0 - b.tokens) / options_.rate_per_second);
  return v;
}

void ClientLimits::SweepIdle(absl::Time now) {
  // At most once a second: under a flood of new addresses a sweep per
  // request would cost O(clients) each.
  if (now - last_sweep_ < absl::Seconds(1)) return;
  last_sweep_ = now;
  const absl::Duration refill = absl::Seconds(burst_ / options_.rate_per_second);
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    const bool idle = now - it->second.updated >= refill && streams_.count(it->first) == 0;
    it = idle ? buckets_.erase(it) : std::next(it);
  }
}

bool ClientLimits::AcquireStream(const std::string& client) {
  if (!stream_limited()) return true;  // nothing counted, nothing to release
  absl::MutexLock lock(&mu_);
  size_t& n = streams_[client];
  if (n >= options_.max_streams) return false;
  ++n;
  return true;
}

void ClientLimits::ReleaseStream(const std::string& client) {
  absl::MutexLock lock(&mu_);
  auto it = streams_.find(client);
  if (it == streams_.end()) return;
  if (--it->second == 0) streams_.erase(it);
}

bool ClientLimits::AcquireConnection(const std::string& client) {
  if (!connection_limited()) return true;  // nothing counted, nothing to release
  absl::MutexLock lock(&mu_);
  size_t& n = connections_[client];
  if (n >= options_.max_connections) return false;
  ++n;
  return true;
}

void ClientLimits::ReleaseConnection(const std::string& client) {
  absl::MutexLock lock(&mu_);
  auto it = connections_.find(client);
  if (it == connections_.end()) return;
  if (--it->second == 0) connections_.erase(it);
}

size_t ClientLimits::tracked_clients() const {
  absl::MutexLock lock(&mu_);
  return buckets_.size();
}

}  // namespace statuscast
