// IncidentRules: the checks every write shares (author, idempotency key,
// version), components, and the default banner text.
#include "tests/incident/incident_rules_fixture.h"

namespace statuscast::incident_testing {
namespace {

// ---------------------------------------------------------------------------
// CheckWriteMeta

TEST_F(IncidentRulesTest, WriteMetaAcceptsAnAuthorKeyAndVersion) {
  EXPECT_TRUE(rules_.CheckWriteMeta("alice", "7f1c", true, 3).ok());
  EXPECT_TRUE(rules_.CheckWriteMeta("alice", "7f1c", false, 0).ok()) << "a create needs no version";
}

TEST_F(IncidentRulesTest, WriteMetaNeedsAnAuthor) {
  absl::Status s = rules_.CheckWriteMeta("", "7f1c", false, 0);
  EXPECT_TRUE(IsError(s, absl::StatusCode::kInvalidArgument, "author: is required"));
  EXPECT_TRUE(
      HasFieldViolation(rules_.CheckWriteMeta("  ", "7f1c", false, 0), "author", "is required"));
}

TEST_F(IncidentRulesTest, WriteMetaBoundsTheAuthor) {
  EXPECT_TRUE(rules_.CheckWriteMeta(std::string(128, 'a'), "k", false, 0).ok());
  EXPECT_TRUE(HasFieldViolation(rules_.CheckWriteMeta(std::string(129, 'a'), "k", false, 0),
                                "author", "is 129 bytes; the limit is 128"));
  EXPECT_TRUE(HasFieldViolation(rules_.CheckWriteMeta("alice\nbob", "k", false, 0), "author",
                                "must be a single line"));
  EXPECT_TRUE(HasFieldViolation(rules_.CheckWriteMeta("al\xFFice", "k", false, 0), "author",
                                "is not valid UTF-8"));
}

TEST_F(IncidentRulesTest, WriteMetaNeedsABoundedIdempotencyKey) {
  EXPECT_TRUE(IsError(rules_.CheckWriteMeta("alice", "", false, 0),
                      absl::StatusCode::kInvalidArgument,
                      "idempotency_key: is required (any unique string per intended write, e.g. "
                      "a UUID)"));
  EXPECT_TRUE(HasFieldViolation(rules_.CheckWriteMeta("alice", std::string(129, 'k'), false, 0),
                                "idempotency_key", "is 129 bytes; the limit is 128"));
  EXPECT_TRUE(HasFieldViolation(rules_.CheckWriteMeta("alice", "   ", false, 0), "idempotency_key",
                                "is required"));
}

TEST_F(IncidentRulesTest, WriteMetaNeedsAPositiveVersionWhenAsked) {
  for (int64_t version : {0, -1}) {
    EXPECT_TRUE(IsError(rules_.CheckWriteMeta("alice", "k", true, version),
                        absl::StatusCode::kInvalidArgument,
                        "expected_version: is required: pass the incident's current version "
                        "(GetIncident returns it)"))
        << version;
  }
}

TEST_F(IncidentRulesTest, WriteMetaReportsEveryMissingField) {
  absl::Status s = rules_.CheckWriteMeta("", "", true, 0);
  EXPECT_TRUE(HasFieldViolation(s, "author", "is required"));
  EXPECT_TRUE(HasFieldViolation(s, "idempotency_key", "is required"));
  EXPECT_TRUE(HasFieldViolation(s, "expected_version", "is required"));
}

// ---------------------------------------------------------------------------
// CheckComponent

Component MakeComponent(const std::string& name) {
  Component c;
  c.name = name;
  c.group = "Storefront";
  c.description = "Cart and payment.\nOwned by the payments team.";
  return c;
}

TEST_F(IncidentRulesTest, ComponentWithAWellFormedNameIsAccepted) {
  for (const std::string& name : {std::string("checkout"), std::string("eu-west.db_1"),
                                  std::string("9lives"), std::string(64, 'c')}) {
    EXPECT_TRUE(rules_.CheckComponent(MakeComponent(name)).ok()) << name;
  }
  Component bare;
  bare.name = "api";
  EXPECT_TRUE(rules_.CheckComponent(bare).ok()) << "group and description are optional";
}

TEST_F(IncidentRulesTest, ComponentWithAMalformedNameIsRejected) {
  for (const std::string& name :
       {std::string(""), std::string("Checkout"), std::string(".hidden"), std::string("-x"),
        std::string("check out"), std::string("zürich"), std::string(65, 'c')}) {
    absl::Status s = rules_.CheckComponent(MakeComponent(name));
    EXPECT_TRUE(IsError(s, absl::StatusCode::kInvalidArgument,
                        "name: must be 1-64 characters of lower-case letters, digits, '-', '_' or "
                        "'.', starting with a letter or digit"))
        << "name \"" << name << "\"";
  }
}

TEST_F(IncidentRulesTest, ComponentGroupIsOneBoundedLine) {
  Component c = MakeComponent("checkout");
  c.group = std::string(65, 'g');
  EXPECT_TRUE(HasFieldViolation(rules_.CheckComponent(c), "group", "is 65 bytes; the limit is 64"));
  c.group = "Store\nfront";
  EXPECT_TRUE(HasFieldViolation(rules_.CheckComponent(c), "group", "must be a single line"));
}

TEST_F(IncidentRulesTest, ComponentDescriptionIsBounded) {
  Component c = MakeComponent("checkout");
  c.description = std::string(501, 'd');
  EXPECT_TRUE(
      HasFieldViolation(rules_.CheckComponent(c), "description", "is 501 bytes; the limit is 500"));
  c.description = std::string("Cart\0", 5);
  EXPECT_TRUE(
      HasFieldViolation(rules_.CheckComponent(c), "description", "contains a control character"));
}

// ---------------------------------------------------------------------------
// DefaultBannerText

TEST(DefaultBannerTextTest, TakesTheFirstSentence) {
  EXPECT_EQ(DefaultBannerText("Checkout is failing. We are on it.", 280), "Checkout is failing.");
  EXPECT_EQ(DefaultBannerText("Checkout is down! Back soon.", 280), "Checkout is down!");
  EXPECT_EQ(DefaultBannerText("Seeing errors? We know.", 280), "Seeing errors?");
}

TEST(DefaultBannerTextTest, StopsAtTheFirstLine) {
  EXPECT_EQ(DefaultBannerText("Checkout is failing\nDetails follow. More.", 280),
            "Checkout is failing");
  EXPECT_EQ(DefaultBannerText("Checkout is failing.\nDetails follow.", 280),
            "Checkout is failing.");
}

TEST(DefaultBannerTextTest, APeriodInsideAWordDoesNotEndTheSentence) {
  EXPECT_EQ(DefaultBannerText("Version 2.3 broke checkout. Rolling back.", 280),
            "Version 2.3 broke checkout.");
}

TEST(DefaultBannerTextTest, AMessageOfOneSentenceIsUsedWhole) {
  EXPECT_EQ(DefaultBannerText("Checkout is failing.", 280), "Checkout is failing.");
  EXPECT_EQ(DefaultBannerText("Checkout is failing", 280), "Checkout is failing");
}

TEST(DefaultBannerTextTest, TrimsSurroundingWhitespace) {
  EXPECT_EQ(DefaultBannerText("   Checkout is failing.   More.", 280), "Checkout is failing.");
  EXPECT_EQ(DefaultBannerText("", 280), "");
}

TEST(DefaultBannerTextTest, CutsALongSentenceToTheLimit) {
  EXPECT_EQ(DefaultBannerText("abcdefghij. Next.", 5), "abcde");
  EXPECT_EQ(DefaultBannerText(std::string(300, 'x'), 280), std::string(280, 'x'));
}

TEST(DefaultBannerTextTest, CutsOnACharacterBoundary) {
  // "é" is 2 bytes, "東" 3: a cut never splits one.
  EXPECT_EQ(DefaultBannerText("ééé", 3), "é");
  EXPECT_EQ(DefaultBannerText("ééé", 4), "éé");
  EXPECT_EQ(DefaultBannerText("東京です", 4), "東");
  EXPECT_EQ(DefaultBannerText("東京です", 2), "");
  EXPECT_EQ(DefaultBannerText("a🚀b", 4), "a");
  EXPECT_EQ(DefaultBannerText("a🚀b", 5), "a🚀");
}

}  // namespace
}  // namespace statuscast::incident_testing
