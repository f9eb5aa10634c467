// When a failed delivery is tried again: exponential backoff with full
// jitter (the delay before attempt n+1 is uniform in [0, min(cap, base *
// 2^(n-1))]), until the notification is older than the give-up age (about a
// day by default); then it is given up and recorded as such.
//
// Pure: a function of the number of attempts made, the notification's age
// and an injected random source, so tests pin every delay.
// Thread safety: RetrySchedule is immutable; a RandomSource is used by one
// thread at a time unless its implementation says otherwise.
#ifndef STATUSCAST_LIBS_NOTIFY_RETRY_SCHEDULE_H_
#define STATUSCAST_LIBS_NOTIFY_RETRY_SCHEDULE_H_

#include <cstdint>

#include "absl/random/random.h"
#include "absl/time/time.h"
#include "absl/types/optional.h"

namespace statuscast {

// Uniform random integers, injected.
class RandomSource {
 public:
  virtual ~RandomSource() = default;
  // Uniform in [0, bound]. REQUIRES: bound >= 0.
  virtual int64_t UniformUpTo(int64_t bound) = 0;
};

// absl::BitGen behind RandomSource. Not thread-safe: one per thread.
class BitGenRandomSource final : public RandomSource {
 public:
  int64_t UniformUpTo(int64_t bound) override {
    return absl::Uniform<int64_t>(absl::IntervalClosed, gen_, 0, bound);
  }

 private:
  absl::BitGen gen_;
};

struct RetryPolicy {
  absl::Duration base = absl::Seconds(30);
  absl::Duration cap = absl::Hours(1);
  // No attempt is scheduled later than this after the notification was made.
  absl::Duration give_up_after = absl::Hours(24);
};

class RetrySchedule {
 public:
  explicit RetrySchedule(RetryPolicy policy = RetryPolicy()) : policy_(policy) {}

  // The largest delay before attempt `attempts_made` + 1 (before jitter).
  // REQUIRES: attempts_made >= 1.
  absl::Duration Ceiling(int attempts_made) const;

  // The delay before the next attempt after `attempts_made` failed ones, for
  // a notification made `age` ago; nullopt when it is time to give up (the
  // next attempt would come after give_up_after).
  absl::optional<absl::Duration> NextDelay(int attempts_made, absl::Duration age,
                                           RandomSource& random) const;

 private:
  RetryPolicy policy_;
};

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_NOTIFY_RETRY_SCHEDULE_H_
