// Clock: the one source of "now" for domain logic.
//
// Logic never reads the wall clock itself; it is handed a Clock. RealClock
// reads the system clock; FakeClock is set and advanced by tests.
// Thread safety: both implementations are safe to call from any thread.
#ifndef STATUSCAST_LIBS_BASE_CLOCK_H_
#define STATUSCAST_LIBS_BASE_CLOCK_H_

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace statuscast {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() const = 0;
};

class RealClock final : public Clock {
 public:
  absl::Time Now() const override { return absl::Now(); }
  // A process-wide instance.
  static RealClock& Get();
};

class FakeClock final : public Clock {
 public:
  explicit FakeClock(absl::Time start) : now_(start) {}
  absl::Time Now() const override {
    absl::MutexLock lock(&mu_);
    return now_;
  }
  void Set(absl::Time t) {
    absl::MutexLock lock(&mu_);
    now_ = t;
  }
  void Advance(absl::Duration d) {
    absl::MutexLock lock(&mu_);
    now_ += d;
  }

 private:
  mutable absl::Mutex mu_;
  absl::Time now_ ABSL_GUARDED_BY(mu_);
};

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_BASE_CLOCK_H_
