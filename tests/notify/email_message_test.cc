#include "libs/notify/email_message.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/notify/sample_notification.h"

namespace statuscast {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

MailSettings Settings() {
  return MailSettings{"status@example.com", "Example Status", "unsubscribe@example.com"};
}

const absl::Time kNow = absl::FromUnixSeconds(1795000605);

void ExpectLinesWithin78(const std::string& header) {
  for (absl::string_view line : absl::StrSplit(header, "\r\n")) {
    EXPECT_LE(line.size(), 78u) << header;
  }
}

// Decodes "=?UTF-8?B?...?=" words (and plain text) back to UTF-8.
std::string DecodeWords(const std::string& value) {
  std::string out;
  for (absl::string_view word :
       absl::StrSplit(value, absl::ByAnyChar(" \r\n"), absl::SkipEmpty())) {
    if (absl::ConsumePrefix(&word, "=?UTF-8?B?") && absl::ConsumeSuffix(&word, "?=")) {
      std::string raw;
      EXPECT_TRUE(absl::Base64Unescape(word, &raw));
      out += raw;
    } else {
      if (!out.empty()) out += ' ';
      out += std::string(word);
    }
  }
  return out;
}

TEST(NotificationEmail, CarriesTheSubjectIdAndUnsubscribeHeaders) {
  EmailMessage m =
      RenderNotificationEmail(SampleNotification(), Settings(), "watcher@example.org", kNow);
  EXPECT_EQ(m.envelope_from, "status@example.com");
  EXPECT_EQ(m.recipient, "watcher@example.org");
  EXPECT_EQ(m.Header("From"), "\"Example Status\" <status@example.com>");
  EXPECT_EQ(m.Header("To"), "watcher@example.org");
  EXPECT_EQ(DecodeWords(m.Header("Subject")),
            "[SEV-1] Investigating: Checkout errors <b>& \"timeouts\"</b>");
  EXPECT_EQ(m.Header("Message-ID"), "<msg_2bXkq9TfJ3@example.com>");
  EXPECT_EQ(m.Header("Date"), "Wed, 18 Nov 2026 11:16:45 +0000");
  EXPECT_EQ(m.Header("List-Unsubscribe"),
            "<https://status.example.com/unsubscribe?token=abc.def>,\r\n "
            "<mailto:unsubscribe@example.com?subject=unsubscribe>");
  EXPECT_EQ(m.Header("List-Unsubscribe-Post"), "List-Unsubscribe=One-Click");
  EXPECT_EQ(m.Header("Auto-Submitted"), "auto-generated");
  for (const std::string& h : m.headers) ExpectLinesWithin78(h);
}

TEST(NotificationEmail, TheMessageIdIsStableAcrossRetries) {
  EmailMessage a = RenderNotificationEmail(SampleNotification(), Settings(), "w@example.org", kNow);
  EmailMessage b = RenderNotificationEmail(SampleNotification(), Settings(), "w@example.org",
                                           kNow + absl::Hours(3));
  EXPECT_EQ(a.Header("Message-ID"), b.Header("Message-ID"));
}

TEST(NotificationEmail, BodiesCarryEverythingAndTheHtmlEscapesIt) {
  EmailMessage m = RenderNotificationEmail(SampleNotification(), Settings(), "w@example.org", kNow);
  EXPECT_THAT(m.text_body,
              HasSubstr("Checkout errors <b>& \"timeouts\"</b>\nSEV-1 · investigating\n"));
  EXPECT_THAT(m.text_body,
              HasSubstr("Affected: checkout (major outage), payments api (degraded performance)"));
  EXPECT_THAT(m.text_body, HasSubstr("Card payments fail for about 30% of customers."));
  EXPECT_THAT(m.text_body, HasSubstr("Next update by 2026-11-18 11:46 UTC"));
  EXPECT_THAT(m.text_body, HasSubstr("Incident page: https://status.example.com/incidents/INC-7"));
  EXPECT_THAT(m.text_body,
              HasSubstr("Unsubscribe: https://status.example.com/unsubscribe?token=abc.def"));

  EXPECT_THAT(m.html_body,
              HasSubstr("<h1>Checkout errors &lt;b&gt;&amp; &quot;timeouts&quot;&lt;/b&gt;</h1>"));
  EXPECT_THAT(m.html_body, Not(HasSubstr("<b>")));
  EXPECT_THAT(m.html_body, HasSubstr("<p>We are rolling back the release.</p>"));
  EXPECT_THAT(m.html_body,
              HasSubstr("href=\"https://status.example.com/unsubscribe?token=abc.def\""));
}

TEST(NotificationEmail, NoPromiseNoLine) {
  NotificationContent n = SampleNotification();
  n.next_update_by.reset();
  n.incident_state = "resolved";
  EmailMessage m = RenderNotificationEmail(n, Settings(), "w@example.org", kNow);
  EXPECT_THAT(m.text_body, Not(HasSubstr("Next update by")));
  EXPECT_THAT(DecodeWords(m.Header("Subject")), HasSubstr("[SEV-1] Resolved: "));
}

TEST(EncodeHeader, NonAsciiBecomesEncodedWordsOnCharacterBoundaries) {
  const std::string title =
      "Störung: Zahlungen schlagen fehl – wir arbeiten daran ✓ 日本語のテキスト";
  std::string h = EncodeHeader("Subject", title);
  EXPECT_THAT(h, ::testing::StartsWith("Subject: =?UTF-8?B?"));
  ExpectLinesWithin78(h);
  EXPECT_EQ(DecodeWords(h.substr(9)), title);
  // Every word decodes to whole UTF-8 characters on its own.
  for (absl::string_view word :
       absl::StrSplit(h.substr(9), absl::ByAnyChar(" \r\n"), absl::SkipEmpty())) {
    ASSERT_TRUE(absl::ConsumePrefix(&word, "=?UTF-8?B?"));
    ASSERT_TRUE(absl::ConsumeSuffix(&word, "?="));
    std::string raw;
    ASSERT_TRUE(absl::Base64Unescape(word, &raw));
    EXPECT_NE(static_cast<unsigned char>(raw[0]) & 0xC0, 0x80) << "starts mid-character";
  }
}

TEST(EncodeHeader, LongAsciiIsFoldedAtSpaces) {
  std::string h = EncodeHeader("Subject", std::string(50, 'a') + " " + std::string(40, 'b') + " c");
  EXPECT_EQ(h, "Subject: " + std::string(50, 'a') + "\r\n " + std::string(40, 'b') + " c");
}

TEST(EncodeHeader, LineBreaksInValuesCannotInjectHeaders) {
  std::string h = EncodeHeader("Subject", "Outage\r\nBcc: everyone@example.com");
  EXPECT_EQ(h, "Subject: Outage Bcc: everyone@example.com");
}

TEST(ConfirmationEmail, HasOneConfirmLinkAndNoUnsubscribeHeaders) {
  ConfirmationContent c{"confirm-sub-42-1", "Example Status", "https://status.example.com",
                        "https://status.example.com/subscriptions/confirm?token=t.s",
                        absl::FromUnixSeconds(1795086400)};
  MailSettings s = Settings();
  s.from_name = "Statusseite Müller";
  EmailMessage m = RenderConfirmationEmail(c, s, "w@example.org", kNow);
  EXPECT_EQ(DecodeWords(m.Header("Subject")), "Confirm your subscription to Example Status");
  EXPECT_THAT(m.Header("From"), ::testing::StartsWith("=?UTF-8?B?"));
  EXPECT_THAT(m.Header("From"), ::testing::EndsWith(" <status@example.com>"));
  EXPECT_EQ(m.Header("Message-ID"), "<confirm-sub-42-1@example.com>");
  EXPECT_EQ(m.Header("List-Unsubscribe"), "");
  EXPECT_THAT(m.text_body, HasSubstr("https://status.example.com/subscriptions/confirm?token=t.s"));
  EXPECT_THAT(m.text_body, HasSubstr("before 2026-11-19 11:06 UTC"));
  EXPECT_THAT(m.html_body,
              HasSubstr("<a href=\"https://status.example.com/subscriptions/confirm?token=t.s\">"));
}

TEST(NotificationEmail, TheHtmlDropsBidiControlsFromStoredText) {
  NotificationContent n = SampleNotification();
  n.message = "Payments \xE2\x80\xAE down";  // U+202E RIGHT-TO-LEFT OVERRIDE
  EmailMessage m = RenderNotificationEmail(n, Settings(), "w@example.org", kNow);
  EXPECT_THAT(m.html_body, HasSubstr("<p>Payments  down</p>"));
}

}  // namespace
}  // namespace statuscast
