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
    for (const auto& [key, waiting] : parked_) {
      for (const Parked& p : waiting) unsent.push_back(p.delivery.id);
    }
    parked_.clear();
    parked_count_ = 0;
  }
  if (!unsent.empty()) outbox_->Defer(unsent, clock_->Now()).IgnoreError();
}

std::string Notifier::LimitKey(const ClaimedDelivery& d) {
  if (d.subscriber.subscription.kind == SubscriberKind::kEmail) return "smtp";
  return absl::StrCat("host:", d.subscriber.destination_host);
}

absl::optional<HostLimiter::Permit> Notifier::TryPermit(const ClaimedDelivery& d) {
  if (d.subscriber.subscription.kind == SubscriberKind::kEmail) {
    return smtp_limiter_.TryAcquire("smtp");
  }
  return host_limiter_.TryAcquire(d.subscriber.destination_host);
}

int Notifier::ClaimInto(int limit, const ClaimSkips& skip, bool park, std::vector<Job>* jobs) {
  const absl::Time now = clock_->Now();
  absl::StatusOr<std::vector<ClaimedDelivery>> claimed =
      outbox_->Claim(limit, now, options_.lease, skip);
  if (!claimed.ok()) {
    LogEvent("notify_claim_failed", {{"error", std::string(claimed.status().message())}});
    return -1;
  }
  std::vector<std::string> busy;
  for (ClaimedDelivery& d : *claimed) {
    // Under mu_, as a worker's last look at the parked deliveries and its
    // release of the permit are: a delivery is parked only while some worker
    // holds its host's permit and will still look.
    absl::MutexLock lock(&mu_);
    absl::optional<HostLimiter::Permit> permit = TryPermit(d);
    if (permit) {
      jobs->push_back(Job{std::move(d), std::move(permit)});
      continue;
    }
    if (park) {
      const bool mail = d.subscriber.subscription.kind == SubscriberKind::kEmail;
      const size_t per_key = 4 * static_cast<size_t>(mail ? options_.max_smtp : options_.max_per_host);
      std::deque<Parked>& waiting = parked_[LimitKey(d)];
      if (parked_count_ < options_.max_parked && waiting.size() < per_key) {
        waiting.push_back(Parked{std::move(d), now});
        ++parked_count_;
        continue;
      }
      if (waiting.empty()) parked_.erase(LimitKey(d));
    }
    busy.push_back(d.id);
  }
  if (!busy.empty()) {
    absl::Status s = outbox_->Defer(busy, now + options_.busy_host_delay);
    if (!s.ok()) LogEvent("notify_defer_failed", {{"error", std::string(s.message())}});
  }
  return static_cast<int>(claimed->size());
}

absl::optional<Notifier::Parked> Notifier::NextParked(const std::string& key,
                                                      std::vector<std::string>* expired) {
  auto it = parked_.find(key);
  if (it == parked_.end()) return absl::nullopt;
  // Started after this, a send could still be running when the lease ends
  // (and another claim sends it again).
  const absl::Time start_by_claimed_at =
      clock_->Now() - (options_.lease - options_.max_send - absl::Seconds(5));
  absl::optional<Parked> next;
  while (!it->second.empty() && !next) {
    Parked p = std::move(it->second.front());
    it->second.pop_front();
    --parked_count_;
    if (p.claimed_at > start_by_claimed_at) {
      next.emplace(std::move(p));
    } else {
      expired->push_back(p.delivery.id);
    }
  }
  if (it->second.empty()) {
    parked_.erase(it);
    claim_now_ = true;  // the host's rows are no longer skipped
  }
  return next;
}

