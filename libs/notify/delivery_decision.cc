#include "libs/notify/delivery_decision.h"

namespace statuscast {

const char* NextStepName(NextStep step) {
  switch (step) {
    case NextStep::kMarkDelivered:
      return "delivered";
    case NextStep::kUnsubscribe:
      return "unsubscribe";
    case NextStep::kRecordRejected:
      return "rejected";
    case NextStep::kRetryLater:
      return "retry";
    case NextStep::kGiveUp:
      return "given_up";
  }
  return "retry";
}

Decision DecideNextStep(const DeliveryResult& result, int attempts_made, absl::Duration age,
                        const RetrySchedule& schedule, RandomSource& random) {
  switch (result.outcome) {
    case DeliveryOutcome::kDelivered:
      return {NextStep::kMarkDelivered, absl::ZeroDuration()};
    case DeliveryOutcome::kGone:
      return {NextStep::kUnsubscribe, absl::ZeroDuration()};
    case DeliveryOutcome::kRejected:
      return {NextStep::kRecordRejected, absl::ZeroDuration()};
    case DeliveryOutcome::kRetry:
      break;
  }
  absl::optional<absl::Duration> delay = schedule.NextDelay(attempts_made, age, random);
  if (!delay.has_value()) return {NextStep::kGiveUp, absl::ZeroDuration()};
  return {NextStep::kRetryLater, *delay};
}

}  // namespace statuscast
