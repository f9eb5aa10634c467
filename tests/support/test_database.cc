#include "tests/support/test_database.h"

#include <cstdlib>
#include <pqxx/pqxx>
#include <random>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "libs/pgstore/migrator.h"

namespace statuscast::testing {

std::string TestDatabase::AdminUrl() {
  const char* url = std::getenv("STATUSCAST_TEST_DATABASE_URL");
  return url ? url : "";
}

std::string UrlForDatabase(const std::string& admin_url, const std::string& name) {
  size_t slash = admin_url.rfind('/');
  std::string base = admin_url.substr(0, slash);
  size_t q = admin_url.find('?', slash);
  std::string query = q == std::string::npos ? "" : admin_url.substr(q);
  return absl::StrCat(base, "/", name, query);
}

TestDatabase::TestDatabase(bool migrate) {
  const std::string admin = AdminUrl();
  if (admin.empty()) {
    ADD_FAILURE() << "STATUSCAST_TEST_DATABASE_URL is not set: run the suite with scripts/test, "
                     "which starts a throwaway PostgreSQL";
    return;
  }
  std::mt19937_64 rng{std::random_device{}()};
  name_ = absl::StrFormat("statuscast_test_%016x", rng());
  pqxx::connection c(admin);
  pqxx::nontransaction n(c);
  n.exec(absl::StrCat("CREATE DATABASE ", name_));
  url_ = UrlForDatabase(admin, name_);
  if (migrate) {
    auto applied = ApplyMigrations(url_, EmbeddedMigrations());
    if (!applied.ok()) {
      ADD_FAILURE() << "migrations failed: " << applied.status();
      url_.clear();
    }
  }
}

TestDatabase::~TestDatabase() {
  if (name_.empty()) return;
  try {
    pqxx::connection c(AdminUrl());
    pqxx::nontransaction n(c);
    n.exec(absl::StrCat("DROP DATABASE IF EXISTS ", name_, " WITH (FORCE)"));
  } catch (const std::exception&) {
    // The server may be down at the end of a restart test; the cluster is thrown away.
  }
}

std::string TestDatabase::Query(const std::string& sql) const {
  pqxx::connection c(url_);
  pqxx::nontransaction n(c);
  pqxx::result r = n.exec(sql);
  if (r.empty() || r[0][0].is_null()) return "";
  return r[0][0].as<std::string>();
}

}  // namespace statuscast::testing
