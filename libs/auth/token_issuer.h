// TokenIssuer: creates, lists and revokes API tokens. The rules live here,
// shared by statuscast.v1.TokenService and `statuscast-comms --create_token`:
//   - a name is 1-64 characters of letters, digits, '-', '_', '.', '@',
//     starting with a letter or digit; it becomes the author of every update
//     and the actor of every audit row the token makes, and is never reused;
//   - every token expires: by default kDefaultTokenTtl after creation, at most
//     kMaxTokenTtl (rotate long-lived tokens rather than keep them forever);
//   - the secret is returned once, by Create, and never stored.
// Thread safety: safe to share; state lives in the store.
#ifndef STATUSCAST_LIBS_AUTH_TOKEN_ISSUER_H_
#define STATUSCAST_LIBS_AUTH_TOKEN_ISSUER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "libs/auth/token_store.h"
#include "libs/base/clock.h"

namespace statuscast {

inline constexpr absl::Duration kDefaultTokenTtl = absl::Hours(24 * 90);
inline constexpr absl::Duration kMaxTokenTtl = absl::Hours(24 * 365);

// When a new token expires: at most one of the two; neither means the default.
struct TokenExpiry {
  absl::optional<absl::Time> at;
  absl::optional<absl::Duration> ttl;
};

struct IssuedToken {
  TokenRecord token;
  std::string secret;  // "sct_..."; shown once
};

class TokenIssuer {
 public:
  // REQUIRES: store and clock outlive this issuer.
  TokenIssuer(TokenStore& store, const Clock& clock) : store_(store), clock_(clock) {}

  // INVALID_ARGUMENT (with field violations on name, scope, expires_at, ttl)
  // for a bad request; ALREADY_EXISTS when the name is taken.
  absl::StatusOr<IssuedToken> Create(const std::string& name, absl::optional<Scope> scope,
                                     const TokenExpiry& expiry, const std::string& created_by,
                                     const std::string& request_id);
  absl::StatusOr<std::vector<TokenRecord>> List();
  // NOT_FOUND when no token has this name. Revoking twice keeps the first
  // revocation time.
  absl::StatusOr<TokenRecord> Revoke(const std::string& name, const std::string& actor,
                                     const std::string& request_id);

  const Clock& clock() const { return clock_; }

 private:
  TokenStore& store_;
  const Clock& clock_;
};

// True when `name` is an acceptable token name (see above).
bool IsValidTokenName(const std::string& name);

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_AUTH_TOKEN_ISSUER_H_
