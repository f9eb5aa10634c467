// HttpServer against real clients: raw sockets for plain requests and curl
// for Server-Sent Events, port 0. The stream routes are statuscast-banner's
// (services/banner/banner_http_endpoints.h) over a real BannerHub fed worlds
// built here: the library's SSE delivery seen through its main user.
#include "libs/http/http_server.h"

#include <unistd.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/banner/banner_hub.h"
#include "libs/base/clock.h"
#include "services/banner/banner_http_endpoints.h"
#include "tests/http/http_test_util.h"

namespace statuscast {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing_http::CountingMetrics;
using testing_http::CurlProcess;
using testing_http::RawResponse;
using testing_http::Request;
using testing_http::SetEvents;
using testing_http::WorldWith;

constexpr char kShopCheckout[] = "/v1/banners?app=shop&path=/checkout";
constexpr char kStreamShopCheckout[] = "/v1/banners/stream?app=shop&path=/checkout";
const BannerTarget kTarget{"shop", "/checkout"};

class HttpServerTest : public ::testing::Test {
 protected:
  HttpServerTest() : clock_(absl::FromUnixSeconds(1800000000)), hub_(clock_, BannerHubOptions{}) {}

  void StartServer(HttpServerOptions options = {}) {
    options.address = "127.0.0.1";
    options.port = 0;
    options.clock = &clock_;
    server_ = std::make_unique<HttpServer>(std::move(options), &metrics_);
    AddBannerRoutes(*server_, hub_, &metrics_, clock_);
    server_->AddRoute("/hello", [](const HttpRequest& req) {
      HttpResponse r;
      r.content_type = "text/plain";
      r.body = "hello " + (req.Query("name") ? *req.Query("name") : std::string("world"));
      return r;
    });
    if (extra_routes_) extra_routes_(*server_);
    absl::Status started = server_->Start();
    ASSERT_TRUE(started.ok()) << started;
    port_ = server_->port();
    ASSERT_GT(port_, 0);
  }

  std::string Url(const std::string& target) const {
    return absl::StrCat("http://127.0.0.1:", port_, target);
  }

  std::unique_ptr<CurlProcess> Stream(const std::string& target,
                                      std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"-sN", "--max-time", "30"};
    for (std::string& e : extra) args.push_back(std::move(e));
    args.push_back(Url(target));
    return std::make_unique<CurlProcess>(std::move(args));
  }

  void Publish(int64_t seq, const std::vector<std::string>& texts) {
    hub_.Publish(WorldWith(seq, texts));
  }

  // A replica started on a world at `world` with `texts` (a restart): a
  // client resuming from `world` gets no set; one resuming from its last
  // set's `last_set` (older: the new replica cannot tell nothing changed
  // since) gets the set again.
  void ExpectRestartedReplicaSendsNothingFrom(int64_t world, int64_t last_set,
                                              const std::vector<std::string>& texts) {
    BannerHub restarted_hub(clock_, BannerHubOptions{});
    restarted_hub.Publish(WorldWith(world, texts));
    HttpServerOptions options;
    options.address = "127.0.0.1";
    options.port = 0;
    options.clock = &clock_;
    HttpServer restarted(std::move(options), &metrics_);
    AddBannerRoutes(restarted, restarted_hub, &metrics_, clock_);
    ASSERT_TRUE(restarted.Start().ok());
    const std::string stream =
        absl::StrCat("http://127.0.0.1:", restarted.port(), kStreamShopCheckout);
    CurlProcess resumed(
        {"-sN", "--max-time", "30", "-H", absl::StrCat("Last-Event-ID: ", world), stream});
    ASSERT_TRUE(resumed.WaitFor("retry: ", absl::Seconds(5)));
    resumed.Drain(absl::Milliseconds(300));
    EXPECT_TRUE(SetEvents(resumed.output()).empty()) << resumed.output();
    CurlProcess from_last_set(
        {"-sN", "--max-time", "30", "-H", absl::StrCat("Last-Event-ID: ", last_set), stream});
    EXPECT_TRUE(WaitForSet(from_last_set, world));
    restarted.Stop();
  }

  // Waits until `curl` has received the whole set event with id `version`.
  static bool WaitForSet(CurlProcess& curl, int64_t version,
                         absl::Duration timeout = absl::Seconds(5)) {
    const std::string id = std::to_string(version);
    const absl::Time deadline = absl::Now() + timeout;
    for (;;) {
      for (const auto& e : SetEvents(curl.output())) {
        if (e.id == id) return true;
      }
      if (absl::Now() >= deadline) return false;
      curl.Drain(absl::Milliseconds(10));
    }
  }

