// The public Subscribe RPC against one hostile client, over real gRPC on
// 127.0.0.1 (no database: the hub is fed in memory). Loopback is exempt from
// per-address limits by default, so the per-address tests turn
// limit_loopback on; subscribe_limits_netns_test sends from another address.
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <functional>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/banner/banner_hub.h"
#include "libs/banner/banner_world.h"
#include "libs/banner/subscriber_limits.h"
#include "libs/base/clock.h"
#include "services/banner/banner_grpc_service.h"
#include "statuscast/v1/banner.grpc.pb.h"

namespace statuscast {
namespace {

using ::testing::HasSubstr;

std::shared_ptr<BannerWorld> World(int64_t sequence, const std::string& text) {
  auto w = std::make_shared<BannerWorld>();
  w->sequence = sequence;
  w->placements["checkout"] = ComponentPlacement{{"web"}, {"/checkout*"}};
  if (!text.empty()) {
    IncidentBanner b;
    b.incident_ref = "INC-3";
    b.severity = Severity::kSev2;
    b.state = IncidentState::kInvestigating;
    b.text = text;
    b.components = {"checkout"};
    b.posted_at = absl::Now() - absl::Minutes(2);
    b.content_version = sequence;
    w->incidents.push_back(b);
  }
  return w;
}

// The banner server's gRPC side as main wires it: the stream cap per
// connection as a channel argument, subscriber limits in the service.
class LimitedServer {
 public:
  LimitedServer(SubscriberLimitOptions limits, int max_streams_per_connection = 0)
      : hub_(RealClock::Get(), HubOptions()),
        limits_(limits),
        service_(hub_, nullptr, absl::Seconds(30), &limits_) {
    hub_.Publish(World(1, "Checkout is failing for some users."));
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(&service_);
    if (max_streams_per_connection > 0) {
      builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS, max_streams_per_connection);
    }
    grpc::ResourceQuota quota("subscribe-limits-test");
    quota.Resize(64 << 20);
    quota.SetMaxThreads(16);
    builder.SetResourceQuota(quota);
    server_ = builder.BuildAndStart();
    address_ = absl::StrCat("127.0.0.1:", port);
  }
  ~LimitedServer() {
    hub_.CloseAll();
    server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
  }

  std::shared_ptr<grpc::Channel> NewChannel() const {
    // A channel argument that differs per call keeps gRPC from sharing one
    // TCP connection between channels.
    grpc::ChannelArguments args;
    args.SetInt("statuscast.test.channel", next_channel_++);
    return grpc::CreateCustomChannel(address_, grpc::InsecureChannelCredentials(), args);
  }
  BannerHub& hub() { return hub_; }
  SubscriberLimits& limits() { return limits_; }
  const std::string& address() const { return address_; }

 private:
  static BannerHubOptions HubOptions() {
    BannerHubOptions o;
    o.status_page_url = "https://status.example.com";
    return o;
  }
  BannerHub hub_;
  SubscriberLimits limits_;
  BannerGrpcService service_;
  std::unique_ptr<grpc::Server> server_;
  std::string address_;
  mutable std::atomic<int> next_channel_{0};
};

// Polls `pred` for up to `timeout` (the server admits streams on its threads).
bool Poll(const std::function<bool()>& pred, absl::Duration timeout = absl::Seconds(5)) {
  const absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    if (pred()) return true;
    absl::SleepFor(absl::Milliseconds(5));
  }
  return pred();
}

// One Subscribe stream read on its own thread (a sync stream whose call is
// waiting for HTTP/2 stream quota blocks its creator).
class Stream {
 public:
  explicit Stream(std::shared_ptr<grpc::Channel> channel)
      : stub_(v1::BannerService::NewStub(channel)) {
    ctx_.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
    thread_ = std::thread([this] {
      v1::SubscribeRequest req;
      req.set_app("web");
      req.set_path("/checkout");
      auto reader = stub_->Subscribe(&ctx_, req);
      v1::SubscribeResponse r;
      while (reader->Read(&r)) {
        absl::MutexLock lock(&mu_);
        if (r.has_set()) {
          for (const auto& b : r.set().banners()) texts_.push_back(b.text());
          ++sets_;
        }
      }
      grpc::Status status = reader->Finish();
      absl::MutexLock lock(&mu_);
      status_ = status;
      ended_ = true;
    });
  }
  ~Stream() {
    ctx_.TryCancel();
    thread_.join();
  }
  void Cancel() { ctx_.TryCancel(); }

