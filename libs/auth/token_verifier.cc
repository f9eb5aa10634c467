#include "libs/auth/token_verifier.h"

#include <algorithm>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "libs/auth/token_secret.h"
#include "libs/base/time_text.h"

namespace statuscast {
namespace {

constexpr char kHowToGetOne[] =
    "; statuscastctl: set STATUSCAST_TOKEN or --token; create a token with "
    "`statuscastctl token create` or `statuscast-comms --create_token=NAME`";

}  // namespace

absl::StatusOr<Principal> TokenVerifier::Authorize(absl::string_view authorization, Scope needed,
                                                   absl::string_view method,
                                                   const PeerAddress* peer) {
  const bool limited = FailureLimited(peer);
  if (limited) {
    if (absl::Status budget = CheckFailureBudget(*peer, clock_.Now()); !budget.ok()) {
      return budget;
    }
  }
  absl::StatusOr<Principal> p = Authenticate(authorization);
  if (!p.ok()) {
    if (limited && absl::IsUnauthenticated(p.status())) RecordFailure(*peer, clock_.Now());
    return p.status();
  }
  if (!ScopeAllows(p->scope, needed)) {
    return absl::PermissionDeniedError(
        absl::StrCat(std::string(method), " needs a token with scope ", ScopeName(needed),
                     "; token \"", p->name, "\" has scope ", ScopeName(p->scope)));
  }
  return p;
}

absl::StatusOr<Principal> TokenVerifier::Authenticate(absl::string_view authorization) {
  absl::string_view value = absl::StripAsciiWhitespace(authorization);
  if (value.empty()) {
    return absl::UnauthenticatedError(absl::StrCat(
        "no token: send the metadata \"authorization: Bearer sct_...\"", kHowToGetOne));
  }
  if (!absl::StartsWithIgnoreCase(value, "bearer ")) {
    return absl::UnauthenticatedError(
        "the authorization metadata must be \"Bearer <token>\" (a statuscast API token)");
  }
  const std::string secret(absl::StripAsciiWhitespace(value.substr(7)));
  if (!absl::StartsWith(secret, kTokenPrefix)) {
    return absl::UnauthenticatedError(
        absl::StrCat("not a statuscast token: tokens start with \"", kTokenPrefix, "\""));
  }
  const std::string hash = HashTokenSecret(secret);
  const absl::Time now = clock_.Now();
  {
    absl::MutexLock lock(&mu_);
    auto it = cache_.find(hash);
    if (it != cache_.end()) {
      if (now - it->second.fetched_at < options_.cache_ttl && now < it->second.expires_at) {
        return it->second.principal;
      }
      cache_.erase(it);
    }
  }
  constexpr char kUnknown[] =
      "unknown token: no token with this secret exists (mistyped, or issued by another "
      "deployment)";
  {
    absl::MutexLock lock(&mu_);
    auto it = unknown_.find(hash);
    if (it != unknown_.end()) {
      if (now - it->second < options_.negative_ttl && now >= it->second) {
        return absl::UnauthenticatedError(absl::StrCat(kUnknown, kHowToGetOne));
      }
      unknown_.erase(it);
    }
  }
  absl::StatusOr<TokenRecord> t = store_.FindByHash(hash);
  if (absl::IsNotFound(t.status())) {
    absl::MutexLock lock(&mu_);
    if (unknown_.size() >= options_.max_negative_cached) unknown_.clear();
    unknown_[hash] = now;
    return absl::UnauthenticatedError(absl::StrCat(kUnknown, kHowToGetOne));
  }
  if (!t.ok()) {
    return absl::UnavailableError(
        absl::StrCat("cannot check the token now; retry: ", t.status().message()));
  }
  if (t->revoked_at) {
    return absl::UnauthenticatedError(absl::StrCat("token \"", t->name, "\" was revoked at ",
                                                   FormatUtc(*t->revoked_at), kHowToGetOne));
  }
  if (now >= t->expires_at) {
    return absl::UnauthenticatedError(absl::StrCat("token \"", t->name, "\" expired at ",
                                                   FormatUtc(t->expires_at), kHowToGetOne));
  }
  Principal p{t->name, t->scope, true};
  absl::MutexLock lock(&mu_);
  if (cache_.size() >= options_.max_cached) cache_.clear();
  cache_[hash] = Cached{p, t->expires_at, now};
  return p;
}

void TokenVerifier::ForgetCached() {
  absl::MutexLock lock(&mu_);
  cache_.clear();
  unknown_.clear();
}

TokenVerifier::FailureBucket* TokenVerifier::Bucket(const std::string& key, absl::Time now) {
  auto it = failures_.find(key);
  if (it == failures_.end()) {
    if (failures_.size() >= options_.max_tracked_peers) {
      // Forget the addresses whose bucket has refilled (idle ones).
      const absl::Duration refill =
          absl::Seconds(options_.failure_burst / options_.failures_per_second);
      absl::erase_if(failures_, [&](const auto& kv) { return now - kv.second.updated >= refill; });
      if (failures_.size() >= options_.max_tracked_peers) return nullptr;
    }
    it = failures_.emplace(key, FailureBucket{std::max(1.0, options_.failure_burst), now}).first;
  }
  FailureBucket& b = it->second;
  const double elapsed = std::max(0.0, absl::ToDoubleSeconds(now - b.updated));
  b.tokens = std::min(std::max(1.0, options_.failure_burst),
                      b.tokens + elapsed * options_.failures_per_second);
  b.updated = std::max(b.updated, now);
  return &b;
}

absl::Status TokenVerifier::CheckFailureBudget(const PeerAddress& peer, absl::Time now) {
  absl::MutexLock lock(&mu_);
  auto it = failures_.find(peer.key);
  if (it == failures_.end()) return absl::OkStatus();
  FailureBucket* b = Bucket(peer.key, now);
  if (b == nullptr || b->tokens >= 1.0) return absl::OkStatus();
  const absl::Duration wait = absl::Seconds((1.0 - b->tokens) / options_.failures_per_second);
  return absl::ResourceExhaustedError(absl::StrCat(
      "too many failed authentications from ", peer.key, "; retry in ",
      absl::FormatDuration(absl::Ceil(wait, absl::Seconds(1))), " with a valid token"));
}

void TokenVerifier::RecordFailure(const PeerAddress& peer, absl::Time now) {
  absl::MutexLock lock(&mu_);
  FailureBucket* b = Bucket(peer.key, now);
  if (b != nullptr) b->tokens = std::max(0.0, b->tokens - 1.0);
}

}  // namespace statuscast