  FakeClock clock_;
  BannerHub hub_;
  CountingMetrics metrics_;
  // Routes a test adds before Start.
  std::function<void(HttpServer&)> extra_routes_;
  std::unique_ptr<HttpServer> server_;
  int port_ = 0;
};

// --- Snapshot --------------------------------------------------------------

TEST_F(HttpServerTest, SnapshotIsTheHubsJsonWithAnETag) {
  Publish(7, {"Checkout is slow"});
  StartServer();
  RawResponse r = Request(port_, "GET", kShopCheckout);
  ASSERT_EQ(r.status, 200) << r.raw;
  std::shared_ptr<const RenderedSet> set = hub_.Current(kTarget);
  EXPECT_EQ(r.body, set->json);
  EXPECT_THAT(r.body, HasSubstr("Checkout is slow"));
  EXPECT_EQ(r.Header("content-type"), "application/json");
  EXPECT_EQ(r.Header("etag"), "\"" + set->content_hash + "\"");
  EXPECT_EQ(r.Header("cache-control"), "no-cache");
  EXPECT_FALSE(r.Header("x-request-id").empty());
  EXPECT_EQ(metrics_.Requests("/v1/banners", 200), 1);
}

TEST_F(HttpServerTest, SnapshotAnswers304WhileTheETagMatches) {
  Publish(1, {"Checkout is slow"});
  StartServer();
  const std::string etag = Request(port_, "GET", kShopCheckout).Header("etag");
  ASSERT_FALSE(etag.empty());

  RawResponse same = Request(port_, "GET", kShopCheckout, {"If-None-Match: " + etag});
  EXPECT_EQ(same.status, 304) << same.raw;
  EXPECT_EQ(same.body, "");
  EXPECT_EQ(same.Header("etag"), etag);

  // Same content at a later sequence: still the same ETag.
  Publish(2, {"Checkout is slow"});
  EXPECT_EQ(Request(port_, "GET", kShopCheckout, {"If-None-Match: W/" + etag}).status, 304);

  Publish(3, {"Checkout is down"});
  RawResponse changed = Request(port_, "GET", kShopCheckout, {"If-None-Match: " + etag});
  EXPECT_EQ(changed.status, 200);
  EXPECT_NE(changed.Header("etag"), etag);
  EXPECT_THAT(changed.body, HasSubstr("Checkout is down"));
}

TEST_F(HttpServerTest, SnapshotIs503UntilTheFirstWorld) {
  StartServer();
  RawResponse r = Request(port_, "GET", kShopCheckout);
  EXPECT_EQ(r.status, 503);
  EXPECT_THAT(r.body, HasSubstr("\"error\":"));
  EXPECT_EQ(r.Header("retry-after"), "1");
}

TEST_F(HttpServerTest, HeadAnswersHeadersWithoutBody) {
  Publish(1, {"Checkout is slow"});
  StartServer();
  RawResponse get = Request(port_, "GET", kShopCheckout);
  RawResponse head = Request(port_, "HEAD", kShopCheckout);
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.body, "");
  EXPECT_EQ(head.Header("content-length"), std::to_string(get.body.size()));
  EXPECT_EQ(head.Header("etag"), get.Header("etag"));
}

TEST_F(HttpServerTest, QueryValuesArePercentDecoded) {
  Publish(1, {"Checkout is slow"});
  StartServer();
  RawResponse r =
      Request(port_, "GET", "/v1/banners?app=shop&path=%2Fcheck%20out%2F%C3%A9t%C3%A9+x");
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_THAT(r.body, HasSubstr("\"path\":\"/check out/été x\""));
}

// --- Routes and bad parameters -------------------------------------------

TEST_F(HttpServerTest, AddedRoutesServeGetAndHead) {
  StartServer();
  RawResponse get = Request(port_, "GET", "/hello?name=status%20page");
  EXPECT_EQ(get.status, 200);
  EXPECT_EQ(get.body, "hello status page");
  EXPECT_EQ(get.Header("content-type"), "text/plain");
  RawResponse head = Request(port_, "HEAD", "/hello");
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.body, "");
  EXPECT_EQ(head.Header("content-length"), std::to_string(std::string("hello world").size()));
  EXPECT_EQ(metrics_.Requests("/hello", 200), 2);
}

struct BadRequestCase {
  std::string query;
  std::string parameter;
  std::string message_part;
};

