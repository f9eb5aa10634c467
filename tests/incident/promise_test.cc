#include "libs/incident/promise.h"

#include <string>

#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/base/clock.h"
#include "libs/incident/cadence_policy.h"
#include "libs/incident/incident_rules.h"

namespace statuscast {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;

absl::Time Utc(int h, int m, int s) {
  return absl::FromCivil(absl::CivilSecond(2026, 11, 27, h, m, s), absl::UTCTimeZone());
}

const std::vector<Channel> kPage = {Channel::kStatusPage};
const std::vector<Channel> kBannerOnly = {Channel::kInAppBanner};

class PromisesTest : public ::testing::Test {
 protected:
  PromisesTest() {
    policy_.sev1_interval = absl::Minutes(20);
    policy_.sev2_interval = absl::Minutes(60);
    policy_.promise_grace = absl::Seconds(60);
  }
  Promises promises() const { return Promises(policy_); }
  // An open incident at `sev` and a status-page draft asking for the default.
  static Incident Open(Severity sev) {
    Incident inc;
    inc.ref = "INC-1";
    inc.severity = sev;
    inc.state = IncidentState::kInvestigating;
    return inc;
  }
  static UpdateDraft AskingForTheDefault(const std::string& message) {
    UpdateDraft d;
    d.message = message;
    d.channels = kPage;
    d.use_default_next_update = true;
    return d;
  }

