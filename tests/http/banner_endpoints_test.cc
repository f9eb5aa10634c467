#include "libs/http/banner_endpoints.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/http/cors_policy.h"
#include "libs/http/request_target.h"

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

TEST(RequestTargetTest, DecodesPathAndQuery) {
  std::string path;
  std::map<std::string, std::string> query;
  ASSERT_TRUE(
      ParseRequestTarget("/v1/banners?app=shop&path=%2Fa%20b+c&app=second&flag", &path, &query));
  EXPECT_EQ(path, "/v1/banners");
  EXPECT_EQ(query["app"], "shop");  // the first wins
  EXPECT_EQ(query["path"], "/a b c");
  EXPECT_EQ(query.count("flag"), 1u);
}

TEST(RequestTargetTest, RejectsMalformedTargets) {
  std::string path;
  std::map<std::string, std::string> query;
  EXPECT_FALSE(ParseRequestTarget("v1/banners", &path, &query));
  EXPECT_FALSE(ParseRequestTarget("/v1/banners?app=%zz", &path, &query));
  EXPECT_FALSE(ParseRequestTarget("http://host/v1", &path, &query));
}

TEST(RequestTargetTest, KeepsSaneRequestIdsAndReplacesOthers) {
  EXPECT_EQ(PickRequestId("abc-123_x.y:z"), "abc-123_x.y:z");
  EXPECT_EQ(PickRequestId("").size(), 16u);
  EXPECT_EQ(PickRequestId("bad id\n").size(), 16u);
  EXPECT_EQ(PickRequestId(std::string(200, 'a')).size(), 16u);
  EXPECT_NE(PickRequestId(""), PickRequestId(""));
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

TEST(BannerEndpointsTest, IfNoneMatchHandlesListsWeakTagsAndStar) {
  EXPECT_TRUE(IfNoneMatchMatches("\"abc\"", "\"abc\""));
  EXPECT_TRUE(IfNoneMatchMatches("\"x\", W/\"abc\"", "\"abc\""));
  EXPECT_TRUE(IfNoneMatchMatches("*", "\"abc\""));
  EXPECT_FALSE(IfNoneMatchMatches("\"abcd\"", "\"abc\""));
  EXPECT_FALSE(IfNoneMatchMatches("abc", "\"abc\""));
}

TEST(BannerEndpointsTest, SseTextIsWellFormed) {
  EXPECT_EQ(SseRetry(2500), "retry: 2500\n\n");
  EXPECT_EQ(SseSetPrefix(7) + "{}" + kSseSetSuffix, "id: 7\nevent: banners\ndata: {}\n\n");
  EXPECT_EQ(SseSetEvent(7, "{\n\"a\":1\n}"),
            "id: 7\nevent: banners\ndata: {\ndata: \"a\":1\ndata: }\n\n");
  EXPECT_EQ(SseHeartbeat(7), ": heartbeat 7\n\n");
}

TEST(CorsPolicyTest, AllowsListedOriginsOrAll) {
  CorsPolicy none({});
  EXPECT_FALSE(none.enabled());
  EXPECT_EQ(none.AllowOrigin("https://a.example"), "");
  CorsPolicy listed({"https://a.example/"});
  EXPECT_EQ(listed.AllowOrigin("https://a.example"), "https://a.example");
  EXPECT_EQ(listed.AllowOrigin("https://b.example"), "");
  EXPECT_EQ(listed.AllowOrigin(""), "");
  CorsPolicy any({"*"});
  EXPECT_EQ(any.AllowOrigin("https://b.example"), "*");
}

}  // namespace
}  // namespace statuscast
