#include "tests/support/status_matchers.h"

#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "libs/base/field_violations.h"

namespace statuscast::testing {

::testing::AssertionResult HasFieldViolation(const absl::Status& status, const std::string& field,
                                             const std::string& description) {
  if (status.code() != absl::StatusCode::kInvalidArgument) {
    return ::testing::AssertionFailure() << "expected INVALID_ARGUMENT, got " << status;
  }
  std::vector<std::string> seen;
  for (const FieldViolation& v : GetFieldViolations(status)) {
    seen.push_back(absl::StrCat(v.field, ": ", v.description));
    if (v.field == field && v.description.find(description) != std::string::npos) {
      if (std::string(status.message()).find(absl::StrCat(field, ": ")) == std::string::npos) {
        return ::testing::AssertionFailure()
               << "violation present but the message does not name " << field << ": " << status;
      }
      return ::testing::AssertionSuccess();
    }
  }
  return ::testing::AssertionFailure()
         << "no violation \"" << field << ": ..." << description << "...\"; got ["
         << absl::StrJoin(seen, " | ") << "] in " << status;
}

::testing::AssertionResult IsError(const absl::Status& status, absl::StatusCode code,
                                   const std::string& message) {
  if (status.code() != code || status.message() != message) {
    return ::testing::AssertionFailure() << "expected " << absl::StatusCodeToString(code) << ": "
                                         << message << "\n     got " << status;
  }
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult FailsWith(const absl::Status& status, absl::StatusCode code,
                                     const std::string& part) {
  if (status.code() != code || !absl::StrContains(status.message(), part)) {
    return ::testing::AssertionFailure() << "expected " << absl::StatusCodeToString(code)
                                         << " containing \"" << part << "\"\n     got " << status;
  }
  return ::testing::AssertionSuccess();
}

}  // namespace statuscast::testing