  CadencePolicy policy_;
  FakeClock clock_{Utc(14, 3, 30)};
};

TEST_F(PromisesTest, OnlyOpenSev1AndSev2UpdatesOnTheStatusPageNeedOne) {
  const Promises p = promises();
  EXPECT_TRUE(p.Required(Severity::kSev1, IncidentState::kInvestigating, kPage));
  EXPECT_TRUE(p.Required(Severity::kSev2, IncidentState::kMonitoring, {Channel::kPublic}));
  EXPECT_FALSE(p.Required(Severity::kSev3, IncidentState::kInvestigating, kPage));
  EXPECT_FALSE(p.Required(Severity::kSev1, IncidentState::kResolved, kPage));
  // A banner-only update keeps no promise and makes none.
  EXPECT_FALSE(p.Required(Severity::kSev1, IncidentState::kInvestigating, kBannerOnly));
  EXPECT_TRUE(p.Allowed(Severity::kSev1, IncidentState::kInvestigating));
}

TEST_F(PromisesTest, TheDefaultIsTheServersCadenceToTheMinute) {
  const Promises p = promises();
  // 14:03:30 + 20m = 14:23:30, stated "14:23 UTC": never beyond the cadence.
  EXPECT_EQ(p.Default(Severity::kSev1, clock_.Now()), Utc(14, 23, 0));
  EXPECT_EQ(p.Default(Severity::kSev2, clock_.Now()), Utc(15, 3, 0));
  EXPECT_EQ(p.Default(Severity::kSev3, clock_.Now()), absl::nullopt);
  // A template filled now and posted a little later keeps a minute in hand.
  EXPECT_EQ(p.Default(Severity::kSev1, clock_.Now(), absl::Minutes(1)), Utc(14, 22, 0));
  // The default always passes the check.
  for (int i = 0; i < 120; ++i) {
    clock_.Advance(absl::Seconds(7));
    absl::optional<absl::Time> d = p.Default(Severity::kSev1, clock_.Now());
    ASSERT_TRUE(d.has_value());
    EXPECT_THAT(p.Check(Severity::kSev1, IncidentState::kIdentified, kPage, d, clock_.Now()),
                IsEmpty())
        << absl::FormatTime(clock_.Now());
  }
}

TEST_F(PromisesTest, ACadenceOfOneMinuteStillPromisesTheFuture) {
  policy_.sev1_interval = absl::Minutes(1);
  clock_.Set(Utc(14, 3, 0));
  EXPECT_EQ(promises().Default(Severity::kSev1, clock_.Now(), absl::Minutes(1)), Utc(14, 4, 0));
}

TEST_F(PromisesTest, CheckSaysWhatIsWrong) {
  const Promises p = promises();
  const absl::Time now = clock_.Now();
  EXPECT_THAT(p.Check(Severity::kSev1, IncidentState::kInvestigating, kPage, absl::nullopt, now),
              HasSubstr("is required for SEV-1: promise the next update within 20m, or set "
                        "use_default_next_update"));
  EXPECT_THAT(p.Check(Severity::kSev1, IncidentState::kInvestigating, kPage, now, now),
              HasSubstr("must be in the future"));
  EXPECT_EQ(
      p.Check(Severity::kSev1, IncidentState::kInvestigating, kPage, now + absl::Minutes(21), now),
      "is beyond the SEV-1 cadence of 20m: promise 2026-11-27 14:23:30 UTC or earlier");
  EXPECT_THAT(
      p.Check(Severity::kSev1, IncidentState::kInvestigating, kPage, now + absl::Minutes(20), now),
      IsEmpty());
  EXPECT_THAT(
      p.Check(Severity::kSev3, IncidentState::kInvestigating, kPage, now + absl::Minutes(5), now),
      HasSubstr("must be unset for SEV-3"));
  EXPECT_THAT(
      p.Check(Severity::kSev1, IncidentState::kResolved, kPage, now + absl::Minutes(5), now),
      HasSubstr("must be unset on a resolution"));
  // A banner-only update need not state one; when it does, it is checked.
  EXPECT_THAT(
      p.Check(Severity::kSev1, IncidentState::kInvestigating, kBannerOnly, absl::nullopt, now),
      IsEmpty());
  EXPECT_THAT(p.Check(Severity::kSev1, IncidentState::kInvestigating, kBannerOnly,
                      now + absl::Hours(2), now),
              HasSubstr("is beyond the SEV-1 cadence"));
}

TEST_F(PromisesTest, EscalationTightensAndDeEscalationKeeps) {
  const Promises p = promises();
  const absl::Time now = clock_.Now();
  const absl::Time standing = now + absl::Minutes(55);
  EXPECT_EQ(p.Tightened(Severity::kSev1, standing, true, now), now + absl::Minutes(20));
  EXPECT_EQ(p.Tightened(Severity::kSev1, now + absl::Minutes(5), true, now),
            now + absl::Minutes(5));
  EXPECT_EQ(p.Tightened(Severity::kSev3, standing, true, now), standing);
  // Customers told something and none promised: the escalation makes one.
  EXPECT_EQ(p.Tightened(Severity::kSev2, absl::nullopt, true, now), now + absl::Minutes(60));
  // Nothing said yet: the first communication target governs, not a promise.
  EXPECT_EQ(p.Tightened(Severity::kSev1, absl::nullopt, false, now), absl::nullopt);
}

TEST_F(PromisesTest, OverdueAndKeptAllowTheGrace) {
  const Promises p = promises();
  const absl::Time due = clock_.Now();
  EXPECT_TRUE(p.KeptBy(due, due + absl::Seconds(60)));
  EXPECT_FALSE(p.KeptBy(due, due + absl::Seconds(61)));
  clock_.Advance(absl::Seconds(30));
  EXPECT_FALSE(p.Overdue(due, clock_.Now()));
  clock_.Advance(absl::Seconds(31));
  EXPECT_TRUE(p.Overdue(due, clock_.Now()));
  EXPECT_EQ(p.grace(), absl::Seconds(60));
}

TEST(StatePromiseTest, AppendsTheTimeWhenTheMessageDoesNotStateIt) {
  const absl::Time t = Utc(14, 23, 0);
  EXPECT_EQ(StatePromise("Rolling out the fix", t),
            "Rolling out the fix. Next update by 14:23 UTC.");
  EXPECT_EQ(StatePromise("Rolling out the fix!  ", t),
            "Rolling out the fix! Next update by 14:23 UTC.");
  EXPECT_EQ(StatePromise("Next update by 14:23 UTC.", t), "Next update by 14:23 UTC.");
  EXPECT_EQ(StatePromise("", t), "");
}

TEST(StatePromiseTest, LeavesAMessageNamingAnotherNextUpdateTimeForTheCheckToRefuse) {
  // Appending would show customers two times; TextPromiseProblem refuses it.
  EXPECT_EQ(StatePromise("Next update by 23:55 UTC.", Utc(22, 57, 0)), "Next update by 23:55 UTC.");
}

TEST(TextPromiseTest, ATimeInTheTextMustBeThePromiseToTheMinute) {
  EXPECT_THAT(TextPromiseProblem("Still on it. Next update by 22:57 UTC.", Utc(22, 57, 0)),
              IsEmpty());
  EXPECT_THAT(TextPromiseProblem("Still on it. Next update by 11:57pm BST.", Utc(22, 57, 0)),
              IsEmpty());
  EXPECT_EQ(TextPromiseProblem("Still on it. Next update by 23:55 UTC.", Utc(22, 57, 0)),
            "names the next update at 23:55 UTC, but next_update_at is 22:57 UTC: one promise, on "
            "the record and in the text; make them the same (statuscastctl: leave out --next and "
            "the time in the text sets it)");
  EXPECT_THAT(TextPromiseProblem("Still on it. Next update by 22:58 UTC.", Utc(22, 57, 0)),
              HasSubstr("names the next update at 22:58 UTC, but next_update_at is 22:57 UTC"));
}

TEST(TextPromiseTest, OtherTimesInTheTextAreNotPromises) {
  EXPECT_THAT(
      TextPromiseProblem("Errors began at 13:05 UTC and stopped at 13:40 UTC.", Utc(14, 30, 0)),
      IsEmpty());
  EXPECT_THAT(TextPromiseProblem("Errors began at 13:05 UTC.", absl::nullopt), IsEmpty());
}

TEST(TextPromiseTest, ATimeNamedWithoutAPromiseOnTheRecordIsWrong) {
  EXPECT_THAT(TextPromiseProblem("We'll post another update at 15:00 UTC.", absl::nullopt),
              HasSubstr("names the next update at 15:00 UTC, but this update promises none"));
}

TEST(PromiseInTextTest, TheTimeTheTextNamesIsTheNextSuchInstant) {
  absl::StatusOr<absl::optional<absl::Time>> t =
      PromiseInText("We're rolling back. Next update by 14:45 UTC.", Utc(14, 20, 30));
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(*t, Utc(14, 45, 0));
  // Past midnight: tomorrow's.
  t = PromiseInText("Next update by 00:10 UTC.", Utc(23, 50, 0));
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(*t, Utc(0, 10, 0) + absl::Hours(24));
  // In another zone.
  t = PromiseInText("Next update by 3.45pm BST.", Utc(14, 20, 0));
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(*t, Utc(14, 45, 0));
  t = PromiseInText("Errors began at 13:05 UTC.", Utc(14, 20, 0));
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(*t, absl::nullopt);
}

TEST(PromiseInTextTest, AnAmbiguousZoneOrTwoTimesAskForUtc) {
  absl::StatusOr<absl::optional<absl::Time>> t =
      PromiseInText("Next update by 20:00 IST.", Utc(14, 20, 0));
  ASSERT_EQ(t.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(t.status().message()),
              HasSubstr("names the next update as \"20:00 IST\", which reads as more than one "
                        "time; write it in UTC"));
  t = PromiseInText("Next update by 14:45 UTC, or an update by 15:00 UTC.", Utc(14, 20, 0));
  EXPECT_EQ(t.status().code(), absl::StatusCode::kInvalidArgument);
}

// The rules call the module: a draft asking for the default gets the
// server's cadence, and its text states it.
TEST_F(PromisesTest, AnUpdateAskingForTheDefaultGetsTheServersCadence) {
  IncidentRules rules(policy_, InputLimits());
  Incident inc = Open(Severity::kSev1);
  inc.first_communication_at = clock_.Now() - absl::Minutes(10);
  inc.next_update_at = clock_.Now() + absl::Minutes(5);
  UpdateDraft d = AskingForTheDefault("We're rolling out a fix");
  absl::StatusOr<Update> u = rules.ApplyUpdate(inc, d, {}, "alice", clock_.Now());
  ASSERT_TRUE(u.ok()) << u.status();
  EXPECT_EQ(u->next_update_at, Utc(14, 23, 0));
  EXPECT_EQ(inc.next_update_at, Utc(14, 23, 0));
  EXPECT_EQ(u->message, "We're rolling out a fix. Next update by 14:23 UTC.");

  // Without the request, a missing promise stays an error.
  d.use_default_next_update = false;
  u = rules.ApplyUpdate(inc, d, {}, "alice", clock_.Now());
  ASSERT_EQ(u.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(u.status().message()),
              HasSubstr("update.next_update_at: is required for SEV-1"));

  // Both a promise and the request for the default: ambiguous.
  d.use_default_next_update = true;
  d.next_update_at = clock_.Now() + absl::Minutes(10);
  u = rules.ApplyUpdate(inc, d, {}, "alice", clock_.Now());
  ASSERT_EQ(u.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(u.status().message()), HasSubstr("must be unset when"));
}

TEST_F(PromisesTest, AnUpdateWhoseTextNamesAnotherTimeThanItsPromiseIsRefused) {
  IncidentRules rules(policy_, InputLimits());
  Incident inc = Open(Severity::kSev1);
  inc.first_communication_at = clock_.Now() - absl::Minutes(10);
  const Incident before = inc;
  UpdateDraft d;
  d.state = IncidentState::kInvestigating;
  d.message = "We're rolling back a change. Next update by 14:20 UTC.";
  d.channels = kPage;
  d.next_update_at = Utc(14, 13, 0);
  absl::StatusOr<Update> u = rules.ApplyUpdate(inc, d, {}, "alice", clock_.Now());
  ASSERT_EQ(u.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(u.status().message()),
              HasSubstr("update.message: names the next update at 14:20 UTC, but next_update_at "
                        "is 14:13 UTC"));
  EXPECT_EQ(inc.next_update_at, before.next_update_at);
  // The same time in the text and on the record: posted as written.
  d.next_update_at = Utc(14, 20, 0);
  u = rules.ApplyUpdate(inc, d, {}, "alice", clock_.Now());
  ASSERT_TRUE(u.ok()) << u.status();
  EXPECT_EQ(u->message, "We're rolling back a change. Next update by 14:20 UTC.");
}

TEST_F(PromisesTest, AskingForTheDefaultTheTimeTheTextNamesIsThePromise) {
  IncidentRules rules(policy_, InputLimits());
  Incident inc = Open(Severity::kSev1);
  inc.first_communication_at = clock_.Now() - absl::Minutes(10);
  UpdateDraft d = AskingForTheDefault("We're rolling back a change. Next update by 14:15 UTC.");
  absl::StatusOr<Update> u = rules.ApplyUpdate(inc, d, {}, "alice", clock_.Now());
  ASSERT_TRUE(u.ok()) << u.status();
  EXPECT_EQ(u->next_update_at, Utc(14, 15, 0));
  EXPECT_EQ(u->message, "We're rolling back a change. Next update by 14:15 UTC.");
  // Still within the cadence (SEV-1 20m here).
  d = AskingForTheDefault("We're rolling back a change. Next update by 14:45 UTC.");
  u = rules.ApplyUpdate(inc, d, {}, "alice", clock_.Now());
  ASSERT_EQ(u.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(u.status().message()), HasSubstr("is beyond the SEV-1 cadence"));
}

TEST_F(PromisesTest, ABannerOnlyOrSev3UpdateAskingForTheDefaultGetsNone) {
  IncidentRules rules(policy_, InputLimits());
  Incident inc = Open(Severity::kSev3);
  UpdateDraft d = AskingForTheDefault("We're looking into it.");
  absl::StatusOr<Update> u = rules.ApplyUpdate(inc, d, {}, "alice", clock_.Now());
  ASSERT_TRUE(u.ok()) << u.status();
  EXPECT_EQ(u->next_update_at, absl::nullopt);
  EXPECT_EQ(u->message, "We're looking into it.");

  inc.severity = Severity::kSev1;
  d.channels = kBannerOnly;
  u = rules.ApplyUpdate(inc, d, {}, "alice", clock_.Now());
  ASSERT_TRUE(u.ok()) << u.status();
  EXPECT_EQ(u->next_update_at, absl::nullopt);
}

TEST(BannerOnlyUpdateNoteTest, WarnsThatTheStandingPromiseIsStillDue) {
  const absl::Time due = Utc(14, 30, 0);
  absl::optional<lint::Finding> f = BannerOnlyUpdateNote(due, kBannerOnly, 17);
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->rule_id, kBannerOnlyPromiseRule);
  EXPECT_EQ(f->level, lint::Level::kWarning);
  EXPECT_EQ(f->begin, 17u);
  EXPECT_THAT(f->explanation, HasSubstr("the next update promised by 14:30 UTC is still due"));
  EXPECT_EQ(f->suggestion, "post a status-page update by 14:30 UTC");
  EXPECT_EQ(BannerOnlyUpdateNote(due, {Channel::kInAppBanner, Channel::kPublic}, 17),
            absl::nullopt);
  EXPECT_EQ(BannerOnlyUpdateNote(absl::nullopt, kBannerOnly, 17), absl::nullopt);
}

}  // namespace
}  // namespace statuscast
