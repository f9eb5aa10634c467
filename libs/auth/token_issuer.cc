#include "libs/auth/token_issuer.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "libs/auth/token_secret.h"
#include "libs/base/field_violations.h"
#include "libs/base/status_macros.h"

namespace statuscast {

bool IsValidTokenName(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  if (!absl::ascii_isalnum(static_cast<unsigned char>(name[0]))) return false;
  for (char c : name) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.' &&
        c != '@') {
      return false;
    }
  }
  return true;
}

absl::StatusOr<IssuedToken> TokenIssuer::Create(const std::string& name,
                                                absl::optional<Scope> scope,
                                                const TokenExpiry& expiry,
                                                const std::string& created_by,
                                                const std::string& request_id) {
  const absl::Time now = clock_.Now();
  FieldViolations v;
  if (!IsValidTokenName(name)) {
    v.Add("name",
          "must be 1-64 characters of letters, digits, '-', '_', '.' or '@', starting with a "
          "letter or digit (it is recorded as the author of what the token writes)");
  }
  if (!scope) v.Add("scope", "is required: read, write or admin");
  absl::Time expires_at = now + kDefaultTokenTtl;
  if (expiry.at && expiry.ttl) {
    v.Add("ttl", "give either expires_at or ttl, not both");
  } else if (expiry.ttl) {
    if (*expiry.ttl <= absl::ZeroDuration()) {
      v.Add("ttl", "must be positive");
    } else if (*expiry.ttl > kMaxTokenTtl) {
      v.Add("ttl",
            "is longer than the maximum of 8760h (365 days); create a new token when "
            "this one nears its end instead");
    }
    expires_at = now + *expiry.ttl;
  } else if (expiry.at) {
    if (*expiry.at <= now) {
      v.Add("expires_at", "must be in the future");
    } else if (*expiry.at > now + kMaxTokenTtl) {
      v.Add("expires_at",
            "is more than 365 days away; create a new token when this one nears "
            "its end instead");
    }
    expires_at = *expiry.at;
  }
  RETURN_IF_ERROR(v.ToStatus());
  ASSIGN_OR_RETURN(std::string secret, NewTokenSecret());
  TokenRecord t;
  t.name = name;
  t.scope = *scope;
  t.created_at = now;
  t.expires_at = expires_at;
  t.created_by = created_by;
  RETURN_IF_ERROR(
      store_.Insert(t, HashTokenSecret(secret), TokenChange{created_by, request_id, now}));
  return IssuedToken{t, secret};
}

absl::StatusOr<std::vector<TokenRecord>> TokenIssuer::List() { return store_.List(); }

absl::StatusOr<TokenRecord> TokenIssuer::Revoke(const std::string& name, const std::string& actor,
                                                const std::string& request_id) {
  if (name.empty()) return InvalidField("name", "is required (statuscastctl token list)");
  return store_.Revoke(name, TokenChange{actor, request_id, clock_.Now()});
}

}  // namespace statuscast