TEST_F(HttpServerTest, BadParametersAre400NamingTheParameterOnEveryEndpoint) {
  Publish(1, {"x"});
  StartServer();
  const std::vector<BadRequestCase> cases = {
      {"path=/checkout", "app", "app is required"},
      {"app=&path=/checkout", "app", "app is required"},
      {"app=Shop&path=/checkout", "app", "app must be 1-64 characters"},
      {"app=sh%20op&path=/checkout", "app", "app must be 1-64 characters"},
      {"app=" + std::string(65, 'a') + "&path=/checkout", "app", "app must be 1-64"},
      {"app=shop", "path", "path is required"},
      {"app=shop&path=checkout", "path", "path must start with '/'"},
      {"app=shop&path=/" + std::string(600, 'p'), "path", "path is 601 bytes; the limit is 512"},
      {"app=shop&path=/%FF%FE", "path", "path is not valid UTF-8"},
  };
  for (const char* endpoint : {"/v1/banners", "/v1/banners/stream"}) {
    for (const BadRequestCase& c : cases) {
      RawResponse r = Request(port_, "GET", std::string(endpoint) + "?" + c.query);
      EXPECT_EQ(r.status, 400) << endpoint << "?" << c.query << "\n" << r.raw;
      EXPECT_THAT(r.body, HasSubstr("\"error\":\"" + c.message_part)) << c.query;
      EXPECT_THAT(r.body, HasSubstr("\"parameter\":\"" + c.parameter + "\"")) << c.query;
      EXPECT_EQ(r.Header("content-type"), "application/json");
    }
  }
  RawResponse bad_resume = Request(port_, "GET", kStreamShopCheckout, {"Last-Event-ID: abc"});
  EXPECT_EQ(bad_resume.status, 400);
  EXPECT_THAT(bad_resume.body, HasSubstr("Last-Event-ID must be a non-negative integer"));
  RawResponse bad_query_resume =
      Request(port_, "GET", std::string(kStreamShopCheckout) + "&last_version=-3");
  EXPECT_EQ(bad_query_resume.status, 400);
  EXPECT_THAT(bad_query_resume.body, HasSubstr("last_version must be a non-negative integer"));
  EXPECT_EQ(metrics_.added.load(), 0);
}

TEST_F(HttpServerTest, PatternRoutesServeAnySegmentAndHandTheCaptureToTheHandler) {
  extra_routes_ = [](HttpServer& server) {
    server.AddRoute("/items/{id}", [](const HttpRequest& req) {
      HttpResponse r;
      r.content_type = "text/plain";
      r.body = req.route + " " + *req.Param("id");
      return r;
    });
    server.AddRoute("/items/special",
                    [](const HttpRequest&) { return HttpResponse::Json(200, "{}"); });
  };
  StartServer();
  for (const char* id : {"INC-1", "INC-10001", "INC-123456", "x%20y"}) {
    RawResponse r = Request(port_, "GET", std::string("/items/") + id);
    EXPECT_EQ(r.status, 200) << id;
    EXPECT_EQ(r.body, std::string("/items/{id} ") + (id[0] == 'x' ? "x y" : id));
  }
  EXPECT_EQ(Request(port_, "GET", "/items/special").body, "{}");
  EXPECT_EQ(Request(port_, "GET", "/items/").status, 404);
  EXPECT_EQ(Request(port_, "GET", "/items/a/b").status, 404);
  EXPECT_EQ(metrics_.Requests("/items/{id}", 200), 4);
  EXPECT_EQ(metrics_.Requests("/items/special", 200), 1);
}

TEST_F(HttpServerTest, MetricsLabelRequestsByPatternAndUnknownPathsMintNoLabels) {
  extra_routes_ = [](HttpServer& server) {
    server.AddRoute("/items/{id}",
                    [](const HttpRequest&) { return HttpResponse::Json(200, "{}"); });
  };
  StartServer();
  for (int i = 0; i < 50; ++i) {
    ASSERT_EQ(Request(port_, "GET", "/items/" + std::to_string(i)).status, 200);
    ASSERT_EQ(Request(port_, "GET", "/no/such/path/" + std::to_string(i)).status, 404);
  }
  EXPECT_EQ(metrics_.Requests("/items/{id}", 200), 50);
  EXPECT_EQ(metrics_.Requests("unmatched", 404), 50);
  EXPECT_EQ(metrics_.Requests("/items/7", 200), 0);
  EXPECT_EQ(metrics_.RouteLabels(), 2u);  // 100 paths, two labels
}

TEST_F(HttpServerTest, ARouteDeclaresItsMethodsAndAPostRouteGetsTheBody) {
  extra_routes_ = [](HttpServer& server) {
    server.AddRoute("/subscribe",
                    [](const HttpRequest& req) {
                      HttpResponse r;
                      r.content_type = "text/plain";
                      r.body = req.method + " " + req.body;
                      return r;
                    },
                    {HttpMethod::kPost});
  };
  StartServer();
  RawResponse post = Request(port_, "POST", "/subscribe",
                             {"Content-Type: application/x-www-form-urlencoded"}, "email=a%40b");
  EXPECT_EQ(post.status, 200);
  EXPECT_EQ(post.body, "POST email=a%40b");
  RawResponse get = Request(port_, "GET", "/subscribe");
  EXPECT_EQ(get.status, 405);
  EXPECT_EQ(get.Header("allow"), "POST, OPTIONS");
  EXPECT_EQ(Request(port_, "OPTIONS", "/subscribe").Header("allow"), "POST, OPTIONS");
}

