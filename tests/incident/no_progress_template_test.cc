// The no-progress template follows the incident: its state, the last message
// customers read (restated) and the banner text shown now; filled from the
// in-memory store and linted with the default rules, it posts under the
// default policy.
#include <string>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "libs/lint/templates.h"
#include "tests/incident/linted_commands_test.h"

namespace statuscast {
namespace {

using testing::LintedCommandsStart;

constexpr char kFirst[] =
    "We're investigating failed card payments at checkout for some users. Next update by "
    "14:25 UTC.";
constexpr char kIdentified[] =
    "We found the cause of the failed card payments and are rolling back a change. Next update "
    "by 14:35 UTC.";

class NoProgressTemplateTest : public testing::LintedCommandsTest {
 protected:
  void SetUp() override {
    UpdateDraft first;
    first.state = IncidentState::kInvestigating;
    first.message = kFirst;
    first.banner_text = "Card payments fail at checkout; we're on it.";
    first.channels = {Channel::kStatusPage, Channel::kInAppBanner};
    first.next_update_at = At(14, 25);
    absl::StatusOr<WriteResult> r =
        DeclareOnCheckout(Severity::kSev1, "Card payments failing", first);
    ASSERT_TRUE(r.ok()) << r.status();
    inc_ = r->incident;
  }

  static absl::Time At(int hour, int minute) {
    return LintedCommandsStart() + absl::Hours(hour - 14) + absl::Minutes(minute);
  }

  // Posts `d` on the incident at the clock's time, by bob.
  void Post(UpdateDraft d) {
    WriteGuard g;
    g.incident_ref = inc_.ref;
    g.expected_version = inc_.version;
    g.idempotency_key = "post-" + std::to_string(inc_.version);
    absl::StatusOr<WriteResult> r = commands_.PostUpdate(ctx_, g, d, {});
    ASSERT_TRUE(r.ok()) << r.status();
    inc_ = r->incident;
  }

  UpdateDraft StatusPageOnly(IncidentState state, const std::string& message, absl::Time next,
                             bool no_progress = false) {
    UpdateDraft d;
    d.state = state;
    d.message = message;
    d.channels = {Channel::kStatusPage};
    d.next_update_at = next;
    d.no_progress = no_progress;
    return d;
  }

  // The no-progress template filled now; fails the test on any lint finding.
  FilledUpdate FillNoProgress() {
    absl::StatusOr<FilledUpdate> f =
        commands_.FillTemplate(inc_.ref, lint::Tone::kNoProgress, absl::nullopt, {});
    EXPECT_TRUE(f.ok()) << f.status();
    if (!f.ok()) return FilledUpdate();
    for (const lint::Finding& finding : f->findings) {
      ADD_FAILURE() << finding.rule_id << ": " << finding.excerpt;
    }
    return *std::move(f);
  }

  Incident inc_;
};

TEST_F(NoProgressTemplateTest, RestatesTheLastMessageKeepsTheBannerAndLintsClean) {
  clock_.Set(At(14, 10));
  Post(StatusPageOnly(IncidentState::kIdentified, kIdentified, At(14, 35)));
  clock_.Set(At(14, 30));
  const FilledUpdate f = FillNoProgress();
  EXPECT_EQ(f.text.message,
            "We're still working on the fix for the issue affecting users of checkout; no ETA "
            "yet. Our last message, at 14:10 UTC, said: We found the cause of the failed card "
            "payments and are rolling back a change. We'll post the next update by 14:59 UTC.");
  // The identified update went to the status page only: the banner keeps
  // the first update's words.
  EXPECT_EQ(f.text.banner_text, "Card payments fail at checkout; we're on it.");
  // It posts under the default policy (SEV-1 refuses lint errors).
  UpdateDraft d = StatusPageOnly(IncidentState::kIdentified, f.text.message,
                                 *f.next_update_at, true);
  d.banner_text = f.text.banner_text;
  d.channels.push_back(Channel::kInAppBanner);
  Post(d);
  absl::StatusOr<Incident> read = store_.GetIncident(inc_.ref, true);
  ASSERT_TRUE(read.ok()) << read.status();
  ASSERT_EQ(read->updates.size(), 3u);
  EXPECT_EQ(read->updates.back().kind, UpdateKind::kNoProgress);
  EXPECT_EQ(read->updates.back().message, f.text.message);
}

TEST_F(NoProgressTemplateTest, ANoProgressUpdateIsNotRestatedTheMessageBeforeItIs) {
  clock_.Set(At(14, 10));
  Post(StatusPageOnly(IncidentState::kIdentified, kIdentified, At(14, 35)));
  clock_.Set(At(14, 20));
  Post(StatusPageOnly(IncidentState::kIdentified,
                      "We're still working on the fix for the issue affecting users of checkout; "
                      "no ETA yet; next update by 14:45 UTC.",
                      At(14, 45), true));
  clock_.Set(At(14, 40));
  const FilledUpdate f = FillNoProgress();
  EXPECT_TRUE(absl::StrContains(f.text.message,
                                "Our last message, at 14:10 UTC, said: We found the cause of the "
                                "failed card payments and are rolling back a change."))
      << f.text.message;
  EXPECT_FALSE(absl::StrContains(f.text.message, "14:35")) << "the old promise is not restated";
  EXPECT_FALSE(absl::StrContains(f.text.message, "14:45")) << f.text.message;
}

TEST_F(NoProgressTemplateTest, OnlyTheFirstMessageIsRestatedWithoutItsPromise) {
  clock_.Set(At(14, 20));
  const FilledUpdate f = FillNoProgress();
  EXPECT_EQ(f.text.message,
            "We're still investigating the issue affecting users of checkout; no ETA yet. Our last "
            "message, at 14:00 UTC, said: We're investigating failed card payments at checkout "
            "for some users. We'll post the next update by 14:49 UTC.");
}

TEST(RestatedSubstanceTest, DropsPromisesKeepsWholeSentencesAndCutsALongOne) {
  EXPECT_EQ(lint::RestatedSubstance("Payments fail for 5% of users.\nNext update by 14:25 UTC."),
            "Payments fail for 5% of users.");
  EXPECT_EQ(lint::RestatedSubstance("We'll update this page at 2.30pm BST."), "");
  EXPECT_EQ(lint::RestatedSubstance("Payments fail since 13:05 UTC"),
            "Payments fail since 13:05 UTC.");
  const std::string sentence = "Payments fail for some users. ";
  std::string many;
  for (int i = 0; i < 20; ++i) many += sentence;
  const std::string restated = lint::RestatedSubstance(many);
  EXPECT_LE(restated.size(), lint::kMaxRestatedBytes);
  EXPECT_TRUE(absl::EndsWith(restated, "users.")) << restated;
  const std::string long_one = std::string(400, 'a') + " end.";
  EXPECT_LE(lint::RestatedSubstance("word " + long_one).size(), lint::kMaxRestatedBytes);
  EXPECT_TRUE(absl::EndsWith(lint::RestatedSubstance("word " + long_one), " ..."));
}

}  // namespace
}  // namespace statuscast
