#include "libs/cadence/compliance.h"

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/incident/cadence_policy.h"
#include "libs/incident/incident_rules.h"
#include "libs/incident/model.h"

namespace statuscast {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

// Every timeline happens on 2026-11-27 (UTC) unless a test says otherwise.
absl::Time At(int hour, int minute, int second = 0) {
  return absl::FromCivil(absl::CivilSecond(2026, 11, 27, hour, minute, second),
                         absl::UTCTimeZone());
}

std::string Clock(absl::Time t) { return absl::FormatTime("%H:%M:%S", t, absl::UTCTimeZone()); }

// One ledger entry as a line, so a failing expectation shows the whole ledger:
// "14:05:00 promised 14:30:00: kept at 14:28:00, lateness -2m".
std::string Line(const PromiseEntry& p) {
  std::string out =
      absl::StrCat(Clock(p.made_at), " promised ", Clock(p.due), ": ", PromiseStatusName(p.status));
  if (p.kept_at) absl::StrAppend(&out, " at ", Clock(*p.kept_at));
  absl::StrAppend(&out, ", lateness ", absl::FormatDuration(p.lateness));
  if (p.from_escalation) absl::StrAppend(&out, ", escalation");
  return out;
}

std::vector<std::string> Ledger(const IncidentCompliance& c) {
  std::vector<std::string> out;
  for (const PromiseEntry& p : c.ledger) out.push_back(Line(p));
  return out;
}

// "14:05:00..14:28:00 SEV-1 allowed 30m within" / "... allowed none within".
std::vector<std::string> Gaps(const IncidentCompliance& c) {
  std::vector<std::string> out;
  for (const UpdateGap& g : c.gaps) {
    out.push_back(absl::StrCat(Clock(g.from), "..", Clock(g.to), " ", SeverityName(g.severity),
                               " allowed ", g.allowed ? absl::FormatDuration(*g.allowed) : "none",
                               g.within_cadence ? " within" : " beyond"));
  }
  return out;
}

// Drives an incident through IncidentRules at fixed times and keeps its
// timeline the way the service stores it. Default policy: SEV-1 30m, SEV-2
// 60m, first communication within 15m, grace 60s.
class ComplianceTest : public ::testing::Test {
 protected:
  ComplianceTest() : rules_(CadencePolicy{}, InputLimits{}) {}

  // Declares at `at` with a first update promising `promise` (none for SEV-3).
  void DeclareWithFirstUpdate(Severity severity, absl::Time at, absl::optional<absl::Time> promise,
                              absl::optional<absl::Time> confirmed_start = absl::nullopt) {
    DeclareInput in = Input(severity, confirmed_start);
    in.first_update = Draft(promise);
    Declare(in, at);
  }

  // Declares at `at` without telling customers anything yet.
  void DeclareSilently(Severity severity, absl::Time at,
                       absl::optional<absl::Time> confirmed_start = absl::nullopt) {
    Declare(Input(severity, confirmed_start), at);
  }

  void Post(absl::Time at, absl::optional<absl::Time> promise,
            IncidentState state = IncidentState::kUnspecified) {
    UpdateDraft d = Draft(promise);
    d.state = state;
    absl::StatusOr<Update> u = rules_.ApplyUpdate(incident_, d, {}, "alice", at);
    ASSERT_TRUE(u.ok()) << u.status();
    incident_.updates.push_back(*u);
  }

  // An update only on the in-app banner, optionally stating a time.
  void PostBannerOnly(absl::Time at, absl::optional<absl::Time> stated = absl::nullopt) {
    UpdateDraft d = Draft(stated);
    d.channels = {Channel::kInAppBanner};
    absl::StatusOr<Update> u = rules_.ApplyUpdate(incident_, d, {}, "alice", at);
    ASSERT_TRUE(u.ok()) << u.status();
    incident_.updates.push_back(*u);
  }

  void ChangeSeverity(Severity to, absl::Time at) {
    absl::StatusOr<SeverityChange> c =
        rules_.ApplySeverityChange(incident_, to, "impact grew", "alice", at);
    ASSERT_TRUE(c.ok()) << c.status();
    incident_.severity_changes.push_back(*c);
  }

  void Resolve(absl::Time at) {
    absl::StatusOr<Update> u = rules_.ApplyResolve(
        incident_, "Checkouts work again. The faulty deploy was rolled back.", {}, "alice", at);
    ASSERT_TRUE(u.ok()) << u.status();
    incident_.updates.push_back(*u);
  }