TEST_F(HttpServerTest, UnknownRouteIs404AndOtherMethodsAre405) {
  StartServer();
  RawResponse missing = Request(port_, "GET", "/v1/nothing");
  EXPECT_EQ(missing.status, 404);
  EXPECT_THAT(missing.body, HasSubstr("no such resource: /v1/nothing"));
  EXPECT_EQ(metrics_.Requests("unmatched", 404), 1);

  for (const char* target : {kShopCheckout, kStreamShopCheckout, "/hello"}) {
    RawResponse post = Request(port_, "POST", target, {}, "{}");
    EXPECT_EQ(post.status, 405) << target;
    EXPECT_EQ(post.Header("allow"), "GET, HEAD, OPTIONS");
    EXPECT_THAT(post.body, HasSubstr("method POST is not allowed"));
    EXPECT_EQ(Request(port_, "DELETE", target).status, 405);
  }
}

TEST_F(HttpServerTest, RequestLimitsAnswer431And413) {
  HttpServerOptions options;
  options.max_header_bytes = 2048;
  StartServer(options);
  RawResponse big_header =
      Request(port_, "GET", kShopCheckout, {"X-Filler: " + std::string(4000, 'x')});
  EXPECT_EQ(big_header.status, 431) << big_header.raw;
  EXPECT_THAT(big_header.body, HasSubstr("headers are larger than 2048 bytes"));

  RawResponse big_body = Request(port_, "GET", kShopCheckout, {}, std::string(2000, 'b'));
  EXPECT_EQ(big_body.status, 413) << big_body.raw;

  RawResponse garbage = testing_http::ParseResponse([&] {
    int fd = testing_http::ConnectLocal(port_);
    testing_http::SendAll(fd, "GET /v1/banners HTTP/1.1\r\nHost x\r\n\r\n");
    std::string raw = testing_http::ReadAll(fd, absl::Seconds(5));
    ::close(fd);
    return raw;
  }());
  EXPECT_EQ(garbage.status, 400);
}

