#include "libs/notify/subscription.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace statuscast {
namespace {

using ::testing::HasSubstr;

void ExpectInvalid(const absl::Status& s, const std::string& text) {
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
  EXPECT_THAT(std::string(s.message()), HasSubstr(text));
}

TEST(ScopeMatches, EverythingMatchesEveryIncidentEvenWithoutComponents) {
  EXPECT_TRUE(ScopeMatches(ComponentScope::Everything(), {"checkout"}));
  EXPECT_TRUE(ScopeMatches(ComponentScope::Everything(), {}));
}

TEST(ScopeMatches, ChosenComponentsMatchWhenAnyIsAffected) {
  ComponentScope scope = ComponentScope::Only({"search", "checkout"});
  EXPECT_TRUE(ScopeMatches(scope, {"api", "checkout"}));
  EXPECT_FALSE(ScopeMatches(scope, {"api", "login"}));
  EXPECT_FALSE(ScopeMatches(scope, {}));
}

TEST(ShouldNotify, NothingBeforeConfirmation) {
  Subscription s{"sub-1", SubscriberKind::kEmail, "a@example.com", ComponentScope::Everything(),
                 false};
  EXPECT_FALSE(ShouldNotify(s, {"api"}));
  s.confirmed = true;
  EXPECT_TRUE(ShouldNotify(s, {"api"}));
}

TEST(SubscriberKind, NamesRoundTrip) {
  for (SubscriberKind k :
       {SubscriberKind::kEmail, SubscriberKind::kWebhook, SubscriberKind::kSlack}) {
    SubscriberKind parsed;
    ASSERT_TRUE(ParseSubscriberKind(SubscriberKindName(k), &parsed));
    EXPECT_EQ(parsed, k);
  }
  SubscriberKind parsed;
  EXPECT_FALSE(ParseSubscriberKind("sms", &parsed));
}

TEST(ValidateEmailAddress, AcceptsOrdinaryAddresses) {
  for (const char* a : {"watcher@example.com", "first.last+status@mail.example.co.uk",
                        "o'brien@example.org", "x@a-b.example"}) {
    EXPECT_TRUE(ValidateEmailAddress(a).ok()) << a << ": " << ValidateEmailAddress(a);
  }
}

TEST(ValidateEmailAddress, RefusesMalformedAddressesWithTheReason) {
  ExpectInvalid(ValidateEmailAddress(""), "is empty");
  ExpectInvalid(ValidateEmailAddress("watcher.example.com"), "needs an '@'");
  ExpectInvalid(ValidateEmailAddress("a@b@example.com"), "more than one '@'");
  ExpectInvalid(ValidateEmailAddress("@example.com"), "nothing before the '@'");
  ExpectInvalid(ValidateEmailAddress("watcher@"), "nothing after the '@'");
  ExpectInvalid(ValidateEmailAddress("wat cher@example.com"), "space or a control character");
  ExpectInvalid(ValidateEmailAddress("a@example.com\r\nBcc: all@example.com"),
                "space or a control character");
  ExpectInvalid(ValidateEmailAddress("a@localhost"), "at least one dot");
  ExpectInvalid(ValidateEmailAddress("a@exa_mple.com"), "'_' in its domain");
  ExpectInvalid(ValidateEmailAddress("a@-example.com"), "starts or ends with '-'");
  ExpectInvalid(ValidateEmailAddress("a@example..com"), "empty label");
  ExpectInvalid(ValidateEmailAddress(".a@example.com"), "dot at the start or end");
  ExpectInvalid(ValidateEmailAddress("a..b@example.com"), "two dots in a row");
  ExpectInvalid(ValidateEmailAddress("<a>@example.com"), "'<' before the '@'");
  ExpectInvalid(ValidateEmailAddress("jürgen@example.com"), "non-ASCII");
  ExpectInvalid(ValidateEmailAddress(std::string(65, 'a') + "@example.com"), "more than 64");
  ExpectInvalid(
      ValidateEmailAddress("a@" + std::string(63, 'b') + "." + std::string(63, 'c') + "." +
                           std::string(63, 'd') + "." + std::string(63, 'e') + ".com"),
      "the limit is 254");
  ExpectInvalid(ValidateEmailAddress("a@" + std::string(64, 'b') + ".com"), "longer than 63");
}

TEST(ParseWebhookUrl, NormalizesAnHttpsUrlAndFindsHostAndPort) {
  absl::StatusOr<WebhookUrl> u = ParseWebhookUrl("HTTPS://Hooks.Example.com/in/abc?x=1", {});
  ASSERT_TRUE(u.ok()) << u.status();
  EXPECT_EQ(u->scheme, "https");
  EXPECT_EQ(u->port, 443);
  EXPECT_EQ(u->url, "https://Hooks.Example.com/in/abc?x=1");
  EXPECT_THAT(u->host, ::testing::StrCaseEq("hooks.example.com"));

  absl::StatusOr<WebhookUrl> v6 = ParseWebhookUrl("https://[2606:4700::1]:8443/x", {});
  ASSERT_TRUE(v6.ok()) << v6.status();
  EXPECT_EQ(v6->host, "2606:4700::1");
  EXPECT_EQ(v6->port, 8443);
}

TEST(ParseWebhookUrl, HttpOnlyWhenThePolicyAllowsIt) {
  ExpectInvalid(ParseWebhookUrl("http://hooks.example.com/x", {}).status(), "must use https://");
  UrlPolicy allow_http;
  allow_http.allow_http = true;
  absl::StatusOr<WebhookUrl> u = ParseWebhookUrl("http://hooks.example.com/x", allow_http);
  ASSERT_TRUE(u.ok()) << u.status();
  EXPECT_EQ(u->port, 80);
}

TEST(ParseWebhookUrl, RefusesOtherSchemesCredentialsAndMissingHosts) {
  UrlPolicy allow_http;
  allow_http.allow_http = true;
  ExpectInvalid(ParseWebhookUrl("file:///etc/passwd", allow_http).status(),
                "\"file\" URLs are not allowed");
  ExpectInvalid(ParseWebhookUrl("gopher://example.com/", allow_http).status(), "\"gopher\" URLs");
  ExpectInvalid(ParseWebhookUrl("ftp://example.com/x", allow_http).status(), "\"ftp\" URLs");
  ExpectInvalid(ParseWebhookUrl("https://user:secret@hooks.example.com/", {}).status(),
                "user name or password");
  ExpectInvalid(ParseWebhookUrl("https://user@hooks.example.com/", {}).status(),
                "user name or password");
  ExpectInvalid(ParseWebhookUrl("https://:8443/path", {}).status(), "");
  ExpectInvalid(ParseWebhookUrl("hooks.example.com/x", {}).status(), "not a valid absolute URL");
  ExpectInvalid(ParseWebhookUrl("https://hooks.example.com/a b", {}).status(), "space");
  ExpectInvalid(ParseWebhookUrl("", {}).status(), "is empty");
}

TEST(ParseWebhookUrl, RefusesUrlsOverTwoKilobytes) {
  const std::string base = "https://hooks.example.com/";
  std::string fits = base + std::string(kMaxWebhookUrlBytes - base.size(), 'a');
  EXPECT_TRUE(ParseWebhookUrl(fits, {}).ok());
  ExpectInvalid(ParseWebhookUrl(fits + "a", {}).status(), "is 2049 bytes; the limit is 2048");
}

TEST(ValidateSubscription, ChecksTheDestinationByKindAndTheScope) {
  Subscription s{"", SubscriberKind::kWebhook, "http://hooks.example.com/x",
                 ComponentScope::Everything(), true};
  ExpectInvalid(ValidateSubscription(s, {}), "webhook URL must use https://");
  s.kind = SubscriberKind::kEmail;
  ExpectInvalid(ValidateSubscription(s, {}), "email address");
  s.destination = "a@example.com";
  EXPECT_TRUE(ValidateSubscription(s, {}).ok());
  s.scope = ComponentScope::Only({});
  ExpectInvalid(ValidateSubscription(s, {}), "choose at least one component");
  s.scope = ComponentScope::Only({"api", ""});
  ExpectInvalid(ValidateSubscription(s, {}), "a component name is empty");
  s.kind = SubscriberKind::kSlack;
  s.destination = "https://hooks.slack.com/services/T0/B0/x";
  s.scope = ComponentScope::Only({"api"});
  EXPECT_TRUE(ValidateSubscription(s, {}).ok());
}

}  // namespace
}  // namespace statuscast
