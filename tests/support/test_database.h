// TestDatabase: a fresh, migrated PostgreSQL database per test fixture.
//
// Needs STATUSCAST_TEST_DATABASE_URL (scripts/test sets it to the throwaway
// cluster it starts); fails the test with a clear message when unset.
#ifndef STATUSCAST_TESTS_SUPPORT_TEST_DATABASE_H_
#define STATUSCAST_TESTS_SUPPORT_TEST_DATABASE_H_

#include <string>

namespace statuscast::testing {

class TestDatabase {
 public:
  // Creates an empty database; `migrate` applies the embedded migrations.
  explicit TestDatabase(bool migrate = true);
  ~TestDatabase();  // Drops it.

  const std::string& url() const { return url_; }
  bool ok() const { return !url_.empty(); }
  // Runs SQL and returns the first column of the first row ("" when none).
  std::string Query(const std::string& sql) const;

  // The admin URL from the environment, or "" when unset.
  static std::string AdminUrl();

 private:
  std::string name_;
  std::string url_;
};

// URL of database `name` on the server of `admin_url`.
std::string UrlForDatabase(const std::string& admin_url, const std::string& name);

}  // namespace statuscast::testing

#endif  // STATUSCAST_TESTS_SUPPORT_TEST_DATABASE_H_
