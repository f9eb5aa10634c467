// SubscriptionRequests: what the public pages ask of the subscriber
// directory (subscribe an address, confirm, unsubscribe), done on a thread
// of its own, because the HTTP handlers that take the requests must not
// block on the database (libs/http/http_route.h).
//
// Enqueue answers at once: true when the request is queued, false when the
// queue is full (the page answers 503, try again). The worker applies each
// request through SubscriberDirectory in order; a request that fails because
// the database is unavailable is retried (1 s apart) until it succeeds or
// the queue is stopped, so an unsubscribe the page confirmed is not lost to a
// short outage. Other errors (an invalid address got past the page's check,
// an unknown subscriber) are logged and dropped: the pages answer alike for
// every address anyway.
//
// Thread safety: Enqueue from any thread; Start/Stop from one.
#ifndef STATUSCAST_LIBS_NOTIFY_SUBSCRIPTION_REQUESTS_H_
#define STATUSCAST_LIBS_NOTIFY_SUBSCRIPTION_REQUESTS_H_

#include <deque>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "libs/notify/subscriber_directory.h"

namespace statuscast {

struct SubscriptionRequest {
  enum class Action { kSubscribeEmail, kConfirm, kUnsubscribe };
  Action action = Action::kSubscribeEmail;
  std::string email;          // kSubscribeEmail
  ComponentScope scope;       // kSubscribeEmail
  std::string subscriber_id;  // kConfirm, kUnsubscribe
  std::string reason;         // kUnsubscribe
};

class SubscriptionRequests {
 public:
  // REQUIRES: `directory` outlives this.
  SubscriptionRequests(SubscriberDirectory* directory, size_t max_queued = 10000);
  ~SubscriptionRequests();

  bool Enqueue(SubscriptionRequest request);
  void Start();
  // Applies what is queued (retrying an unavailable database at most
  // `drain_for`), then stops.
  void Stop(absl::Duration drain_for = absl::Seconds(5));
  // Requests queued and not yet applied (tests).
  size_t Pending() const;

 private:
  void Loop();
  absl::Status Apply(const SubscriptionRequest& r);

  SubscriberDirectory* directory_;
  const size_t max_queued_;
  mutable absl::Mutex mu_;
  std::deque<SubscriptionRequest> queue_ ABSL_GUARDED_BY(mu_);
  bool in_flight_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  absl::Time give_up_at_ ABSL_GUARDED_BY(mu_) = absl::InfiniteFuture();
  std::thread thread_;
};

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_NOTIFY_SUBSCRIPTION_REQUESTS_H_
