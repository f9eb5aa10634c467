// Notifier: sends what the outbox holds (notification_store.h) and records
// each outcome, so any number of replicas share the queue.
//
// A dispatcher thread claims as many due deliveries as there are idle
// workers (FOR UPDATE SKIP LOCKED plus a lease: OutboxStore::Claim) and
// hands each to a worker with a HostLimiter permit for its destination host
// (the webhook URL's host; the SMTP relay for mail). A delivery whose host
// already has its limit in flight (`max_per_host`; `max_smtp` for mail) is
// parked in memory, holding no worker: when a send to that host ends, its
// worker takes the host's next parked delivery with the same permit, so a
// busy host's sends follow one another without a new claim. While a host
// has parked deliveries, claims leave its rows in the queue (ClaimSkips), so
// one slow or dead receiver holds at most its limit of workers and never
// delays deliveries to other hosts. Parked deliveries are bounded (4 times
// the host's limit per host, `max_parked` in all); beyond that, and for any
// parked so long that its send could outlast the lease, they are given back
// (due again after `busy_host_delay`) rather than sent late. One parked for
// more than `recheck_after` (a slow host) is sent only after its
// subscription is read again and found live, so an unsubscribe during the
// wait holds.
//
// Outcomes are recorded in batches: a worker that finishes a send queues its
// outcome, and whichever worker finds no write in progress writes every
// queued outcome in one statement (OutboxStore::RecordAttempts). An HTTP 410
// is recorded at once, before the subscription ends.
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
#include <map>
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
  // Claimed deliveries waiting in memory for a busy host, in all.
  int max_parked = 1024;
  absl::Duration recheck_after = absl::Seconds(1);
  // The longest one send can take (webhooks 10 s, SMTP 30 s): a parked
  // delivery starts only while lease - max_send - 5 s of its lease is left.
  absl::Duration max_send = absl::Seconds(30);
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
  struct Parked {
    ClaimedDelivery delivery;
    absl::Time claimed_at;
  };

  void DispatchLoop();
  void WorkLoop();
  // The limiter key of a delivery: "smtp" for mail, else "host:<host>".
  static std::string LimitKey(const ClaimedDelivery& d);
  absl::optional<HostLimiter::Permit> TryPermit(const ClaimedDelivery& d);
  // Claims up to `limit`; a job per delivery whose host has room, the rest
  // parked (`park`) or given back. Returns how many were claimed (-1 on a
  // store error).
  int ClaimInto(int limit, const ClaimSkips& skip, bool park, std::vector<Job>* jobs);
  // The next parked delivery for `key` that may still start, or nullopt;
  // those too old to start are added to `expired`.
  absl::optional<Parked> NextParked(const std::string& key, std::vector<std::string>* expired)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // For a delivery that waited parked: false when its subscription has
  // ended, or cannot be read now (then it is given back).
  bool StillSubscribed(const ClaimedDelivery& d);
  // Sends and returns the outcome to record (the 410 case is recorded
  // before the subscription ends, and then `recorded` is set).
  AttemptOutcome Send(const ClaimedDelivery& d, RandomSource& random, bool* recorded);
  void Record(const AttemptOutcome& o);
  // Queues `o` and, unless another worker is writing, writes every queued
  // outcome in batches until none is left.
  void RecordBatched(AttemptOutcome o);

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
  // By LimitKey; a key is present only while it has parked deliveries.
  std::map<std::string, std::deque<Parked>> parked_ ABSL_GUARDED_BY(mu_);
  int parked_count_ ABSL_GUARDED_BY(mu_) = 0;
  // A host's parked deliveries ran out: claim now rather than at the poll.
  bool claim_now_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;

  absl::Mutex record_mu_;
  std::vector<AttemptOutcome> records_ ABSL_GUARDED_BY(record_mu_);
  bool recording_ ABSL_GUARDED_BY(record_mu_) = false;
};

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_NOTIFY_NOTIFIER_H_
