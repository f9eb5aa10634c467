#include "libs/base/field_violations.h"

#include "gtest/gtest.h"

namespace statuscast {
namespace {

TEST(FieldViolationsTest, EmptyIsOk) { EXPECT_TRUE(FieldViolations().ToStatus().ok()); }

TEST(FieldViolationsTest, StatusNamesEveryFieldAndCarriesThem) {
  FieldViolations v;
  v.Add("title", "is required");
  v.Add("severity", "must be SEV-1, SEV-2 or SEV-3");
  absl::Status s = v.ToStatus();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "title: is required; severity: must be SEV-1, SEV-2 or SEV-3");
  auto got = GetFieldViolations(s);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[1].field, "severity");
  EXPECT_EQ(got[1].description, "must be SEV-1, SEV-2 or SEV-3");
}

TEST(FieldViolationsTest, OtherStatusesCarryNone) {
  EXPECT_TRUE(GetFieldViolations(absl::NotFoundError("x")).empty());
}

}  // namespace
}  // namespace statuscast
