// TokenVerifier: turns the `authorization: Bearer sct_...` metadata of a call
// into a Principal, or says why not:
//   UNAUTHENTICATED    no token, not a bearer token, unknown, expired or
//                      revoked (each with its own message)
//   PERMISSION_DENIED  a valid token whose scope is below what the call needs
//                      (the message names the needed scope)
//   UNAVAILABLE        PostgreSQL could not be asked; retry
//
// Caching: a token found valid is remembered for at most `cache_ttl`
// (default 5 s), so a busy client costs one lookup per few seconds. A revoke
// therefore takes effect within cache_ttl on every replica, and at once on
// the replica that served the revoke (it calls ForgetCached). Expiry is
// checked on every call, also for cached tokens. Failures are not cached.
//
// A cache miss reads PostgreSQL, so Authorize may block: call it from
// synchronous gRPC handlers only, never inside a callback-API reactor.
// Thread safety: safe to share between threads.
#ifndef STATUSCAST_LIBS_AUTH_TOKEN_VERIFIER_H_
#define STATUSCAST_LIBS_AUTH_TOKEN_VERIFIER_H_

#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "libs/auth/scope.h"
#include "libs/auth/token_store.h"
#include "libs/base/clock.h"

namespace statuscast {

struct TokenVerifierOptions {
  absl::Duration cache_ttl = absl::Seconds(5);
  // Beyond this many cached tokens the cache starts over.
  size_t max_cached = 4096;
};

class TokenVerifier {
 public:
  // REQUIRES: store and clock outlive this verifier.
  TokenVerifier(TokenStore& store, const Clock& clock,
                TokenVerifierOptions options = TokenVerifierOptions())
      : store_(store), clock_(clock), options_(options) {}

  // `authorization` is the value of the call's authorization metadata (""
  // when absent); `method` names the call in a PERMISSION_DENIED message.
  absl::StatusOr<Principal> Authorize(absl::string_view authorization, Scope needed,
                                      absl::string_view method);

  // Drops every cached token (after a revoke).
  void ForgetCached();

 private:
  struct Cached {
    Principal principal;
    absl::Time expires_at;
    absl::Time fetched_at;
  };
  absl::StatusOr<Principal> Authenticate(absl::string_view authorization);

  TokenStore& store_;
  const Clock& clock_;
  const TokenVerifierOptions options_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, Cached> cache_ ABSL_GUARDED_BY(mu_);  // by token hash
};

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_AUTH_TOKEN_VERIFIER_H_
