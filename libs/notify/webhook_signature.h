// Standard Webhooks signing (https://www.standardwebhooks.com, "Symmetric
// signature"): what a webhook subscriber uses to know a request came from us
// and was not replayed late.
//
// Each request carries
//   webhook-id:        the notification id, the same on every retry
//   webhook-timestamp: Unix seconds of this attempt
//   webhook-signature: "v1," base64(HMAC-SHA256(key, id "." timestamp "." body))
// where key is the base64 decoding of the secret after its "whsec_" prefix.
// Receivers check the signature (constant time) and that the timestamp is
// recent, and deduplicate on webhook-id.
//
// Thread safety: pure functions; GenerateWebhookSecret uses OpenSSL's
// RAND_bytes, which is thread-safe.
#ifndef STATUSCAST_LIBS_NOTIFY_WEBHOOK_SIGNATURE_H_
#define STATUSCAST_LIBS_NOTIFY_WEBHOOK_SIGNATURE_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace statuscast {

inline constexpr char kWebhookSecretPrefix[] = "whsec_";

// "whsec_" + base64 of 32 random bytes from RAND_bytes. INTERNAL when the
// random generator fails (never hand out a weak secret).
absl::StatusOr<std::string> GenerateWebhookSecret();

// The HMAC key inside `secret`: base64-decoded after the optional "whsec_".
// INVALID_ARGUMENT when it is not base64 or decodes to fewer than 24 bytes
// (the spec asks for 24 to 64).
absl::StatusOr<std::string> WebhookSigningKey(absl::string_view secret);

// "v1,<base64 signature>" for one attempt. `timestamp` is whole seconds.
absl::StatusOr<std::string> SignWebhook(absl::string_view secret, absl::string_view message_id,
                                        absl::Time timestamp, absl::string_view body);

// The three headers for one attempt, in the order above.
absl::StatusOr<std::vector<std::pair<std::string, std::string>>> WebhookHeaders(
    absl::string_view secret, absl::string_view message_id, absl::Time timestamp,
    absl::string_view body);

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_NOTIFY_WEBHOOK_SIGNATURE_H_
