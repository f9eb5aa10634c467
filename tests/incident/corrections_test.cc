// Corrections of posted updates (libs/incident/corrections.h): the pure rule
// and IncidentCommands::CorrectUpdate over the in-memory store, with the
// default linter and a fake clock. The same over PostgreSQL and gRPC is
// tests/comms/corrections_pgtest.cc.
#include "libs/incident/corrections.h"

#include <memory>

#include "absl/strings/match.h"
#include "absl/time/civil_time.h"
#include "gtest/gtest.h"
#include "libs/base/clock.h"
#include "libs/incident/incident_commands.h"
#include "libs/lint/linter.h"
#include "tests/incident/linted_commands_test.h"
#include "tests/support/status_matchers.h"

namespace statuscast {
namespace {

using testing::FailsWith;
using testing::HasFieldViolation;

const absl::Time kStart = testing::LintedCommandsStart();

constexpr char kPosted[] =
    "We're investigating failed checkouts affecting 50% of users. Our team is working on it. "
    "Next update by 14:25 UTC.";
constexpr char kFixed[] =
    "We're investigating failed checkouts affecting 5% of users. Our team is working on it. "
    "Next update by 14:25 UTC.";

class CorrectionsTest : public testing::LintedCommandsTest {
 protected:
  CorrectionsTest() {
    UpdateDraft d;
    d.message = kPosted;
    d.channels = {Channel::kStatusPage, Channel::kInAppBanner};
    d.next_update_at = kStart + absl::Minutes(25);
    absl::StatusOr<WriteResult> r = DeclareOnCheckout(Severity::kSev1, "Checkout failing", d);
    EXPECT_TRUE(r.ok()) << r.status();
    if (r.ok()) {
      incident_ = r->incident;
      posted_ = *r->update;
    }
    clock_.Advance(absl::Minutes(3));
  }

  WriteGuard Guard(int64_t version = 0) {
    return WriteGuard{incident_.ref, version ? version : incident_.version,
                      absl::StrCat("key-", ++keys_), ""};
  }

  absl::StatusOr<WriteResult> Correct(const std::string& message, const std::string& reason = "") {
    Correction c;
    c.message = message;
    c.reason = reason;
    absl::StatusOr<WriteResult> r = commands_.CorrectUpdate(ctx_, Guard(), posted_.id, c);
    if (r.ok()) incident_ = r->incident;
    return r;
  }

  Incident incident_;
  Update posted_;
  int keys_ = 0;
};

TEST_F(CorrectionsTest, ACorrectionKeepsThePostedTextAsRevisionOneAndWhoFixedIt) {
  absl::StatusOr<WriteResult> r = Correct(kFixed, "the figure was 5%, not 50%");
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_TRUE(r->update.has_value());
  const Update& u = *r->update;
  EXPECT_EQ(u.message, kFixed);
  ASSERT_EQ(u.revisions.size(), 2u);
  EXPECT_EQ(u.revisions[0].number, 1);
  EXPECT_EQ(u.revisions[0].message, kPosted);
  EXPECT_EQ(u.revisions[0].author, "alice");
  EXPECT_EQ(u.revisions[0].at, kStart);
  EXPECT_EQ(u.revisions[1].number, 2);
  EXPECT_EQ(u.revisions[1].author, "bob");
  EXPECT_EQ(u.revisions[1].at, kStart + absl::Minutes(3));
  EXPECT_EQ(u.revisions[1].reason, "the figure was 5%, not 50%");
  EXPECT_EQ(u.edited_at(), kStart + absl::Minutes(3));

  Incident stored = *commands_.GetIncident(incident_.ref);
  ASSERT_EQ(stored.updates.size(), 1u);
  EXPECT_EQ(stored.updates[0].message, kFixed);
  EXPECT_EQ(stored.updates[0].revisions.size(), 2u);
  EXPECT_EQ(stored.version, 2);
}

TEST_F(CorrectionsTest, ACorrectionNeverMovesThePostingTimeOrThePromise) {
  ASSERT_TRUE(Correct(kFixed).ok());
  Incident stored = *commands_.GetIncident(incident_.ref);
  const Update& u = stored.updates[0];
  EXPECT_EQ(u.posted_at, posted_.posted_at);
  EXPECT_EQ(u.next_update_at, posted_.next_update_at);
  EXPECT_EQ(u.kept_promise, posted_.kept_promise);
  EXPECT_EQ(u.kind, posted_.kind);
  EXPECT_EQ(u.author, "alice");
  EXPECT_EQ(stored.next_update_at, kStart + absl::Minutes(25));
  EXPECT_EQ(stored.first_communication_at, kStart);
}

TEST_F(CorrectionsTest, EveryCorrectionAddsARevisionAndAnAuditRow) {
  ASSERT_TRUE(Correct(kFixed).ok());
  clock_.Advance(absl::Minutes(1));
  absl::StatusOr<WriteResult> r = Correct(
      "We're investigating failed checkouts affecting 5% of card payments. Our team is working "
      "on it. Next update by 14:25 UTC.",
      "only card payments");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->update->revisions.size(), 3u);
  EXPECT_EQ(r->update->revisions.back().number, 3);
  const MutationRecord audit = store_.Audit().back();
  EXPECT_EQ(audit.kind, "update_corrected");
  EXPECT_EQ(audit.actor, "bob");
  EXPECT_EQ(audit.update_id, posted_.id);
  EXPECT_TRUE(absl::StrContains(audit.details, "revision 3")) << audit.details;
  EXPECT_TRUE(absl::StrContains(audit.details, "only card payments")) << audit.details;
}

TEST_F(CorrectionsTest, TheDefaultBannerTextFollowsTheCorrectedMessage) {
  ASSERT_TRUE(Correct(kFixed).ok());
  Incident stored = *commands_.GetIncident(incident_.ref);
  EXPECT_EQ(stored.updates[0].banner_text,
            "We're investigating failed checkouts affecting 5% of users.");
}

TEST_F(CorrectionsTest, ACorrectionIsLintedLikeAPost) {
  const int64_t version = incident_.version;
  absl::StatusOr<WriteResult> r = Correct(
      "We're investigating failed checkouts. Engineer Dave's deploy broke it. Next update by "
      "14:25 UTC.");
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition) << r.status();
  EXPECT_TRUE(absl::StrContains(r.status().message(), "internal-detail")) << r.status();
  EXPECT_EQ(commands_.GetIncident(incident_.ref)->version, version);
  EXPECT_EQ(commands_.GetIncident(incident_.ref)->updates[0].message, kPosted);
}