  void Reopen(absl::Time at, absl::optional<absl::Time> promise) {
    absl::StatusOr<Update> u =
        rules_.ApplyReopen(incident_, "errors are back", Draft(promise), "alice", at);
    ASSERT_TRUE(u.ok()) << u.status();
    incident_.updates.push_back(*u);
  }

  void PublishPostmortem(absl::Time at) {
    absl::StatusOr<Postmortem> p = rules_.ApplyPostmortem(
        incident_, "https://status.example.com/postmortems/1", "", "alice", at);
    ASSERT_TRUE(p.ok()) << p.status();
  }

  IncidentCompliance Evaluate(absl::Time now,
                              const ComplianceOptions& options = ComplianceOptions{}) const {
    return EvaluateIncident(incident_, now, rules_.policy(), options);
  }

  IncidentRules rules_;
  Incident incident_;

 private:
  static DeclareInput Input(Severity severity, absl::optional<absl::Time> confirmed_start) {
    DeclareInput in;
    in.title = "Checkout failures";
    in.severity = severity;
    in.affected = {{"checkout", ComponentStatus::kMajorOutage}};
    in.confirmed_start = confirmed_start;
    in.author = "alice";
    return in;
  }

  static UpdateDraft Draft(absl::optional<absl::Time> promise) {
    UpdateDraft d;
    d.message = "Checkouts are failing for some customers. We are looking into it.";
    d.channels = {Channel::kStatusPage};
    d.next_update_at = promise;
    return d;
  }

