// IncidentRules: which state changes are allowed, and Declare.
#include "tests/incident/incident_rules_fixture.h"

namespace statuscast::incident_testing {
namespace {

// ---------------------------------------------------------------------------
// IsAllowedTransition

TEST(IsAllowedTransitionTest, EveryPairOfStatesFollowsTheForwardRule) {
  using S = IncidentState;
  const S kAll[] = {S::kInvestigating, S::kIdentified, S::kMonitoring, S::kResolved};
  // allowed[from][to], in the order above.
  const bool allowed[4][4] = {
      /* investigating */ {true, true, true, true},
      /* identified    */ {false, true, true, true},
      /* monitoring    */ {false, true, true, true},
      /* resolved      */ {false, false, false, false},
  };
  for (int f = 0; f < 4; ++f) {
    for (int t = 0; t < 4; ++t) {
      EXPECT_EQ(IncidentRules::IsAllowedTransition(kAll[f], kAll[t]), allowed[f][t])
          << StateName(kAll[f]) << " -> " << StateName(kAll[t]);
    }
  }
}

TEST(IsAllowedTransitionTest, ForwardStepsAndSkipsAreAllowed) {
  using S = IncidentState;
  EXPECT_TRUE(IncidentRules::IsAllowedTransition(S::kInvestigating, S::kIdentified));
  EXPECT_TRUE(IncidentRules::IsAllowedTransition(S::kIdentified, S::kMonitoring));
  EXPECT_TRUE(IncidentRules::IsAllowedTransition(S::kMonitoring, S::kResolved));
  EXPECT_TRUE(IncidentRules::IsAllowedTransition(S::kInvestigating, S::kMonitoring));
  EXPECT_TRUE(IncidentRules::IsAllowedTransition(S::kInvestigating, S::kResolved));
  EXPECT_TRUE(IncidentRules::IsAllowedTransition(S::kIdentified, S::kResolved));
}

TEST(IsAllowedTransitionTest, MonitoringMayFallBackToIdentifiedWhenAFixFails) {
  EXPECT_TRUE(
      IncidentRules::IsAllowedTransition(IncidentState::kMonitoring, IncidentState::kIdentified));
}

TEST(IsAllowedTransitionTest, NoOtherBackwardMove) {
  using S = IncidentState;
  EXPECT_FALSE(IncidentRules::IsAllowedTransition(S::kIdentified, S::kInvestigating));
  EXPECT_FALSE(IncidentRules::IsAllowedTransition(S::kMonitoring, S::kInvestigating));
}

TEST(IsAllowedTransitionTest, ResolvedIsFrozenEvenToItself) {
  using S = IncidentState;
  for (S to : {S::kInvestigating, S::kIdentified, S::kMonitoring, S::kResolved}) {
    EXPECT_FALSE(IncidentRules::IsAllowedTransition(S::kResolved, to)) << StateName(to);
  }
}

TEST(IsAllowedTransitionTest, AValueThatIsNoStateIsNeverATarget) {
  using S = IncidentState;
  for (S from : {S::kInvestigating, S::kIdentified, S::kMonitoring}) {
    EXPECT_FALSE(IncidentRules::IsAllowedTransition(from, S::kUnspecified)) << StateName(from);
    EXPECT_FALSE(IncidentRules::IsAllowedTransition(from, static_cast<S>(42))) << StateName(from);
  }
}

// ---------------------------------------------------------------------------
// Declare

TEST_F(IncidentRulesTest, DeclareWithoutAnUpdateStartsInvestigatingAndSilent) {
  clock_.Advance(absl::Minutes(3));
  DeclareInput in = Input(Severity::kSev1);
  in.affected.push_back({"payments-api", ComponentStatus::kUnspecified});
  absl::optional<Update> first = Update();  // must be reset
  absl::StatusOr<Incident> inc = rules_.Declare(in, Now(), &first);
  ASSERT_TRUE(inc.ok()) << inc.status();
  EXPECT_FALSE(first.has_value());
  EXPECT_EQ(inc->ref, "");
  EXPECT_EQ(inc->id, 0);
  EXPECT_EQ(inc->title, "Checkout failing");
  EXPECT_EQ(inc->severity, Severity::kSev1);
  EXPECT_EQ(inc->state, IncidentState::kInvestigating);
  EXPECT_EQ(inc->version, 1);
  EXPECT_EQ(inc->reopen_count, 0);
  EXPECT_EQ(inc->declared_at, Now());
  EXPECT_EQ(inc->updated_at, Now());
  EXPECT_EQ(inc->investigating_at, Now());
  EXPECT_EQ(inc->confirmed_start, Now()) << "no confirmed start means now";
  EXPECT_EQ(inc->first_communication_at, absl::nullopt);
  EXPECT_EQ(inc->next_update_at, absl::nullopt);
  EXPECT_EQ(inc->resolved_at, absl::nullopt);
  ASSERT_EQ(inc->affected.size(), 2u);
  EXPECT_EQ(inc->affected[0].status, ComponentStatus::kMajorOutage);
  EXPECT_EQ(inc->affected[1].status, ComponentStatus::kPartialOutage)
      << "an unspecified component status defaults to partial outage";
}

TEST_F(IncidentRulesTest, DeclareWithAFirstUpdateRecordsTheFirstCommunication) {
  DeclareInput in = Input(Severity::kSev1);
  in.confirmed_start = kStart - absl::Minutes(12);
  in.first_update = Draft(IncidentState::kUnspecified, Now() + absl::Minutes(30));
  absl::optional<Update> first;
  absl::StatusOr<Incident> inc = rules_.Declare(in, Now(), &first);
  ASSERT_TRUE(inc.ok()) << inc.status();
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->kind, UpdateKind::kFirst);
  EXPECT_EQ(first->state, IncidentState::kInvestigating) << "unspecified means investigating";
  EXPECT_EQ(first->message, kMessage);
  EXPECT_EQ(first->banner_text, "Checkouts are failing for some customers.");
  EXPECT_EQ(first->posted_at, Now());
  EXPECT_EQ(first->next_update_at, Now() + absl::Minutes(30));
  EXPECT_EQ(first->author, "alice");
  EXPECT_EQ(first->severity, Severity::kSev1);
  EXPECT_EQ(first->kept_promise, PromiseOutcome::kNone);
  EXPECT_EQ(inc->first_communication_at, Now());
  EXPECT_EQ(*inc->first_communication_at - inc->confirmed_start, absl::Minutes(12));
  EXPECT_EQ(inc->next_update_at, Now() + absl::Minutes(30));
  EXPECT_EQ(inc->state, IncidentState::kInvestigating);
}

TEST_F(IncidentRulesTest, DeclareMayOpenAtIdentifiedOrMonitoring) {
  for (IncidentState st : {IncidentState::kIdentified, IncidentState::kMonitoring}) {
    DeclareInput in = Input(Severity::kSev2);
    in.first_update = Draft(st, Now() + absl::Minutes(60));
    absl::optional<Update> first;
    absl::StatusOr<Incident> inc = rules_.Declare(in, Now(), &first);
    ASSERT_TRUE(inc.ok()) << inc.status();
    EXPECT_EQ(inc->state, st);
    ASSERT_TRUE(first.has_value());
    EXPECT_EQ(first->state, st);
    if (st == IncidentState::kIdentified) {
      EXPECT_EQ(inc->identified_at, Now());
    } else {
      EXPECT_EQ(inc->monitoring_at, Now());
    }
  }
}

TEST_F(IncidentRulesTest, DeclareCannotOpenResolved) {
  DeclareInput in = Input(Severity::kSev3);
  in.first_update = Draft(IncidentState::kResolved, absl::nullopt);
  absl::optional<Update> first;
  EXPECT_TRUE(HasFieldViolation(rules_.Declare(in, Now(), &first), "first_update.state",
                                "cannot be resolved: declare, then resolve"));
}

TEST_F(IncidentRulesTest, DeclareRejectsAnUnknownFirstUpdateState) {
  DeclareInput in = Input(Severity::kSev3);
  in.first_update = Draft(static_cast<IncidentState>(42), absl::nullopt);
  absl::optional<Update> first;
  EXPECT_TRUE(HasFieldViolation(rules_.Declare(in, Now(), &first), "first_update.state",
                                "must be investigating, identified or monitoring"));
}

TEST_F(IncidentRulesTest, DeclareFirstUpdateNeedsAMessage) {
  for (const char* message : {"", "   \n "}) {
    DeclareInput in = Input(Severity::kSev3);
    in.first_update = Draft(IncidentState::kInvestigating, absl::nullopt);
    in.first_update->message = message;
    absl::optional<Update> first;
    EXPECT_TRUE(
        HasFieldViolation(rules_.Declare(in, Now(), &first), "first_update.message", "is required"))
        << "message \"" << message << "\"";
  }
}

TEST_F(IncidentRulesTest, DeclareSev1FirstUpdateMustPromiseTheNextOne) {
  DeclareInput in = Input(Severity::kSev1);
  in.first_update = Draft(IncidentState::kInvestigating, absl::nullopt);
  absl::optional<Update> first;
  absl::StatusOr<Incident> inc = rules_.Declare(in, Now(), &first);
  EXPECT_TRUE(HasFieldViolation(inc, "first_update.next_update_at",
                                "is required for SEV-1: promise the next update within 30m"));
  EXPECT_EQ(inc.status().message(),
            "first_update.next_update_at: is required for SEV-1: promise the next update within "
            "30m, or set use_default_next_update to have the server promise it");
}

TEST_F(IncidentRulesTest, DeclareSev3FirstUpdateMustNotPromise) {
  DeclareInput in = Input(Severity::kSev3);
  in.first_update = Draft(IncidentState::kInvestigating, Now() + absl::Minutes(10));
  absl::optional<Update> first;
  EXPECT_TRUE(HasFieldViolation(rules_.Declare(in, Now(), &first), "first_update.next_update_at",
                                "must be unset for SEV-3: it has no fixed cadence"));
}

TEST_F(IncidentRulesTest, DeclareSev3FirstUpdateWithoutPromiseLeavesNoneStanding) {
  DeclareInput in = Input(Severity::kSev3);
  in.first_update = Draft(IncidentState::kInvestigating, absl::nullopt);
  absl::optional<Update> first;
  absl::StatusOr<Incident> inc = rules_.Declare(in, Now(), &first);
  ASSERT_TRUE(inc.ok()) << inc.status();
  EXPECT_EQ(inc->next_update_at, absl::nullopt);
  EXPECT_EQ(inc->first_communication_at, Now());
}

TEST_F(IncidentRulesTest, DeclareRejectsAConfirmedStartInTheFuture) {
  DeclareInput in = Input(Severity::kSev2);
  in.confirmed_start = Now() + absl::Seconds(1);
  absl::optional<Update> first;
  absl::StatusOr<Incident> inc = rules_.Declare(in, Now(), &first);
  EXPECT_TRUE(IsError(inc, absl::StatusCode::kInvalidArgument,
                      "confirmed_start: is in the future (2026-11-27 14:00:01 UTC); the confirmed "
                      "start is when the issue was confirmed real, now or earlier"));
  EXPECT_TRUE(HasFieldViolation(inc, "confirmed_start", "is in the future"));
}

TEST_F(IncidentRulesTest, DeclareAcceptsABackdatedConfirmedStart) {
  DeclareInput in = Input(Severity::kSev2);
  in.confirmed_start = Now() - absl::Hours(3);
  absl::optional<Update> first;
  absl::StatusOr<Incident> inc = rules_.Declare(in, Now(), &first);
  ASSERT_TRUE(inc.ok()) << inc.status();
  EXPECT_EQ(inc->confirmed_start, Now() - absl::Hours(3));
  EXPECT_EQ(inc->declared_at, Now());
}

TEST_F(IncidentRulesTest, DeclareAcceptsAConfirmedStartExactlyNow) {
  DeclareInput in = Input(Severity::kSev2);
  in.confirmed_start = Now();
  absl::optional<Update> first;
  EXPECT_TRUE(rules_.Declare(in, Now(), &first).ok());
}

TEST_F(IncidentRulesTest, DeclareBackdatesUpToTheLimitButNoFurther) {
  const absl::Duration max = rules_.limits().max_backdate;
  DeclareInput in = Input(Severity::kSev2);
  absl::optional<Update> first;

  in.confirmed_start = Now() - max;
  EXPECT_TRUE(rules_.Declare(in, Now(), &first).ok());

  in.confirmed_start = Now() - max - absl::Seconds(1);
  absl::StatusOr<Incident> inc = rules_.Declare(in, Now(), &first);
  EXPECT_TRUE(IsError(inc, absl::StatusCode::kInvalidArgument,
                      "confirmed_start: is more than 720h ago; check the date"));
  EXPECT_TRUE(HasFieldViolation(inc, "confirmed_start", "is more than 720h ago"));
}

TEST_F(IncidentRulesTest, DeclareNeedsATitle) {
  DeclareInput in = Input(Severity::kSev2);
  absl::optional<Update> first;
  for (const char* title : {"", "  \t "}) {
    in.title = title;
    EXPECT_TRUE(HasFieldViolation(rules_.Declare(in, Now(), &first), "title", "is required"));
  }
}

TEST_F(IncidentRulesTest, DeclareBoundsTheTitleInBytes) {
  DeclareInput in = Input(Severity::kSev2);
  absl::optional<Update> first;
  in.title = std::string(200, 't');
  EXPECT_TRUE(rules_.Declare(in, Now(), &first).ok());
  in.title = std::string(201, 't');
  EXPECT_TRUE(HasFieldViolation(rules_.Declare(in, Now(), &first), "title",
                                "is 201 bytes; the limit is 200"));
  // 67 three-byte characters: 201 bytes though only 67 characters.
  in.title.clear();
  for (int i = 0; i < 67; ++i) in.title += "東";
  EXPECT_TRUE(HasFieldViolation(rules_.Declare(in, Now(), &first), "title",
                                "is 201 bytes; the limit is 200"));
}

TEST_F(IncidentRulesTest, DeclareRejectsATitleThatIsNotUtf8) {
  DeclareInput in = Input(Severity::kSev2);
  in.title = "Checkout \xC3\x28 failing";
  absl::optional<Update> first;
  EXPECT_TRUE(HasFieldViolation(rules_.Declare(in, Now(), &first), "title", "is not valid UTF-8"));
}

TEST_F(IncidentRulesTest, DeclareRejectsControlCharactersInTheTitle) {
  DeclareInput in = Input(Severity::kSev2);
  absl::optional<Update> first;
  for (const std::string& title :
       {std::string("Checkout\nfailing"), std::string("Checkout\tfailing"),
        std::string("Checkout\x1b[31mfailing"), std::string("Checkout\0failing", 16)}) {
    in.title = title;
    EXPECT_TRUE(
        HasFieldViolation(rules_.Declare(in, Now(), &first), "title", "must be a single line"));
  }
}

TEST_F(IncidentRulesTest, DeclareAcceptsMultibyteTitles) {
  DeclareInput in = Input(Severity::kSev2);
  in.title = "Zürich — 東京 checkout 🚀 failing";
  absl::optional<Update> first;
  absl::StatusOr<Incident> inc = rules_.Declare(in, Now(), &first);
  ASSERT_TRUE(inc.ok()) << inc.status();
  EXPECT_EQ(inc->title, in.title);
}

TEST_F(IncidentRulesTest, DeclareRejectsAnUnspecifiedOrUnknownSeverity) {
  for (Severity sev :
       {Severity::kUnspecified, static_cast<Severity>(99), static_cast<Severity>(-1)}) {
    DeclareInput in = Input(sev);
    in.first_update = Draft(IncidentState::kInvestigating, absl::nullopt);
    absl::optional<Update> first;
    absl::StatusOr<Incident> inc = rules_.Declare(in, Now(), &first);
    EXPECT_TRUE(
        IsError(inc, absl::StatusCode::kInvalidArgument, "severity: must be SEV-1, SEV-2 or SEV-3"))
        << static_cast<int>(sev);
    EXPECT_TRUE(HasFieldViolation(inc, "severity", "must be SEV-1, SEV-2 or SEV-3"));
  }
}

TEST_F(IncidentRulesTest, DeclareNeedsAnAffectedComponent) {
  DeclareInput in = Input(Severity::kSev2);
  in.affected.clear();
  absl::optional<Update> first;
  EXPECT_TRUE(HasFieldViolation(rules_.Declare(in, Now(), &first), "affected_components",
                                "name at least one affected component"));
}

TEST_F(IncidentRulesTest, DeclareRejectsAComponentListedTwice) {
  DeclareInput in = Input(Severity::kSev2);
  in.affected = {{"checkout", ComponentStatus::kMajorOutage},
                 {"api", ComponentStatus::kPartialOutage},
                 {"checkout", ComponentStatus::kDegradedPerformance}};
  absl::optional<Update> first;
  EXPECT_TRUE(HasFieldViolation(rules_.Declare(in, Now(), &first), "affected_components[2].name",
                                "\"checkout\" is listed twice"));
}

TEST_F(IncidentRulesTest, DeclareRejectsMalformedComponentNames) {
  for (const std::string& name :
       {std::string(""), std::string("Checkout"), std::string("-checkout"),
        std::string("_checkout"), std::string("check out"), std::string("check/out"),
        std::string("käse"), std::string(65, 'a')}) {
    DeclareInput in = Input(Severity::kSev2);
    in.affected = {{"api", ComponentStatus::kMajorOutage}, {name, ComponentStatus::kMajorOutage}};
    absl::optional<Update> first;
    EXPECT_TRUE(HasFieldViolation(rules_.Declare(in, Now(), &first), "affected_components[1].name",
                                  "is not a valid component name"))
        << "name \"" << name << "\"";
  }
}

TEST_F(IncidentRulesTest, DeclareAcceptsWellFormedComponentNames) {
  DeclareInput in = Input(Severity::kSev2);
  in.affected = {{"api", ComponentStatus::kMajorOutage},
                 {"eu-west.db_1", ComponentStatus::kMajorOutage},
                 {"9lives", ComponentStatus::kMajorOutage},
                 {std::string(64, 'a'), ComponentStatus::kMajorOutage}};
  absl::optional<Update> first;
  absl::StatusOr<Incident> inc = rules_.Declare(in, Now(), &first);
  ASSERT_TRUE(inc.ok()) << inc.status();
  EXPECT_EQ(inc->affected, in.affected);
}

TEST_F(IncidentRulesTest, DeclareRejectsAnUnknownComponentStatus) {
  DeclareInput in = Input(Severity::kSev2);
  in.affected = {{"checkout", static_cast<ComponentStatus>(9)}};
  absl::optional<Update> first;
  EXPECT_TRUE(HasFieldViolation(rules_.Declare(in, Now(), &first), "affected_components[0].status",
                                "is not a known component status"));
}

TEST_F(IncidentRulesTest, DeclareBoundsTheNumberOfAffectedComponents) {
  DeclareInput in = Input(Severity::kSev2);
  in.affected.clear();
  for (int i = 0; i < 51; ++i) {
    in.affected.push_back({absl::StrCat("c", i), ComponentStatus::kMajorOutage});
  }
  absl::optional<Update> first;
  EXPECT_TRUE(HasFieldViolation(rules_.Declare(in, Now(), &first), "affected_components",
                                "has 51 entries; the limit is 50"));
  in.affected.pop_back();
  EXPECT_TRUE(rules_.Declare(in, Now(), &first).ok());
}

TEST_F(IncidentRulesTest, DeclareReportsEveryBadFieldAtOnce) {
  DeclareInput in = Input(static_cast<Severity>(99));
  in.title = "";
  in.affected.clear();
  in.confirmed_start = Now() + absl::Hours(1);
  absl::optional<Update> first;
  absl::StatusOr<Incident> inc = rules_.Declare(in, Now(), &first);
  EXPECT_TRUE(HasFieldViolation(inc, "title", "is required"));
  EXPECT_TRUE(HasFieldViolation(inc, "severity", "must be SEV-1, SEV-2 or SEV-3"));
  EXPECT_TRUE(HasFieldViolation(inc, "affected_components", "name at least one"));
  EXPECT_TRUE(HasFieldViolation(inc, "confirmed_start", "is in the future"));
  EXPECT_EQ(GetFieldViolations(inc.status()).size(), 4u);
}

TEST_F(IncidentRulesTest, DeclareFirstUpdateNeedsAChannel) {
  DeclareInput in = Input(Severity::kSev3);
  in.first_update = Draft(IncidentState::kInvestigating, absl::nullopt);
  in.first_update->channels.clear();
  absl::optional<Update> first;
  EXPECT_TRUE(HasFieldViolation(rules_.Declare(in, Now(), &first), "first_update.channels",
                                "name at least one channel: in_app_banner, status_page or public"));
}

TEST_F(IncidentRulesTest, DeclareHonoursConfiguredLimits) {
  InputLimits limits;
  limits.title_bytes = 10;
  limits.max_backdate = absl::Hours(1);
  IncidentRules rules(CadencePolicy(), limits);
  DeclareInput in = Input(Severity::kSev2);
  in.title = "Eleven char";
  in.confirmed_start = Now() - absl::Hours(2);
  absl::optional<Update> first;
  absl::StatusOr<Incident> inc = rules.Declare(in, Now(), &first);
  EXPECT_TRUE(HasFieldViolation(inc, "title", "is 11 bytes; the limit is 10"));
  EXPECT_TRUE(HasFieldViolation(inc, "confirmed_start", "is more than 1h ago"));
}

}  // namespace
}  // namespace statuscast::incident_testing