TEST_F(HttpServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  Publish(1, {"x"});
  StartServer();
  int fd = testing_http::ConnectLocal(port_);
  ASSERT_GE(fd, 0);
  std::string two =
      absl::StrCat("GET ", kShopCheckout, " HTTP/1.1\r\nHost: a\r\n\r\n", "GET ", kShopCheckout,
                   " HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
  ASSERT_TRUE(testing_http::SendAll(fd, two));
  std::string raw = testing_http::ReadAll(fd, absl::Seconds(5));
  ::close(fd);
  size_t first = raw.find("HTTP/1.1 200");
  ASSERT_NE(first, std::string::npos);
  EXPECT_NE(raw.find("HTTP/1.1 200", first + 1), std::string::npos) << raw;
}

// --- Per-address limits ------------------------------------------------------

TEST_F(HttpServerTest, RateLimitAnswers429WithRetryAfterOnceTheBurstIsSpent) {
  Publish(1, {"x"});
  HttpServerOptions options;
  options.limit_loopback = true;
  options.rate_per_ip = 1;
  options.burst_per_ip = 3;
  StartServer(options);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(Request(port_, "GET", kShopCheckout).status, 200) << i;

  RawResponse limited = Request(port_, "GET", kShopCheckout);
  EXPECT_EQ(limited.status, 429) << limited.raw;
  EXPECT_EQ(limited.Header("retry-after"), "1");
  EXPECT_EQ(limited.Header("content-type"), "application/json");
  EXPECT_EQ(limited.body, "{\"error\":\"too many requests from this address; retry after 1 s\"}");
  // Every route counts, and so does an unknown one.
  EXPECT_EQ(Request(port_, "GET", "/hello").status, 429);
  EXPECT_EQ(Request(port_, "GET", "/nope").status, 429);
  EXPECT_EQ(metrics_.Requests("/v1/banners", 429), 1);

  clock_.Advance(absl::Seconds(1));
  EXPECT_EQ(Request(port_, "GET", kShopCheckout).status, 200);
  EXPECT_EQ(Request(port_, "GET", kShopCheckout).status, 429);
}

TEST_F(HttpServerTest, StreamCapPerAddressAnswers429AndSparesOtherAddresses) {
  Publish(1, {"x"});
  HttpServerOptions options;
  options.limit_loopback = true;
  options.max_streams_per_ip = 2;
  StartServer(options);
  auto a = Stream(kStreamShopCheckout);
  auto b = Stream(kStreamShopCheckout);
  ASSERT_TRUE(WaitForSet(*a, 1));
  ASSERT_TRUE(WaitForSet(*b, 1));

  RawResponse third = Request(port_, "GET", kStreamShopCheckout);
  EXPECT_EQ(third.status, 429) << third.raw;
  EXPECT_EQ(third.Header("retry-after"), "5");
  EXPECT_THAT(third.body, HasSubstr("too many open streams from this address (at most 2)"));
  // Snapshots are not streams.
  EXPECT_EQ(Request(port_, "GET", kShopCheckout).status, 200);
  // Another address (all of 127/8 is loopback) has its own streams.
  auto other = Stream(kStreamShopCheckout, {"--interface", "127.0.0.2"});
  ASSERT_TRUE(WaitForSet(*other, 1)) << other->output();

  // A stream that ends frees its slot.
  a->Kill();
  for (int i = 0; i < 500 && hub_.stats().subscribers > 2; ++i) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  ASSERT_EQ(hub_.stats().subscribers, 2u);
  auto c = Stream(kStreamShopCheckout);
  EXPECT_TRUE(WaitForSet(*c, 1)) << c->output();
}

TEST_F(HttpServerTest, LoopbackPeersAreExemptUnlessLimitLoopback) {
  Publish(1, {"x"});
  HttpServerOptions options;
  options.rate_per_ip = 1;
  options.burst_per_ip = 1;
  options.max_streams_per_ip = 1;
  StartServer(options);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(Request(port_, "GET", kShopCheckout).status, 200) << i;
  auto a = Stream(kStreamShopCheckout);
  auto b = Stream(kStreamShopCheckout);
  EXPECT_TRUE(WaitForSet(*a, 1));
  EXPECT_TRUE(WaitForSet(*b, 1));
}

// --- CORS ------------------------------------------------------------------

TEST_F(HttpServerTest, CorsHeadersOnlyForAllowedOrigins) {
  Publish(1, {"x"});
  HttpServerOptions options;
  options.cors_origins = {"https://shop.example.com"};
  StartServer(options);

  RawResponse allowed = Request(port_, "GET", kShopCheckout, {"Origin: https://shop.example.com"});
  EXPECT_EQ(allowed.status, 200);
  EXPECT_EQ(allowed.Header("access-control-allow-origin"), "https://shop.example.com");
  EXPECT_EQ(allowed.Header("vary"), "Origin");
  EXPECT_THAT(allowed.Header("access-control-expose-headers"), HasSubstr("ETag"));

  RawResponse other = Request(port_, "GET", kShopCheckout, {"Origin: https://evil.example"});
  EXPECT_EQ(other.status, 200);
  EXPECT_FALSE(other.Has("access-control-allow-origin"));
  EXPECT_FALSE(other.Has("access-control-expose-headers"));

  // Errors carry CORS headers too, so the page can read the message.
  RawResponse error =
      Request(port_, "GET", "/v1/banners?app=shop", {"Origin: https://shop.example.com"});
  EXPECT_EQ(error.status, 400);
  EXPECT_EQ(error.Header("access-control-allow-origin"), "https://shop.example.com");
}

TEST_F(HttpServerTest, PreflightIs204WithAllowedMethodsAndHeaders) {
  HttpServerOptions options;
  options.cors_origins = {"https://shop.example.com"};
  StartServer(options);
  RawResponse pre =
      Request(port_, "OPTIONS", kStreamShopCheckout,
              {"Origin: https://shop.example.com", "Access-Control-Request-Method: GET",
               "Access-Control-Request-Headers: last-event-id"});
  EXPECT_EQ(pre.status, 204) << pre.raw;
  EXPECT_EQ(pre.Header("access-control-allow-origin"), "https://shop.example.com");
  EXPECT_EQ(pre.Header("access-control-allow-methods"), "GET, HEAD, OPTIONS");
  EXPECT_THAT(pre.Header("access-control-allow-headers"), HasSubstr("Last-Event-ID"));
  EXPECT_THAT(pre.Header("access-control-allow-headers"), HasSubstr("If-None-Match"));
  EXPECT_EQ(pre.body, "");

  RawResponse denied =
      Request(port_, "OPTIONS", kStreamShopCheckout,
              {"Origin: https://evil.example", "Access-Control-Request-Method: GET"});
  EXPECT_EQ(denied.status, 204);
  EXPECT_FALSE(denied.Has("access-control-allow-origin"));
  EXPECT_FALSE(denied.Has("access-control-allow-methods"));
}

TEST_F(HttpServerTest, WildcardAllowsEveryOrigin) {
  Publish(1, {"x"});
  HttpServerOptions options;
  options.cors_origins = {"*"};
  StartServer(options);
  RawResponse r = Request(port_, "GET", kShopCheckout, {"Origin: https://anything.example"});
  EXPECT_EQ(r.Header("access-control-allow-origin"), "*");
}

// --- Server-Sent Events with curl ----------------------------------------

TEST_F(HttpServerTest, StreamSendsRetryThenTheSetThenEachChange) {
  Publish(1, {"Checkout is slow"});
  StartServer();
  auto curl = Stream(kStreamShopCheckout, {"-i"});
  ASSERT_TRUE(WaitForSet(*curl, 1)) << curl->output();
  const std::string& out = curl->output();
  RawResponse head = testing_http::ParseResponse(out);
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.Header("content-type"), "text/event-stream; charset=utf-8");
  EXPECT_EQ(head.Header("cache-control"), "no-cache");
  EXPECT_EQ(head.Header("x-accel-buffering"), "no");
  const std::string body = out.substr(out.find("\r\n\r\n") + 4);
  auto events = testing_http::ParseSse(body);
  ASSERT_GE(events.size(), 2u) << body;
  int64_t retry = 0;
  ASSERT_TRUE(absl::SimpleAtoi(events[0].retry, &retry)) << body;
  EXPECT_GE(retry, 2000);
  EXPECT_LE(retry, 3000);
  auto sets = SetEvents(curl->output().substr(curl->output().find("\r\n\r\n") + 4));
  ASSERT_EQ(sets.size(), 1u) << body;
  EXPECT_EQ(sets[0].id, "1");
  EXPECT_EQ(sets[0].data, hub_.Current(kTarget)->json);

  Publish(2, {"Checkout is down"});
  ASSERT_TRUE(WaitForSet(*curl, 2)) << curl->output();
  sets = SetEvents(curl->output());
  ASSERT_EQ(sets.size(), 2u);
  EXPECT_EQ(sets[1].data, hub_.Current(kTarget)->json);
  // A world that does not change this target's content sends nothing.
  Publish(3, {"Checkout is down"});
  curl->Drain(absl::Milliseconds(300));
  EXPECT_EQ(SetEvents(curl->output()).size(), 2u);
  EXPECT_EQ(metrics_.added.load(), 1);
  EXPECT_GE(metrics_.sent.load(), 2);
}

