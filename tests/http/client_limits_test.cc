// ClientLimits with explicit times: the token bucket, the stream cap, and
// the bound on remembered clients.
#include "libs/http/client_limits.h"

#include "gtest/gtest.h"

namespace statuscast {
namespace {

const absl::Time kStart = absl::FromUnixSeconds(1800000000);

TEST(ClientLimitsTest, BurstPassesThenRequestsWaitForTheRefill) {
  ClientLimits limits(ClientLimitOptions{/*rate_per_second=*/2, /*burst=*/3, 0});
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limits.AllowRequest("10.0.0.1", kStart).allowed) << i;
  ClientLimits::Verdict refused = limits.AllowRequest("10.0.0.1", kStart);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after, absl::Milliseconds(500));

  EXPECT_FALSE(limits.AllowRequest("10.0.0.1", kStart + absl::Milliseconds(400)).allowed);
  EXPECT_TRUE(limits.AllowRequest("10.0.0.1", kStart + absl::Milliseconds(500)).allowed);
  EXPECT_FALSE(limits.AllowRequest("10.0.0.1", kStart + absl::Milliseconds(500)).allowed);
  // A long pause refills to the burst, no further.
  const absl::Time later = kStart + absl::Hours(1);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limits.AllowRequest("10.0.0.1", later).allowed) << i;
  EXPECT_FALSE(limits.AllowRequest("10.0.0.1", later).allowed);
}

TEST(ClientLimitsTest, OneClientEmptyingItsBucketLeavesOthersAlone) {
  ClientLimits limits(ClientLimitOptions{1, 1, 0});
  EXPECT_TRUE(limits.AllowRequest("10.0.0.1", kStart).allowed);
  EXPECT_FALSE(limits.AllowRequest("10.0.0.1", kStart).allowed);
  EXPECT_TRUE(limits.AllowRequest("10.0.0.2", kStart).allowed);
}

TEST(ClientLimitsTest, ZeroRateLimitsNothing) {
  ClientLimits limits(ClientLimitOptions{});
  EXPECT_FALSE(limits.rate_limited());
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(limits.AllowRequest("10.0.0.1", kStart).allowed);
  EXPECT_EQ(limits.tracked_clients(), 0u);
}

TEST(ClientLimitsTest, AClockSteppedBackRefillsNothing) {
  ClientLimits limits(ClientLimitOptions{1, 1, 0});
  EXPECT_TRUE(limits.AllowRequest("10.0.0.1", kStart).allowed);
  EXPECT_FALSE(limits.AllowRequest("10.0.0.1", kStart - absl::Hours(1)).allowed);
  EXPECT_FALSE(limits.AllowRequest("10.0.0.1", kStart + absl::Milliseconds(900)).allowed);
  EXPECT_TRUE(limits.AllowRequest("10.0.0.1", kStart + absl::Seconds(1)).allowed);
}

TEST(ClientLimitsTest, StreamsAreCappedPerClientAndFreedOnRelease) {
  ClientLimits limits(ClientLimitOptions{0, 0, /*max_streams=*/2});
  EXPECT_TRUE(limits.AcquireStream("10.0.0.1"));
  EXPECT_TRUE(limits.AcquireStream("10.0.0.1"));
  EXPECT_FALSE(limits.AcquireStream("10.0.0.1"));
  EXPECT_TRUE(limits.AcquireStream("10.0.0.2"));
  limits.ReleaseStream("10.0.0.1");
  EXPECT_TRUE(limits.AcquireStream("10.0.0.1"));
  EXPECT_FALSE(limits.AcquireStream("10.0.0.1"));
}

TEST(ClientLimitsTest, ConnectionsAreCappedPerClientAndFreedOnRelease) {
  ClientLimits limits(ClientLimitOptions{0, 0, 0, /*max_connections=*/2});
  EXPECT_TRUE(limits.AcquireConnection("10.0.0.1"));
  EXPECT_TRUE(limits.AcquireConnection("10.0.0.1"));
  EXPECT_FALSE(limits.AcquireConnection("10.0.0.1"));
  EXPECT_TRUE(limits.AcquireConnection("2001:db8::/64"));
  limits.ReleaseConnection("10.0.0.1");
  EXPECT_TRUE(limits.AcquireConnection("10.0.0.1"));
  EXPECT_FALSE(limits.AcquireConnection("10.0.0.1"));
  // Streams are counted apart: a stream also holds a connection.
  EXPECT_TRUE(limits.AcquireStream("10.0.0.1"));
}

TEST(ClientLimitsTest, NoConnectionCapCountsNothing) {
  ClientLimits limits(ClientLimitOptions{});
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(limits.AcquireConnection("10.0.0.1"));
  limits.ReleaseConnection("10.0.0.1");  // harmless
}

TEST(ClientLimitsTest, NoStreamCapCountsNothing) {
  ClientLimits limits(ClientLimitOptions{});
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(limits.AcquireStream("10.0.0.1"));
  limits.ReleaseStream("10.0.0.1");  // harmless
}

TEST(ClientLimitsTest, IdleClientsAreForgottenWhenTheTableIsFull) {
  ClientLimitOptions options{1, 2, 0};
  options.max_tracked_clients = 2;
  ClientLimits limits(options);
  EXPECT_TRUE(limits.AllowRequest("a", kStart).allowed);
  EXPECT_TRUE(limits.AllowRequest("b", kStart).allowed);
  EXPECT_EQ(limits.tracked_clients(), 2u);
  // Both buckets are full again after 2 s (burst 2 at 1/s): forgotten.
  EXPECT_TRUE(limits.AllowRequest("c", kStart + absl::Seconds(2)).allowed);
  EXPECT_EQ(limits.tracked_clients(), 1u);
}

TEST(ClientLimitsTest, ClientsBeingLimitedAreNotEvictedByNewcomers) {
  ClientLimitOptions options{1, 1, 0};
  options.max_tracked_clients = 1;
  ClientLimits limits(options);
  EXPECT_TRUE(limits.AllowRequest("a", kStart).allowed);
  // "b" passes untracked; "a" keeps its empty bucket.
  EXPECT_TRUE(limits.AllowRequest("b", kStart).allowed);
  EXPECT_TRUE(limits.AllowRequest("b", kStart).allowed);
  EXPECT_FALSE(limits.AllowRequest("a", kStart).allowed);
  EXPECT_EQ(limits.tracked_clients(), 1u);
}

}  // namespace
}  // namespace statuscast
