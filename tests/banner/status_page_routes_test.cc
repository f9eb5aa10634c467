// The status page's routes (services/banner/status_page_routes.h) on a real
// HttpServer, port 0, over a hand-built snapshot: incident pages exist for
// any ref the page shows, however high its number.
#include "services/banner/status_page_routes.h"

#include <memory>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/http/http_server.h"
#include "libs/statuspage/status_page_render.h"
#include "services/banner/status_page_publisher.h"
#include "tests/http/http_test_util.h"

namespace statuscast {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing_http::CountingMetrics;
using testing_http::RawResponse;
using testing_http::Request;

RenderedDocument Page(const std::string& body) {
  RenderedDocument d;
  d.body = body;
  d.etag = "\"" + std::to_string(std::hash<std::string>()(body)) + "\"";
  return d;
}

class StatusPageRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto snapshot = std::make_shared<StatusPageSnapshot>();
    snapshot->page = Page("<p>all good</p>");
    for (const char* ref : {"INC-1", "INC-10001", "INC-123456"}) {
      snapshot->incident_pages[ref] = Page(std::string("<h1>") + ref + "</h1>");
    }
    snapshot_ = snapshot;
    HttpServerOptions options;
    options.address = "127.0.0.1";
    options.port = 0;
    server_ = std::make_unique<HttpServer>(options, &metrics_);
    AddStatusPageRoutes(*server_, [this] { return snapshot_; });
    ASSERT_TRUE(server_->Start().ok());
    port_ = server_->port();
  }

  std::shared_ptr<const StatusPageSnapshot> snapshot_;
  CountingMetrics metrics_;
  std::unique_ptr<HttpServer> server_;
  int port_ = 0;
};

TEST_F(StatusPageRoutesTest, IncidentPagesBeyondTenThousandAreServed) {
  for (const char* ref : {"INC-1", "INC-10001", "INC-123456"}) {
    RawResponse r = Request(port_, "GET", std::string("/incidents/") + ref);
    EXPECT_EQ(r.status, 200) << ref;
    EXPECT_EQ(r.body, std::string("<h1>") + ref + "</h1>");
    EXPECT_EQ(r.Header("content-type"), "text/html; charset=utf-8");
  }
  EXPECT_EQ(metrics_.Requests("/incidents/{ref}", 200), 3);
}

TEST_F(StatusPageRoutesTest, AnUnknownRefIs404SayingWhichAndWhy) {
  RawResponse r = Request(port_, "GET", "/incidents/INC-999999");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.Header("content-type"), "text/html; charset=utf-8");
  EXPECT_THAT(r.body, HasSubstr("No public incident INC-999999 on this status page"));
  EXPECT_THAT(r.body, HasSubstr("<a href=\"/\">Current status</a>"));

  RawResponse bad = Request(port_, "GET", "/incidents/%3Cscript%3E");
  EXPECT_EQ(bad.status, 404);
  EXPECT_THAT(bad.body, HasSubstr("\"&lt;script&gt;\" is not an incident reference"));
  EXPECT_THAT(bad.body, Not(HasSubstr("<script>")));
  // One label for every incident path, found or not.
  EXPECT_EQ(metrics_.Requests("/incidents/{ref}", 404), 2);
  EXPECT_EQ(Request(port_, "GET", "/incidents/").status, 404);
  EXPECT_EQ(metrics_.Requests("unmatched", 404), 1);
}

TEST_F(StatusPageRoutesTest, IncidentPagesAnswerConditionalGets) {
  RawResponse first = Request(port_, "GET", "/incidents/INC-123456");
  ASSERT_FALSE(first.Header("etag").empty());
  RawResponse again =
      Request(port_, "GET", "/incidents/INC-123456", {"If-None-Match: " + first.Header("etag")});
  EXPECT_EQ(again.status, 304);
  EXPECT_EQ(again.body, "");
}

TEST_F(StatusPageRoutesTest, EveryPageIs503UntilTheFirstLoad) {
  snapshot_ = nullptr;
  for (const char* path : {"/", "/incidents/INC-10001", "/v1/status.json"}) {
    RawResponse r = Request(port_, "GET", path);
    EXPECT_EQ(r.status, 503) << path;
    EXPECT_EQ(r.Header("retry-after"), "1");
  }
}

TEST_F(StatusPageRoutesTest, PagesForbidFramingAndCarryTheirContentSecurityPolicy) {
  for (const char* path : {"/", "/status", "/incidents/INC-1", "/incidents/INC-404"}) {
    RawResponse r = Request(port_, "GET", path);
    EXPECT_EQ(r.Header("content-security-policy"), StatusPageContentSecurityPolicy()) << path;
    EXPECT_THAT(r.Header("content-security-policy"), HasSubstr("frame-ancestors 'none'"));
    EXPECT_EQ(r.Header("x-frame-options"), "DENY") << path;
    EXPECT_EQ(r.Header("x-content-type-options"), "nosniff") << path;
  }
}

TEST_F(StatusPageRoutesTest, EveryResponseIsNosniffButOnlyPagesRefuseFraming) {
  // JSON, the feed, the SDK (embedded by other sites), errors and 404s.
  for (const char* path :
       {"/v1/status.json", "/feed.atom", "/sdk/banner.js", "/favicon.ico", "/no/such/thing"}) {
    RawResponse r = Request(port_, "GET", path);
    EXPECT_EQ(r.Header("x-content-type-options"), "nosniff") << path;
    EXPECT_FALSE(r.Has("x-frame-options")) << path;
    EXPECT_FALSE(r.Has("content-security-policy")) << path;
  }
  snapshot_ = nullptr;
  EXPECT_EQ(Request(port_, "GET", "/v1/status.json").Header("x-content-type-options"), "nosniff");
}

}  // namespace
}  // namespace statuscast
