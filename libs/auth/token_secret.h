// Token secrets: 32 random bytes shown once as "sct_<base64url>", stored only
// as their SHA-256. The prefix makes a leaked token easy to recognise (secret
// scanners, logs) and lets a client tell a token from other strings.
// Thread safety: free functions, safe from any thread.
#ifndef STATUSCAST_LIBS_AUTH_TOKEN_SECRET_H_
#define STATUSCAST_LIBS_AUTH_TOKEN_SECRET_H_

#include <string>

#include "absl/status/statusor.h"

namespace statuscast {

inline constexpr char kTokenPrefix[] = "sct_";

// A fresh secret from the operating system's CSPRNG (OpenSSL RAND_bytes).
// INTERNAL when the generator fails (never expected).
absl::StatusOr<std::string> NewTokenSecret();

// Lower-case hex SHA-256 of `secret`, as stored in api_tokens.token_hash.
std::string HashTokenSecret(const std::string& secret);

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_AUTH_TOKEN_SECRET_H_