  // Waits up to `timeout` for `n` sets; true when they arrived. Polls: a
  // timed absl wait misbehaves under faketime (scripts/moved-clock-test),
  // whose moved clock the kernel's futex timeout does not see.
  bool WaitForSets(int n, absl::Duration timeout = absl::Seconds(5)) {
    Poll([&] { return sets() >= n || ended(); }, timeout);
    return sets() >= n;
  }
  // Waits for the end of the stream; its status.
  grpc::Status WaitForEnd(absl::Duration timeout = absl::Seconds(5)) {
    if (!Poll([&] { return ended(); }, timeout)) {
      return grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, "test: stream still open");
    }
    absl::MutexLock lock(&mu_);
    return status_;
  }
  bool ended() {
    absl::MutexLock lock(&mu_);
    return ended_;
  }
  int sets() {
    absl::MutexLock lock(&mu_);
    return sets_;
  }
  std::vector<std::string> texts() {
    absl::MutexLock lock(&mu_);
    return texts_;
  }

 private:
  std::unique_ptr<v1::BannerService::Stub> stub_;
  grpc::ClientContext ctx_;
  std::thread thread_;
  absl::Mutex mu_;
  int sets_ ABSL_GUARDED_BY(mu_) = 0;
  bool ended_ ABSL_GUARDED_BY(mu_) = false;
  grpc::Status status_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> texts_ ABSL_GUARDED_BY(mu_);
};

TEST(SubscribeLimitsTest, StreamsBeyondThePerConnectionCapAreNotOpenedConcurrently) {
  LimitedServer server({}, /*max_streams_per_connection=*/4);
  auto channel = server.NewChannel();
  std::vector<std::unique_ptr<Stream>> streams;
  for (int i = 0; i < 10; ++i) streams.push_back(std::make_unique<Stream>(channel));

  ASSERT_TRUE(Poll([&] { return server.limits().total() == 4; }));
  absl::SleepFor(absl::Milliseconds(500));  // time for any excess stream to be (wrongly) opened
  EXPECT_EQ(server.limits().total(), 4u);
  ASSERT_TRUE(Poll([&] {
    int served = 0;
    for (auto& s : streams) served += s->sets() >= 1 ? 1 : 0;
    return served == 4;
  }));

  // Ending one stream lets a waiting one in; the connection never holds more.
  int cancelled = 0;
  for (auto& s : streams) {
    if (cancelled < 2 && s->sets() >= 1) {
      s->Cancel();
      ++cancelled;
    }
  }
  ASSERT_TRUE(Poll([&] {
    int n = 0;
    for (auto& s : streams) n += (!s->ended() && s->sets() >= 1) ? 1 : 0;
    return n == 4;
  }));
  EXPECT_LE(server.limits().total(), 4u);
}

TEST(SubscribeLimitsTest, PerAddressCapAnswersResourceExhaustedAndOthersKeepWorking) {
  SubscriberLimitOptions options;
  options.max_per_peer = 3;
  options.limit_loopback = true;
  LimitedServer server(options);
  std::vector<std::unique_ptr<Stream>> held;
  for (int i = 0; i < 3; ++i) {
    held.push_back(std::make_unique<Stream>(server.NewChannel()));
    ASSERT_TRUE(held.back()->WaitForSets(1));
  }

  Stream refused(server.NewChannel());
  grpc::Status status = refused.WaitForEnd();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(status.error_message(), HasSubstr("client address 127.0.0.1 holds its limit of 3"));
  EXPECT_THAT(status.error_message(), HasSubstr("--grpc_max_subscribers_per_ip"));
  EXPECT_EQ(server.limits().held_by("127.0.0.1"), 3u);

  // The three under the cap still get updates.
  server.hub().Publish(World(2, "Checkout has recovered; we are watching."));
  for (auto& s : held) {
    ASSERT_TRUE(s->WaitForSets(2));
    EXPECT_THAT(s->texts().back(), HasSubstr("recovered"));
  }

  // A slot freed is a slot another stream may take.
  held[0]->Cancel();
  ASSERT_EQ(held[0]->WaitForEnd().error_code(), grpc::StatusCode::CANCELLED);
  ASSERT_TRUE(Poll([&] { return server.limits().held_by("127.0.0.1") == 2; }));
  Stream admitted(server.NewChannel());
  EXPECT_TRUE(admitted.WaitForSets(1));
}

