#include "libs/notify/host_limiter.h"

#include <algorithm>

#include "absl/strings/ascii.h"

namespace statuscast {

HostLimiter::HostLimiter(int max_per_host) : max_per_host_(std::max(1, max_per_host)) {}

HostLimiter::Permit::~Permit() {
  if (limiter_ != nullptr) limiter_->Release(host_);
}

absl::optional<HostLimiter::Permit> HostLimiter::TryAcquire(absl::string_view host) {
  std::string key = absl::AsciiStrToLower(host);
  absl::MutexLock lock(&mu_);
  int& n = in_flight_[key];
  if (n >= max_per_host_) return absl::nullopt;
  ++n;
  return Permit(this, std::move(key));
}

int HostLimiter::InFlight(absl::string_view host) const {
  absl::MutexLock lock(&mu_);
  auto it = in_flight_.find(absl::AsciiStrToLower(host));
  return it == in_flight_.end() ? 0 : it->second;
}

void HostLimiter::Release(const std::string& host) {
  absl::MutexLock lock(&mu_);
  auto it = in_flight_.find(host);
  if (it != in_flight_.end() && --it->second <= 0) in_flight_.erase(it);
}

}  // namespace statuscast
