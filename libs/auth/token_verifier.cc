#include "libs/auth/token_verifier.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "libs/auth/token_secret.h"

namespace statuscast {
namespace {

constexpr char kHowToGetOne[] =
    "; statuscastctl: set STATUSCAST_TOKEN or --token; create a token with "
    "`statuscastctl token create` or `statuscast-comms --create_token=NAME`";

std::string Utc(absl::Time t) {
  return absl::FormatTime("%Y-%m-%d %H:%M:%S UTC", t, absl::UTCTimeZone());
}

}  // namespace

absl::StatusOr<Principal> TokenVerifier::Authorize(absl::string_view authorization, Scope needed,
                                                   absl::string_view method) {
  absl::StatusOr<Principal> p = Authenticate(authorization);
  if (!p.ok()) return p.status();
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
  absl::StatusOr<TokenRecord> t = store_.FindByHash(hash);
  if (absl::IsNotFound(t.status())) {
    return absl::UnauthenticatedError(
        absl::StrCat("unknown token: no token with this secret exists (mistyped, or issued by "
                     "another deployment)",
                     kHowToGetOne));
  }
  if (!t.ok()) {
    return absl::UnavailableError(
        absl::StrCat("cannot check the token now; retry: ", t.status().message()));
  }
  if (t->revoked_at) {
    return absl::UnauthenticatedError(
        absl::StrCat("token \"", t->name, "\" was revoked at ", Utc(*t->revoked_at), kHowToGetOne));
  }
  if (now >= t->expires_at) {
    return absl::UnauthenticatedError(
        absl::StrCat("token \"", t->name, "\" expired at ", Utc(t->expires_at), kHowToGetOne));
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
}

}  // namespace statuscast
