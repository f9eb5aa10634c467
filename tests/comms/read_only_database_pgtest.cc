// A database that refuses writes (read-only, or a full disk): statuscast-comms
// answers FAILED_PRECONDITION with a message an operator can act on, writes
// nothing, and writes again without a restart once the database is writable.
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <pqxx/pqxx>
#include <string>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "libs/pgstore/pg_pool.h"
#include "tests/support/comms_client_test.h"

namespace statuscast {
namespace {

using testing::At;
using testing::Describe;

std::string QueryOne(const std::string& url, const std::string& sql) {
  pqxx::connection c(url);
  pqxx::nontransaction tx(c);
  pqxx::result r = tx.exec(sql);
  return r.empty() || r[0][0].is_null() ? "" : r[0][0].c_str();
}

// ALTER SYSTEM cannot run in a transaction block.
void AlterSystem(const std::string& url, const std::string& sql) {
  pqxx::connection c(url);
  pqxx::nontransaction tx(c);
  tx.exec(sql);
  tx.exec("SELECT pg_reload_conf()");
}

TEST(ReadOnlyDatabaseTest, WritesFailWithFailedPreconditionAndNothingIsWrittenUntilWritable) {
  testing::OwnClusterComms comms(At(9, 0), "search");
  ASSERT_TRUE(comms.ok());
  testing::OwnPgCluster& pg = comms.pg();
  v1::IncidentService::Stub* stub = &comms.stub();
  const std::string log_before = QueryOne(pg.url(), "SELECT count(*) FROM change_log");

  // As an operator (or a failover to a standby) would make it: every
  // session, including the pool's open connections, turns read-only.
  AlterSystem(pg.url(), "ALTER SYSTEM SET default_transaction_read_only = on");
  absl::SleepFor(absl::Milliseconds(200));  // the reload reaches the backends
  testing::CallError err;
  for (int attempt = 0; attempt < 20; ++attempt) {
    grpc::ClientContext ctx;
    v1::WriteIncidentResponse r;
    err = Describe(stub->DeclareIncident(&ctx, testing::SearchIsSlow("while-read-only"), &r));
    if (err.code != grpc::StatusCode::OK) break;
    absl::SleepFor(absl::Milliseconds(100));
  }
  std::printf("read-only database: DeclareIncident -> %d %s\n", static_cast<int>(err.code),
              err.message.c_str());
  EXPECT_EQ(err.code, grpc::StatusCode::FAILED_PRECONDITION) << err.message;
  EXPECT_TRUE(absl::StrContains(err.message, "the database is read-only")) << err.message;
  EXPECT_TRUE(absl::StrContains(err.message, "nothing was written")) << err.message;
  EXPECT_TRUE(absl::StrContains(err.message, "An operator must make it writable")) << err.message;
  EXPECT_EQ(QueryOne(pg.url(), "SELECT count(*) FROM change_log"), log_before);
  EXPECT_EQ(QueryOne(pg.url(), "SELECT count(*) FROM incidents"), "0");

  // Writable again: the same server, the same pooled connections, no restart.
  AlterSystem(pg.url(), "ALTER SYSTEM RESET default_transaction_read_only");
  absl::SleepFor(absl::Milliseconds(200));
  grpc::Status s;
  v1::WriteIncidentResponse declared;
  for (int attempt = 0; attempt < 20; ++attempt) {
    grpc::ClientContext ctx;
    s = stub->DeclareIncident(&ctx, testing::SearchIsSlow("after-writable"), &declared);
    if (s.ok()) break;
    absl::SleepFor(absl::Milliseconds(100));
  }
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(declared.incident().ref(), "INC-1");
  EXPECT_EQ(QueryOne(pg.url(), "SELECT count(*) FROM incidents"), "1");
}

absl::Status StatusFor(const char* sqlstate) {
  try {
    throw pqxx::sql_error("ERROR:  simulated", "INSERT INTO change_log ...", sqlstate);
  } catch (...) {
    return PgPool::StatusFromCurrentException("writing an incident");
  }
}

TEST(PgErrorMappingTest, DiskFullIsFailedPreconditionNamingTheDisk) {
  absl::Status s = StatusFor("53100");
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(s.message(), "PostgreSQL's disk is full")) << s;
  EXPECT_TRUE(absl::StrContains(s.message(), "free or add disk space")) << s;
}

TEST(PgErrorMappingTest, ReadOnlyIsFailedPrecondition) {
  EXPECT_EQ(StatusFor("25006").code(), absl::StatusCode::kFailedPrecondition);
}

TEST(PgErrorMappingTest, TooManyConnectionsIsUnavailableWithRetryHint) {
  absl::Status s = StatusFor("53300");
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(absl::StrContains(s.message(), "retry shortly")) << s;
}

}  // namespace
}  // namespace statuscast
