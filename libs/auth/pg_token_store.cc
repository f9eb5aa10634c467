#include "libs/auth/pg_token_store.h"

#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "libs/base/status_macros.h"
#include "libs/pgstore/pg_pool.h"

namespace statuscast {
namespace {

constexpr char kColumns[] = "name, scope, " PG_MICROS("created_at") ", " PG_MICROS(
    "expires_at") ", " PG_MICROS("revoked_at") ", created_by FROM api_tokens ";
constexpr char kInsert[] =
    "INSERT INTO api_tokens (name, token_hash, scope, created_at, expires_at, created_by) "
    "VALUES ($1, $2, $3, $4::timestamptz, $5::timestamptz, $6)";
constexpr char kRevoke[] =
    "UPDATE api_tokens SET revoked_at = $2::timestamptz WHERE name = $1 AND revoked_at IS NULL";
constexpr char kAudit[] =
    "INSERT INTO audit_log (at, actor, action, incident_id, request_id, details) VALUES "
    "($1::timestamptz, $2, $3, NULL, $4, $5)";

TokenRecord FromRow(const pqxx::row& r) {
  TokenRecord t;
  t.name = r[0].as<std::string>();
  t.scope = ParseScope(r[1].as<std::string>()).value_or(Scope::kRead);
  t.created_at = absl::FromUnixMicros(r[2].as<int64_t>());
  t.expires_at = absl::FromUnixMicros(r[3].as<int64_t>());
  if (!r[4].is_null()) t.revoked_at = absl::FromUnixMicros(r[4].as<int64_t>());
  t.created_by = r[5].as<std::string>();
  return t;
}

}  // namespace

absl::StatusOr<TokenRecord> PgTokenStore::FindByHash(const std::string& hash) {
  absl::optional<TokenRecord> found;
  RETURN_IF_ERROR(pool_.Read([&](pqxx::read_transaction& tx) -> absl::Status {
    pqxx::result r =
        tx.exec_params(absl::StrCat("SELECT ", kColumns, "WHERE token_hash = $1"), hash);
    if (!r.empty()) found = FromRow(r[0]);
    return absl::OkStatus();
  }));
  if (!found) return absl::NotFoundError("no token has this hash");
  return *found;
}

absl::Status PgTokenStore::Insert(const TokenRecord& t, const std::string& hash,
                                  const TokenChange& change) {
  absl::Status s = pool_.Run([&](pqxx::connection& c) -> absl::Status {
    pqxx::work w(c);
    w.exec_params(kInsert, t.name, hash, ScopeName(t.scope), TimeParam(t.created_at),
                  TimeParam(t.expires_at), t.created_by);
    w.exec_params(kAudit, TimeParam(change.at), change.actor, "token_created", change.request_id,
                  absl::StrCat("name=", t.name, " scope=", ScopeName(t.scope),
                               " expires_at=", TimeParam(t.expires_at)));
    w.commit();
    return absl::OkStatus();
  });
  if (s.code() == absl::StatusCode::kAlreadyExists) {
    return absl::AlreadyExistsError(absl::StrCat(
        "a token named \"", t.name,
        "\" already exists (names of revoked tokens stay taken); choose another name"));
  }
  return s;
}

absl::StatusOr<std::vector<TokenRecord>> PgTokenStore::List() {
  std::vector<TokenRecord> out;
  RETURN_IF_ERROR(pool_.Read([&](pqxx::read_transaction& tx) -> absl::Status {
    for (const pqxx::row& r : tx.exec(absl::StrCat("SELECT ", kColumns, "ORDER BY name"))) {
      out.push_back(FromRow(r));
    }
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<TokenRecord> PgTokenStore::Revoke(const std::string& name,
                                                 const TokenChange& change) {
  absl::optional<TokenRecord> revoked;
  RETURN_IF_ERROR(pool_.Run([&](pqxx::connection& c) -> absl::Status {
    pqxx::work w(c);
    pqxx::result before =
        w.exec_params(absl::StrCat("SELECT ", kColumns, "WHERE name = $1 FOR UPDATE"), name);
    if (before.empty()) return absl::OkStatus();
    TokenRecord t = FromRow(before[0]);
    if (!t.revoked_at) {
      w.exec_params(kRevoke, name, TimeParam(change.at));
      w.exec_params(kAudit, TimeParam(change.at), change.actor, "token_revoked", change.request_id,
                    absl::StrCat("name=", name));
      t.revoked_at = change.at;
    }
    w.commit();
    revoked = t;
    return absl::OkStatus();
  }));
  if (!revoked) {
    return absl::NotFoundError(
        absl::StrCat("no token is named \"", name, "\" (statuscastctl token list)"));
  }
  return *revoked;
}

}  // namespace statuscast
