// gtest assertions on absl::Status for domain tests (no gRPC, no database).
//
//   EXPECT_TRUE(HasFieldViolation(rules.Post(...), "update.message", "is required"));
//   EXPECT_TRUE(IsError(commands.Get("INC-9"), absl::StatusCode::kNotFound, "no incident INC-9"));
//
// Each returns a ::testing::AssertionResult whose failure says what it got.
#ifndef STATUSCAST_TESTS_SUPPORT_STATUS_MATCHERS_H_
#define STATUSCAST_TESTS_SUPPORT_STATUS_MATCHERS_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gtest/gtest.h"

namespace statuscast::testing {

// Success when `status` is INVALID_ARGUMENT, carries a violation of `field`
// whose description contains `description`, and its message names `field`
// ("field: ...").
::testing::AssertionResult HasFieldViolation(const absl::Status& status, const std::string& field,
                                             const std::string& description = "");

template <typename T>
::testing::AssertionResult HasFieldViolation(const absl::StatusOr<T>& result,
                                             const std::string& field,
                                             const std::string& description = "") {
  return HasFieldViolation(result.status(), field, description);
}

// Success when `status` has `code` and exactly `message`.
::testing::AssertionResult IsError(const absl::Status& status, absl::StatusCode code,
                                   const std::string& message);

template <typename T>
::testing::AssertionResult IsError(const absl::StatusOr<T>& result, absl::StatusCode code,
                                   const std::string& message) {
  return IsError(result.status(), code, message);
}

// Success when `status` has `code` and a message that contains `part`.
::testing::AssertionResult FailsWith(const absl::Status& status, absl::StatusCode code,
                                     const std::string& part);

template <typename T>
::testing::AssertionResult FailsWith(const absl::StatusOr<T>& result, absl::StatusCode code,
                                     const std::string& part) {
  return FailsWith(result.status(), code, part);
}

}  // namespace statuscast::testing

#endif  // STATUSCAST_TESTS_SUPPORT_STATUS_MATCHERS_H_
