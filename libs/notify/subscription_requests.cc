#include "libs/notify/subscription_requests.h"

#include <utility>

#include "absl/time/clock.h"
#include "libs/base/log.h"

namespace statuscast {

SubscriptionRequests::SubscriptionRequests(SubscriberDirectory* directory, size_t max_queued)
    : directory_(directory), max_queued_(max_queued) {}

SubscriptionRequests::~SubscriptionRequests() { Stop(absl::ZeroDuration()); }

bool SubscriptionRequests::Enqueue(SubscriptionRequest request) {
  absl::MutexLock lock(&mu_);
  if (stopping_ || queue_.size() >= max_queued_) return false;
  queue_.push_back(std::move(request));
  return true;
}

size_t SubscriptionRequests::Pending() const {
  absl::MutexLock lock(&mu_);
  return queue_.size() + (in_flight_ ? 1 : 0);
}

void SubscriptionRequests::Start() { thread_ = std::thread([this] { Loop(); }); }

void SubscriptionRequests::Stop(absl::Duration drain_for) {
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) return;
    stopping_ = true;
    give_up_at_ = absl::Now() + drain_for;
  }
  if (thread_.joinable()) thread_.join();
}

absl::Status SubscriptionRequests::Apply(const SubscriptionRequest& r) {
  switch (r.action) {
    case SubscriptionRequest::Action::kSubscribeEmail:
      return directory_->RequestEmailSubscription(r.email, r.scope);
    case SubscriptionRequest::Action::kConfirm:
      return directory_->Confirm(r.subscriber_id);
    case SubscriptionRequest::Action::kUnsubscribe:
      return directory_->Unsubscribe(r.subscriber_id, r.reason).status();
  }
  return absl::OkStatus();
}

void SubscriptionRequests::Loop() {
  for (;;) {
    SubscriptionRequest r;
    {
      absl::MutexLock lock(&mu_);
      auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return stopping_ || !queue_.empty();
      };
      mu_.Await(absl::Condition(&ready));
      if (queue_.empty()) return;  // stopping, nothing left
      r = queue_.front();
      in_flight_ = true;
    }
    absl::Status s = Apply(r);
    absl::MutexLock lock(&mu_);
    if (s.code() == absl::StatusCode::kUnavailable) {
      LogEvent("subscription_request_retry", {{"error", std::string(s.message())}});
      in_flight_ = false;
      if (absl::Now() >= give_up_at_) return;
      auto stop = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return stopping_ && absl::Now() >= give_up_at_;
      };
      mu_.AwaitWithTimeout(absl::Condition(&stop), absl::Seconds(1));
      continue;  // the same request again
    }
    if (!s.ok()) {
      LogEvent("subscription_request_dropped", {{"error", std::string(s.message())}});
    }
    queue_.pop_front();
    in_flight_ = false;
  }
}

}  // namespace statuscast
