#include "libs/pgstore/migrator.h"

#include <set>

#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "libs/base/log.h"
#include "libs/pgstore/pg_pool.h"

namespace statuscast {
namespace {
// Arbitrary, fixed: "statuscast migrations".
constexpr long long kMigrationLockKey = 0x5354415455534d47LL;
}  // namespace

absl::StatusOr<int> ApplyMigrations(const std::string& database_url,
                                    const std::vector<Migration>& migrations) {
  int applied = 0;
  try {
    pqxx::connection c(database_url);
    {
      pqxx::nontransaction n(c);
      n.exec("SET client_min_messages = warning");
      n.exec_params("SELECT pg_advisory_lock($1)", kMigrationLockKey);
      n.exec(
          "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text "
          "NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())");
    }
    std::set<int> done;
    {
      pqxx::nontransaction n(c);
      for (const auto& row : n.exec("SELECT version FROM schema_migrations")) {
        done.insert(row[0].as<int>());
      }
    }
    const int current = done.empty() ? 0 : *done.rbegin();
    int newest_known = migrations.empty() ? 0 : migrations.back().version;
    if (current > newest_known) {
      pqxx::nontransaction n(c);
      n.exec_params("SELECT pg_advisory_unlock($1)", kMigrationLockKey);
      return absl::FailedPreconditionError(absl::StrCat(
          "the database schema is at version ", current, " but this binary knows only up to ",
          newest_known, ": run a newer statuscast"));
    }
    for (const Migration& m : migrations) {
      // Every migration not yet applied, also one numbered below the newest
      // applied (a branch merged after a later number landed).
      if (done.count(m.version) != 0) continue;
      pqxx::work w(c);
      w.exec(m.sql);
      w.exec_params("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", m.version,
                    m.name);
      w.commit();
      ++applied;
    }
    pqxx::nontransaction n(c);
    n.exec_params("SELECT pg_advisory_unlock($1)", kMigrationLockKey);
  } catch (...) {
    return PgPool::StatusFromCurrentException("applying database migrations");
  }
  return applied;
}

absl::StatusOr<int> ApplyMigrationsWhenReachable(const std::string& database_url,
                                                 absl::Duration timeout) {
  const absl::Time give_up = absl::Now() + timeout;
  for (;;) {
    absl::StatusOr<int> applied = ApplyMigrations(database_url, EmbeddedMigrations());
    if (applied.ok()) {
      LogEvent("migrations", {{"applied", absl::StrCat(*applied)}});
      return applied;
    }
    if (applied.status().code() != absl::StatusCode::kUnavailable || absl::Now() > give_up) {
      return applied.status();
    }
    LogEvent("waiting_for_database", {{"error", std::string(applied.status().message())}});
    absl::SleepFor(absl::Seconds(1));
  }
}

}  // namespace statuscast