TEST_F(HttpServerTest, StreamResumesWithLastEventIdWithoutStaleOrDuplicateSets) {
  Publish(1, {"Checkout is slow"});
  StartServer();
  {
    auto first = Stream(kStreamShopCheckout);
    ASSERT_TRUE(WaitForSet(*first, 1));
    Publish(2, {"Checkout is down"});
    ASSERT_TRUE(WaitForSet(*first, 2));
  }  // the client goes away
  for (int i = 0; i < 200 && hub_.stats().subscribers > 0; ++i)
    absl::SleepFor(absl::Milliseconds(10));
  EXPECT_EQ(hub_.stats().subscribers, 0u);
  EXPECT_EQ(metrics_.removed.load(), 1);

  // Resuming at the current version: no first set, only the next change.
  auto resumed = Stream(kStreamShopCheckout, {"-H", "Last-Event-ID: 2"});
  ASSERT_TRUE(resumed->WaitFor("retry: ", absl::Seconds(5)));
  resumed->Drain(absl::Milliseconds(300));
  EXPECT_TRUE(SetEvents(resumed->output()).empty()) << resumed->output();
  Publish(3, {"Checkout is recovering"});
  ASSERT_TRUE(WaitForSet(*resumed, 3));
  auto sets = SetEvents(resumed->output());
  ASSERT_EQ(sets.size(), 1u) << resumed->output();
  EXPECT_EQ(sets[0].id, "3");

  // A client behind the current content gets the current set first.
  auto behind = Stream(std::string(kStreamShopCheckout) + "&last_version=1");
  ASSERT_TRUE(WaitForSet(*behind, 3));
  sets = SetEvents(behind->output());
  ASSERT_FALSE(sets.empty());
  EXPECT_EQ(sets[0].id, "3");
}

// Heartbeats are events with only an id (no data: EventSource dispatches
// nothing but moves its Last-Event-ID): the world's version, which moves on
// with changes elsewhere that send this stream nothing.
TEST_F(HttpServerTest, QuietStreamGetsHeartbeatsNamingTheWorldsVersion) {
  Publish(4, {"x"});
  HttpServerOptions options;
  options.heartbeat_interval = absl::Milliseconds(150);
  StartServer(options);
  auto curl = Stream(kStreamShopCheckout);
  ASSERT_TRUE(WaitForSet(*curl, 4));
  ASSERT_TRUE(curl->WaitFor("id: 4\n\n", absl::Seconds(5))) << curl->output();
  Publish(6, {"x"});  // the same content: no set
  ASSERT_TRUE(curl->WaitFor("id: 6\n\n", absl::Seconds(5))) << curl->output();
  curl->Drain(absl::Milliseconds(500));
  int heartbeats = 0;
  for (const auto& e : testing_http::ParseSse(curl->output())) {
    if (e.data.empty() && e.event.empty() && (e.id == "4" || e.id == "6")) ++heartbeats;
    EXPECT_TRUE(e.comment.empty()) << e.comment;
  }
  EXPECT_GE(heartbeats, 3);
  EXPECT_EQ(SetEvents(curl->output()).size(), 1u);
}

