#include "libs/banner/banner_follower.h"

#include "absl/strings/str_cat.h"
#include "libs/base/log.h"

namespace statuscast {

BannerFollower::BannerFollower(BannerHub& hub, const Clock& clock, Loader loader, Waiter waiter,
                               BannerFollowerOptions options)
    : hub_(hub),
      clock_(clock),
      loader_(std::move(loader)),
      waiter_(std::move(waiter)),
      options_(options) {}

BannerFollower::~BannerFollower() { Stop(); }

void BannerFollower::Start() { thread_ = std::thread([this] { Run(); }); }

void BannerFollower::Stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

absl::Status BannerFollower::SyncOnce() {
  absl::StatusOr<LoadedWorld> loaded = loader_(applied_.load());
  if (!loaded.ok()) {
    ++failures_;
    if (healthy_.exchange(false)) {
      LogEvent("banner_sync_failed", {{"error", std::string(loaded.status().message())}});
    }
    return loaded.status();
  }
  const int64_t seq = loaded->world->sequence;
  hub_.Publish(loaded->world, loaded->commit_times);
  if (seq > applied_.load()) applied_ = seq;
  last_load_ = clock_.Now();
  if (!healthy_.exchange(true)) {
    LogEvent("banner_sync_ok", {{"sequence", absl::StrCat(seq)}});
  }
  return absl::OkStatus();
}

void BannerFollower::Run() {
  int64_t hinted = 0;
  bool force = true;
  while (!stop_.load()) {
    const absl::Time now = clock_.Now();
    if (force || hinted > applied_.load() || now >= last_load_ + options_.reconcile_interval) {
      if (!SyncOnce().ok()) {
        waiter_(std::numeric_limits<int64_t>::max(), absl::Now() + options_.retry_interval);
        continue;
      }
      force = false;
    }
    absl::Time deadline = absl::Now() + options_.reconcile_interval;
    absl::optional<absl::Time> boundary;
    if (auto world = hub_.world()) boundary = NextScheduleBoundary(*world, now);
    if (boundary) deadline = std::min(deadline, absl::Now() + (*boundary - now));
    hinted = waiter_(applied_.load(), deadline);
    if (boundary && clock_.Now() >= *boundary) hub_.Refresh();
  }
}

}  // namespace statuscast
