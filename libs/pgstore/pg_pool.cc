#include "libs/pgstore/pg_pool.h"

#include <poll.h>

#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"

namespace statuscast {

namespace {

// An idle connection has nothing to read: PostgreSQL speaks only when asked.
// A readable (or hung-up) socket means the server said goodbye while the
// connection sat in the pool (a terminated backend, a restart, a failover):
// handing it out would fail the next request for nothing.
bool ServerHungUp(const pqxx::connection& c) {
  const int fd = c.sock();
  if (fd < 0) return true;
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, 0) != 0;
}

}  // namespace

PgPool::PgPool(std::string url, int max_connections)
    : url_(std::move(url)), max_connections_(max_connections) {}

PgPool::~PgPool() = default;

std::unique_ptr<pqxx::connection> PgPool::Acquire(absl::Status* status) {
  {
    absl::MutexLock lock(&mu_);
    auto available = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return !idle_.empty() || open_ < max_connections_;
    };
    if (!mu_.AwaitWithTimeout(absl::Condition(&available), absl::Seconds(10))) {
      *status = absl::UnavailableError(
          "all database connections are busy; retry shortly (raise --db_pool_size if this "
          "persists)");
      return nullptr;
    }
    while (!idle_.empty()) {
      auto c = std::move(idle_.back());
      idle_.pop_back();
      if (!ServerHungUp(*c)) return c;
      --open_;  // Dead while idle: dropped; its slot opens a fresh connection below.
    }
    ++open_;
  }
  try {
    return std::make_unique<pqxx::connection>(url_);
  } catch (...) {
    *status = StatusFromCurrentException("connecting to PostgreSQL");
    absl::MutexLock lock(&mu_);
    --open_;
    return nullptr;
  }
}

void PgPool::Release(std::unique_ptr<pqxx::connection> c, bool broken) {
  absl::MutexLock lock(&mu_);
  if (broken || !c->is_open()) {
    --open_;
    return;
  }
  idle_.push_back(std::move(c));
}

absl::Status PgPool::Run(const std::function<absl::Status(pqxx::connection&)>& fn) {
  absl::Status status;
  std::unique_ptr<pqxx::connection> c = Acquire(&status);
  if (!c) return status;
  bool broken = false;
  try {
    status = fn(*c);
  } catch (...) {
    status = StatusFromCurrentException("talking to PostgreSQL");
    broken = status.code() == absl::StatusCode::kUnavailable;
  }
  Release(std::move(c), broken);
  return status;
}

absl::Status PgPool::Read(const std::function<absl::Status(pqxx::read_transaction&)>& fn) {
  return Run([&fn](pqxx::connection& c) {
    pqxx::read_transaction tx(c);
    return fn(tx);
  });
}

absl::Status PgPool::StatusFromCurrentException(const std::string& what_we_did) {
  try {
    throw;
  } catch (const pqxx::broken_connection& e) {
    return absl::UnavailableError(
        absl::StrCat("PostgreSQL is unreachable (", what_we_did,
                     "); retry shortly, the service keeps running and reconnects by "
                     "itself: ",
                     e.what()));
  } catch (const pqxx::in_doubt_error& e) {
    return absl::UnavailableError(absl::StrCat(
        "the connection to PostgreSQL broke during commit; the write may or may not have "
        "happened: retry with the same idempotency key (",
        e.what(), ")"));
  } catch (const pqxx::serialization_failure& e) {
    return absl::AbortedError(absl::StrCat("concurrent write conflict; retry: ", e.what()));
  } catch (const pqxx::deadlock_detected& e) {
    return absl::AbortedError(absl::StrCat("concurrent write conflict; retry: ", e.what()));
  } catch (const pqxx::unique_violation& e) {
    return absl::AlreadyExistsError(e.what());
  } catch (const pqxx::sql_error& e) {
    // 57P01 admin shutdown, 57P02/57P03 crash/cannot connect now, 08xxx connection.
    const std::string& state = e.sqlstate();
    if (state.rfind("08", 0) == 0 || state.rfind("57P", 0) == 0) {
      return absl::UnavailableError(absl::StrCat("PostgreSQL is unavailable (", what_we_did,
                                                 "); retry shortly: ", e.what()));
    }
    // The database refuses writes until an operator acts: do not retry in a
    // loop. Nothing was written (the transaction rolled back).
    if (state == "25006") {
      return absl::FailedPreconditionError(absl::StrCat(
          "the database is read-only (SQLSTATE 25006 while ", what_we_did,
          "); nothing was written. An operator must make it writable (a standby promoted? "
          "default_transaction_read_only set?); retry after that: ",
          e.what()));
    }
    if (state == "53100") {
      return absl::FailedPreconditionError(absl::StrCat(
          "PostgreSQL's disk is full (SQLSTATE 53100 while ", what_we_did,
          "); nothing was written. An operator must free or add disk space; retry after "
          "that: ",
          e.what()));
    }
    // 53000 insufficient resources, 53200 out of memory, 53300 too many
    // connections, 53400 configuration limit: transient, a retry may pass.
    if (state.rfind("53", 0) == 0) {
      return absl::UnavailableError(
          absl::StrCat("PostgreSQL is short of resources (SQLSTATE ", state, " while ", what_we_did,
                       "); nothing was written; retry shortly: ", e.what()));
    }
    return absl::InternalError(
        absl::StrCat("database error ", state, " while ", what_we_did, ": ", e.what()));
  } catch (const std::exception& e) {
    return absl::InternalError(absl::StrCat("error while ", what_we_did, ": ", e.what()));
  }
}

std::string TimeParam(absl::Time t) {
  return absl::FormatTime("%Y-%m-%d %H:%M:%E6S+00", t, absl::UTCTimeZone());
}

std::string NullableTimeParam(const absl::optional<absl::Time>& t) {
  return t ? TimeParam(*t) : std::string();
}

}  // namespace statuscast
