// Signed tokens for the links in confirmation and notification messages
// ("confirm my subscription", "unsubscribe").
//
// A token is base64url(payload) "." base64url(HMAC-SHA256(key, payload)),
// with payload = purpose "\n" subscriber id "\n" expiry (Unix seconds). It is
// safe in a URL path or query without escaping, and holds no secret: anyone
// can read the subscriber id, only the key holder can make one.
//
// Verify checks, in this order, each with its own code and message:
//   - not a token at all (wrong shape, bad base64): INVALID_ARGUMENT
//     "link token is malformed ..."
//   - signature does not match (forged, altered, or another key):
//     UNAUTHENTICATED "link token signature does not match ..."
//   - made for another purpose (a confirm token used to unsubscribe):
//     PERMISSION_DENIED "link token is for confirm, not unsubscribe"
//   - past its expiry on the injected clock: FAILED_PRECONDITION
//     "link token expired at <time> ..."
// The signature is compared in constant time (CRYPTO_memcmp).
//
// Thread safety: immutable after construction; safe from any thread.
#ifndef STATUSCAST_LIBS_NOTIFY_LINK_TOKEN_H_
#define STATUSCAST_LIBS_NOTIFY_LINK_TOKEN_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "libs/base/clock.h"

namespace statuscast {

// kSubscribeForm: the subscribe form's anti-CSRF token (its "subscriber id"
// is the nonce of the form's cookie).
enum class LinkPurpose { kConfirm, kUnsubscribe, kSubscribeForm };

// "confirm", "unsubscribe", "subscribe-form".
const char* LinkPurposeName(LinkPurpose purpose);

class LinkTokenSigner {
 public:
  // At least this many bytes of key (a random secret the services share).
  static constexpr size_t kMinKeyBytes = 32;

  // INVALID_ARGUMENT when `key` is shorter than kMinKeyBytes.
  // REQUIRES: `clock` outlives the signer.
  static absl::StatusOr<LinkTokenSigner> Create(std::string key, const Clock* clock);

  // A token for `subscriber_id` valid until `expires_at`.
  // REQUIRES: subscriber_id holds no '\n'.
  std::string Issue(LinkPurpose purpose, absl::string_view subscriber_id,
                    absl::Time expires_at) const;

  // The subscriber id the token was issued for, or the errors listed above.
  absl::StatusOr<std::string> Verify(LinkPurpose purpose, absl::string_view token) const;

 private:
  LinkTokenSigner(std::string key, const Clock* clock) : key_(std::move(key)), clock_(clock) {}
  std::string Mac(absl::string_view payload) const;

  std::string key_;
  const Clock* clock_;
};

// The signing key in file `path` (both services read the same file): its
// contents without surrounding whitespace. INVALID_ARGUMENT naming `flag`
// when `path` is empty, unreadable or holds fewer than kMinKeyBytes.
absl::StatusOr<std::string> ReadLinkSecret(const std::string& flag, const std::string& path);

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_NOTIFY_LINK_TOKEN_H_
