#include "libs/pgstore/change_feed.h"

#include <pqxx/pqxx>

#include "absl/strings/numbers.h"
#include "libs/pgstore/pg_incident_store.h"

namespace statuscast {
namespace {

class Receiver final : public pqxx::notification_receiver {
 public:
  Receiver(pqxx::connection_base& c, std::function<void(int64_t)> on_sequence)
      : pqxx::notification_receiver(c, kChangeChannel), on_sequence_(std::move(on_sequence)) {}
  void operator()(const std::string& payload, int) override {
    int64_t seq = 0;
    if (absl::SimpleAtoi(payload, &seq)) on_sequence_(seq);
  }

 private:
  std::function<void(int64_t)> on_sequence_;
};

}  // namespace

ChangeFeed::ChangeFeed(std::string database_url, absl::Duration poll_interval)
    : url_(std::move(database_url)), poll_interval_(poll_interval) {}

ChangeFeed::~ChangeFeed() { Stop(); }

void ChangeFeed::Start() { thread_ = std::thread([this] { Run(); }); }

void ChangeFeed::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stop_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

bool ChangeFeed::stopped() const {
  absl::MutexLock lock(&mu_);
  return stop_;
}

int64_t ChangeFeed::latest() const {
  absl::MutexLock lock(&mu_);
  return latest_;
}

void ChangeFeed::Publish(int64_t sequence) {
  absl::MutexLock lock(&mu_);
  if (sequence > latest_) latest_ = sequence;
}

int64_t ChangeFeed::WaitBeyond(int64_t sequence, absl::Time deadline) {
  absl::MutexLock lock(&mu_);
  auto ready = [this, sequence]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return stop_ || latest_ > sequence;
  };
  mu_.AwaitWithDeadline(absl::Condition(&ready), deadline);
  return latest_;
}

void ChangeFeed::Run() {
  absl::Duration backoff = absl::Milliseconds(100);
  while (!stopped()) {
    try {
      pqxx::connection c(url_);
      Receiver receiver(c, [this](int64_t seq) { Publish(seq); });
      backoff = absl::Milliseconds(100);
      absl::Time next_poll = absl::InfinitePast();
      while (!stopped()) {
        if (absl::Now() >= next_poll) {
          // Safety net (and catch-up after a reconnect): read the head.
          pqxx::nontransaction n(c);
          Publish(n.exec1("SELECT value FROM change_sequence")[0].as<int64_t>());
          next_poll = absl::Now() + poll_interval_;
        }
        c.await_notification(0, 200000);
      }
    } catch (const std::exception&) {
      // PostgreSQL went away or is not there yet: retry with backoff.
      absl::MutexLock lock(&mu_);
      auto stopping = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stop_; };
      mu_.AwaitWithTimeout(absl::Condition(&stopping), backoff);
      backoff = std::min(backoff * 2, absl::Seconds(5));
    }
  }
}

}  // namespace statuscast