TEST(SubscribeLimitsTest, LoopbackIsExemptFromThePerAddressCapByDefault) {
  SubscriberLimitOptions options;
  options.max_per_peer = 1;
  LimitedServer server(options);
  Stream a(server.NewChannel()), b(server.NewChannel()), c(server.NewChannel());
  EXPECT_TRUE(a.WaitForSets(1));
  EXPECT_TRUE(b.WaitForSets(1));
  EXPECT_TRUE(c.WaitForSets(1));
}

TEST(SubscribeLimitsTest, GlobalCapAnswersResourceExhaustedAndOthersKeepWorking) {
  SubscriberLimitOptions options;
  options.max_total = 2;
  LimitedServer server(options);
  Stream a(server.NewChannel()), b(server.NewChannel());
  ASSERT_TRUE(a.WaitForSets(1));
  ASSERT_TRUE(b.WaitForSets(1));

  Stream refused(server.NewChannel());
  grpc::Status status = refused.WaitForEnd();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(status.error_message(), HasSubstr("limit of 2 banner subscriptions"));
  EXPECT_THAT(status.error_message(), HasSubstr("--grpc_max_subscribers"));

  server.hub().Publish(World(2, "Checkout has recovered; we are watching."));
  EXPECT_TRUE(a.WaitForSets(2));
  EXPECT_TRUE(b.WaitForSets(2));
  EXPECT_EQ(server.limits().total(), 2u);
}

// The attack as reported: raw HTTP/2, hundreds of Subscribe streams on one
// connection, all sent before the server's SETTINGS are acknowledged. gRPC
// 1.51 enforces MAX_CONCURRENT_STREAMS only once they are, so such a client
// gets past the per-connection cap; the per-address cap still holds it.
TEST(SubscribeLimitsTest, ARawHttp2FloodOnOneConnectionIsHeldToThePerAddressCap) {
  if (std::system("/usr/bin/python3 -c 'import h2' 2>/dev/null") != 0) {
    FAIL() << "needs Debian's python3-h2 (scripts/test installs it)";
  }
  SubscriberLimitOptions options;
  options.max_per_peer = 10;
  options.limit_loopback = true;
  LimitedServer server(options, /*max_streams_per_connection=*/100);
  const std::string port = server.address().substr(server.address().rfind(':') + 1);
  std::string out;
  // A real client process on the real clock, also under a moved clock.
  FILE* p = popen(absl::StrCat("env -u LD_PRELOAD -u FAKETIME -u FAKETIME_DONT_FAKE_MONOTONIC ",
                               "/usr/bin/python3 ", RAW_HTTP2_SUBSCRIBE_PY, " 127.0.0.1 ", port,
                               " 300 2 2>&1")
                      .c_str(),
                  "r");
  ASSERT_NE(p, nullptr);
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  pclose(p);
  EXPECT_EQ(out, "open=10 exhausted=290 other=0\n");
  EXPECT_TRUE(Poll([&] { return server.limits().total() == 0; }));
}

TEST(SubscriberLimitsTest, ReleaseFreesTheSlotOfThatAddressOnly) {
  SubscriberLimitOptions options;
  options.max_per_peer = 1;
  SubscriberLimits limits(options);
  const PeerAddress a = PeerFromIp("10.0.0.1"), b = PeerFromIp("10.0.0.2");
  ASSERT_TRUE(limits.Acquire(a).ok());
  ASSERT_TRUE(limits.Acquire(b).ok());
  EXPECT_EQ(limits.Acquire(a).code(), absl::StatusCode::kResourceExhausted);
  limits.Release(a);
  EXPECT_TRUE(limits.Acquire(a).ok());
  EXPECT_EQ(limits.total(), 2u);
}

TEST(SubscriberLimitsTest, OneIpv6Slash64IsOneClient) {
  SubscriberLimitOptions options;
  options.max_per_peer = 1;
  SubscriberLimits limits(options);
  ASSERT_TRUE(limits.Acquire(PeerFromGrpc("ipv6:[2001:db8:1:2::7]:4711")).ok());
  absl::Status s = limits.Acquire(PeerFromGrpc("ipv6:%5B2001:db8:1:2:ffff::1%5D:4712"));
  EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(std::string(s.message()), HasSubstr("2001:db8:1:2::/64"));
  EXPECT_TRUE(limits.Acquire(PeerFromGrpc("ipv6:[2001:db8:1:3::7]:4711")).ok());
}

}  // namespace
}  // namespace statuscast
