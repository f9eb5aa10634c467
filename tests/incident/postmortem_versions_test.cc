// Postmortems as customers read them: the body is linted on publish (names,
// internal detail) under the lint policy, and republishing adds a version
// instead of overwriting. In-memory store, default linter, fake clock.
#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "tests/incident/linted_commands_test.h"

namespace statuscast {
namespace {

constexpr char kClean[] =
    "# What happened\n\nA change to our payment settings made card payments fail for 20 "
    "minutes. We rolled it back.\n\n# What we are changing\n\nEvery such change now goes "
    "through an automatic check first.";

class PostmortemVersionsTest : public testing::LintedCommandsTest {
 protected:
  PostmortemVersionsTest() {
    incident_ = DeclareOnCheckout(Severity::kSev2, "Card payments failing", absl::nullopt)->incident;
    clock_.Advance(absl::Minutes(20));
    absl::StatusOr<WriteResult> r = commands_.Resolve(
        ctx_, Guard(), "Resolved: card payments work again since 14:18 UTC.",
        {Channel::kStatusPage});
    EXPECT_TRUE(r.ok()) << r.status();
    if (r.ok()) incident_ = r->incident;
    clock_.Advance(absl::Hours(20));
  }

  WriteGuard Guard(const std::string& override_reason = "") {
    return WriteGuard{incident_.ref, incident_.version, absl::StrCat("key-", ++keys_),
                      override_reason};
  }

  absl::StatusOr<WriteResult> Publish(const std::string& body, const std::string& override = "") {
    absl::StatusOr<WriteResult> r = commands_.PublishPostmortem(ctx_, Guard(override), "", body);
    if (r.ok()) incident_ = r->incident;
    return r;
  }

  Incident incident_;
  int keys_ = 0;
};

TEST_F(PostmortemVersionsTest, ABodyNamingAPersonOrAHostIsRefusedAtARejectingSeverity) {
  absl::StatusOr<WriteResult> r = Publish(
      "Engineer Dave's deploy to db-prod-3 broke payments. We rolled it back.");
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition) << r.status();
  EXPECT_TRUE(absl::StrContains(r.status().message(), "INC-1's postmortem has")) << r.status();
  EXPECT_TRUE(absl::StrContains(r.status().message(), "internal-detail")) << r.status();
  EXPECT_FALSE(commands_.GetIncident(incident_.ref)->postmortem.has_value());
}

TEST_F(PostmortemVersionsTest, AnOverrideReasonPublishesItAndIsAudited) {
  absl::StatusOr<WriteResult> r =
      Publish("Engineer Dave's deploy broke payments.", "Dave asked to be named");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_FALSE(r->incident.postmortem->lint_findings.empty());
  EXPECT_TRUE(absl::StrContains(store_.Audit().back().details, "override: Dave asked to be named"))
      << store_.Audit().back().details;
}

TEST_F(PostmortemVersionsTest, RepublishingAddsAVersionAndKeepsTheFirstPublicationTime) {
  ASSERT_TRUE(Publish(kClean).ok());
  const absl::Time first = clock_.Now();
  clock_.Advance(absl::Hours(2));
  absl::StatusOr<WriteResult> r = Publish(std::string(kClean) + "\n\nUpdated with the timeline.");
  ASSERT_TRUE(r.ok()) << r.status();
  Incident stored = *commands_.GetIncident(incident_.ref);
  ASSERT_TRUE(stored.postmortem.has_value());
  EXPECT_EQ(stored.postmortem->revision, 2);
  EXPECT_EQ(stored.postmortem->first_published_at, first);
  EXPECT_EQ(stored.postmortem->published_at, first + absl::Hours(2));
  EXPECT_TRUE(absl::StrContains(store_.Audit().back().details, "revised the postmortem (version 2)"))
      << store_.Audit().back().details;
}

TEST_F(PostmortemVersionsTest, EveryVersionIsReadableOldestFirst) {
  absl::StatusOr<std::vector<Postmortem>> none = commands_.ListPostmortemVersions(incident_.ref);
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_TRUE(none->empty());
  ASSERT_TRUE(Publish(kClean).ok());
  clock_.Advance(absl::Hours(2));
  ASSERT_TRUE(Publish(std::string(kClean) + "\n\nUpdated with the timeline.").ok());
  absl::StatusOr<std::vector<Postmortem>> all = commands_.ListPostmortemVersions(incident_.ref);
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].revision, 1);
  EXPECT_EQ((*all)[0].body, kClean);
  EXPECT_EQ((*all)[1].revision, 2);
  EXPECT_EQ((*all)[1].published_at, (*all)[0].published_at + absl::Hours(2));
  EXPECT_EQ(commands_.ListPostmortemVersions("INC-9").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(commands_.ListPostmortemVersions("").status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace statuscast
