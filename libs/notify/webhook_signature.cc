#include "libs/notify/webhook_signature.h"

#include <openssl/rand.h>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "libs/notify/hmac_sha256.h"

namespace statuscast {

absl::StatusOr<std::string> GenerateWebhookSecret() {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof bytes) != 1) {
    return absl::InternalError("webhook secret: the random generator failed (RAND_bytes)");
  }
  return absl::StrCat(kWebhookSecretPrefix, absl::Base64Escape(absl::string_view(
                                                reinterpret_cast<char*>(bytes), sizeof bytes)));
}

absl::StatusOr<std::string> WebhookSigningKey(absl::string_view secret) {
  absl::ConsumePrefix(&secret, kWebhookSecretPrefix);
  std::string key;
  if (secret.empty() || !absl::Base64Unescape(secret, &key)) {
    return absl::InvalidArgumentError("webhook secret is not whsec_ followed by base64");
  }
  if (key.size() < 24) {
    return absl::InvalidArgumentError(
        absl::StrCat("webhook secret decodes to ", key.size(), " bytes; at least 24 are needed"));
  }
  return key;
}

absl::StatusOr<std::string> SignWebhook(absl::string_view secret, absl::string_view message_id,
                                        absl::Time timestamp, absl::string_view body) {
  absl::StatusOr<std::string> key = WebhookSigningKey(secret);
  if (!key.ok()) return key.status();
  const std::string signed_content =
      absl::StrCat(message_id, ".", absl::ToUnixSeconds(timestamp), ".", body);
  return absl::StrCat("v1,", absl::Base64Escape(HmacSha256(*key, signed_content)));
}

absl::StatusOr<std::vector<std::pair<std::string, std::string>>> WebhookHeaders(
    absl::string_view secret, absl::string_view message_id, absl::Time timestamp,
    absl::string_view body) {
  absl::StatusOr<std::string> signature = SignWebhook(secret, message_id, timestamp, body);
  if (!signature.ok()) return signature.status();
  return std::vector<std::pair<std::string, std::string>>{
      {"webhook-id", std::string(message_id)},
      {"webhook-timestamp", absl::StrCat(absl::ToUnixSeconds(timestamp))},
      {"webhook-signature", *std::move(signature)}};
}

}  // namespace statuscast