TEST_F(HttpServerTest, Http10ClientsGetACloseDelimitedStream) {
  Publish(1, {"x"});
  StartServer();
  auto curl = Stream(kStreamShopCheckout, {"--http1.0"});
  ASSERT_TRUE(WaitForSet(*curl, 1)) << curl->output();
  server_->Stop();
  EXPECT_EQ(curl->WaitExit(absl::Seconds(5)), 0);
}

TEST_F(HttpServerTest, SlowStreamIsConflatedAndDelaysNobody) {
  Publish(1, {"start"});
  HttpServerOptions options;
  options.heartbeat_interval = absl::Seconds(30);
  StartServer(options);

  // A client that asks for the stream and never reads.
  int slow = testing_http::ConnectLocal(port_, /*rcvbuf=*/4096);
  ASSERT_GE(slow, 0);
  ASSERT_TRUE(testing_http::SendAll(
      slow, absl::StrCat("GET ", kStreamShopCheckout, " HTTP/1.1\r\nHost: a\r\n\r\n")));
  auto normal = Stream(kStreamShopCheckout);
  ASSERT_TRUE(WaitForSet(*normal, 1));
  for (int i = 0; i < 200 && hub_.stats().subscribers < 2; ++i)
    absl::SleepFor(absl::Milliseconds(10));
  ASSERT_EQ(hub_.stats().subscribers, 2u);

  // 300 sets of about 60 KB each: ~18 MB, far beyond the slow socket's buffers.
  const std::string filler(3000, 'z');
  const absl::Time began = absl::Now();
  constexpr int kLast = 301;
  for (int seq = 2; seq <= kLast; ++seq) {
    std::vector<std::string> texts;
    for (int b = 0; b < 20; ++b) texts.push_back(absl::StrCat("update ", seq, " ", b, " ", filler));
    Publish(seq, texts);
    normal->Drain(absl::Milliseconds(1));
  }
  const absl::Time last_published = absl::Now();
  ASSERT_TRUE(WaitForSet(*normal, kLast, absl::Seconds(10)));
  EXPECT_LT(absl::Now() - last_published, absl::Seconds(1));
  EXPECT_LT(absl::Now() - began, absl::Seconds(8));

  // The normal client saw increasing versions, ending at the last.
  auto sets = SetEvents(normal->output());
  ASSERT_FALSE(sets.empty());
  EXPECT_EQ(sets.back().id, std::to_string(kLast));
  int64_t previous = 0;
  for (const auto& e : sets) {
    int64_t v = 0;
    ASSERT_TRUE(absl::SimpleAtoi(e.id, &v));
    EXPECT_GT(v, previous);
    previous = v;
  }
  // The slow one was conflated instead of queueing 18 MB.
  EXPECT_GT(metrics_.conflated.load(), 100);
  EXPECT_EQ(server_->connections(), 2u);
  ::close(slow);
}

TEST_F(HttpServerTest, ConnectionsBeyondTheLimitGet503) {
  Publish(1, {"x"});
  HttpServerOptions options;
  options.max_connections = 2;
  StartServer(options);
  auto a = Stream(kStreamShopCheckout);
  auto b = Stream(kStreamShopCheckout);
  ASSERT_TRUE(WaitForSet(*a, 1));
  ASSERT_TRUE(WaitForSet(*b, 1));
  RawResponse over = Request(port_, "GET", kShopCheckout);
  EXPECT_EQ(over.status, 503) << over.raw;
  EXPECT_EQ(over.Header("retry-after"), "1");
  EXPECT_THAT(over.body, HasSubstr("too many connections"));

  a->Kill();
  for (int i = 0; i < 200 && server_->connections() > 1; ++i)
    absl::SleepFor(absl::Milliseconds(10));
  EXPECT_EQ(Request(port_, "GET", kShopCheckout).status, 200);
}

