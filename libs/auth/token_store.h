// TokenStore: where API tokens live (PostgreSQL in production, memory in unit
// tests). Stores only the hash of a secret, never the secret.
// Thread safety: implementations are safe to share between threads.
#ifndef STATUSCAST_LIBS_AUTH_TOKEN_STORE_H_
#define STATUSCAST_LIBS_AUTH_TOKEN_STORE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "libs/auth/scope.h"

namespace statuscast {

struct TokenRecord {
  std::string name;
  Scope scope = Scope::kRead;
  absl::Time created_at;
  absl::Time expires_at;
  absl::optional<absl::Time> revoked_at;
  std::string created_by;
};

// Who asks for a token change, for the audit log.
struct TokenChange {
  std::string actor;
  std::string request_id;
  absl::Time at;
};

class TokenStore {
 public:
  virtual ~TokenStore() = default;

  // NOT_FOUND when no token has this hash. UNAVAILABLE when the store is
  // unreachable.
  virtual absl::StatusOr<TokenRecord> FindByHash(const std::string& hash) = 0;
  // Stores a new token and its audit row. ALREADY_EXISTS when the name is
  // taken (also by a revoked token: names are never reused).
  virtual absl::Status Insert(const TokenRecord& token, const std::string& hash,
                              const TokenChange& change) = 0;
  // Every token, revoked and expired ones included, by name.
  virtual absl::StatusOr<std::vector<TokenRecord>> List() = 0;
  // Sets revoked_at (unless already set) and writes the audit row; returns
  // the token as it now stands. NOT_FOUND when no token has this name.
  virtual absl::StatusOr<TokenRecord> Revoke(const std::string& name,
                                             const TokenChange& change) = 0;
};

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_AUTH_TOKEN_STORE_H_
