#include "libs/notify/delivery_decision.h"

#include "gtest/gtest.h"

namespace statuscast {
namespace {

class HalfRandom final : public RandomSource {
 public:
  int64_t UniformUpTo(int64_t bound) override { return bound / 2; }
};

DeliveryResult Result(DeliveryOutcome outcome) {
  DeliveryResult r;
  r.outcome = outcome;
  return r;
}

TEST(DecideNextStep, FinalOutcomesEndTheRow) {
  RetrySchedule schedule;
  HalfRandom random;
  EXPECT_EQ(
      DecideNextStep(Result(DeliveryOutcome::kDelivered), 1, absl::ZeroDuration(), schedule, random)
          .step,
      NextStep::kMarkDelivered);
  EXPECT_EQ(
      DecideNextStep(Result(DeliveryOutcome::kGone), 3, absl::Hours(1), schedule, random).step,
      NextStep::kUnsubscribe);
  EXPECT_EQ(
      DecideNextStep(Result(DeliveryOutcome::kRejected), 1, absl::ZeroDuration(), schedule, random)
          .step,
      NextStep::kRecordRejected);
}

TEST(DecideNextStep, ARetryFollowsTheSchedule) {
  RetrySchedule schedule;  // 30 s base
  HalfRandom random;
  Decision d =
      DecideNextStep(Result(DeliveryOutcome::kRetry), 2, absl::Minutes(1), schedule, random);
  EXPECT_EQ(d.step, NextStep::kRetryLater);
  EXPECT_EQ(d.retry_after, absl::Seconds(30));  // half of the 1 min ceiling
}

TEST(DecideNextStep, ARetryPastADayIsGivenUp) {
  RetrySchedule schedule;
  HalfRandom random;
  Decision d = DecideNextStep(Result(DeliveryOutcome::kRetry), 29,
                              absl::Hours(24) - absl::Minutes(1), schedule, random);
  EXPECT_EQ(d.step, NextStep::kGiveUp);
  EXPECT_STREQ(NextStepName(d.step), "given_up");
}

}  // namespace
}  // namespace statuscast
