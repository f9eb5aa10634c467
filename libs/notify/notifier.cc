#include "libs/notify/notifier.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "libs/base/log.h"

namespace statuscast {
namespace {

const char* StateFor(NextStep step) {
  switch (step) {
    case NextStep::kMarkDelivered:
      return kStateDelivered;
    case NextStep::kUnsubscribe:
      return kStateUnsubscribed;
    case NextStep::kRecordRejected:
      return kStateRejected;
    case NextStep::kRetryLater:
      return kStatePending;
    case NextStep::kGiveUp:
      return kStateGivenUp;
  }
  return kStatePending;
}

}  // namespace

Notifier::Notifier(OutboxStore* outbox, SubscriberStore* subscribers, DeliverySender* sender,
                   const Clock* clock, NotifierOptions options, NotifierObserver* observer)
    : outbox_(outbox),
      subscribers_(subscribers),
      sender_(sender),
      clock_(clock),
      options_(options),
      observer_(observer),
      schedule_(options.retry),
      host_limiter_(options.max_per_host),
      smtp_limiter_(options.max_smtp) {}

Notifier::~Notifier() { Stop(); }

void Notifier::Start() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = false;
  }
  for (int i = 0; i < options_.workers; ++i) threads_.emplace_back([this] { WorkLoop(); });
  threads_.emplace_back([this] { DispatchLoop(); });
}

void Notifier::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  for (std::thread& t : threads_) t.join();
  threads_.clear();
  // Claimed but never started: give them back now rather than after the lease.
  std::vector<std::string> unsent;
  {
    absl::MutexLock lock(&mu_);
    for (const Job& j : queue_) unsent.push_back(j.delivery.id);
    queue_.clear();
  }
  if (!unsent.empty()) outbox_->Defer(unsent, clock_->Now()).IgnoreError();
}

int Notifier::ClaimInto(int limit, std::vector<Job>* jobs) {
  const absl::Time now = clock_->Now();
  absl::StatusOr<std::vector<ClaimedDelivery>> claimed =
      outbox_->Claim(limit, now, options_.lease);
  if (!claimed.ok()) {
    LogEvent("notify_claim_failed", {{"error", std::string(claimed.status().message())}});
    return -1;
  }
  std::vector<std::string> busy;
  for (ClaimedDelivery& d : *claimed) {
    const bool mail = d.subscriber.subscription.kind == SubscriberKind::kEmail;
    absl::optional<HostLimiter::Permit> permit =
        mail ? smtp_limiter_.TryAcquire("smtp") : host_limiter_.TryAcquire(d.subscriber.destination_host);
    if (!permit) {
      busy.push_back(d.id);
      continue;
    }
    jobs->push_back(Job{std::move(d), std::move(permit)});
  }
  if (!busy.empty()) {
    absl::Status s = outbox_->Defer(busy, now + options_.busy_host_delay);
    if (!s.ok()) LogEvent("notify_defer_failed", {{"error", std::string(s.message())}});
  }
  return static_cast<int>(claimed->size());
}

void Notifier::DispatchLoop() {
  for (;;) {
    int idle = 0;
    {
      absl::MutexLock lock(&mu_);
      auto room = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return stopping_ || busy_ + static_cast<int>(queue_.size()) < options_.workers;
      };
      mu_.Await(absl::Condition(&room));
      if (stopping_) return;
      idle = options_.workers - busy_ - static_cast<int>(queue_.size());
    }
    std::vector<Job> jobs;
    const int claimed = ClaimInto(idle, &jobs);
    {
      absl::MutexLock lock(&mu_);
      for (Job& j : jobs) queue_.push_back(std::move(j));
    }
    // A full claim means more may be due: claim again at once. Otherwise wait
    // for the next poll (or Stop).
    if (claimed < idle || jobs.empty()) {
      absl::MutexLock lock(&mu_);
      auto stop = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stopping_; };
      mu_.AwaitWithTimeout(absl::Condition(&stop), options_.poll_interval);
      if (stopping_) return;
    }
  }
}

void Notifier::WorkLoop() {
  BitGenRandomSource random;
  for (;;) {
    absl::optional<Job> job;
    {
      absl::MutexLock lock(&mu_);
      auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return stopping_ || !queue_.empty();
      };
      mu_.Await(absl::Condition(&ready));
      if (queue_.empty()) return;  // stopping
      if (stopping_) return;       // Stop gives queued jobs back
      job.emplace(std::move(queue_.front()));
      queue_.pop_front();
      ++busy_;
    }
    Process(job->delivery, random);
    job.reset();  // releases the host permit
    absl::MutexLock lock(&mu_);
    --busy_;
  }
}

absl::StatusOr<int> Notifier::RunOnce(int limit) {
  std::vector<Job> jobs;
  if (ClaimInto(limit, &jobs) < 0) {
    return absl::UnavailableError("claiming deliveries failed; see the log");
  }
  BitGenRandomSource random;
  for (Job& j : jobs) Process(j.delivery, random);
  return static_cast<int>(jobs.size());
}

void Notifier::Process(const ClaimedDelivery& d, RandomSource& random) {
  DeliveryResult result = sender_->Send(d);
  const absl::Time now = clock_->Now();
  AttemptOutcome o;
  o.delivery_id = d.id;
  o.attempts = d.attempts + 1;
  o.attempted_at = now;
  o.status_code = result.status_code;
  o.detail = result.detail;
  Decision decision = DecideNextStep(result, o.attempts, now - d.created_at, schedule_, random);
  o.state = StateFor(decision.step);
  o.next_attempt_at = now + decision.retry_after;
  if (decision.step == NextStep::kGiveUp) {
    o.detail = absl::StrCat("given up after ", o.attempts, " attempts; last: ", result.detail);
  }
  absl::Status s = outbox_->RecordAttempt(o);
  if (!s.ok()) {
    // Sent but not recorded: the lease runs out and the row is sent again,
    // with the same id (the documented duplicate).
    LogEvent("notify_record_failed", {{"delivery", d.id}, {"error", std::string(s.message())}});
  }
  if (decision.step == NextStep::kUnsubscribe) {
    absl::StatusOr<bool> ended = subscribers_->Unsubscribe(
        d.subscriber.subscription.id, now, "the receiver answered 410 Gone");
    if (!ended.ok()) {
      LogEvent("notify_unsubscribe_failed",
               {{"subscriber", d.subscriber.subscription.id},
                {"error", std::string(ended.status().message())}});
    }
  }
  LogEvent("notify_attempt", {{"delivery", d.id},
                              {"kind", SubscriberKindName(d.subscriber.subscription.kind)},
                              {"outcome", DeliveryOutcomeName(result.outcome)},
                              {"state", o.state},
                              {"attempt", absl::StrCat(o.attempts)},
                              {"detail", result.detail}});
  if (observer_ != nullptr) observer_->OnAttempt(d, result, o.state, now - d.created_at);
}

}  // namespace statuscast
