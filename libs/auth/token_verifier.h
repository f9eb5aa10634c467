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
// checked on every call, also for cached tokens.
//
// Abuse: an unknown token is remembered as unknown for `negative_ttl`
// (default 30 s; at most `max_negative_cached`, then that cache starts over),
// so repeating a bogus token costs one PostgreSQL query per negative_ttl,
// not one per call. Token secrets are random, so a token issued later is
// never one remembered as unknown. And a client address (IPv4, IPv6 /64)
// may fail authentication `failure_burst` times, then once per
// 1/failures_per_second; beyond, calls are refused with RESOURCE_EXHAUSTED
// before any lookup (loopback exempt unless limit_loopback).
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
#include "libs/base/peer_address.h"

namespace statuscast {

struct TokenVerifierOptions {
  absl::Duration cache_ttl = absl::Seconds(5);
  // Beyond this many cached tokens the cache starts over.
  size_t max_cached = 4096;
  // Unknown tokens, remembered as unknown.
  absl::Duration negative_ttl = absl::Seconds(30);
  size_t max_negative_cached = 16384;
  // Failed authentications per client address: a bucket of failure_burst,
  // refilled at failures_per_second. 0 failures_per_second: no limit.
  double failures_per_second = 1;
  double failure_burst = 30;
  bool limit_loopback = false;
  // Addresses tracked at most; beyond, the idle ones are forgotten.
  size_t max_tracked_peers = 100000;
};

class TokenVerifier {
 public:
  // REQUIRES: store and clock outlive this verifier.
  TokenVerifier(TokenStore& store, const Clock& clock,
                TokenVerifierOptions options = TokenVerifierOptions())
      : store_(store), clock_(clock), options_(options) {}

  // `authorization` is the value of the call's authorization metadata (""
  // when absent); `method` names the call in a PERMISSION_DENIED message.
  // `peer` (optional) is the caller's address, for the failure limit.
  absl::StatusOr<Principal> Authorize(absl::string_view authorization, Scope needed,
                                      absl::string_view method, const PeerAddress* peer = nullptr);

  // Drops every cached token (after a revoke).
  void ForgetCached();

 private:
  struct Cached {
    Principal principal;
    absl::Time expires_at;
    absl::Time fetched_at;
  };
  struct FailureBucket {
    double tokens = 0;
    absl::Time updated;
  };
  absl::StatusOr<Principal> Authenticate(absl::string_view authorization);
  bool FailureLimited(const PeerAddress* peer) const {
    return peer != nullptr && options_.failures_per_second > 0 &&
           (options_.limit_loopback || !peer->loopback);
  }
  // OK, or RESOURCE_EXHAUSTED when `peer` has no failures left.
  absl::Status CheckFailureBudget(const PeerAddress& peer, absl::Time now);
  void RecordFailure(const PeerAddress& peer, absl::Time now);
  // The bucket of `key`, refilled to `now`; null when too many are tracked.
  FailureBucket* Bucket(const std::string& key, absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  TokenStore& store_;
  const Clock& clock_;
  const TokenVerifierOptions options_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, Cached> cache_ ABSL_GUARDED_BY(mu_);  // by token hash
  // Unknown token hashes -> when they were found unknown.
  absl::flat_hash_map<std::string, absl::Time> unknown_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, FailureBucket> failures_ ABSL_GUARDED_BY(mu_);  // by peer key
};

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_AUTH_TOKEN_VERIFIER_H_
