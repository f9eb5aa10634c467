#include "libs/pgstore/migrator.h"

#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "tests/support/test_database.h"

namespace statuscast {
namespace {

using testing::TestDatabase;

TEST(MigratorTest, AppliesEveryMigrationOnceAndIsANoOpAfter) {
  TestDatabase db(/*migrate=*/false);
  ASSERT_TRUE(db.ok());
  auto first = ApplyMigrations(db.url(), EmbeddedMigrations());
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(*first, static_cast<int>(EmbeddedMigrations().size()));
  auto second = ApplyMigrations(db.url(), EmbeddedMigrations());
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(*second, 0);
  EXPECT_EQ(db.Query("SELECT count(*) FROM schema_migrations"),
            std::to_string(EmbeddedMigrations().size()));
}

TEST(MigratorTest, AppliesAMigrationNumberedBelowTheNewestApplied) {
  // A branch's migration merged after a later number was already applied.
  TestDatabase db(/*migrate=*/false);
  ASSERT_TRUE(db.ok());
  const std::vector<Migration> before = {
      {1, "first", "CREATE TABLE first_table (id int)"},
      {3, "third", "CREATE TABLE third_table (id int)"}};
  ASSERT_EQ(ApplyMigrations(db.url(), before).value_or(-1), 2);
  std::vector<Migration> after = before;
  after.insert(after.begin() + 1, {2, "second", "CREATE TABLE second_table (id int)"});
  auto applied = ApplyMigrations(db.url(), after);
  ASSERT_TRUE(applied.ok()) << applied.status();
  EXPECT_EQ(*applied, 1);
  EXPECT_EQ(db.Query("SELECT count(*) FROM pg_tables WHERE tablename = 'second_table'"), "1");
  EXPECT_EQ(db.Query("SELECT string_agg(version::text, ',' ORDER BY version) FROM "
                     "schema_migrations"),
            "1,2,3");
}

TEST(MigratorTest, ReplicasStartingTogetherApplyEachMigrationExactlyOnce) {
  TestDatabase db(/*migrate=*/false);
  ASSERT_TRUE(db.ok());
  std::vector<std::thread> replicas;
  std::vector<absl::StatusOr<int>> results(4, 0);
  for (int i = 0; i < 4; ++i) {
    replicas.emplace_back(
        [&, i] { results[i] = ApplyMigrations(db.url(), EmbeddedMigrations()); });
  }
  for (auto& t : replicas) t.join();
  int total = 0;
  for (const auto& r : results) {
    ASSERT_TRUE(r.ok()) << r.status();
    total += *r;
  }
  EXPECT_EQ(total, static_cast<int>(EmbeddedMigrations().size()));
  EXPECT_EQ(db.Query("SELECT value FROM change_sequence"), "0");
}

TEST(MigratorTest, RefusesADatabaseNewerThanTheBinary) {
  TestDatabase db;
  ASSERT_TRUE(db.ok());
  db.Query("INSERT INTO schema_migrations (version, name) VALUES (9999, 'from_the_future')");
  auto r = ApplyMigrations(db.url(), EmbeddedMigrations());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(r.status().message().find("9999"), std::string::npos) << r.status();
}

TEST(MigratorTest, UnreachableDatabaseIsUnavailable) {
  auto r = ApplyMigrations("postgresql://postgres@127.0.0.1:1/none", EmbeddedMigrations());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kUnavailable) << r.status();
}

}  // namespace
}  // namespace statuscast
