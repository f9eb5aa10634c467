// StopFlag: a stop request that background threads wait on between rounds
// of work.
//
// WaitFor is timed by the monotonic clock. absl's timed waits
// (Mutex::AwaitWithTimeout, CondVar::WaitWithTimeout) turn the timeout into
// a wall-clock deadline: when the wall clock jumps (an NTP step, or the
// moved clock scripts/moved-clock-test runs tests under) such a wait lasts
// for ever or not at all. A loop that must keep its pace uses this instead.
//
//   StopFlag stop;
//   worker = std::thread([&] { do { Work(); } while (!stop.WaitFor(interval)); });
//   stop.Set(); worker.join();
//
// Thread safety: every method from any thread.
#ifndef STATUSCAST_LIBS_BASE_STOP_FLAG_H_
#define STATUSCAST_LIBS_BASE_STOP_FLAG_H_

#include <chrono>
#include <condition_variable>
#include <mutex>

#include "absl/time/time.h"

namespace statuscast {

class StopFlag {
 public:
  // Sets the flag and wakes every waiter; later waits return at once.
  void Set() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      set_ = true;
    }
    cv_.notify_all();
  }

  bool IsSet() const {
    std::lock_guard<std::mutex> lock(mu_);
    return set_;
  }

  // Waits until Set or for `d` (monotonic), whichever is first; returns
  // whether the flag is set.
  bool WaitFor(absl::Duration d) const {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, absl::ToChronoNanoseconds(d), [this] { return set_; });
  }

 private:
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  bool set_ = false;
};

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_BASE_STOP_FLAG_H_
