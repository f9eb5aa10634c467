// PgPool: a small pool of PostgreSQL connections, and the one place where
// libpqxx exceptions become absl::Status codes:
//   connection refused or lost        -> UNAVAILABLE (retry later)
//   serialization failure, deadlock   -> ABORTED (retry the transaction)
//   unique violation                  -> ALREADY_EXISTS
//   anything else from the database   -> INTERNAL
// A connection that broke is dropped; the next call opens a fresh one, so the
// pool recovers by itself when PostgreSQL comes back.
// Thread safety: safe to share; each call gets a connection of its own.
#ifndef STATUSCAST_LIBS_PGSTORE_PG_POOL_H_
#define STATUSCAST_LIBS_PGSTORE_PG_POOL_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <pqxx/connection>
#include <pqxx/transaction>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "absl/types/optional.h"


namespace statuscast {

class PgPool {
 public:
  // `url` is a libpq connection string or URI. Opens no connection yet.
  PgPool(std::string url, int max_connections);
  ~PgPool();
  PgPool(const PgPool&) = delete;
  PgPool& operator=(const PgPool&) = delete;

  // Runs `fn` with a pooled connection. Exceptions thrown by `fn` are mapped
  // to a status as described above.
  absl::Status Run(const std::function<absl::Status(pqxx::connection&)>& fn);

  // Run, with `fn` in a read-only transaction (read committed) on the
  // connection: the shape of every store's reads.
  absl::Status Read(const std::function<absl::Status(pqxx::read_transaction&)>& fn);

  const std::string& url() const { return url_; }

  // Maps the exception in flight (call from a catch block) to a status.
  static absl::Status StatusFromCurrentException(const std::string& what_we_did);

 private:
  std::unique_ptr<pqxx::connection> Acquire(absl::Status* status);
  void Release(std::unique_ptr<pqxx::connection> c, bool broken);

  const std::string url_;
  const int max_connections_;
  absl::Mutex mu_;
  std::vector<std::unique_ptr<pqxx::connection>> idle_ ABSL_GUARDED_BY(mu_);
  int open_ ABSL_GUARDED_BY(mu_) = 0;
};

// Timestamps cross the boundary as microseconds since the epoch.
// SQL that reads timestamptz column `col` so (what a row's TimeAt reads back),
// for SELECT lists: "SELECT id, " PG_MICROS("posted_at") " FROM ...".
#define PG_MICROS(col) "(extract(epoch from " col ") * 1000000)::int8"
// SQL text for a timestamptz parameter ("" means NULL; see NullableTime()).
std::string TimeParam(absl::Time t);
std::string NullableTimeParam(const absl::optional<absl::Time>& t);

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_PGSTORE_PG_POOL_H_
