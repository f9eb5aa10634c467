#include "libs/notify/retry_schedule.h"

#include <vector>

#include "gtest/gtest.h"

namespace statuscast {
namespace {

// Always the largest value allowed: the schedule's ceiling.
class MaxRandom final : public RandomSource {
 public:
  int64_t UniformUpTo(int64_t bound) override {
    bounds.push_back(bound);
    return bound;
  }
  std::vector<int64_t> bounds;
};

class ZeroRandom final : public RandomSource {
 public:
  int64_t UniformUpTo(int64_t) override { return 0; }
};

TEST(RetrySchedule, CeilingsDoubleFromTheBaseUpToTheCap) {
  RetrySchedule s;  // 30 s base, 1 h cap
  EXPECT_EQ(s.Ceiling(1), absl::Seconds(30));
  EXPECT_EQ(s.Ceiling(2), absl::Minutes(1));
  EXPECT_EQ(s.Ceiling(3), absl::Minutes(2));
  EXPECT_EQ(s.Ceiling(7), absl::Minutes(32));
  EXPECT_EQ(s.Ceiling(8), absl::Hours(1));
  EXPECT_EQ(s.Ceiling(1000), absl::Hours(1));
}

TEST(RetrySchedule, FullJitterDrawsFromZeroToTheCeiling) {
  RetrySchedule s;
  MaxRandom max;
  EXPECT_EQ(s.NextDelay(3, absl::Minutes(5), max), absl::Minutes(2));
  EXPECT_EQ(max.bounds.back(), 120000);
  ZeroRandom zero;
  EXPECT_EQ(s.NextDelay(3, absl::Minutes(5), zero), absl::ZeroDuration());
}

TEST(RetrySchedule, GivesUpAfterAboutADay) {
  RetrySchedule s;
  MaxRandom max;
  absl::Duration age;
  int attempts = 1;
  while (absl::optional<absl::Duration> d = s.NextDelay(attempts, age, max)) {
    age += *d;
    ++attempts;
    ASSERT_LT(attempts, 100);
  }
  // With the longest delays: 30 s .. 32 min, then hourly, until 24 h.
  EXPECT_LE(age, absl::Hours(24));
  EXPECT_GT(age, absl::Hours(23));
  EXPECT_EQ(attempts, 30);
}

TEST(RetrySchedule, ADelayPastTheGiveUpAgeIsNotScheduled) {
  RetrySchedule s(RetryPolicy{absl::Seconds(10), absl::Minutes(10), absl::Hours(1)});
  MaxRandom max;
  EXPECT_FALSE(s.NextDelay(20, absl::Minutes(55), max).has_value());
  ZeroRandom zero;
  EXPECT_TRUE(s.NextDelay(20, absl::Minutes(55), zero).has_value());
}

TEST(BitGenRandomSource, StaysWithinTheBound) {
  BitGenRandomSource r;
  for (int i = 0; i < 1000; ++i) {
    int64_t v = r.UniformUpTo(5);
    ASSERT_GE(v, 0);
    ASSERT_LE(v, 5);
  }
  EXPECT_EQ(r.UniformUpTo(0), 0);
}

}  // namespace
}  // namespace statuscast
