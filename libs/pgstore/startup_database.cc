#include "libs/pgstore/startup_database.h"

#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "libs/pgstore/migrator.h"

namespace statuscast {

absl::Status CheckDatabaseUrlFlag(const std::string& url) {
  if (!url.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(
      "--database_url (or STATUSCAST_DATABASE_URL) is required, e.g. "
      "postgresql://statuscast@127.0.0.1:5432/statuscast");
}

absl::Status MigrateAtStartup(const std::string& url, absl::Duration timeout) {
  setenv("PGCONNECT_TIMEOUT", "5", 0);
  absl::StatusOr<int> applied = ApplyMigrationsWhenReachable(url, timeout);
  if (applied.ok()) return absl::OkStatus();
  return absl::Status(applied.status().code(), absl::StrCat("database migrations failed: ",
                                                            applied.status().message()));
}

}  // namespace statuscast
