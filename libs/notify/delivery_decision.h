// What the notifier does with an outbox row after one delivery attempt: the
// one place that turns a DeliveryResult into the row's next state.
//
//   delivered                       -> kMarkDelivered
//   gone (HTTP 410)                 -> kUnsubscribe (remove the subscriber,
//                                      drop its queued rows)
//   rejected                        -> kRecordRejected (no retry)
//   retry, and the schedule allows  -> kRetryLater after `retry_after`
//   retry, past the give-up age     -> kGiveUp (recorded as given up)
//
// Thread safety: pure; the RandomSource is the caller's.
#ifndef STATUSCAST_LIBS_NOTIFY_DELIVERY_DECISION_H_
#define STATUSCAST_LIBS_NOTIFY_DELIVERY_DECISION_H_

#include "absl/time/time.h"
#include "libs/notify/delivery_result.h"
#include "libs/notify/retry_schedule.h"

namespace statuscast {

enum class NextStep { kMarkDelivered, kUnsubscribe, kRecordRejected, kRetryLater, kGiveUp };

// "delivered", "unsubscribe", "rejected", "retry", "given_up".
const char* NextStepName(NextStep step);

struct Decision {
  NextStep step = NextStep::kRetryLater;
  absl::Duration retry_after;  // kRetryLater only
};

// `attempts_made` counts the attempt that produced `result` (>= 1); `age` is
// how long ago the notification was made.
Decision DecideNextStep(const DeliveryResult& result, int attempts_made, absl::Duration age,
                        const RetrySchedule& schedule, RandomSource& random);

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_NOTIFY_DELIVERY_DECISION_H_
