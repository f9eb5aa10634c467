// The per-address Subscribe limit against a client at another address, with
// loopback exemption left on (the default): the test makes two network
// namespaces joined by a veth pair (10.200.N.1/30 for the server, .2 for the
// client), binds the in-process server inside the first and runs
// subscribe_flood.py inside the second. No traffic leaves those namespaces;
// both are deleted at the end. Needs root and iproute2 (skipped otherwise).
#include <fcntl.h>
#include <grpcpp/grpcpp.h>
#include <sched.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/banner/banner_hub.h"
#include "libs/banner/banner_world.h"
#include "libs/banner/subscriber_limits.h"
#include "libs/base/clock.h"
#include "services/banner/banner_grpc_service.h"

namespace statuscast {
namespace {

using ::testing::Each;
using ::testing::HasSubstr;
using ::testing::StartsWith;

bool Shell(const std::string& command) { return std::system((command + " 2>&1").c_str()) == 0; }

std::string Capture(const std::string& command) {
  std::string out;
  FILE* p = popen(command.c_str(), "r");
  if (p == nullptr) return out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  pclose(p);
  return out;
}

// Two namespaces and a veth pair between them, removed on destruction.
class NamespacePair {
 public:
  NamespacePair() {
    const int n = 1 + static_cast<int>(getpid() % 250);
    const std::string tag = absl::StrCat(getpid());
    server_ns_ = "sc-abuse-s" + tag;
    client_ns_ = "sc-abuse-c" + tag;
    server_ip_ = absl::StrCat("10.200.", n, ".1");
    client_ip_ = absl::StrCat("10.200.", n, ".2");
    const std::string vs = "scs" + tag, vc = "scc" + tag;
    ok_ = Shell("ip netns add " + server_ns_) && Shell("ip netns add " + client_ns_) &&
          Shell(absl::StrCat("ip link add ", vs, " netns ", server_ns_, " type veth peer name ", vc,
                             " netns ", client_ns_)) &&
          Shell(absl::StrCat("ip -n ", server_ns_, " addr add ", server_ip_, "/30 dev ", vs)) &&
          Shell(absl::StrCat("ip -n ", client_ns_, " addr add ", client_ip_, "/30 dev ", vc)) &&
          Shell(absl::StrCat("ip -n ", server_ns_, " link set ", vs, " up")) &&
          Shell(absl::StrCat("ip -n ", client_ns_, " link set ", vc, " up")) &&
          Shell(absl::StrCat("ip -n ", server_ns_, " link set lo up")) &&
          Shell(absl::StrCat("ip -n ", client_ns_, " link set lo up"));
  }
  ~NamespacePair() {
    // Deleting a namespace deletes its end of the veth pair, and so both.
    Shell("ip netns del " + client_ns_);
    Shell("ip netns del " + server_ns_);
  }
  bool ok() const { return ok_; }
  const std::string& server_ns() const { return server_ns_; }
  const std::string& client_ns() const { return client_ns_; }
  const std::string& server_ip() const { return server_ip_; }
  const std::string& client_ip() const { return client_ip_; }

 private:
  bool ok_ = false;
  std::string server_ns_, client_ns_, server_ip_, client_ip_;
};

std::shared_ptr<BannerWorld> World() {
  auto w = std::make_shared<BannerWorld>();
  w->sequence = 1;
  w->placements["checkout"] = ComponentPlacement{{"web"}, {"/checkout*"}};
  return w;
}

TEST(SubscribeLimitsNetnsTest, AClientAtAnotherAddressIsHeldToThePerAddressCap) {
  if (geteuid() != 0 || !Shell("ip netns list >/dev/null")) {
    GTEST_SKIP() << "needs root and iproute2 to make network namespaces";
  }
  NamespacePair net;
  ASSERT_TRUE(net.ok()) << "could not set up the namespaces";

  BannerHubOptions hub_options;
  hub_options.status_page_url = "https://status.example.com";
  BannerHub hub(RealClock::Get(), hub_options);
  hub.Publish(World());
  SubscriberLimitOptions options;
  options.max_per_peer = 3;  // loopback exemption stays on: this is not loopback
  SubscriberLimits limits(options);
  BannerGrpcService service(hub, nullptr, absl::Seconds(30), &limits);

  // The listening socket is made by the thread that builds the server, so
  // that thread enters the server namespace first.
  std::unique_ptr<grpc::Server> server;
  int port = 0;
  std::thread builder_thread([&] {
    const int fd = open(("/run/netns/" + net.server_ns()).c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0 || setns(fd, CLONE_NEWNET) != 0) return;
    close(fd);
    grpc::ServerBuilder builder;
    builder.AddListeningPort(net.server_ip() + ":0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(&service);
    server = builder.BuildAndStart();
  });
  builder_thread.join();
  ASSERT_NE(server, nullptr);
  ASSERT_NE(port, 0);

  const std::string out =
      // The client is a real process on the real clock, also when this test
      // runs with its own clock moved (scripts/moved-clock-test).
      Capture(absl::StrCat("ip netns exec ", net.client_ns(),
                           " env -u LD_PRELOAD -u FAKETIME -u FAKETIME_DONT_FAKE_MONOTONIC",
                           " /usr/bin/python3 ",
                           SUBSCRIBE_FLOOD_PY, " ", net.server_ip(), ":", port, " 5 2 2>&1"));
  std::vector<std::string> lines = absl::StrSplit(out, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 5u) << out;
  const std::vector<std::string> admitted(lines.begin(), lines.begin() + 3);
  EXPECT_THAT(admitted, Each(StartsWith("OPEN "))) << out;
  for (const std::string& l : admitted) EXPECT_NE(l, "OPEN 0") << "no banner set arrived";
  for (size_t i = 3; i < 5; ++i) {
    EXPECT_THAT(lines[i], StartsWith("RESOURCE_EXHAUSTED client address " + net.client_ip() +
                                     " holds its limit of 3 banner subscriptions "
                                     "(--grpc_max_subscribers_per_ip)"))
        << out;
  }

  hub.CloseAll();
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
  EXPECT_EQ(limits.held_by(net.client_ip()), 0u);
}

}  // namespace
}  // namespace statuscast
