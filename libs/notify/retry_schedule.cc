#include "libs/notify/retry_schedule.h"

#include <algorithm>

namespace statuscast {

absl::Duration RetrySchedule::Ceiling(int attempts_made) const {
  // Doubling past 2^30 overflows nothing but is long past any cap.
  const int doublings = std::min(std::max(attempts_made, 1) - 1, 30);
  return std::min(policy_.cap, policy_.base * (int64_t{1} << doublings));
}

absl::optional<absl::Duration> RetrySchedule::NextDelay(int attempts_made, absl::Duration age,
                                                        RandomSource& random) const {
  const int64_t ceiling_ms = absl::ToInt64Milliseconds(Ceiling(attempts_made));
  const absl::Duration delay = absl::Milliseconds(random.UniformUpTo(ceiling_ms));
  if (age + delay > policy_.give_up_after) return absl::nullopt;
  return delay;
}

}  // namespace statuscast