TEST_F(HttpServerTest, StopEndsStreamsSoClientsReconnectElsewhere) {
  Publish(1, {"x"});
  StartServer();
  auto a = Stream(kStreamShopCheckout);
  auto b = Stream(kStreamShopCheckout);
  ASSERT_TRUE(WaitForSet(*a, 1));
  ASSERT_TRUE(WaitForSet(*b, 1));
  const absl::Time began = absl::Now();
  server_->Stop();
  EXPECT_LT(absl::Now() - began, absl::Seconds(1));
  EXPECT_EQ(a->WaitExit(absl::Seconds(5)), 0);  // a clean end of stream
  EXPECT_EQ(b->WaitExit(absl::Seconds(5)), 0);
  EXPECT_EQ(hub_.stats().subscribers, 0u);
  EXPECT_EQ(metrics_.removed.load(), 2);
  server_->Stop();  // twice is fine
  EXPECT_LT(testing_http::ConnectLocal(port_), 0);
}

TEST_F(HttpServerTest, HubCloseAllEndsStreams) {
  Publish(1, {"x"});
  StartServer();
  auto a = Stream(kStreamShopCheckout);
  ASSERT_TRUE(WaitForSet(*a, 1));
  hub_.CloseAll();
  EXPECT_EQ(a->WaitExit(absl::Seconds(5)), 0);
  // Plain requests still work.
  EXPECT_EQ(Request(port_, "GET", kShopCheckout).status, 200);
}

// A replica restart: the replica going away ends each stream with an event
// holding only the current id, so the client resumes from it, and the next
// replica (loaded from the same world) sends it no set, though the world
// moved on after the client's last set.
TEST_F(HttpServerTest, ClientResumingFromTheCloseIdGetsNoSetFromARestartedReplica) {
  Publish(1, {"x"});
  StartServer();
  auto a = Stream(kStreamShopCheckout);
  ASSERT_TRUE(WaitForSet(*a, 1));
  Publish(4, {"x"});  // the same content: nothing to send
  hub_.CloseAll();
  ASSERT_EQ(a->WaitExit(absl::Seconds(5)), 0);
  std::vector<testing_http::SseEvent> events = testing_http::ParseSse(a->output());
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back().id, "4");
  EXPECT_EQ(events.back().data, "");
  EXPECT_EQ(SetEvents(a->output()).size(), 1u);

  ExpectRestartedReplicaSendsNothingFrom(4, 1, {"x"});
}

// A crash (nothing said at the end of the stream): a client that heard a
// heartbeat since the last change resumes from its id, the world's version,
// and a replica started meanwhile sends it no set either.
TEST_F(HttpServerTest, ClientResumingFromAHeartbeatIdGetsNoSetAfterACrash) {
  Publish(1, {"x"});
  HttpServerOptions options;
  options.heartbeat_interval = absl::Milliseconds(150);
  StartServer(options);
  auto a = Stream(kStreamShopCheckout);
  ASSERT_TRUE(WaitForSet(*a, 1));
  Publish(4, {"x"});  // a change elsewhere: nothing to send
  ASSERT_TRUE(a->WaitFor("id: 4\n\n", absl::Seconds(5))) << a->output();
  EXPECT_EQ(SetEvents(a->output()).size(), 1u);
  // The stream is never closed: the client knows "4" only from a heartbeat.
  ExpectRestartedReplicaSendsNothingFrom(4, 1, {"x"});
}

TEST_F(HttpServerTest, StopWithAClientThatNeverReadsStillReturns) {
  Publish(1, {"start"});
  HttpServerOptions options;
  options.shutdown_grace = absl::Milliseconds(300);
  StartServer(options);
  int slow = testing_http::ConnectLocal(port_, 4096);
  ASSERT_TRUE(testing_http::SendAll(
      slow, absl::StrCat("GET ", kStreamShopCheckout, " HTTP/1.1\r\nHost: a\r\n\r\n")));
  for (int i = 0; i < 200 && hub_.stats().subscribers < 1; ++i)
    absl::SleepFor(absl::Milliseconds(10));
  const std::string filler(3000, 'z');
  for (int seq = 2; seq < 60; ++seq) {
    std::vector<std::string> texts;
    for (int b = 0; b < 20; ++b) texts.push_back(absl::StrCat("update ", seq, " ", b, " ", filler));
    Publish(seq, texts);
  }
  const absl::Time began = absl::Now();
  server_->Stop();
  EXPECT_LT(absl::Now() - began, absl::Seconds(2));
  EXPECT_EQ(hub_.stats().subscribers, 0u);
  ::close(slow);
}

TEST_F(HttpServerTest, StartFailsOnABadAddress) {
  HttpServerOptions options;
  options.address = "not-an-ip";
  EXPECT_TRUE(testing_http::RefusesToStart(options, "not-an-ip"));
}

TEST_F(HttpServerTest, StartFailsWhenThePortIsTaken) {
  StartServer();
  HttpServerOptions options;
  options.address = "127.0.0.1";
  options.port = port_;
  HttpServer second(options);
  absl::Status s = second.Start();
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable) << s;
}

}  // namespace
}  // namespace statuscast
