// Notifier: sends what the outbox holds (notification_store.h) and records
// each outcome, so any number of replicas share the queue.
//
// A dispatcher thread claims as many due deliveries as there are idle
// workers (FOR UPDATE SKIP LOCKED plus a lease: OutboxStore::Claim) and
// hands each to a worker with a HostLimiter permit for its destination host
// (the webhook URL's host; the SMTP relay for mail). A delivery whose host
// already has `max_per_host` sends in flight is given back, due again after
// `busy_host_delay`, instead of waiting: one slow or dead receiver holds at
// most max_per_host workers and never delays deliveries to other hosts.
//
// After each attempt DecideNextStep (delivery_decision.h) says what the row
// becomes: delivered; pending again after the RetrySchedule's delay
// (exponential backoff with jitter); given up once the schedule ends (about a
// day); rejected (a permanent refusal); or, for HTTP 410 Gone, unsubscribed,
// which also ends the subscription and drops everything queued for it.
//
// At least once: a send whose outcome is not recorded (the process dies
// between the receiver's answer and RecordAttempt, or PostgreSQL is
// unreachable then) is claimed again when its lease ends and sent again with
// the same delivery id (webhook-id, Message-ID), which receivers deduplicate
// on (docs/notifications.md).
//
// Thread safety: Start/Stop from one thread; RunOnce only while not started.
#ifndef STATUSCAST_LIBS_NOTIFY_NOTIFIER_H_
#define STATUSCAST_LIBS_NOTIFY_NOTIFIER_H_

#include <deque>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "libs/base/clock.h"
#include "libs/notify/delivery_decision.h"
#include "libs/notify/delivery_result.h"
#include "libs/notify/host_limiter.h"
#include "libs/notify/notification_store.h"
#include "libs/notify/retry_schedule.h"

namespace statuscast {

// Makes and sends one message for a claimed delivery (delivery_sender.h).
class DeliverySender {
 public:
  virtual ~DeliverySender() = default;
  // Thread safety: called from many workers at once.
  virtual DeliveryResult Send(const ClaimedDelivery& delivery) = 0;
};

// What the notifier tells metrics after each attempt (safe from any thread).
class NotifierObserver {
 public:
  virtual ~NotifierObserver() = default;
  // `final_state` is the row's new state (kState*); `since_created` the time
  // from the causing commit to the end of this attempt.
  virtual void OnAttempt(const ClaimedDelivery& delivery, const DeliveryResult& result,
                         const std::string& final_state, absl::Duration since_created) = 0;
};

struct NotifierOptions {
  int workers = 16;
  int max_per_host = 4;
  // Concurrent mails to the SMTP relay.
  int max_smtp = 8;
  absl::Duration poll_interval = absl::Milliseconds(250);
  // Longer than any one send (webhooks 10 s, SMTP 30 s).
  absl::Duration lease = absl::Minutes(2);
  absl::Duration busy_host_delay = absl::Seconds(1);
  RetryPolicy retry;
};

class Notifier {
 public:
  // REQUIRES: everything passed outlives the notifier; `observer` may be null.
  Notifier(OutboxStore* outbox, SubscriberStore* subscribers, DeliverySender* sender,
           const Clock* clock, NotifierOptions options, NotifierObserver* observer = nullptr);
  ~Notifier();

  void Start();
  // Stops claiming, lets sends in flight finish and record, joins.
  void Stop();

  // One claim of up to `limit` deliveries, each sent on the calling thread in
  // turn (tests). The number attempted, or the store's error.
  absl::StatusOr<int> RunOnce(int limit);

 private:
  struct Job {
    ClaimedDelivery delivery;
    absl::optional<HostLimiter::Permit> permit;
  };

  void DispatchLoop();
  void WorkLoop();
  // Claims up to `limit`; a job per delivery whose host has room, the rest
  // deferred. Returns how many were claimed (-1 on a store error).
  int ClaimInto(int limit, std::vector<Job>* jobs);
  void Process(const ClaimedDelivery& d, RandomSource& random);

  OutboxStore* outbox_;
  SubscriberStore* subscribers_;
  DeliverySender* sender_;
  const Clock* clock_;
  const NotifierOptions options_;
  NotifierObserver* observer_;
  const RetrySchedule schedule_;
  HostLimiter host_limiter_;
  HostLimiter smtp_limiter_;

  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  int busy_ ABSL_GUARDED_BY(mu_) = 0;
  std::deque<Job> queue_ ABSL_GUARDED_BY(mu_);
  std::vector<std::thread> threads_;
};

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_NOTIFY_NOTIFIER_H_
