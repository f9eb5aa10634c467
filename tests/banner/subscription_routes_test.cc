// The public subscribe form (services/banner/subscription_routes.h) on a real
// HttpServer, port 0, with a fake clock and no database: the form offers the
// page's components as checkboxes and refuses a name that is not one of them;
// the form's own per-address limit refills over an hour of the injected
// clock, without waiting.
#include "services/banner/subscription_routes.h"

#include <memory>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/http/http_server.h"
#include "libs/notify/link_token.h"
#include "libs/notify/subscriber_directory.h"
#include "libs/notify/subscription_requests.h"
#include "tests/http/http_test_util.h"

namespace statuscast {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing_http::CountingMetrics;
using testing_http::RawResponse;
using testing_http::Request;

const absl::Time kT0 = absl::FromUnixSeconds(1700000000);

class SubscriptionRoutesTest : public ::testing::Test {
 protected:
  SubscriptionRoutesTest()
      : clock_(kT0),
        // Never started: requests stay queued, so Pending() counts what the
        // form accepted; the directory is never asked.
        directory_(nullptr, nullptr, &clock_, DirectoryOptions()),
        requests_(&directory_) {}

  void StartServer(double per_hour, int burst) {
    absl::StatusOr<LinkTokenSigner> signer =
        LinkTokenSigner::Create(std::string(32, 'k'), &clock_);
    ASSERT_TRUE(signer.ok()) << signer.status();
    signer_ = std::make_unique<LinkTokenSigner>(std::move(*signer));
    HttpServerOptions options;
    options.address = "127.0.0.1";
    options.port = 0;
    options.limit_loopback = true;  // the test's requests come from loopback
    options.clock = &clock_;
    server_ = std::make_unique<HttpServer>(options, &metrics_);
    SubscriptionPageOptions pages;
    pages.page_name = "Example";
    pages.status_page_url = "http://127.0.0.1";
    pages.subscribe_per_hour_per_ip = per_hour;
    pages.subscribe_burst_per_ip = burst;
    pages.components = [] {
      return std::vector<ComponentChoice>{{"checkout", "Checkout & payments"},
                                          {"search", "Search"}};
    };
    AddSubscriptionRoutes(*server_, *signer_, requests_, clock_, pages);
    ASSERT_TRUE(server_->Start().ok());
    port_ = server_->port();
  }

  // GETs the form; POSTs it back with its cookie and token and `fields`.
  RawResponse Post(const std::string& fields) {
    RawResponse form = Request(port_, "GET", "/subscribe");
    const std::string cookie = form.Header("set-cookie").substr(0, form.Header("set-cookie").find(';'));
    const std::string marker = "name=\"csrf\" value=\"";
    const size_t at = form.body.find(marker);
    if (at == std::string::npos) return RawResponse{};
    const size_t start = at + marker.size();
    const std::string csrf = form.body.substr(start, form.body.find('"', start) - start);
    return Request(port_, "POST", "/subscribe",
                   {"Cookie: " + cookie, "Content-Type: application/x-www-form-urlencoded"},
                   fields + "&csrf=" + csrf);
  }

  FakeClock clock_;
  SubscriberDirectory directory_;
  SubscriptionRequests requests_;
  std::unique_ptr<LinkTokenSigner> signer_;
  CountingMetrics metrics_;
  std::unique_ptr<HttpServer> server_;
  int port_ = 0;
};

TEST_F(SubscriptionRoutesTest, TheFormOffersEveryComponentOfThePageAsACheckbox) {
  StartServer(0, 1);
  RawResponse r = Request(port_, "GET", "/subscribe");
  EXPECT_EQ(r.status, 200);
  EXPECT_THAT(r.body, HasSubstr("name=\"component\" value=\"checkout\""));
  EXPECT_THAT(r.body, HasSubstr("> Checkout &amp; payments</label>"));
  EXPECT_THAT(r.body, HasSubstr("name=\"component\" value=\"search\""));
  EXPECT_THAT(r.body, HasSubstr("or none to hear about all of them"));
}

TEST_F(SubscriptionRoutesTest, CheckedComponentsAreAcceptedAndNoneMeansEverything) {
  StartServer(0, 1);
  EXPECT_EQ(Post("email=a%40example.com&component=checkout&component=search").status, 200);
  EXPECT_EQ(Post("email=b%40example.com").status, 200);
  EXPECT_EQ(requests_.Pending(), 2u);
}

TEST_F(SubscriptionRoutesTest, AComponentNotOnThePageIs400AndNothingIsQueued) {
  StartServer(0, 1);
  RawResponse r = Post("email=a%40example.com&component=checkout&component=%3Cbilling%3E");
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(r.body, HasSubstr("There is no component &quot;&lt;billing&gt;&quot; on this page"));
  // The form comes back with what was valid still filled in.
  EXPECT_THAT(r.body, HasSubstr("value=\"a@example.com\""));
  EXPECT_THAT(r.body, HasSubstr("value=\"checkout\" checked"));
  EXPECT_THAT(r.body, Not(HasSubstr("value=\"search\" checked")));
  EXPECT_EQ(requests_.Pending(), 0u);
}

TEST_F(SubscriptionRoutesTest, TheFormsLimitRefillsOverAnHourOfTheInjectedClock) {
  StartServer(/*per_hour=*/10, /*burst=*/5);
  int n = 0;
  auto subscribe = [&] { return Post("email=w" + std::to_string(n++) + "%40example.com"); };
  for (int i = 0; i < 5; ++i) ASSERT_EQ(subscribe().status, 200) << "post " << i + 1;
  RawResponse refused = subscribe();
  ASSERT_EQ(refused.status, 429);
  // One post every 6 minutes refills.
  EXPECT_EQ(refused.Header("retry-after"), "360");
  EXPECT_THAT(refused.body, HasSubstr("try again in about 6 min"));
  EXPECT_EQ(requests_.Pending(), 5u);

  clock_.Advance(absl::Seconds(359));
  EXPECT_EQ(subscribe().status, 429);
  clock_.Advance(absl::Seconds(1));
  EXPECT_EQ(subscribe().status, 200);
  EXPECT_EQ(subscribe().status, 429);

  // An hour later the bucket is full again: the burst (5), not the hour's 10.
  clock_.Advance(absl::Hours(1));
  for (int i = 0; i < 5; ++i) EXPECT_EQ(subscribe().status, 200) << "post " << i + 1;
  EXPECT_EQ(subscribe().status, 429);
  EXPECT_EQ(requests_.Pending(), 11u);
}

}  // namespace
}  // namespace statuscast
