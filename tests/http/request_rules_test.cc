// The Beast-free rules of libs/http: request targets, conditional GET,
// methods, SSE text and CORS.
#include <memory>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/http/cors_policy.h"
#include "libs/http/http_route.h"
#include "libs/http/request_target.h"
#include "libs/http/sse_format.h"
#include "libs/http/sse_route.h"

namespace statuscast {
namespace {

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

TEST(HttpRouteTest, IfNoneMatchHandlesListsWeakTagsAndStar) {
  EXPECT_TRUE(IfNoneMatchMatches("\"abc\"", "\"abc\""));
  EXPECT_TRUE(IfNoneMatchMatches("\"x\", W/\"abc\"", "\"abc\""));
  EXPECT_TRUE(IfNoneMatchMatches("*", "\"abc\""));
  EXPECT_FALSE(IfNoneMatchMatches("\"abcd\"", "\"abc\""));
  EXPECT_FALSE(IfNoneMatchMatches("abc", "\"abc\""));
}

TEST(SseFormatTest, EventTextIsWellFormed) {
  EXPECT_EQ(SseRetryText(2500), "retry: 2500\n\n");
  SseEvent e;
  e.id = "7";
  e.event = "banners";
  e.data = std::make_shared<const std::string>("{}");
  EXPECT_TRUE(SseIsOneLine(*e.data));
  EXPECT_EQ(SseEventHead(e) + *e.data + kSseEventTail, "id: 7\nevent: banners\ndata: {}\n\n");
  e.data = std::make_shared<const std::string>("{\n\"a\":1\r\n}");
  EXPECT_FALSE(SseIsOneLine(*e.data));
  EXPECT_EQ(SseEventText(e), "id: 7\nevent: banners\ndata: {\ndata: \"a\":1\ndata: }\n\n");
  SseEvent bare;
  bare.data = std::make_shared<const std::string>("x");
  EXPECT_EQ(SseEventText(bare), "data: x\n\n");
  EXPECT_EQ(SseHeartbeatText("7"), ": heartbeat 7\n\n");
}

TEST(SseFormatTest, AFrameIsTheEventAsOneChunkAndItsBareText) {
  SseEvent e;
  e.id = "7";
  e.event = "banners";
  e.data = std::make_shared<const std::string>(std::string(300, 'x'));
  std::shared_ptr<const SseFrame> f = SseFrameEvent(e);
  const std::string text = SseEventText(e);
  ASSERT_EQ(text.size(), 329u);  // 0x149
  EXPECT_EQ(f->chunk, "149\r\n" + text + "\r\n");
  EXPECT_EQ(f->chunk.substr(f->text_offset, f->text_size), text);
}

TEST(HttpRouteTest, MethodsNameTheirAllowHeader) {
  EXPECT_EQ(HttpMethods::GetHead().AllowHeader(), "GET, HEAD, OPTIONS");
  EXPECT_EQ(HttpMethods({HttpMethod::kGet, HttpMethod::kHead, HttpMethod::kPost}).AllowHeader(),
            "GET, HEAD, POST, OPTIONS");
  EXPECT_FALSE(HttpMethods::GetHead().Has(HttpMethod::kPost));
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
