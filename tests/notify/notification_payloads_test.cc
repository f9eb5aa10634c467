#include "libs/notify/notification_payloads.h"

#include <nlohmann/json.hpp>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/notify/sample_notification.h"

namespace statuscast {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

TEST(WebhookJson, HasTheStatuspageShapeWithEveryField) {
  json j = json::parse(RenderWebhookJson(SampleNotification()));
  EXPECT_EQ(j["id"], "msg_2bXkq9TfJ3");
  EXPECT_EQ(j["type"], "incident.updated");
  EXPECT_EQ(j["timestamp"], "2026-11-18T11:16:40Z");
  EXPECT_EQ(j["meta"]["unsubscribe"], "https://status.example.com/unsubscribe?token=abc.def");
  EXPECT_EQ(j["page"]["name"], "Example Status");
  EXPECT_EQ(j["page"]["url"], "https://status.example.com");
  const json& inc = j["incident"];
  EXPECT_EQ(inc["id"], "INC-7");
  EXPECT_EQ(inc["name"], "Checkout errors <b>& \"timeouts\"</b>");
  EXPECT_EQ(inc["status"], "investigating");
  EXPECT_EQ(inc["impact"], "SEV-1");
  EXPECT_EQ(inc["shortlink"], "https://status.example.com/incidents/INC-7");
  EXPECT_EQ(inc["created_at"], "2026-11-18T11:06:40Z");
  EXPECT_EQ(inc["updated_at"], "2026-11-18T11:16:40Z");
  EXPECT_EQ(inc["next_update_by"], "2026-11-18T11:46:40Z");
  ASSERT_EQ(inc["components"].size(), 2u);
  EXPECT_EQ(inc["components"][0]["name"], "checkout");
  EXPECT_EQ(inc["components"][0]["status"], "major_outage");
  ASSERT_EQ(inc["incident_updates"].size(), 1u);
  const json& u = inc["incident_updates"][0];
  EXPECT_EQ(u["id"], "u-41");
  EXPECT_EQ(u["incident_id"], "INC-7");
  EXPECT_EQ(u["status"], "investigating");
  EXPECT_EQ(u["body"], SampleNotification().message);
  EXPECT_EQ(u["affected_components"][1]["status"], "degraded_performance");
}

TEST(WebhookJson, NoPromiseIsNullAndEventsHaveTheirNames) {
  NotificationContent n = SampleNotification();
  n.next_update_by.reset();
  n.event = NotificationEvent::kResolved;
  json j = json::parse(RenderWebhookJson(n));
  EXPECT_TRUE(j["incident"]["next_update_by"].is_null());
  EXPECT_EQ(j["type"], "incident.resolved");
  EXPECT_STREQ(NotificationEventName(NotificationEvent::kReopened), "incident.reopened");
  EXPECT_STREQ(NotificationEventName(NotificationEvent::kPostmortemPublished),
               "incident.postmortem_published");
}

TEST(WebhookJson, InvalidUtf8NeverFailsTheRender) {
  NotificationContent n = SampleNotification();
  n.message = "bad \xff byte";
  json j = json::parse(RenderWebhookJson(n));
  EXPECT_EQ(j["incident"]["incident_updates"][0]["body"], "bad \xEF\xBF\xBD byte");
}

TEST(SlackJson, HasAFallbackTextAndBlocksWithEscapedText) {
  NotificationContent n = SampleNotification();
  n.message = "Use <!channel> & <https://evil.example|click>";
  json j = json::parse(RenderSlackJson(n));
  const std::string text = j["text"];
  EXPECT_THAT(text, HasSubstr("[SEV-1] Checkout errors &lt;b&gt;&amp;"));
  EXPECT_THAT(text, Not(HasSubstr("<!channel>")));
  ASSERT_GE(j["blocks"].size(), 4u);
  EXPECT_EQ(j["blocks"][0]["type"], "header");
  EXPECT_EQ(j["blocks"][0]["text"]["type"], "plain_text");
  EXPECT_EQ(j["blocks"][1]["text"]["text"],
            "Use &lt;!channel&gt; &amp; &lt;https://evil.example|click&gt;");
  EXPECT_EQ(j["blocks"][2]["text"]["text"],
            "*Affected:* checkout: major_outage, payments api: degraded_performance");
  const std::string context = j["blocks"][3]["elements"][0]["text"];
  EXPECT_THAT(context, HasSubstr("<https://status.example.com/incidents/INC-7|Incident page>"));
  EXPECT_THAT(context, HasSubstr("Next update by 2026-11-18 11:46 UTC"));
  EXPECT_THAT(context,
              HasSubstr("<https://status.example.com/unsubscribe?token=abc.def|Unsubscribe>"));
}

TEST(SlackJson, ALongTitleIsCutToTheHeaderLimitOnACharacterBoundary) {
  NotificationContent n = SampleNotification();
  n.incident_title = std::string(140, 'x') + "ééééééééé";
  json j = json::parse(RenderSlackJson(n));
  const std::string header = j["blocks"][0]["text"]["text"];
  EXPECT_LE(header.size(), 150u);
  EXPECT_THAT(header, ::testing::EndsWith("..."));
  EXPECT_EQ(header.find("\xEF\xBF\xBD"), std::string::npos);
}

}  // namespace
}  // namespace statuscast
