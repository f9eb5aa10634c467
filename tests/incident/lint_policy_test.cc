#include "libs/incident/lint_policy.h"

#include <gtest/gtest.h>

namespace statuscast {
namespace {

TEST(LintPolicyTest, TheDefaultRejectsErrorsAtSev1AndSev2Only) {
  absl::StatusOr<LintPolicy> p = LintPolicy::Parse(kDefaultLintReject);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_TRUE(p->RejectsErrorsAt(Severity::kSev1));
  EXPECT_TRUE(p->RejectsErrorsAt(Severity::kSev2));
  EXPECT_FALSE(p->RejectsErrorsAt(Severity::kSev3));
  EXPECT_EQ(p->Describe(), "SEV-1, SEV-2");
}

TEST(LintPolicyTest, AllNoneAndEmptyAreUnderstood) {
  EXPECT_TRUE(LintPolicy::Parse("all")->RejectsErrorsAt(Severity::kSev3));
  EXPECT_FALSE(LintPolicy::Parse("none")->RejectsErrorsAt(Severity::kSev1));
  EXPECT_FALSE(LintPolicy::Parse("")->RejectsErrorsAt(Severity::kSev1));
  EXPECT_EQ(LintPolicy().Describe(), "none");
  EXPECT_TRUE(LintPolicy::Parse(" sev3 ,")->RejectsErrorsAt(Severity::kSev3));
}

TEST(LintPolicyTest, AnUnknownSeverityIsRefusedByName) {
  absl::StatusOr<LintPolicy> p = LintPolicy::Parse("SEV-1,SEV-4");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(p.status().message(),
            "unknown severity \"SEV-4\" (write e.g. SEV-1,SEV-2; \"all\" or \"none\")");
}

}  // namespace
}  // namespace statuscast
