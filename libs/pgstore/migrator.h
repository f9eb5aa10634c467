// Migrator: brings the database schema up to date at start-up.
//
// The versioned SQL files in migrations/ are compiled into the binary. Each
// one not yet recorded in schema_migrations (whatever its number relative to
// the newest applied) runs, in version order, in its own transaction and is
// recorded there. A session-level advisory lock makes it safe for several
// replicas to start at once: one applies, the others wait and find nothing
// left to do. Running it again is a no-op.
#ifndef STATUSCAST_LIBS_PGSTORE_MIGRATOR_H_
#define STATUSCAST_LIBS_PGSTORE_MIGRATOR_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace statuscast {

struct Migration {
  int version;
  std::string name;
  std::string sql;
};

// The migrations compiled into this binary, in version order.
const std::vector<Migration>& EmbeddedMigrations();

// Applies pending migrations; returns how many it applied. FAILED_PRECONDITION
// when the database is newer than this binary knows.
absl::StatusOr<int> ApplyMigrations(const std::string& database_url,
                                    const std::vector<Migration>& migrations);

// Start-up: applies migrations, retrying while PostgreSQL is unreachable
// (logging each wait) until `timeout` has passed; then returns the error.
// Errors other than UNAVAILABLE are returned at once.
absl::StatusOr<int> ApplyMigrationsWhenReachable(const std::string& database_url,
                                                 absl::Duration timeout);

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_PGSTORE_MIGRATOR_H_
