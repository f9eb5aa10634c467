// Issue 17 against HttpServer: one hostile client per test, performing the
// attack over real sockets, and what the server does about it. Loopback is
// exempt from the per-address limits by default, so these either turn
// limit_loopback on or name loopback as the trusted proxy; 127.0.0.2 (also
// loopback, a distinct address) plays the other visitor.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/banner/banner_hub.h"
#include "libs/base/clock.h"
#include "libs/http/http_server.h"
#include "services/banner/banner_http_endpoints.h"
#include "tests/http/http_test_util.h"

namespace statuscast {
namespace {

using ::testing::HasSubstr;
using testing_http::ParseResponse;
using testing_http::RawResponse;
using testing_http::ReadAll;
using testing_http::Request;
using testing_http::SendAll;
using testing_http::WorldWith;

constexpr char kShopCheckout[] = "/v1/banners?app=shop&path=/checkout";

// A TCP connection to 127.0.0.1:port from `source` (a loopback address).
int ConnectFrom(const std::string& source, int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in from{};
  from.sin_family = AF_INET;
  inet_pton(AF_INET, source.c_str(), &from.sin_addr);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(static_cast<uint16_t>(port));
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&from), sizeof from) != 0 ||
      ::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

RawResponse GetFrom(const std::string& source, int port, const std::string& target,
                    const std::vector<std::string>& headers = {}) {
  int fd = ConnectFrom(source, port);
  if (fd < 0) return RawResponse{};
  std::string req =
      absl::StrCat("GET ", target, " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
  for (const std::string& h : headers) absl::StrAppend(&req, h, "\r\n");
  req += "\r\n";
  SendAll(fd, req);
  RawResponse r = ParseResponse(ReadAll(fd, absl::Seconds(5)));
  ::close(fd);
  return r;
}

class HttpAbuseTest : public ::testing::Test {
 protected:
  HttpAbuseTest() : clock_(absl::FromUnixSeconds(1800000000)), hub_(clock_, BannerHubOptions{}) {
    hub_.Publish(WorldWith(1, {"x"}));
  }
  ~HttpAbuseTest() override {
    for (int fd : fds_) ::close(fd);
  }

  void StartServer(HttpServerOptions options) {
    server_ = testing_http::StartBannerServer(std::move(options), hub_, clock_);
    ASSERT_NE(server_, nullptr);
    port_ = server_->port();
  }

  // A server that gives a client `header_timeout` to send its request
  // headers (and 30 s for a whole request).
  void StartWithHeaderTimeout(absl::Duration header_timeout) {
    HttpServerOptions options;
    options.header_timeout = header_timeout;
    options.request_timeout = absl::Seconds(30);
    StartServer(options);
  }

  // Opens `n` connections from `source` that never send a byte.
  void OpenIdle(const std::string& source, int n) {
    for (int i = 0; i < n; ++i) {
      int fd = ConnectFrom(source, port_);
      ASSERT_GE(fd, 0);
      fds_.push_back(fd);
    }
  }

  // Waits until the server holds `n` connections; true if it did.
  bool WaitForConnections(size_t n) {
    for (int i = 0; i < 300; ++i) {
      if (server_->connections() == n) return true;
      absl::SleepFor(absl::Milliseconds(10));
    }
    return server_->connections() == n;
  }

  FakeClock clock_;
  BannerHub hub_;
  std::unique_ptr<HttpServer> server_;
  int port_ = 0;
  std::vector<int> fds_;
};

// --- Connections per address -------------------------------------------

TEST_F(HttpAbuseTest, IdleSocketsFromOneAddressCannotTakeEverySlot) {
  HttpServerOptions options;
  options.limit_loopback = true;
  options.max_connections = 10;
  options.max_connections_per_ip = 4;
  StartServer(options);
  OpenIdle("127.0.0.1", 10);  // the attacker wants all 10
  ASSERT_TRUE(WaitForConnections(4)) << server_->connections();

  // Beyond its 4 the attacker's connection is closed at once, unanswered.
  int extra = ConnectFrom("127.0.0.1", port_);
  ASSERT_GE(extra, 0);
  const absl::Time start = absl::Now();
  EXPECT_EQ(ReadAll(extra, absl::Seconds(5)), "");
  EXPECT_LT(absl::Now() - start, absl::Seconds(2));
  ::close(extra);

  // A real visitor from another address is served.
  RawResponse visitor = GetFrom("127.0.0.2", port_, kShopCheckout);
  EXPECT_EQ(visitor.status, 200) << visitor.raw;
}

TEST_F(HttpAbuseTest, AClosedConnectionFreesItsAddressSlot) {
  HttpServerOptions options;
  options.limit_loopback = true;
  options.max_connections_per_ip = 2;
  StartServer(options);
  OpenIdle("127.0.0.1", 2);
  ASSERT_TRUE(WaitForConnections(2));
  EXPECT_EQ(GetFrom("127.0.0.1", port_, kShopCheckout).status, 0);

  ::close(fds_.back());
  fds_.pop_back();
  ASSERT_TRUE(WaitForConnections(1));
  EXPECT_EQ(GetFrom("127.0.0.1", port_, kShopCheckout).status, 200);
}

TEST_F(HttpAbuseTest, LoopbackIsNotCappedUnlessLimitLoopback) {
  HttpServerOptions options;
  options.max_connections_per_ip = 2;
  StartServer(options);
  OpenIdle("127.0.0.1", 5);
  EXPECT_TRUE(WaitForConnections(5)) << server_->connections();
  EXPECT_EQ(GetFrom("127.0.0.1", port_, kShopCheckout).status, 200);
}

// --- Header timeout ----------------------------------------------------

TEST_F(HttpAbuseTest, ASocketThatSendsNothingIsClosedAfterTheHeaderTimeout) {
  StartWithHeaderTimeout(absl::Milliseconds(300));
  int idle = ConnectFrom("127.0.0.1", port_);
  ASSERT_GE(idle, 0);
  const absl::Time start = absl::Now();
  EXPECT_EQ(ReadAll(idle, absl::Seconds(10)), "");  // closed, no answer
  EXPECT_LT(absl::Now() - start, absl::Seconds(3));
  ::close(idle);
  EXPECT_TRUE(WaitForConnections(0));
}

TEST_F(HttpAbuseTest, AHeaderTrickledSlowerThanTheHeaderTimeoutIsCutOff) {
  StartWithHeaderTimeout(absl::Milliseconds(300));
  int slow = ConnectFrom("127.0.0.1", port_);
  ASSERT_GE(slow, 0);
  const absl::Time start = absl::Now();
  ASSERT_TRUE(SendAll(slow, "GET /v1/banners?app=shop&path=/ HTTP/1.1\r\n"));
  absl::SleepFor(absl::Milliseconds(150));
  ASSERT_TRUE(SendAll(slow, "Host: 127.0.0.1\r\n"));
  EXPECT_EQ(ReadAll(slow, absl::Seconds(10)), "");
  EXPECT_LT(absl::Now() - start, absl::Seconds(3));
  ::close(slow);
}

TEST_F(HttpAbuseTest, AKeptAliveConnectionMayIdleForTheRequestTimeout) {
  StartWithHeaderTimeout(absl::Milliseconds(200));
  int fd = ConnectFrom("127.0.0.1", port_);
  ASSERT_GE(fd, 0);
  const std::string get =
      absl::StrCat("GET ", kShopCheckout, " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  ASSERT_TRUE(SendAll(fd, get));
  EXPECT_THAT(ReadAll(fd, absl::Milliseconds(600)), HasSubstr("HTTP/1.1 200"));
  // Longer than the header timeout since that answer: still open.
  ASSERT_TRUE(SendAll(fd, get));
  EXPECT_THAT(ReadAll(fd, absl::Milliseconds(600)), HasSubstr("HTTP/1.1 200"));
  ::close(fd);
}

// --- Behind a proxy ------------------------------------------------------

TEST_F(HttpAbuseTest, ViaATrustedProxyTheRateLimitKeysOnTheForwardedAddress) {
  HttpServerOptions options;
  options.trusted_proxies = {"127.0.0.1"};  // loopback itself stays exempt
  options.rate_per_ip = 1;
  options.burst_per_ip = 1;
  StartServer(options);
  const std::string a = "X-Forwarded-For: 203.0.113.7";
  EXPECT_EQ(GetFrom("127.0.0.1", port_, kShopCheckout, {a}).status, 200);
  RawResponse limited = GetFrom("127.0.0.1", port_, kShopCheckout, {a});
  EXPECT_EQ(limited.status, 429) << limited.raw;
  EXPECT_THAT(limited.body, HasSubstr("too many requests from this address"));
  // What the client itself put left of the proxy's entry changes nothing.
  EXPECT_EQ(
      GetFrom("127.0.0.1", port_, kShopCheckout, {"X-Forwarded-For: 1.2.3.4, 203.0.113.7"}).status,
      429);
  // Another visitor through the same proxy has its own budget.
  EXPECT_EQ(GetFrom("127.0.0.1", port_, kShopCheckout, {"X-Forwarded-For: 203.0.113.8"}).status,
            200);
  // The proxy's own requests (no header) are loopback: exempt.
  for (int i = 0; i < 3; ++i) EXPECT_EQ(GetFrom("127.0.0.1", port_, kShopCheckout).status, 200);
}

TEST_F(HttpAbuseTest, AnUntrustedPeersForwardedForIsIgnored) {
  HttpServerOptions options;
  options.limit_loopback = true;
  options.trusted_proxies = {"127.0.0.1"};
  options.rate_per_ip = 1;
  options.burst_per_ip = 1;
  StartServer(options);
  // 127.0.0.2 is not a listed proxy: a fresh X-Forwarded-For per request
  // does not buy it a fresh budget.
  EXPECT_EQ(GetFrom("127.0.0.2", port_, kShopCheckout, {"X-Forwarded-For: 203.0.113.7"}).status,
            200);
  EXPECT_EQ(GetFrom("127.0.0.2", port_, kShopCheckout, {"X-Forwarded-For: 203.0.113.8"}).status,
            429);
  EXPECT_EQ(GetFrom("127.0.0.2", port_, kShopCheckout, {"X-Forwarded-For: 127.0.0.9"}).status, 429);
}

TEST_F(HttpAbuseTest, ViaATrustedProxyTheStreamCapKeysOnTheForwardedAddress) {
  HttpServerOptions options;
  options.trusted_proxies = {"127.0.0.0/8"};
  options.max_streams_per_ip = 1;
  StartServer(options);
  const std::string url =
      absl::StrCat("http://127.0.0.1:", port_, "/v1/banners/stream?app=shop&path=/checkout");
  testing_http::CurlProcess first(
      {"-sN", "--max-time", "30", "-H", "X-Forwarded-For: 203.0.113.7", url});
  ASSERT_TRUE(first.WaitFor("id: 1\n", absl::Seconds(5))) << first.output();

  RawResponse second = GetFrom("127.0.0.1", port_, "/v1/banners/stream?app=shop&path=/checkout",
                               {"X-Forwarded-For: 203.0.113.7"});
  EXPECT_EQ(second.status, 429) << second.raw;
  EXPECT_THAT(second.body, HasSubstr("too many open streams from this address (at most 1)"));

  testing_http::CurlProcess other(
      {"-sN", "--max-time", "30", "-H", "X-Forwarded-For: 203.0.113.8", url});
  EXPECT_TRUE(other.WaitFor("id: 1\n", absl::Seconds(5))) << other.output();
}

TEST_F(HttpAbuseTest, ATrustedProxyIsNotHeldToTheConnectionCap) {
  HttpServerOptions options;
  options.limit_loopback = true;
  options.trusted_proxies = {"127.0.0.1"};
  options.max_connections_per_ip = 2;
  StartServer(options);
  OpenIdle("127.0.0.1", 4);
  OpenIdle("127.0.0.2", 4);
  EXPECT_TRUE(WaitForConnections(6)) << server_->connections();
}

TEST_F(HttpAbuseTest, StartFailsOnABadTrustedProxy) {
  HttpServerOptions options;
  options.trusted_proxies = {"10.0.0.0/8", "lb.internal"};
  options.address = "127.0.0.1";
  options.port = 0;
  EXPECT_TRUE(testing_http::RefusesToStart(options, "lb.internal"));
}

}  // namespace
}  // namespace statuscast
