#include "libs/rpc/dependency_health.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace statuscast {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

// Records every change; waits (real time, bounded, on the monotonic clock:
// the suite also runs with the wall clock moved) for the n-th.
class Changes {
 public:
  DependencyHealth::OnChange Callback() {
    return [this](bool healthy, const std::string& reason) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        seen_.emplace_back(healthy, reason);
      }
      cv_.notify_all();
    };
  }
  std::vector<std::pair<bool, std::string>> WaitFor(size_t n) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, std::chrono::seconds(10), [this, n] { return seen_.size() >= n; });
    return seen_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::pair<bool, std::string>> seen_;
};

const DependencyHealth::Options kFast{absl::Milliseconds(20), absl::Milliseconds(200)};

TEST(DependencyHealthTest, AFailingProbeTurnsUnhealthyWithItsReasonAndASuccessBack) {
  std::atomic<bool> fail{true};
  Changes changes;
  DependencyHealth health(
      [&] {
        return fail ? absl::UnavailableError("PostgreSQL is unreachable") : absl::OkStatus();
      },
      kFast, changes.Callback());
  EXPECT_TRUE(health.healthy());  // before the first probe
  health.Start();
  changes.WaitFor(1);
  EXPECT_FALSE(health.healthy());
  fail = false;
  EXPECT_THAT(changes.WaitFor(2),
              ElementsAre(Pair(false, "PostgreSQL is unreachable"), Pair(true, "")));
  health.Stop();
}

TEST(DependencyHealthTest, AProbeThatHangsTurnsUnhealthyBeforeItReturns) {
  absl::Notification release;
  std::atomic<bool> hang{true};
  Changes changes;
  DependencyHealth health(
      [&] {
        if (hang.exchange(false)) release.WaitForNotification();
        return absl::OkStatus();
      },
      kFast, changes.Callback());
  health.Start();
  auto seen = changes.WaitFor(1);  // while the probe still hangs
  release.Notify();  // before any assertion: a failed one must not leave the probe hanging
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_FALSE(seen[0].first);
  EXPECT_THAT(seen[0].second, HasSubstr("no answer within the 200ms timeout"));
  EXPECT_THAT(changes.WaitFor(2), ElementsAre(Pair(false, seen[0].second), Pair(true, "")));
  health.Stop();
}

TEST(DependencyHealthTest, AnAnswerSlowerThanTheTimeoutIsUnhealthyAndChangesAreReportedOnce) {
  std::atomic<int> calls{0};
  Changes changes;
  DependencyHealth health(
      [&] {
        if (calls++ < 3) absl::SleepFor(absl::Milliseconds(300));
        return absl::OkStatus();
      },
      kFast, changes.Callback());
  health.Start();
  auto seen = changes.WaitFor(2);
  absl::SleepFor(absl::Milliseconds(200));  // more fast probes: no further change
  health.Stop();
  EXPECT_GE(calls.load(), 5);
  seen = changes.WaitFor(2);
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_FALSE(seen[0].first);
  EXPECT_TRUE(seen[1].first);
  EXPECT_TRUE(health.healthy());
}

}  // namespace
}  // namespace statuscast
