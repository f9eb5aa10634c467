#include "libs/notify/host_limiter.h"

#include <thread>
#include <vector>

#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"

namespace statuscast {
namespace {

TEST(HostLimiter, AHostGetsAtMostItsLimit) {
  HostLimiter limiter(2);
  auto a = limiter.TryAcquire("hooks.example.com");
  auto b = limiter.TryAcquire("HOOKS.example.com");
  ASSERT_TRUE(a && b);
  EXPECT_FALSE(limiter.TryAcquire("hooks.example.com").has_value());
  EXPECT_EQ(limiter.InFlight("hooks.example.com"), 2);
}

TEST(HostLimiter, ABusyHostDoesNotBlockOthers) {
  HostLimiter limiter(1);
  auto slow = limiter.TryAcquire("slow.example.com");
  ASSERT_TRUE(slow);
  EXPECT_FALSE(limiter.TryAcquire("slow.example.com"));
  for (const char* host : {"a.example.com", "b.example.com", "c.example.com"}) {
    EXPECT_TRUE(limiter.TryAcquire(host).has_value()) << host;
  }
}

TEST(HostLimiter, ReleasingAPermitFreesItsSlot) {
  HostLimiter limiter(1);
  {
    auto p = limiter.TryAcquire("hooks.example.com");
    ASSERT_TRUE(p);
    auto moved = std::move(*p);
    EXPECT_EQ(limiter.InFlight("hooks.example.com"), 1);
  }
  EXPECT_EQ(limiter.InFlight("hooks.example.com"), 0);
  EXPECT_TRUE(limiter.TryAcquire("hooks.example.com").has_value());
}

TEST(HostLimiter, ConcurrentDeliveriesNeverExceedTheLimit) {
  HostLimiter limiter(3);
  std::atomic<int> inside{0}, peak{0}, refused{0};
  absl::Notification go;
  std::vector<std::thread> workers;
  for (int i = 0; i < 8; ++i) {
    workers.emplace_back([&] {
      go.WaitForNotification();
      for (int j = 0; j < 2000; ++j) {
        if (auto p = limiter.TryAcquire("hooks.example.com")) {
          int now = ++inside;
          int prev = peak.load();
          while (now > prev && !peak.compare_exchange_weak(prev, now)) {
          }
          --inside;
        } else {
          ++refused;
        }
      }
    });
  }
  go.Notify();
  for (std::thread& t : workers) t.join();
  EXPECT_LE(peak.load(), 3);
  EXPECT_GE(peak.load(), 1);
  EXPECT_EQ(limiter.InFlight("hooks.example.com"), 0);
}

}  // namespace
}  // namespace statuscast