TEST_F(CorrectionsTest, AnOverrideReasonPostsALintedCorrectionAndIsRecorded) {
  Correction c;
  c.message = "We're investigating failed checkouts. AWS is having issues. Next update by 14:25 UTC.";
  WriteGuard g = Guard();
  g.lint_override_reason = "AWS confirmed it";
  absl::StatusOr<WriteResult> r = commands_.CorrectUpdate(ctx_, g, posted_.id, c);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->update->lint_override_reason, "AWS confirmed it");
  EXPECT_TRUE(absl::StrContains(store_.Audit().back().details, "override: AWS confirmed it"));
}

TEST_F(CorrectionsTest, BadCorrectionsAreRefusedAndWriteNothing) {
  EXPECT_TRUE(HasFieldViolation(Correct(""), "message", "is required"));
  EXPECT_TRUE(HasFieldViolation(Correct(std::string(5000, 'a')), "message", "the limit is 4000"));
  EXPECT_TRUE(HasFieldViolation(Correct(kPosted), "message", "nothing to correct"));
  Correction c;
  c.message = kFixed;
  EXPECT_TRUE(FailsWith(commands_.CorrectUpdate(ctx_, Guard(), 999, c), absl::StatusCode::kNotFound,
                      "no update 999"));
  EXPECT_TRUE(FailsWith(commands_.CorrectUpdate(ctx_, Guard(incident_.version + 5), posted_.id, c),
                      absl::StatusCode::kAborted, "has changed since version"));
  WriteGuard unknown = Guard();
  unknown.incident_ref = "INC-99";
  EXPECT_TRUE(FailsWith(commands_.CorrectUpdate(ctx_, unknown, posted_.id, c),
                      absl::StatusCode::kNotFound, "no incident INC-99"));
  EXPECT_TRUE(HasFieldViolation(commands_.CorrectUpdate(ctx_, Guard(), 0, c), "update_id",
                                "is required"));
  EXPECT_EQ(commands_.GetIncident(incident_.ref)->version, 1);
}

TEST_F(CorrectionsTest, ARetryWithTheSameKeyReplaysTheCorrection) {
  Correction c;
  c.message = kFixed;
  WriteGuard g = Guard();
  absl::StatusOr<WriteResult> first = commands_.CorrectUpdate(ctx_, g, posted_.id, c);
  ASSERT_TRUE(first.ok()) << first.status();
  absl::StatusOr<WriteResult> again = commands_.CorrectUpdate(ctx_, g, posted_.id, c);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->replayed);
  ASSERT_TRUE(again->update.has_value());
  EXPECT_EQ(again->update->revisions.size(), 2u);
}

TEST(ApplyCorrectionTest, AnUpdateKeepsAtMostTwentyRevisions) {
  Incident inc;
  inc.ref = "INC-1";
  Update u;
  u.id = 7;
  u.message = "first";
  for (size_t i = 0; i < kMaxRevisions; ++i) {
    u.revisions.push_back(UpdateRevision{static_cast<int>(i + 1), "x", "x", kStart, "a", ""});
  }
  Correction c;
  c.message = "second";
  EXPECT_TRUE(FailsWith(ApplyCorrection(InputLimits(), inc, u, c, "bob", kStart),
                      absl::StatusCode::kFailedPrecondition, "20 revisions"));
}

}  // namespace
}  // namespace statuscast
