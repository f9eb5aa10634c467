// The banner endpoints' rules (services/banner/banner_http_endpoints.h):
// parameters, resume versions, the SSE event of a set.
#include "services/banner/banner_http_endpoints.h"

#include <memory>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/banner/banner_hub.h"
#include "libs/http/sse_route.h"

namespace statuscast {
namespace {

using ::testing::HasSubstr;

HttpRequest RequestWith(std::map<std::string, std::string> query,
                        std::map<std::string, std::string> headers = {}) {
  HttpRequest r;
  r.method = "GET";
  r.path = "/v1/banners";
  r.query = std::move(query);
  r.headers = std::move(headers);
  return r;
}

TEST(BannerEndpointsTest, AcceptsAGoodTarget) {
  BannerTarget t;
  HttpResponse error;
  ASSERT_TRUE(ParseBannerTarget(RequestWith({{"app", "shop-eu.v2"}, {"path", "/checkout/pay"}}), &t,
                                &error));
  EXPECT_EQ(t.app, "shop-eu.v2");
  EXPECT_EQ(t.path, "/checkout/pay");
}

TEST(BannerEndpointsTest, ControlCharactersInPathAreRejected) {
  BannerTarget t;
  HttpResponse error;
  EXPECT_FALSE(ParseBannerTarget(RequestWith({{"app", "shop"}, {"path", "/a\nb"}}), &t, &error));
  EXPECT_EQ(error.status, 400);
  EXPECT_THAT(error.body, HasSubstr("\"parameter\":\"path\""));
}

TEST(BannerEndpointsTest, ResumeVersionPrefersTheHeader) {
  int64_t v = -1;
  HttpResponse error;
  ASSERT_TRUE(ParseResumeVersion(RequestWith({{"last_version", "4"}}, {{"last-event-id", "9"}}), &v,
                                 &error));
  EXPECT_EQ(v, 9);
  ASSERT_TRUE(ParseResumeVersion(RequestWith({{"last_version", "4"}}), &v, &error));
  EXPECT_EQ(v, 4);
  ASSERT_TRUE(ParseResumeVersion(RequestWith({}, {{"last-event-id", ""}}), &v, &error));
  EXPECT_EQ(v, 0);
  EXPECT_FALSE(ParseResumeVersion(RequestWith({}, {{"last-event-id", "+5"}}), &v, &error));
  EXPECT_FALSE(
      ParseResumeVersion(RequestWith({}, {{"last-event-id", "99999999999999999999"}}), &v, &error));
  EXPECT_THAT(error.body, HasSubstr("Last-Event-ID"));
}

TEST(BannerEndpointsTest, ASetsEventSharesItsJsonAndCarriesTheSet) {
  auto set = std::make_shared<RenderedSet>();
  set->version = 42;
  set->json = "{\"banners\":[]}";
  SseEvent e = BannerSetEvent(set);
  EXPECT_EQ(e.id, "42");
  EXPECT_EQ(e.event, "banners");
  EXPECT_EQ(e.data.get(), &set->json);  // no copy
  EXPECT_EQ(e.context.get(), set.get());
}

}  // namespace
}  // namespace statuscast