void Notifier::DispatchLoop() {
  for (;;) {
    int idle = 0;
    ClaimSkips skip;
    {
      absl::MutexLock lock(&mu_);
      auto room = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return stopping_ || (busy_ + static_cast<int>(queue_.size()) < options_.workers &&
                             parked_count_ < options_.max_parked);
      };
      mu_.Await(absl::Condition(&room));
      if (stopping_) return;
      idle = options_.workers - busy_ - static_cast<int>(queue_.size());
      claim_now_ = false;
      // Mail that fits: the relay's permits plus its parking.
      skip.most_mail = 4 * options_.max_smtp;
      for (const auto& [key, waiting] : parked_) {
        if (key == "smtp") {
          skip.email = true;
        } else {
          skip.hosts.push_back(key.substr(5));  // after "host:"
        }
      }
    }
    std::vector<Job> jobs;
    const int claimed = ClaimInto(idle, skip, /*park=*/true, &jobs);
    {
      absl::MutexLock lock(&mu_);
      for (Job& j : jobs) queue_.push_back(std::move(j));
    }
    // A full claim means more may be due: claim again at once. Otherwise wait
    // for the next poll, a host whose parked deliveries ran out, or Stop.
    if (claimed < idle) {
      absl::MutexLock lock(&mu_);
      auto wake = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return stopping_ || claim_now_;
      };
      mu_.AwaitWithTimeout(absl::Condition(&wake), options_.poll_interval);
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
      if (stopping_) return;  // Stop gives queued and parked jobs back
      job.emplace(std::move(queue_.front()));
      queue_.pop_front();
      ++busy_;
    }
    const std::string key = LimitKey(job->delivery);
    absl::optional<Parked> next(Parked{std::move(job->delivery), clock_->Now()});
    while (next) {
      if (clock_->Now() - next->claimed_at <= options_.recheck_after ||
          StillSubscribed(next->delivery)) {
        bool recorded = false;
        AttemptOutcome o = Send(next->delivery, random, &recorded);
        if (!recorded) RecordBatched(std::move(o));
      }
      // The same host's next parked delivery goes out with this permit.
      std::vector<std::string> expired;
      {
        absl::MutexLock lock(&mu_);
        next = stopping_ ? absl::nullopt : NextParked(key, &expired);
        // Released under mu_ (see ClaimInto), so nothing is parked for this
        // host after its last permit holder looked.
        if (!next) job->permit.reset();
      }
      if (!expired.empty()) {
        absl::Status s = outbox_->Defer(expired, clock_->Now() + options_.busy_host_delay);
        if (!s.ok()) LogEvent("notify_defer_failed", {{"error", std::string(s.message())}});
      }
    }
    job.reset();
    absl::MutexLock lock(&mu_);
    --busy_;
  }
}

absl::StatusOr<int> Notifier::RunOnce(int limit) {
  std::vector<Job> jobs;
  if (ClaimInto(limit, ClaimSkips(), /*park=*/false, &jobs) < 0) {
    return absl::UnavailableError("claiming deliveries failed; see the log");
  }
  BitGenRandomSource random;
  for (Job& j : jobs) {
    bool recorded = false;
    AttemptOutcome o = Send(j.delivery, random, &recorded);
    if (!recorded) Record(o);
  }
  return static_cast<int>(jobs.size());
}

bool Notifier::StillSubscribed(const ClaimedDelivery& d) {
  absl::StatusOr<SubscriberRecord> now = subscribers_->GetSubscriber(d.subscriber.subscription.id);
  if (now.ok()) return !now->unsubscribed_at.has_value();
  LogEvent("notify_recheck_failed",
           {{"delivery", d.id}, {"error", std::string(now.status().message())}});
  // Not sent while unsure; due again shortly (or when its lease ends, if
  // this fails too).
  outbox_->Defer({d.id}, clock_->Now() + options_.busy_host_delay).IgnoreError();
  return false;
}

void Notifier::Record(const AttemptOutcome& o) {
  absl::Status s = outbox_->RecordAttempt(o);
  if (!s.ok()) {
    // Sent but not recorded: the lease runs out and the row is sent again,
    // with the same id (the documented duplicate).
    LogEvent("notify_record_failed",
             {{"delivery", o.delivery_id}, {"error", std::string(s.message())}});
  }
}

void Notifier::RecordBatched(AttemptOutcome o) {
  {
    absl::MutexLock lock(&record_mu_);
    records_.push_back(std::move(o));
    if (recording_) return;  // the worker writing now takes it too
    recording_ = true;
  }
  for (;;) {
    std::vector<AttemptOutcome> batch;
    {
      absl::MutexLock lock(&record_mu_);
      batch.swap(records_);
      if (batch.empty()) {
        recording_ = false;
        return;
      }
    }
    absl::Status s = outbox_->RecordAttempts(batch);
    if (!s.ok()) {
      // As in Record: these are sent again when their leases end.
      for (const AttemptOutcome& failed : batch) {
        LogEvent("notify_record_failed",
                 {{"delivery", failed.delivery_id}, {"error", std::string(s.message())}});
      }
    }
  }
}

AttemptOutcome Notifier::Send(const ClaimedDelivery& d, RandomSource& random, bool* recorded) {
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
  *recorded = false;
  if (decision.step == NextStep::kUnsubscribe) {
    // Recorded first: the unsubscribe drops what is still pending, this row
    // included, and its history must say why.
    Record(o);
    *recorded = true;
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
  return o;
}

}  // namespace statuscast
