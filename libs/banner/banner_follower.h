// BannerFollower: keeps a BannerHub in step with PostgreSQL.
//
// A thread waits for a change hint (NOTIFY through the ChangeFeed, or a
// timeout), loads one consistent BannerWorld, and publishes it. NOTIFY is
// only a hint: the follower compares sequences, so a lost notification or a
// reconnect loses nothing, and it reloads every `reconcile_interval` anyway
// as a safety net. Schedule boundaries of manual banners wake it too. While
// PostgreSQL is away the hub keeps serving the last world.
// Thread safety: Start/Stop from one thread; the accessors from any.
#ifndef STATUSCAST_LIBS_BANNER_BANNER_FOLLOWER_H_
#define STATUSCAST_LIBS_BANNER_BANNER_FOLLOWER_H_

#include <atomic>
#include <functional>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/synchronization/notification.h"
#include "libs/banner/banner_hub.h"

namespace statuscast {

struct BannerFollowerOptions {
  absl::Duration reconcile_interval = absl::Seconds(30);
  absl::Duration retry_interval = absl::Seconds(1);
};

class BannerFollower {
 public:
  // Loads the world, given the last sequence already published.
  using Loader = std::function<absl::StatusOr<LoadedWorld>(int64_t after)>;
  // Blocks until a sequence beyond `seq` is hinted or `deadline`; returns the
  // newest hinted sequence.
  using Waiter = std::function<int64_t(int64_t seq, absl::Time deadline)>;

  // REQUIRES: hub and clock outlive the follower.
  BannerFollower(BannerHub& hub, const Clock& clock, Loader loader, Waiter waiter,
                 BannerFollowerOptions options);
  ~BannerFollower();  // Stops.

  void Start();
  // Returns after the thread has ended. The waiter must return promptly
  // once stopping (e.g. ChangeFeed::Stop() was called).
  void Stop();

  // Runs one load-and-publish now (tests, and the start-up path).
  absl::Status SyncOnce();

  bool healthy() const { return healthy_.load(); }
  int64_t applied() const { return applied_.load(); }
  uint64_t load_failures() const { return failures_.load(); }

 private:
  void Run();

  BannerHub& hub_;
  const Clock& clock_;
  Loader loader_;
  Waiter waiter_;
  const BannerFollowerOptions options_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> healthy_{false};
  std::atomic<int64_t> applied_{0};
  std::atomic<uint64_t> failures_{0};
  absl::Time last_load_ = absl::InfinitePast();
  std::thread thread_;
};

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_BANNER_BANNER_FOLLOWER_H_
