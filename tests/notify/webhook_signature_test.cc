#include "libs/notify/webhook_signature.h"

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace statuscast {
namespace {

using ::testing::HasSubstr;

// The test vector of the Standard Webhooks reference libraries
// (standard-webhooks/standard-webhooks, libraries/*: "sign function works").
TEST(SignWebhook, MatchesTheStandardWebhooksTestVector) {
  absl::StatusOr<std::string> sig =
      SignWebhook("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek",
                  absl::FromUnixSeconds(1614265330), "{\"test\": 2432232314}");
  ASSERT_TRUE(sig.ok()) << sig.status();
  EXPECT_EQ(*sig, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  // The prefix is optional, as in the reference libraries.
  EXPECT_EQ(*SignWebhook("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek",
                         absl::FromUnixSeconds(1614265330), "{\"test\": 2432232314}"),
            *sig);
}

TEST(SignWebhook, AnyChangeToIdTimestampOrBodyChangesTheSignature) {
  const std::string secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  const absl::Time t = absl::FromUnixSeconds(1614265330);
  const std::string base = *SignWebhook(secret, "msg_1", t, "{}");
  EXPECT_NE(*SignWebhook(secret, "msg_2", t, "{}"), base);
  EXPECT_NE(*SignWebhook(secret, "msg_1", t + absl::Seconds(1), "{}"), base);
  EXPECT_NE(*SignWebhook(secret, "msg_1", t, "{ }"), base);
  // Sub-second parts of the time are not part of the signed timestamp.
  EXPECT_EQ(*SignWebhook(secret, "msg_1", t + absl::Milliseconds(900), "{}"), base);
}

TEST(WebhookHeaders, AreIdTimestampAndSignature) {
  auto headers = WebhookHeaders("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_1",
                                absl::FromUnixSeconds(1700000000), "{}");
  ASSERT_TRUE(headers.ok());
  ASSERT_EQ(headers->size(), 3u);
  EXPECT_EQ((*headers)[0], std::make_pair(std::string("webhook-id"), std::string("msg_1")));
  EXPECT_EQ((*headers)[1],
            std::make_pair(std::string("webhook-timestamp"), std::string("1700000000")));
  EXPECT_EQ((*headers)[2].first, "webhook-signature");
  EXPECT_TRUE(absl::StartsWith((*headers)[2].second, "v1,"));
}

TEST(GenerateWebhookSecret, Is32RandomBytesBehindWhsec) {
  absl::StatusOr<std::string> a = GenerateWebhookSecret();
  absl::StatusOr<std::string> b = GenerateWebhookSecret();
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_TRUE(absl::StartsWith(*a, "whsec_"));
  EXPECT_NE(*a, *b);
  absl::StatusOr<std::string> key = WebhookSigningKey(*a);
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_EQ(key->size(), 32u);
}

TEST(WebhookSigningKey, RefusesWhatIsNotAUsableSecret) {
  EXPECT_THAT(std::string(WebhookSigningKey("whsec_!!!").status().message()),
              HasSubstr("not whsec_ followed by base64"));
  EXPECT_THAT(std::string(WebhookSigningKey("whsec_").status().message()),
              HasSubstr("not whsec_ followed by base64"));
  EXPECT_THAT(
      std::string(WebhookSigningKey("whsec_" + absl::Base64Escape("short")).status().message()),
      HasSubstr("decodes to 5 bytes; at least 24"));
}

}  // namespace
}  // namespace statuscast
