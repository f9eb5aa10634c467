// The database steps both service mains take at start-up.
//
//   absl::Status url_ok = CheckDatabaseUrlFlag(url);          // --database_url
//   ... validate the other flags ...
//   absl::Status migrated = MigrateAtStartup(url, timeout);  // --startup_db_timeout
//
// Errors are messages for stderr (the mains exit with code 2).
// Thread safety: call from main before other threads start (it may set
// PGCONNECT_TIMEOUT in the environment).
#ifndef STATUSCAST_LIBS_PGSTORE_STARTUP_DATABASE_H_
#define STATUSCAST_LIBS_PGSTORE_STARTUP_DATABASE_H_

#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace statuscast {

// INVALID_ARGUMENT with an example URL when --database_url is empty.
absl::Status CheckDatabaseUrlFlag(const std::string& url);

// Sets PGCONNECT_TIMEOUT to 5 s unless the environment sets it, then applies
// the migrations, waiting up to `timeout` for PostgreSQL
// (ApplyMigrationsWhenReachable). The error starts "database migrations
// failed: ".
absl::Status MigrateAtStartup(const std::string& url, absl::Duration timeout);

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_PGSTORE_STARTUP_DATABASE_H_
