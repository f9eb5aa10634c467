// At most N deliveries in flight to one destination host at a time, so one
// slow or dead receiver holds N workers at most and never delays the others.
//
// Non-blocking on purpose: TryAcquire either hands out a permit or says the
// host is busy, and the notifier moves on to notifications for other hosts
// (leaving the busy host's for a later claim) instead of waiting.
//
//   HostLimiter limiter(4);
//   if (absl::optional<HostLimiter::Permit> p = limiter.TryAcquire("hooks.example.com")) {
//     Deliver(...);  // the permit is released when p goes out of scope
//   }
//
// Hosts compare case-insensitively. Thread safety: safe from any thread. A
// Permit must not outlive its limiter.
#ifndef STATUSCAST_LIBS_NOTIFY_HOST_LIMITER_H_
#define STATUSCAST_LIBS_NOTIFY_HOST_LIMITER_H_

#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/types/optional.h"

namespace statuscast {

class HostLimiter {
 public:
  // A delivery slot for one host; movable, released on destruction.
  class Permit {
   public:
    Permit(Permit&& other) noexcept : limiter_(other.limiter_), host_(std::move(other.host_)) {
      other.limiter_ = nullptr;
    }
    Permit& operator=(Permit&&) = delete;
    Permit(const Permit&) = delete;
    ~Permit();

   private:
    friend class HostLimiter;
    Permit(HostLimiter* limiter, std::string host) : limiter_(limiter), host_(std::move(host)) {}
    HostLimiter* limiter_;
    std::string host_;
  };

  // REQUIRES: max_per_host >= 1.
  explicit HostLimiter(int max_per_host);

  // A permit, or nullopt when `host` already has max_per_host in flight.
  absl::optional<Permit> TryAcquire(absl::string_view host);

  // Deliveries in flight to `host` now.
  int InFlight(absl::string_view host) const;

 private:
  void Release(const std::string& host);

  const int max_per_host_;
  mutable absl::Mutex mu_;
  // Only hosts with deliveries in flight: the map does not grow with every
  // host ever seen.
  absl::flat_hash_map<std::string, int> in_flight_ ABSL_GUARDED_BY(mu_);
};

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_NOTIFY_HOST_LIMITER_H_
