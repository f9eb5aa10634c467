#include "libs/incident/post_policy.h"

#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"

namespace statuscast {
namespace {

using testing::FailsWith;

Incident Commanded(const std::string& commander, const std::string& comms_lead) {
  Incident i;
  i.ref = "INC-4";
  i.commander = commander;
  i.comms_lead = comms_lead;
  return i;
}

TEST(PostPolicyTest, ParsesItsTwoValuesAndNamesThemOnAnythingElse) {
  EXPECT_EQ(*ParsePostPolicy("roles"), PostPolicy::kRoles);
  EXPECT_EQ(*ParsePostPolicy("any"), PostPolicy::kAny);
  EXPECT_TRUE(FailsWith(ParsePostPolicy("everyone"), absl::StatusCode::kInvalidArgument,
                          "\"everyone\" is not a post policy: roles"));
  EXPECT_STREQ(PostPolicyName(PostPolicy::kAny), "any");
}

TEST(PostPolicyTest, RolesLetsTheCommanderTheCommsLeadAndAdminsPost) {
  const Incident inc = Commanded("bob", "carol");
  EXPECT_TRUE(CheckMayPost(PostPolicy::kRoles, inc, {"bob", false}, "post").ok());
  EXPECT_TRUE(CheckMayPost(PostPolicy::kRoles, inc, {"carol", false}, "post").ok());
  EXPECT_TRUE(CheckMayPost(PostPolicy::kRoles, inc, {"root", true}, "post").ok());
  EXPECT_TRUE(
      FailsWith(CheckMayPost(PostPolicy::kRoles, inc, {"dave", false}, "post an update"),
                  absl::StatusCode::kPermissionDenied,
                  "dave may not post an update for INC-4: only its incident commander (bob) "
                  "or communications lead (carol)"));
  EXPECT_TRUE(
      FailsWith(CheckMayPost(PostPolicy::kRoles, Commanded("bob", ""), {"dave", false}, "x"),
                  absl::StatusCode::kPermissionDenied, "communications lead (none named)"));
  EXPECT_TRUE(CheckMayPost(PostPolicy::kAny, inc, {"dave", false}, "post").ok());
}

TEST(PostPolicyTest, OnlyTheCommanderOrAnAdminChangesRoles) {
  const Incident inc = Commanded("bob", "carol");
  EXPECT_TRUE(CheckMaySetRoles(PostPolicy::kRoles, inc, {"bob", false}).ok());
  EXPECT_TRUE(CheckMaySetRoles(PostPolicy::kRoles, inc, {"root", true}).ok());
  EXPECT_EQ(CheckMaySetRoles(PostPolicy::kRoles, inc, {"carol", false}).code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(CheckMaySetRoles(PostPolicy::kAny, inc, {"carol", false}).ok());
  // Declared before roles existed: no commander to ask.
  EXPECT_TRUE(CheckMaySetRoles(PostPolicy::kRoles, Commanded("", ""), {"carol", false}).ok());
}

}  // namespace
}  // namespace statuscast
