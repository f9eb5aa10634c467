// PgTokenStore: TokenStore over the api_tokens table (migrations/0005). Token
// creation and revocation also write an audit_log row (action token_created,
// token_revoked) in the same transaction. They do not enter the change log:
// no follower needs them.
// Thread safety: safe to share; each call takes a pooled connection.
#ifndef STATUSCAST_LIBS_AUTH_PG_TOKEN_STORE_H_
#define STATUSCAST_LIBS_AUTH_PG_TOKEN_STORE_H_

#include "libs/auth/token_store.h"

namespace statuscast {

class PgPool;

class PgTokenStore final : public TokenStore {
 public:
  // REQUIRES: `pool` outlives this store.
  explicit PgTokenStore(PgPool& pool) : pool_(pool) {}

  absl::StatusOr<TokenRecord> FindByHash(const std::string& hash) override;
  absl::Status Insert(const TokenRecord& token, const std::string& hash,
                      const TokenChange& change) override;
  absl::StatusOr<std::vector<TokenRecord>> List() override;
  absl::StatusOr<TokenRecord> Revoke(const std::string& name, const TokenChange& change) override;

 private:
  PgPool& pool_;
};

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_AUTH_PG_TOKEN_STORE_H_