  void Declare(const DeclareInput& in, absl::Time at) {
    absl::optional<Update> first;
    absl::StatusOr<Incident> inc = rules_.Declare(in, at, &first);
    ASSERT_TRUE(inc.ok()) << inc.status();
    incident_ = *inc;
    incident_.ref = "INC-1";
    if (first) incident_.updates.push_back(*first);
  }
};

// --- A SEV-1 with a missed update and a recovery -----------------------------

class Sev1MissedUpdateAndRecoveryTest : public ComplianceTest {
 protected:
  void SetUp() override {
    DeclareWithFirstUpdate(Severity::kSev1, At(14, 5), At(14, 30), At(14, 0));
    Post(At(14, 28), At(14, 58));  // early for 14:30
    Post(At(14, 32), At(15, 0));   // early for 14:58
    Post(At(15, 12), At(15, 40));  // 12 minutes late for 15:00
    Post(At(15, 38), At(16, 5));   // back on time
    Post(At(16, 3), At(16, 30));
  }
};

TEST_F(Sev1MissedUpdateAndRecoveryTest, LedgerShowsTheMissedPromiseBetweenKeptOnes) {
  IncidentCompliance c = Evaluate(At(16, 10));

  EXPECT_THAT(Ledger(c), ElementsAre("14:05:00 promised 14:30:00: kept at 14:28:00, lateness -2m",
                                     "14:28:00 promised 14:58:00: kept at 14:32:00, lateness -26m",
                                     "14:32:00 promised 15:00:00: missed at 15:12:00, lateness 12m",
                                     "15:12:00 promised 15:40:00: kept at 15:38:00, lateness -2m",
                                     "15:38:00 promised 16:05:00: kept at 16:03:00, lateness -2m",
                                     "16:03:00 promised 16:30:00: pending, lateness 0"));
  EXPECT_EQ(DescribePromise(c.ledger[0], At(16, 10)), "promised 14:30 UTC, posted 14:28 UTC");
}

TEST_F(Sev1MissedUpdateAndRecoveryTest, FirstCommunicationWithinTargetIsNotLate) {
  IncidentCompliance c = Evaluate(At(16, 10));

  EXPECT_EQ(c.ref, "INC-1");
  EXPECT_EQ(c.severity, Severity::kSev1);
  EXPECT_TRUE(c.open);
  ASSERT_TRUE(c.first_communication_delay.has_value());
  EXPECT_EQ(*c.first_communication_delay, absl::Minutes(5));
  EXPECT_FALSE(c.first_communication_late);
}

TEST_F(Sev1MissedUpdateAndRecoveryTest, OnlyTheFortyMinuteGapIsBeyondTheThirtyMinuteCadence) {
  IncidentCompliance c = Evaluate(At(16, 10));

  EXPECT_THAT(Gaps(c), ElementsAre("14:05:00..14:28:00 SEV-1 allowed 30m within",
                                   "14:28:00..14:32:00 SEV-1 allowed 30m within",
                                   "14:32:00..15:12:00 SEV-1 allowed 30m beyond",
                                   "15:12:00..15:38:00 SEV-1 allowed 30m within",
                                   "15:38:00..16:03:00 SEV-1 allowed 30m within"));
}

TEST_F(Sev1MissedUpdateAndRecoveryTest, RecoveredIncidentIsNotOverdue) {
  IncidentCompliance c = Evaluate(At(16, 10));

  EXPECT_FALSE(c.overdue);
  EXPECT_EQ(c.overdue_what, "");
}

TEST_F(Sev1MissedUpdateAndRecoveryTest, SummarizeCountsKeptMissedPendingAndGaps) {
  ComplianceTotals t = Summarize({Evaluate(At(16, 10))});

  EXPECT_EQ(t.incidents[1], 1);
  EXPECT_EQ(t.first_communications[1], 1);
  EXPECT_EQ(t.first_communications_late[1], 0);
  EXPECT_EQ(t.promises_kept[1], 4);
  EXPECT_EQ(t.promises_missed[1], 1);
  EXPECT_EQ(t.promises_pending[1], 1);
  EXPECT_EQ(t.gaps_within[1], 4);
  EXPECT_EQ(t.gaps_beyond[1], 1);
  EXPECT_EQ(t.overdue_now, 0);
  EXPECT_EQ(t.promises_kept[2] + t.promises_missed[2] + t.promises_kept[3], 0);
}

TEST_F(ComplianceTest, UpdateWithinGraceKeepsThePromiseAndOneSecondMoreMissesIt) {
  DeclareWithFirstUpdate(Severity::kSev1, At(14, 0), At(14, 30));
  Post(At(14, 31), At(15, 0));     // exactly due + 60s grace
  Post(At(15, 1, 1), At(15, 30));  // due + 61s

  IncidentCompliance c = Evaluate(At(15, 10));

  EXPECT_THAT(Ledger(c),
              ElementsAre("14:00:00 promised 14:30:00: kept at 14:31:00, lateness 1m",
                          "14:31:00 promised 15:00:00: missed at 15:01:01, lateness 1m1s",
                          "15:01:01 promised 15:30:00: pending, lateness 0"));
  // The gap is measured from the last update (14:31 + 30m), not from the
  // earlier 15:00 promise, so it stays within the cadence.
  EXPECT_THAT(Gaps(c), ElementsAre("14:00:00..14:31:00 SEV-1 allowed 30m within",
                                   "14:31:00..15:01:01 SEV-1 allowed 30m within"));
}

// --- Banner-only updates ----------------------------------------------------

TEST_F(ComplianceTest, BannerOnlyUpdateNeitherKeepsNorMovesThePromise) {
  DeclareWithFirstUpdate(Severity::kSev1, At(14, 0), At(14, 30));
  PostBannerOnly(At(14, 20), At(14, 50));  // states 14:50, but is not on the status page

  IncidentCompliance c = Evaluate(At(14, 40));

  EXPECT_THAT(Ledger(c), ElementsAre("14:00:00 promised 14:30:00: missed, lateness 10m"));
  EXPECT_TRUE(c.overdue);
  EXPECT_EQ(c.overdue_what, "next update");
  EXPECT_EQ(c.overdue_by, absl::Minutes(10));
  EXPECT_THAT(Gaps(c), IsEmpty()) << "a banner-only update ends no gap";
}

TEST_F(ComplianceTest, StatusPageUpdateAfterABannerOnlyOneKeepsThePromise) {
  DeclareWithFirstUpdate(Severity::kSev1, At(14, 0), At(14, 30));
  PostBannerOnly(At(14, 10));
  Post(At(14, 25), At(14, 55));

  IncidentCompliance c = Evaluate(At(14, 40));

  EXPECT_THAT(Ledger(c), ElementsAre("14:00:00 promised 14:30:00: kept at 14:25:00, lateness -5m",
                                     "14:25:00 promised 14:55:00: pending, lateness 0"));
  EXPECT_THAT(Gaps(c), ElementsAre("14:00:00..14:25:00 SEV-1 allowed 30m within"));
}

TEST_F(ComplianceTest, BannerOnlyFirstUpdateIsTheFirstCommunicationButNoPromise) {
  DeclareSilently(Severity::kSev1, At(14, 0));
  PostBannerOnly(At(14, 5));

  IncidentCompliance c = Evaluate(At(14, 40));

  ASSERT_TRUE(c.first_communication_delay.has_value());
  EXPECT_EQ(*c.first_communication_delay, absl::Minutes(5));
  EXPECT_THAT(Ledger(c), IsEmpty());
  EXPECT_FALSE(c.overdue);
}

// --- Escalation SEV-2 -> SEV-1 ---------------------------------------------

TEST_F(ComplianceTest, EscalationTightensTheStandingPromiseToTheNewCadence) {
  DeclareWithFirstUpdate(Severity::kSev2, At(10, 0), At(11, 0));
  ChangeSeverity(Severity::kSev1, At(10, 10));  // 11:00 becomes 10:40
  Post(At(10, 35), At(11, 5));

  IncidentCompliance c = Evaluate(At(10, 50));

  EXPECT_THAT(Ledger(c),
              ElementsAre("10:00:00 promised 10:40:00: kept at 10:35:00, lateness -5m, escalation",
                          "10:35:00 promised 11:05:00: pending, lateness 0"));
  EXPECT_THAT(Gaps(c), ElementsAre("10:00:00..10:35:00 SEV-1 allowed 40m within"));
  EXPECT_EQ(DescribePromise(c.ledger[0], At(10, 50)),
            "promised 10:40 UTC, posted 10:35 UTC (tightened by escalation)");
}

TEST_F(ComplianceTest, UpdateThatSev2WouldAllowIsLateAfterEscalationToSev1) {
  DeclareWithFirstUpdate(Severity::kSev2, At(10, 0), At(11, 0));
  ChangeSeverity(Severity::kSev1, At(10, 10));
  Post(At(10, 50), At(11, 20));  // before the old 11:00, after the tightened 10:40
  Post(At(11, 15), At(11, 45));

  IncidentCompliance c = Evaluate(At(11, 20));

  EXPECT_THAT(
      Ledger(c),
      ElementsAre("10:00:00 promised 10:40:00: missed at 10:50:00, lateness 10m, escalation",
                  "10:50:00 promised 11:20:00: kept at 11:15:00, lateness -5m",
                  "11:15:00 promised 11:45:00: pending, lateness 0"));
  // The running gap's deadline moved from 11:00 to 10:40; later gaps are SEV-1.
  EXPECT_THAT(Gaps(c), ElementsAre("10:00:00..10:50:00 SEV-1 allowed 40m beyond",
                                   "10:50:00..11:15:00 SEV-1 allowed 30m within"));
  ComplianceTotals t = Summarize({c});
  EXPECT_EQ(t.promises_missed[1], 1);
  EXPECT_EQ(t.promises_kept[1], 1);
  EXPECT_EQ(t.gaps_beyond[1], 1);  // counted under the strictest severity in force
  EXPECT_EQ(t.gaps_within[1], 1);
}

TEST_F(ComplianceTest, DeescalationKeepsTheStricterDeadlineAlreadyPromised) {
  DeclareWithFirstUpdate(Severity::kSev1, At(10, 0), At(10, 30));
  ChangeSeverity(Severity::kSev2, At(10, 5));  // 10:30 still binds; SEV-2 would allow 11:05
  Post(At(10, 45), At(11, 40));

  IncidentCompliance c = Evaluate(At(10, 50));

  EXPECT_THAT(Ledger(c), ElementsAre("10:00:00 promised 10:30:00: missed at 10:45:00, lateness 15m",
                                     "10:45:00 promised 11:40:00: pending, lateness 0"));
  EXPECT_THAT(Gaps(c), ElementsAre("10:00:00..10:45:00 SEV-1 allowed 30m beyond"));
}

TEST_F(ComplianceTest, EscalationFromSev3StartsAPromiseWhereThereWasNone) {
  DeclareWithFirstUpdate(Severity::kSev3, At(9, 0), absl::nullopt);
  ChangeSeverity(Severity::kSev1, At(9, 40));  // promises 10:10
  Post(At(10, 20), At(10, 50));

  IncidentCompliance c = Evaluate(At(10, 30));

  EXPECT_THAT(
      Ledger(c),
      ElementsAre("09:40:00 promised 10:10:00: missed at 10:20:00, lateness 10m, escalation",
                  "10:20:00 promised 10:50:00: pending, lateness 0"));
  EXPECT_THAT(Gaps(c), ElementsAre("09:00:00..10:20:00 SEV-1 allowed 1h10m beyond"));
}

TEST_F(ComplianceTest, EscalationAndUpdateAtTheSameInstantTightenOnlyTheEarlierPromise) {
  DeclareWithFirstUpdate(Severity::kSev2, At(10, 0), At(11, 0));
  ChangeSeverity(Severity::kSev1, At(10, 10));  // 11:00 becomes 10:40 ...
  Post(At(10, 10), At(10, 30));                 // ... answered at once, promising 10:30

  IncidentCompliance c = Evaluate(At(10, 20));

  // The update promised 10:30 itself; the escalation tightened the 11:00 promise.
  EXPECT_THAT(Ledger(c),
              ElementsAre("10:00:00 promised 10:40:00: kept at 10:10:00, lateness -30m, escalation",
                          "10:10:00 promised 10:30:00: pending, lateness 0"));
}

// --- A backdated start -------------------------------------------------------

TEST_F(ComplianceTest, BackdatedConfirmedStartMakesTheFirstCommunicationLate) {
  DeclareWithFirstUpdate(Severity::kSev1, At(14, 0), At(14, 30), /*confirmed_start=*/At(13, 35));

  IncidentCompliance c = Evaluate(At(14, 10));

  ASSERT_TRUE(c.first_communication_delay.has_value());
  EXPECT_EQ(*c.first_communication_delay, absl::Minutes(25));
  EXPECT_TRUE(c.first_communication_late);
  EXPECT_FALSE(c.overdue);  // late, but communicated: nothing is overdue now
  ComplianceTotals t = Summarize({c});
  EXPECT_EQ(t.first_communications[1], 1);
  EXPECT_EQ(t.first_communications_late[1], 1);
}

TEST_F(ComplianceTest, FirstCommunicationExactlyAtTheTargetIsNotLate) {
  DeclareSilently(Severity::kSev2, At(14, 0));
  Post(At(14, 15), At(15, 0));

  IncidentCompliance c = Evaluate(At(14, 20));

  ASSERT_TRUE(c.first_communication_delay.has_value());
  EXPECT_EQ(*c.first_communication_delay, absl::Minutes(15));
  EXPECT_FALSE(c.first_communication_late);
}

// --- A SEV-3 with no cadence --------------------------------------------------

TEST_F(ComplianceTest, Sev3HasNoPromisesAndItsGapsNeverCountAsBeyond) {
  DeclareWithFirstUpdate(Severity::kSev3, At(9, 0), absl::nullopt);
  Post(At(11, 0), absl::nullopt, IncidentState::kIdentified);
  Post(At(15, 0), absl::nullopt, IncidentState::kMonitoring);

  IncidentCompliance c = Evaluate(At(20, 0));

  EXPECT_THAT(c.ledger, IsEmpty());
  EXPECT_THAT(Gaps(c), ElementsAre("09:00:00..11:00:00 SEV-3 allowed none within",
                                   "11:00:00..15:00:00 SEV-3 allowed none within"));
  EXPECT_FALSE(c.overdue);
  ComplianceTotals t = Summarize({c});
  EXPECT_EQ(t.incidents[3], 1);
  EXPECT_EQ(t.gaps_within[3], 0);
  EXPECT_EQ(t.gaps_beyond[3], 0);
  EXPECT_EQ(t.promises_pending[3], 0);
}

TEST_F(ComplianceTest, ResolvedSev3ExpectsNoPostmortem) {
  DeclareWithFirstUpdate(Severity::kSev3, At(9, 0), absl::nullopt);
  Resolve(At(10, 0));

  IncidentCompliance c = Evaluate(At(9, 0) + absl::Hours(24 * 30));

  EXPECT_FALSE(c.postmortem_expected);
  EXPECT_FALSE(c.postmortem_overdue);
  ComplianceTotals t = Summarize({c});
  EXPECT_EQ(t.postmortems_missing[3], 0);
  EXPECT_EQ(t.postmortems_published[3], 0);
}

// --- Overdue now ---------------------------------------------------------------

TEST_F(ComplianceTest, OpenSev1WhosePromisePassedFourMinutesAgoIsOverdue) {
  DeclareWithFirstUpdate(Severity::kSev1, At(14, 0), At(14, 30));

  IncidentCompliance c = Evaluate(At(14, 34));

  EXPECT_TRUE(c.overdue);
  EXPECT_EQ(c.overdue_by, absl::Minutes(4));
  EXPECT_EQ(c.overdue_what, "next update");
  EXPECT_THAT(Ledger(c), ElementsAre("14:00:00 promised 14:30:00: missed, lateness 4m"));
  EXPECT_EQ(DescribePromise(c.ledger[0], At(14, 34)), "promised 14:30 UTC OVERDUE by 4m");
  ComplianceTotals t = Summarize({c});
  EXPECT_EQ(t.overdue_now, 1);
  EXPECT_EQ(t.largest_overdue, absl::Minutes(4));
  EXPECT_EQ(t.promises_missed[1], 1);
}

TEST_F(ComplianceTest, PromisePassedWithinGraceIsStillPendingAndNotOverdue) {
  DeclareWithFirstUpdate(Severity::kSev1, At(14, 0), At(14, 30));

  IncidentCompliance c = Evaluate(At(14, 31));  // due + exactly the 60s grace

  EXPECT_FALSE(c.overdue);
  EXPECT_THAT(Ledger(c), ElementsAre("14:00:00 promised 14:30:00: pending, lateness 0"));
}

TEST_F(ComplianceTest, NeverCommunicatedIncidentIsOverdueForFirstCommunicationAfterTargetAndGrace) {
  DeclareSilently(Severity::kSev1, At(14, 0));

  IncidentCompliance within_grace = Evaluate(At(14, 16));
  EXPECT_FALSE(within_grace.overdue);
  EXPECT_FALSE(within_grace.first_communication_late);

  IncidentCompliance c = Evaluate(At(14, 20));
  EXPECT_TRUE(c.overdue);
  EXPECT_EQ(c.overdue_by, absl::Minutes(5));  // from 14:15, the target
  EXPECT_EQ(c.overdue_what, "first communication");
  EXPECT_TRUE(c.first_communication_late);
  EXPECT_FALSE(c.first_communication_delay.has_value());
  EXPECT_THAT(c.ledger, IsEmpty());
}

TEST_F(ComplianceTest, SummarizeReportsTheLargestOverdueAcrossIncidents) {
  DeclareWithFirstUpdate(Severity::kSev1, At(14, 0), At(14, 30));
  IncidentCompliance four_minutes = Evaluate(At(14, 34));
  IncidentCompliance nineteen_minutes = Evaluate(At(14, 49));
  DeclareWithFirstUpdate(Severity::kSev2, At(14, 0), At(15, 0));
  IncidentCompliance on_time = Evaluate(At(14, 49));

  ComplianceTotals t = Summarize({four_minutes, nineteen_minutes, on_time});

  EXPECT_EQ(t.overdue_now, 2);
  EXPECT_EQ(t.largest_overdue, absl::Minutes(19));
  EXPECT_EQ(t.incidents[1], 2);
  EXPECT_EQ(t.incidents[2], 1);
  EXPECT_EQ(t.promises_pending[2], 1);
}

// --- A restart in the middle ---------------------------------------------------

TEST_F(ComplianceTest, LedgerDerivedFromTheStoredRecordIsTheSameAfterARestart) {
  DeclareWithFirstUpdate(Severity::kSev1, At(14, 0), At(14, 30));
  Post(At(14, 28), At(14, 58));
  Post(At(15, 10), At(15, 40));       // 12 minutes late
  const Incident stored = incident_;  // what PostgreSQL holds when the service restarts
  IncidentCompliance before = Evaluate(At(15, 15));

  // The restarted service reads the same record and the incident goes on.
  incident_ = stored;
  IncidentCompliance reread = Evaluate(At(15, 15));
  Post(At(15, 35), At(16, 5));
  IncidentCompliance after = Evaluate(At(16, 0));

  EXPECT_EQ(Ledger(reread), Ledger(before));
  EXPECT_EQ(Gaps(reread), Gaps(before));
  ASSERT_EQ(before.ledger.size(), 3u);
  ASSERT_EQ(after.ledger.size(), 4u);
  // Everything settled before the restart reads the same after it.
  EXPECT_EQ(Line(after.ledger[0]), Line(before.ledger[0]));
  EXPECT_EQ(Line(after.ledger[1]), Line(before.ledger[1]));
  const std::vector<std::string> gaps_after = Gaps(after);
  ASSERT_EQ(gaps_after.size(), 3u);
  EXPECT_EQ(Gaps(before), std::vector<std::string>(gaps_after.begin(), gaps_after.begin() + 2));
  EXPECT_EQ(after.first_communication_delay, before.first_communication_delay);
  EXPECT_THAT(Ledger(after),
              ElementsAre("14:00:00 promised 14:30:00: kept at 14:28:00, lateness -2m",
                          "14:28:00 promised 14:58:00: missed at 15:10:00, lateness 12m",
                          "15:10:00 promised 15:40:00: kept at 15:35:00, lateness -5m",
                          "15:35:00 promised 16:05:00: pending, lateness 0"));
}

TEST_F(ComplianceTest, PromiseMissedBeforeARestartStaysMissedWhenAnsweredAfterIt) {
  DeclareWithFirstUpdate(Severity::kSev1, At(14, 0), At(14, 30));
  IncidentCompliance during_outage = Evaluate(At(14, 40));
  const Incident stored = incident_;

  incident_ = stored;
  Post(At(14, 45), At(15, 15));
  IncidentCompliance after = Evaluate(At(14, 50));

  EXPECT_THAT(Ledger(during_outage),
              ElementsAre("14:00:00 promised 14:30:00: missed, lateness 10m"));
  EXPECT_TRUE(during_outage.overdue);
  EXPECT_EQ(Line(after.ledger[0]), "14:00:00 promised 14:30:00: missed at 14:45:00, lateness 15m");
  EXPECT_FALSE(after.overdue);
}

// --- Resolution and postmortem -------------------------------------------------

TEST_F(ComplianceTest, ResolutionUpdateAnswersTheStandingPromiseAndEndsOverdue) {
  DeclareWithFirstUpdate(Severity::kSev1, At(14, 0), At(14, 30));
  Resolve(At(14, 20));

  IncidentCompliance c = Evaluate(At(18, 0));

  EXPECT_FALSE(c.open);
  EXPECT_EQ(c.state, IncidentState::kResolved);
  EXPECT_TRUE(c.has_resolution_update);
  EXPECT_THAT(Ledger(c),
              ElementsAre("14:00:00 promised 14:30:00: kept at 14:20:00, lateness -10m"));
  EXPECT_THAT(Gaps(c), ElementsAre("14:00:00..14:20:00 SEV-1 allowed 30m within"));
  EXPECT_FALSE(c.overdue);
  ComplianceTotals t = Summarize({c});
  EXPECT_EQ(t.resolved_without_resolution_update, 0);
  EXPECT_EQ(t.overdue_now, 0);
}

TEST_F(ComplianceTest, LateResolutionStillMissesTheStandingPromise) {
  DeclareWithFirstUpdate(Severity::kSev1, At(14, 0), At(14, 30));
  Resolve(At(14, 45));

  IncidentCompliance c = Evaluate(At(18, 0));

  EXPECT_THAT(Ledger(c),
              ElementsAre("14:00:00 promised 14:30:00: missed at 14:45:00, lateness 15m"));
  EXPECT_FALSE(c.overdue);
}

TEST_F(ComplianceTest, ResolvedIncidentWithoutResolutionUpdateIsCounted) {
  // An imported record: resolved, but no resolution message was ever posted.
  DeclareWithFirstUpdate(Severity::kSev2, At(14, 0), At(15, 0));
  incident_.state = IncidentState::kResolved;
  incident_.resolved_at = At(14, 50);

  IncidentCompliance c = Evaluate(At(16, 0));

  EXPECT_FALSE(c.has_resolution_update);
  EXPECT_EQ(Summarize({c}).resolved_without_resolution_update, 1);
}

TEST_F(ComplianceTest, ResolvedSev1WithoutPostmortemIsOverdueOnlyAfterTheDueTime) {
  DeclareWithFirstUpdate(Severity::kSev1, At(14, 0), At(14, 30));
  Resolve(At(14, 20));
  const absl::Time due = At(14, 20) + ComplianceOptions{}.postmortem_due;

  IncidentCompliance in_time = Evaluate(due);
  EXPECT_TRUE(in_time.postmortem_expected);
  EXPECT_FALSE(in_time.postmortem_published);
  EXPECT_FALSE(in_time.postmortem_overdue);
  EXPECT_EQ(Summarize({in_time}).postmortems_missing[1], 0);

  IncidentCompliance late = Evaluate(due + absl::Seconds(1));
  EXPECT_TRUE(late.postmortem_overdue);
  EXPECT_EQ(Summarize({late}).postmortems_missing[1], 1);
}

TEST_F(ComplianceTest, PostmortemDueFollowsTheOptions) {
  DeclareWithFirstUpdate(Severity::kSev2, At(14, 0), At(15, 0));
  Resolve(At(14, 20));
  ComplianceOptions two_days;
  two_days.postmortem_due = absl::Hours(48);

  EXPECT_FALSE(Evaluate(At(14, 20) + absl::Hours(47), two_days).postmortem_overdue);
  IncidentCompliance c = Evaluate(At(14, 20) + absl::Hours(49), two_days);
  EXPECT_TRUE(c.postmortem_overdue);
  EXPECT_EQ(Summarize({c}).postmortems_missing[2], 1);
}

TEST_F(ComplianceTest, PublishedPostmortemCountsAsPublishedAndNeverOverdue) {
  DeclareWithFirstUpdate(Severity::kSev1, At(14, 0), At(14, 30));
  Resolve(At(14, 20));
  PublishPostmortem(At(14, 20) + absl::Hours(24 * 2));

  IncidentCompliance c = Evaluate(At(14, 20) + absl::Hours(24 * 10));

  EXPECT_TRUE(c.postmortem_expected);
  EXPECT_TRUE(c.postmortem_published);
  EXPECT_FALSE(c.postmortem_overdue);
  ComplianceTotals t = Summarize({c});
  EXPECT_EQ(t.postmortems_published[1], 1);
  EXPECT_EQ(t.postmortems_missing[1], 0);
}

// --- Reopen --------------------------------------------------------------------

TEST_F(ComplianceTest, ReopenTracksANewPromiseAndTheClosedPeriodIsNoGap) {
  DeclareWithFirstUpdate(Severity::kSev1, At(14, 0), At(14, 30));
  Resolve(At(14, 20));
  Reopen(At(16, 0), At(16, 30));

  IncidentCompliance c = Evaluate(At(16, 10));

  EXPECT_TRUE(c.open);
  EXPECT_FALSE(c.postmortem_expected);
  EXPECT_THAT(Ledger(c), ElementsAre("14:00:00 promised 14:30:00: kept at 14:20:00, lateness -10m",
                                     "16:00:00 promised 16:30:00: pending, lateness 0"));
  EXPECT_THAT(Gaps(c), ElementsAre("14:00:00..14:20:00 SEV-1 allowed 30m within",
                                   "14:20:00..16:00:00 SEV-1 allowed none within"));
  EXPECT_EQ(Summarize({c}).gaps_beyond[1], 0);
}

TEST_F(ComplianceTest, ReopenedIncidentBecomesOverdueWhenItsNewPromisePasses) {
  DeclareWithFirstUpdate(Severity::kSev1, At(14, 0), At(14, 30));
  Resolve(At(14, 20));
  Reopen(At(16, 0), At(16, 30));

  IncidentCompliance c = Evaluate(At(16, 35));

  EXPECT_TRUE(c.overdue);
  EXPECT_EQ(c.overdue_by, absl::Minutes(5));
  EXPECT_EQ(c.overdue_what, "next update");
}

// --- DescribePromise -----------------------------------------------------------

PromiseEntry Promise(absl::Time due, PromiseStatus status,
                     absl::optional<absl::Time> kept_at = absl::nullopt) {
  PromiseEntry p;
  p.made_at = due - absl::Minutes(30);
  p.due = due;
  p.status = status;
  p.kept_at = kept_at;
  if (kept_at) p.lateness = *kept_at - due;
  return p;
}

TEST(DescribePromiseTest, KeptPromiseShowsPromisedAndPostedTimes) {
  EXPECT_EQ(DescribePromise(Promise(At(14, 30), PromiseStatus::kKept, At(14, 28)), At(15, 0)),
            "promised 14:30 UTC, posted 14:28 UTC");
}

TEST(DescribePromiseTest, MissedPromiseAnsweredLateShowsThePostAndHowLate) {
  // The format documented in compliance.h: "... MISSED (posted 14:41 UTC, 11m late)".
  EXPECT_EQ(DescribePromise(Promise(At(15, 0), PromiseStatus::kMissed, At(15, 12)), At(16, 0)),
            "promised 15:00 UTC MISSED (posted 15:12 UTC, 12m late)");
}

TEST(DescribePromiseTest, MissedPromiseNotYetAnsweredIsOverdueByTheTimeSinceDue) {
  PromiseEntry p = Promise(At(14, 30), PromiseStatus::kMissed);
  EXPECT_EQ(DescribePromise(p, At(14, 34)), "promised 14:30 UTC OVERDUE by 4m");
  EXPECT_EQ(DescribePromise(p, At(16, 0)), "promised 14:30 UTC OVERDUE by 1h30m");
}

TEST(DescribePromiseTest, PendingPromiseSaysWhenItIsDue) {
  PromiseEntry p = Promise(At(14, 30), PromiseStatus::kPending);
  EXPECT_EQ(DescribePromise(p, At(14, 18)), "promised 14:30 UTC, due in 12m");
  EXPECT_EQ(DescribePromise(p, At(14, 30, 20)), "promised 14:30 UTC, due 20s ago (within grace)");
  // Durations are rounded to the nearest minute from 30 seconds on.
  EXPECT_EQ(DescribePromise(p, At(14, 30, 45)), "promised 14:30 UTC, due 1m ago (within grace)");
}

TEST(DescribePromiseTest, PromiseTightenedByEscalationSaysSo) {
  PromiseEntry p = Promise(At(10, 40), PromiseStatus::kPending);
  p.from_escalation = true;
  EXPECT_EQ(DescribePromise(p, At(10, 20)),
            "promised 10:40 UTC, due in 20m (tightened by escalation)");
}

TEST(PromiseStatusNameTest, NamesEachStatus) {
  EXPECT_STREQ(PromiseStatusName(PromiseStatus::kPending), "pending");
  EXPECT_STREQ(PromiseStatusName(PromiseStatus::kKept), "kept");
  EXPECT_STREQ(PromiseStatusName(PromiseStatus::kMissed), "missed");
}

}  // namespace
}  // namespace statuscast
