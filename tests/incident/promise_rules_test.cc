// IncidentRules::ApplyUpdate and the next-update promise: when one is
// needed, how far it may reach, the first communication, and whether an
// update kept the promise standing.
#include "tests/incident/incident_rules_fixture.h"

namespace statuscast::incident_testing {
namespace {

// ---------------------------------------------------------------------------
// ApplyUpdate: the next-update promise

TEST_F(IncidentRulesTest, Sev1PromiseMayReachExactlyThirtyMinutesAhead) {
  Incident inc = Declared(Severity::kSev1);
  clock_.Advance(absl::Minutes(10));
  absl::StatusOr<Update> u = rules_.ApplyUpdate(
      inc, Draft(IncidentState::kIdentified, Now() + absl::Minutes(30)), {}, "bob", Now());
  ASSERT_TRUE(u.ok()) << u.status();
  EXPECT_EQ(inc.next_update_at, Now() + absl::Minutes(30));
}

TEST_F(IncidentRulesTest, Sev1PromiseOneSecondBeyondThirtyMinutesIsRejected) {
  Incident inc = Declared(Severity::kSev1);
  const Incident before = inc;
  clock_.Advance(absl::Minutes(10));
  absl::StatusOr<Update> u = rules_.ApplyUpdate(
      inc, Draft(IncidentState::kIdentified, Now() + absl::Minutes(30) + absl::Seconds(1)), {},
      "bob", Now());
  EXPECT_TRUE(IsError(u, absl::StatusCode::kInvalidArgument,
                      "update.next_update_at: is beyond the SEV-1 cadence of 30m: promise "
                      "2026-11-27 14:40:00 UTC or earlier"));
  EXPECT_TRUE(HasFieldViolation(u, "update.next_update_at", "is beyond the SEV-1 cadence"));
  ExpectUnchanged(before, inc);
}

TEST_F(IncidentRulesTest, PromiseOfNowIsNotInTheFuture) {
  Incident inc = Declared(Severity::kSev1);
  const Incident before = inc;
  clock_.Advance(absl::Minutes(10));
  absl::StatusOr<Update> u =
      rules_.ApplyUpdate(inc, Draft(IncidentState::kIdentified, Now()), {}, "bob", Now());
  EXPECT_TRUE(IsError(u, absl::StatusCode::kInvalidArgument,
                      "update.next_update_at: must be in the future (it is 2026-11-27 14:10:00 "
                      "UTC, now is 2026-11-27 14:10:00 UTC)"));
  ExpectUnchanged(before, inc);
}

TEST_F(IncidentRulesTest, PromiseInThePastIsRejected) {
  Incident inc = Declared(Severity::kSev2);
  clock_.Advance(absl::Minutes(10));
  absl::StatusOr<Update> u = rules_.ApplyUpdate(
      inc, Draft(IncidentState::kIdentified, Now() - absl::Minutes(1)), {}, "bob", Now());
  EXPECT_TRUE(HasFieldViolation(u, "update.next_update_at",
                                "must be in the future (it is 2026-11-27 14:09:00 UTC, now is "
                                "2026-11-27 14:10:00 UTC)"));
}

TEST_F(IncidentRulesTest, Sev1UpdateWithoutAPromiseIsRejected) {
  Incident inc = Declared(Severity::kSev1);
  const Incident before = inc;
  absl::StatusOr<Update> u =
      rules_.ApplyUpdate(inc, Draft(IncidentState::kIdentified, absl::nullopt), {}, "bob", Now());
  EXPECT_TRUE(IsError(u, absl::StatusCode::kInvalidArgument,
                      "update.next_update_at: is required for SEV-1: promise the next update "
                      "within 30m, or set use_default_next_update to have the server promise it"));
  ExpectUnchanged(before, inc);
}

TEST_F(IncidentRulesTest, Sev2PromiseMayReachExactlySixtyMinutesAhead) {
  Incident inc = Declared(Severity::kSev2);
  clock_.Advance(absl::Minutes(10));
  absl::StatusOr<Update> u = rules_.ApplyUpdate(
      inc, Draft(IncidentState::kIdentified, Now() + absl::Minutes(60)), {}, "bob", Now());
  ASSERT_TRUE(u.ok()) << u.status();
  EXPECT_EQ(inc.next_update_at, Now() + absl::Minutes(60));
}

TEST_F(IncidentRulesTest, Sev2PromiseOneSecondBeyondSixtyMinutesIsRejected) {
  Incident inc = Declared(Severity::kSev2);
  clock_.Advance(absl::Minutes(10));
  absl::StatusOr<Update> u = rules_.ApplyUpdate(
      inc, Draft(IncidentState::kIdentified, Now() + absl::Minutes(60) + absl::Seconds(1)), {},
      "bob", Now());
  EXPECT_TRUE(IsError(u, absl::StatusCode::kInvalidArgument,
                      "update.next_update_at: is beyond the SEV-2 cadence of 1h: promise "
                      "2026-11-27 15:10:00 UTC or earlier"));
}

TEST_F(IncidentRulesTest, Sev2UpdateWithoutAPromiseIsRejected) {
  Incident inc = Declared(Severity::kSev2);
  absl::StatusOr<Update> u =
      rules_.ApplyUpdate(inc, Draft(IncidentState::kIdentified, absl::nullopt), {}, "bob", Now());
  EXPECT_TRUE(HasFieldViolation(u, "update.next_update_at",
                                "is required for SEV-2: promise the next update within 1h"));
}

TEST_F(IncidentRulesTest, Sev3UpdateMustNotPromise) {
  Incident inc = Declared(Severity::kSev3);
  const Incident before = inc;
  absl::StatusOr<Update> u = rules_.ApplyUpdate(
      inc, Draft(IncidentState::kIdentified, Now() + absl::Minutes(10)), {}, "bob", Now());
  EXPECT_TRUE(IsError(u, absl::StatusCode::kInvalidArgument,
                      "update.next_update_at: must be unset for SEV-3: it has no fixed cadence "
                      "(updates come on state change)"));
  ExpectUnchanged(before, inc);
}

TEST_F(IncidentRulesTest, PromiseLimitComesFromThePolicy) {
  CadencePolicy policy;
  policy.sev1_interval = absl::Minutes(10);
  IncidentRules rules(policy, InputLimits());
  Incident inc = Declared(Severity::kSev3);
  inc.severity = Severity::kSev1;
  absl::StatusOr<Update> u = rules.ApplyUpdate(
      inc, Draft(IncidentState::kIdentified, Now() + absl::Minutes(11)), {}, "bob", Now());
  EXPECT_TRUE(HasFieldViolation(u, "update.next_update_at",
                                "is beyond the SEV-1 cadence of 10m: promise 2026-11-27 14:10:00 "
                                "UTC or earlier"));
  EXPECT_TRUE(rules
                  .ApplyUpdate(inc, Draft(IncidentState::kIdentified, Now() + absl::Minutes(10)),
                               {}, "bob", Now())
                  .ok());
}

// ---------------------------------------------------------------------------
// ApplyUpdate: first communication, kinds and kept promises

TEST_F(IncidentRulesTest, FirstUpdateAfterASilentDeclareIsTheFirstCommunication) {
  Incident inc = Silent(Severity::kSev1);
  clock_.Advance(absl::Minutes(8));
  absl::StatusOr<Update> u = rules_.ApplyUpdate(
      inc, Draft(IncidentState::kUnspecified, Now() + absl::Minutes(30)), {}, "bob", Now());
  ASSERT_TRUE(u.ok()) << u.status();
  EXPECT_EQ(u->kind, UpdateKind::kFirst);
  EXPECT_EQ(u->kept_promise, PromiseOutcome::kNone);
  EXPECT_EQ(inc.first_communication_at, Now());
  EXPECT_EQ(*inc.first_communication_at - inc.confirmed_start, absl::Minutes(8));

  clock_.Advance(absl::Minutes(20));
  absl::StatusOr<Update> second = rules_.ApplyUpdate(
      inc, Draft(IncidentState::kIdentified, Now() + absl::Minutes(30)), {}, "bob", Now());
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->kind, UpdateKind::kProgress);
  EXPECT_EQ(inc.first_communication_at, kStart + absl::Minutes(8));
}

TEST_F(IncidentRulesTest, AFirstUpdateIsFirstEvenWhenMarkedNoProgress) {
  Incident inc = Silent(Severity::kSev3);
  UpdateDraft d = Draft(IncidentState::kUnspecified, absl::nullopt);
  d.no_progress = true;
  absl::StatusOr<Update> u = rules_.ApplyUpdate(inc, d, {}, "bob", Now());
  ASSERT_TRUE(u.ok()) << u.status();
  EXPECT_EQ(u->kind, UpdateKind::kFirst);
}

TEST_F(IncidentRulesTest, NoProgressUpdateIsRecordedAsSuch) {
  Incident inc = Declared(Severity::kSev1);
  clock_.Advance(absl::Minutes(15));
  UpdateDraft d = Draft(IncidentState::kUnspecified, Now() + absl::Minutes(30));
  d.no_progress = true;
  absl::StatusOr<Update> u = rules_.ApplyUpdate(inc, d, {}, "bob", Now());
  ASSERT_TRUE(u.ok()) << u.status();
  EXPECT_EQ(u->kind, UpdateKind::kNoProgress);
  EXPECT_EQ(inc.state, IncidentState::kInvestigating);
  EXPECT_EQ(inc.next_update_at, Now() + absl::Minutes(30));
}

TEST_F(IncidentRulesTest, UpdateBeforeThePromiseKeepsIt) {
  Incident inc = Declared(Severity::kSev1);  // promised kStart + 20m
  clock_.Advance(absl::Minutes(19));
  absl::StatusOr<Update> u = rules_.ApplyUpdate(
      inc, Draft(IncidentState::kUnspecified, Now() + absl::Minutes(30)), {}, "bob", Now());
  ASSERT_TRUE(u.ok()) << u.status();
  EXPECT_EQ(u->kept_promise, PromiseOutcome::kKept);
}

TEST_F(IncidentRulesTest, UpdateWithinTheGraceStillKeepsThePromise) {
  Incident inc = Declared(Severity::kSev1);  // promised kStart + 20m, grace 60s
  clock_.Set(kStart + absl::Minutes(21));
  absl::StatusOr<Update> u = rules_.ApplyUpdate(
      inc, Draft(IncidentState::kUnspecified, Now() + absl::Minutes(30)), {}, "bob", Now());
  ASSERT_TRUE(u.ok()) << u.status();
  EXPECT_EQ(u->kept_promise, PromiseOutcome::kKept);
}

TEST_F(IncidentRulesTest, UpdateAfterTheGraceIsLate) {
  Incident inc = Declared(Severity::kSev1);  // promised kStart + 20m, grace 60s
  clock_.Set(kStart + absl::Minutes(21) + absl::Seconds(1));
  absl::StatusOr<Update> u = rules_.ApplyUpdate(
      inc, Draft(IncidentState::kUnspecified, Now() + absl::Minutes(30)), {}, "bob", Now());
  ASSERT_TRUE(u.ok()) << u.status();
  EXPECT_EQ(u->kept_promise, PromiseOutcome::kLate);
  EXPECT_EQ(inc.next_update_at, Now() + absl::Minutes(30)) << "a late update makes a new promise";
}

TEST_F(IncidentRulesTest, BannerOnlyUpdateNeitherKeepsNorMovesThePromise) {
  Incident inc = Declared(Severity::kSev1);  // promised kStart + 20m
  const absl::optional<absl::Time> promised = inc.next_update_at;
  clock_.Advance(absl::Minutes(10));
  UpdateDraft d = Draft(IncidentState::kUnspecified, Now() + absl::Minutes(30));
  d.channels = {Channel::kInAppBanner};
  absl::StatusOr<Update> u = rules_.ApplyUpdate(inc, d, {}, "bob", Now());
  ASSERT_TRUE(u.ok()) << u.status();
  EXPECT_EQ(u->kept_promise, PromiseOutcome::kNone);
  EXPECT_EQ(inc.next_update_at, promised);
}

TEST_F(IncidentRulesTest, BannerOnlyUpdateNeedNotStateAPromise) {
  Incident inc = Declared(Severity::kSev1);
  clock_.Advance(absl::Minutes(10));
  UpdateDraft d = Draft(IncidentState::kUnspecified, absl::nullopt);
  d.channels = {Channel::kInAppBanner};
  absl::StatusOr<Update> u = rules_.ApplyUpdate(inc, d, {}, "bob", Now());
  ASSERT_TRUE(u.ok()) << u.status();
  EXPECT_EQ(inc.next_update_at, kStart + absl::Minutes(20));
}

TEST_F(IncidentRulesTest, BannerOnlyUpdateStatingAPromiseBeyondTheCadenceIsStillRefused) {
  Incident inc = Declared(Severity::kSev1);
  UpdateDraft d = Draft(IncidentState::kUnspecified, Now() + absl::Hours(2));
  d.channels = {Channel::kInAppBanner};
  absl::StatusOr<Update> u = rules_.ApplyUpdate(inc, d, {}, "bob", Now());
  EXPECT_EQ(u.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(u.status().message(),
                                "update.next_update_at: is beyond the SEV-1 cadence of 30m"))
      << u.status();
}

TEST_F(IncidentRulesTest, UpdateWithNoStandingPromiseHasNoOutcome) {
  Incident inc = Declared(Severity::kSev3);
  clock_.Advance(absl::Hours(5));
  absl::StatusOr<Update> u =
      rules_.ApplyUpdate(inc, Draft(IncidentState::kIdentified, absl::nullopt), {}, "bob", Now());
  ASSERT_TRUE(u.ok()) << u.status();
  EXPECT_EQ(u->kept_promise, PromiseOutcome::kNone);
}

TEST_F(IncidentRulesTest, GraceComesFromThePolicy) {
  CadencePolicy policy;
  policy.promise_grace = absl::ZeroDuration();
  IncidentRules rules(policy, InputLimits());
  Incident inc = Declared(Severity::kSev1);  // promised kStart + 20m
  clock_.Set(kStart + absl::Minutes(20) + absl::Seconds(1));
  absl::StatusOr<Update> u = rules.ApplyUpdate(
      inc, Draft(IncidentState::kUnspecified, Now() + absl::Minutes(30)), {}, "bob", Now());
  ASSERT_TRUE(u.ok()) << u.status();
  EXPECT_EQ(u->kept_promise, PromiseOutcome::kLate);
}

}  // namespace
}  // namespace statuscast::incident_testing
