#include "libs/incident/incident_rules.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "gtest/gtest.h"
#include "libs/base/clock.h"
#include "libs/base/field_violations.h"
#include "libs/incident/cadence_policy.h"
#include "libs/incident/model.h"

namespace statuscast {
namespace {

// 2026-11-27 14:00:00 UTC: every test starts here and moves a FakeClock.
const absl::Time kStart =
    absl::FromCivil(absl::CivilSecond(2026, 11, 27, 14, 0, 0), absl::UTCTimeZone());

constexpr char kMessage[] = "Checkouts are failing for some customers. We are looking into it.";

// Success when `status` is INVALID_ARGUMENT, carries a violation of `field`
// whose description contains `description`, and its message names both.
::testing::AssertionResult HasFieldViolation(const absl::Status& status, const std::string& field,
                                             const std::string& description) {
  if (status.code() != absl::StatusCode::kInvalidArgument) {
    return ::testing::AssertionFailure() << "expected INVALID_ARGUMENT, got " << status;
  }
  std::vector<std::string> seen;
  for (const FieldViolation& v : GetFieldViolations(status)) {
    seen.push_back(absl::StrCat(v.field, ": ", v.description));
    if (v.field == field && v.description.find(description) != std::string::npos) {
      if (std::string(status.message()).find(absl::StrCat(field, ": ")) == std::string::npos) {
        return ::testing::AssertionFailure()
               << "violation present but the message does not name " << field << ": " << status;
      }
      return ::testing::AssertionSuccess();
    }
  }
  return ::testing::AssertionFailure()
         << "no violation \"" << field << ": ..." << description << "...\"; got ["
         << absl::StrJoin(seen, " | ") << "] in " << status;
}

template <typename T>
::testing::AssertionResult HasFieldViolation(const absl::StatusOr<T>& result,
                                             const std::string& field,
                                             const std::string& description) {
  return HasFieldViolation(result.status(), field, description);
}

// Success when `status` has `code` and exactly `message`.
::testing::AssertionResult IsError(const absl::Status& status, absl::StatusCode code,
                                   const std::string& message) {
  if (status.code() != code || status.message() != message) {
    return ::testing::AssertionFailure() << "expected " << absl::StatusCodeToString(code) << ": "
                                         << message << "\n     got " << status;
  }
  return ::testing::AssertionSuccess();
}

template <typename T>
::testing::AssertionResult IsError(const absl::StatusOr<T>& result, absl::StatusCode code,
                                   const std::string& message) {
  return IsError(result.status(), code, message);
}

// A rejected write must leave the incident as it was.
void ExpectUnchanged(const Incident& before, const Incident& after) {
  EXPECT_EQ(after.state, before.state);
  EXPECT_EQ(after.severity, before.severity);
  EXPECT_EQ(after.next_update_at, before.next_update_at);
  EXPECT_EQ(after.first_communication_at, before.first_communication_at);
  EXPECT_EQ(after.resolved_at, before.resolved_at);
  EXPECT_EQ(after.investigating_at, before.investigating_at);
  EXPECT_EQ(after.identified_at, before.identified_at);
  EXPECT_EQ(after.monitoring_at, before.monitoring_at);
  EXPECT_EQ(after.updated_at, before.updated_at);
  EXPECT_EQ(after.version, before.version);
  EXPECT_EQ(after.reopen_count, before.reopen_count);
  EXPECT_EQ(after.affected, before.affected);
  EXPECT_EQ(after.postmortem.has_value(), before.postmortem.has_value());
}

class IncidentRulesTest : public ::testing::Test {
 protected:
  absl::Time Now() const { return clock_.Now(); }

  // A promise every severity accepts: well inside its cadence.
  absl::optional<absl::Time> FairPromise(Severity sev) const {
    if (sev == Severity::kSev1) return Now() + absl::Minutes(20);
    if (sev == Severity::kSev2) return Now() + absl::Minutes(40);
    return absl::nullopt;
  }

  UpdateDraft Draft(IncidentState state, absl::optional<absl::Time> next_update_at) const {
    UpdateDraft d;
    d.state = state;
    d.message = kMessage;
    d.channels = {Channel::kInAppBanner, Channel::kStatusPage};
    d.next_update_at = next_update_at;
    return d;
  }

  DeclareInput Input(Severity sev) const {
    DeclareInput in;
    in.title = "Checkout failing";
    in.severity = sev;
    in.affected = {{"checkout", ComponentStatus::kMajorOutage}};
    in.author = "alice";
    return in;
  }

  // A declared incident "INC-7" whose first update (posted now) put it in
  // `state` with a fair promise for `sev`.
  Incident Declared(Severity sev, IncidentState state = IncidentState::kInvestigating) {
    DeclareInput in = Input(sev);
    in.first_update = Draft(state, FairPromise(sev));
    absl::optional<Update> first;
    absl::StatusOr<Incident> inc = rules_.Declare(in, Now(), &first);
    if (!inc.ok()) {
      ADD_FAILURE() << "Declare failed: " << inc.status();
      return Incident();
    }
    inc->ref = "INC-7";
    return *inc;
  }

  // A declared incident "INC-7" with no communication yet.
  Incident Silent(Severity sev) {
    absl::optional<Update> first;
    absl::StatusOr<Incident> inc = rules_.Declare(Input(sev), Now(), &first);
    if (!inc.ok()) {
      ADD_FAILURE() << "Declare failed: " << inc.status();
      return Incident();
    }
    inc->ref = "INC-7";
    return *inc;
  }

  Incident Resolved(Severity sev) {
    Incident inc = Declared(sev);
    clock_.Advance(absl::Minutes(5));
    absl::StatusOr<Update> u =
        rules_.ApplyResolve(inc, "Checkouts work again.", {}, "alice", Now());
    if (!u.ok()) ADD_FAILURE() << "ApplyResolve failed: " << u.status();
    return inc;
  }

  FakeClock clock_{kStart};
  IncidentRules rules_{CadencePolicy(), InputLimits()};
};

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

// ---------------------------------------------------------------------------
// ApplyUpdate: states

TEST_F(IncidentRulesTest, UpdateMovesForwardAndStampsTheNewState) {
  Incident inc = Declared(Severity::kSev1);
  clock_.Advance(absl::Minutes(10));
  absl::StatusOr<Update> u = rules_.ApplyUpdate(
      inc, Draft(IncidentState::kIdentified, Now() + absl::Minutes(25)), {}, "bob", Now());
  ASSERT_TRUE(u.ok()) << u.status();
  EXPECT_EQ(u->kind, UpdateKind::kProgress);
  EXPECT_EQ(u->state, IncidentState::kIdentified);
  EXPECT_EQ(u->posted_at, Now());
  EXPECT_EQ(u->author, "bob");
  EXPECT_EQ(u->severity, Severity::kSev1);
  EXPECT_EQ(u->next_update_at, Now() + absl::Minutes(25));
  EXPECT_EQ(u->channels, (std::vector<Channel>{Channel::kInAppBanner, Channel::kStatusPage}));
  EXPECT_EQ(inc.state, IncidentState::kIdentified);
  EXPECT_EQ(inc.identified_at, Now());
  EXPECT_EQ(inc.investigating_at, kStart);
  EXPECT_EQ(inc.next_update_at, Now() + absl::Minutes(25));
  EXPECT_EQ(inc.updated_at, Now());
  EXPECT_EQ(inc.first_communication_at, kStart) << "only the first update sets it";
}

TEST_F(IncidentRulesTest, UpdateMaySkipStates) {
  Incident inc = Declared(Severity::kSev2);
  clock_.Advance(absl::Minutes(10));
  absl::StatusOr<Update> u = rules_.ApplyUpdate(
      inc, Draft(IncidentState::kMonitoring, Now() + absl::Minutes(60)), {}, "bob", Now());
  ASSERT_TRUE(u.ok()) << u.status();
  EXPECT_EQ(inc.state, IncidentState::kMonitoring);
  EXPECT_EQ(inc.monitoring_at, Now());
  EXPECT_EQ(inc.identified_at, absl::nullopt);
}

TEST_F(IncidentRulesTest, UpdateWithoutAStateKeepsTheCurrentOne) {
  Incident inc = Declared(Severity::kSev2, IncidentState::kIdentified);
  clock_.Advance(absl::Minutes(10));
  absl::StatusOr<Update> u = rules_.ApplyUpdate(
      inc, Draft(IncidentState::kUnspecified, Now() + absl::Minutes(60)), {}, "bob", Now());
  ASSERT_TRUE(u.ok()) << u.status();
  EXPECT_EQ(u->state, IncidentState::kIdentified);
  EXPECT_EQ(inc.state, IncidentState::kIdentified);
  EXPECT_EQ(inc.identified_at, kStart) << "staying in a state does not restamp it";
}

TEST_F(IncidentRulesTest, UpdateMayGoFromMonitoringBackToIdentified) {
  Incident inc = Declared(Severity::kSev1, IncidentState::kMonitoring);
  clock_.Advance(absl::Minutes(10));
  absl::StatusOr<Update> u = rules_.ApplyUpdate(
      inc, Draft(IncidentState::kIdentified, Now() + absl::Minutes(30)), {}, "bob", Now());
  ASSERT_TRUE(u.ok()) << u.status();
  EXPECT_EQ(inc.state, IncidentState::kIdentified);
  EXPECT_EQ(inc.identified_at, Now());
}

TEST_F(IncidentRulesTest, UpdateCannotGoFromIdentifiedBackToInvestigating) {
  Incident inc = Declared(Severity::kSev1, IncidentState::kIdentified);
  const Incident before = inc;
  clock_.Advance(absl::Minutes(10));
  absl::StatusOr<Update> u = rules_.ApplyUpdate(
      inc, Draft(IncidentState::kInvestigating, Now() + absl::Minutes(30)), {}, "bob", Now());
  EXPECT_TRUE(IsError(u, absl::StatusCode::kFailedPrecondition,
                      "INC-7 is identified and cannot go back to investigating: states move "
                      "forward (investigating, identified, monitoring, resolved), except "
                      "monitoring back to identified when a fix fails"));
  ExpectUnchanged(before, inc);
}

TEST_F(IncidentRulesTest, UpdateCannotGoFromMonitoringBackToInvestigating) {
  Incident inc = Declared(Severity::kSev3, IncidentState::kMonitoring);
  const Incident before = inc;
  absl::StatusOr<Update> u = rules_.ApplyUpdate(
      inc, Draft(IncidentState::kInvestigating, absl::nullopt), {}, "bob", Now());
  EXPECT_EQ(u.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(u.status().message().find("INC-7 is monitoring and cannot go back to investigating"),
            absl::string_view::npos)
      << u.status();
  ExpectUnchanged(before, inc);
}

TEST_F(IncidentRulesTest, UpdateOnAResolvedIncidentIsRefusedUntilReopened) {
  Incident inc = Resolved(Severity::kSev1);
  const Incident before = inc;
  clock_.Advance(absl::Minutes(10));
  for (IncidentState st : {IncidentState::kUnspecified, IncidentState::kInvestigating,
                           IncidentState::kMonitoring, IncidentState::kResolved}) {
    absl::StatusOr<Update> u =
        rules_.ApplyUpdate(inc, Draft(st, Now() + absl::Minutes(30)), {}, "bob", Now());
    EXPECT_TRUE(IsError(u, absl::StatusCode::kFailedPrecondition,
                        "INC-7 is resolved; reopen it first (a reopen is recorded)"))
        << StateName(st);
    ExpectUnchanged(before, inc);
  }
}

TEST_F(IncidentRulesTest, UpdateCannotResolve) {
  Incident inc = Declared(Severity::kSev2);
  const Incident before = inc;
  absl::StatusOr<Update> u =
      rules_.ApplyUpdate(inc, Draft(IncidentState::kResolved, absl::nullopt), {}, "bob", Now());
  EXPECT_TRUE(HasFieldViolation(u, "update.state", "use ResolveIncident to resolve"));
  ExpectUnchanged(before, inc);
}

TEST_F(IncidentRulesTest, UpdateRejectsAnUnknownState) {
  Incident inc = Declared(Severity::kSev2);
  const Incident before = inc;
  absl::StatusOr<Update> u = rules_.ApplyUpdate(
      inc, Draft(static_cast<IncidentState>(42), Now() + absl::Minutes(30)), {}, "bob", Now());
  EXPECT_TRUE(IsError(u, absl::StatusCode::kInvalidArgument,
                      "update.state: must be investigating, identified or monitoring"));
  EXPECT_TRUE(HasFieldViolation(u, "update.state", "must be investigating"));
  ExpectUnchanged(before, inc);
}

// ---------------------------------------------------------------------------
// ApplyUpdate: message, banner, channels

TEST_F(IncidentRulesTest, EveryUpdateNeedsAMessageEvenWithoutAStateChange) {
  Incident inc = Declared(Severity::kSev2);
  const Incident before = inc;
  for (IncidentState st : {IncidentState::kUnspecified, IncidentState::kIdentified}) {
    UpdateDraft d = Draft(st, Now() + absl::Minutes(30));
    d.message = "";
    absl::StatusOr<Update> u = rules_.ApplyUpdate(inc, d, {}, "bob", Now());
    EXPECT_TRUE(IsError(u, absl::StatusCode::kInvalidArgument, "update.message: is required"))
        << StateName(st);
    EXPECT_TRUE(HasFieldViolation(u, "update.message", "is required"));
    ExpectUnchanged(before, inc);
  }
}

TEST_F(IncidentRulesTest, AWhitespaceOnlyMessageCountsAsMissing) {
  Incident inc = Declared(Severity::kSev2);
  UpdateDraft d = Draft(IncidentState::kIdentified, Now() + absl::Minutes(30));
  d.message = " \n\t ";
  EXPECT_TRUE(HasFieldViolation(rules_.ApplyUpdate(inc, d, {}, "bob", Now()), "update.message",
                                "is required"));
}

TEST_F(IncidentRulesTest, MessageMaySpanLinesUpToItsLimit) {
  Incident inc = Declared(Severity::kSev3);
  UpdateDraft d = Draft(IncidentState::kIdentified, absl::nullopt);
  d.message = "Cause found.\n\n\tA bad deploy; rolling back.\r\n";
  d.message += std::string(4000 - d.message.size(), 'x');
  ASSERT_EQ(d.message.size(), 4000u);
  absl::StatusOr<Update> u = rules_.ApplyUpdate(inc, d, {}, "bob", Now());
  ASSERT_TRUE(u.ok()) << u.status();
  EXPECT_EQ(u->message, d.message);
}

TEST_F(IncidentRulesTest, MessageOverItsLimitIsRejected) {
  Incident inc = Declared(Severity::kSev3);
  UpdateDraft d = Draft(IncidentState::kIdentified, absl::nullopt);
  d.message = std::string(4001, 'x');
  EXPECT_TRUE(HasFieldViolation(rules_.ApplyUpdate(inc, d, {}, "bob", Now()), "update.message",
                                "is 4001 bytes; the limit is 4000"));
}

TEST_F(IncidentRulesTest, MessageMustBeUtf8WithoutControlCharacters) {
  Incident inc = Declared(Severity::kSev3);
  UpdateDraft d = Draft(IncidentState::kIdentified, absl::nullopt);
  d.message = "Rolling back \xED\xA0\x80 now";  // a UTF-16 surrogate
  EXPECT_TRUE(HasFieldViolation(rules_.ApplyUpdate(inc, d, {}, "bob", Now()), "update.message",
                                "is not valid UTF-8"));
  d.message = std::string("Rolling back\0 now", 17);
  EXPECT_TRUE(HasFieldViolation(rules_.ApplyUpdate(inc, d, {}, "bob", Now()), "update.message",
                                "contains a control character"));
  d.message = "Rolling back\x07 now";
  EXPECT_TRUE(HasFieldViolation(rules_.ApplyUpdate(inc, d, {}, "bob", Now()), "update.message",
                                "contains a control character"));
}

TEST_F(IncidentRulesTest, BannerTextIsOneLineWithinItsLimit) {
  Incident inc = Declared(Severity::kSev3);
  UpdateDraft d = Draft(IncidentState::kIdentified, absl::nullopt);
  d.banner_text = std::string(281, 'b');
  EXPECT_TRUE(HasFieldViolation(rules_.ApplyUpdate(inc, d, {}, "bob", Now()), "update.banner_text",
                                "is 281 bytes; the limit is 280"));
  d.banner_text = "Checkout down\nsee status page";
  EXPECT_TRUE(HasFieldViolation(rules_.ApplyUpdate(inc, d, {}, "bob", Now()), "update.banner_text",
                                "must be a single line"));
  d.banner_text = "Checkout \xFF down";
  EXPECT_TRUE(HasFieldViolation(rules_.ApplyUpdate(inc, d, {}, "bob", Now()), "update.banner_text",
                                "is not valid UTF-8"));
  d.banner_text = std::string(280, 'b');
  absl::StatusOr<Update> u = rules_.ApplyUpdate(inc, d, {}, "bob", Now());
  ASSERT_TRUE(u.ok()) << u.status();
  EXPECT_EQ(u->banner_text, d.banner_text);
}

TEST_F(IncidentRulesTest, BannerTextDefaultsToTheMessagesFirstSentence) {
  Incident inc = Declared(Severity::kSev3);
  UpdateDraft d = Draft(IncidentState::kIdentified, absl::nullopt);
  d.message = "A bad deploy broke checkout! Rolling back now.";
  absl::StatusOr<Update> u = rules_.ApplyUpdate(inc, d, {}, "bob", Now());
  ASSERT_TRUE(u.ok()) << u.status();
  EXPECT_EQ(u->banner_text, "A bad deploy broke checkout!");
}

TEST_F(IncidentRulesTest, UpdateNeedsAChannel) {
  Incident inc = Declared(Severity::kSev3);
  UpdateDraft d = Draft(IncidentState::kIdentified, absl::nullopt);
  d.channels.clear();
  EXPECT_TRUE(IsError(rules_.ApplyUpdate(inc, d, {}, "bob", Now()),
                      absl::StatusCode::kInvalidArgument,
                      "update.channels: name at least one channel: in_app_banner, status_page or "
                      "public"));
}

TEST_F(IncidentRulesTest, UpdateRejectsAChannelListedTwice) {
  Incident inc = Declared(Severity::kSev3);
  UpdateDraft d = Draft(IncidentState::kIdentified, absl::nullopt);
  d.channels = {Channel::kStatusPage, Channel::kPublic, Channel::kStatusPage};
  EXPECT_TRUE(HasFieldViolation(rules_.ApplyUpdate(inc, d, {}, "bob", Now()), "update.channels",
                                "lists status_page twice"));
}

TEST_F(IncidentRulesTest, UpdateRejectsMoreChannelsThanThereAre) {
  Incident inc = Declared(Severity::kSev3);
  UpdateDraft d = Draft(IncidentState::kIdentified, absl::nullopt);
  d.channels = {Channel::kInAppBanner, Channel::kStatusPage, Channel::kPublic, Channel::kPublic};
  EXPECT_TRUE(HasFieldViolation(rules_.ApplyUpdate(inc, d, {}, "bob", Now()), "update.channels",
                                "lists a channel more than once"));
}

TEST_F(IncidentRulesTest, UpdateRejectsAnUnknownChannel) {
  Incident inc = Declared(Severity::kSev3);
  const Incident before = inc;
  for (Channel c : {static_cast<Channel>(7), Channel::kUnspecified}) {
    UpdateDraft d = Draft(IncidentState::kIdentified, absl::nullopt);
    d.channels = {Channel::kStatusPage, c};
    absl::StatusOr<Update> u = rules_.ApplyUpdate(inc, d, {}, "bob", Now());
    EXPECT_TRUE(
        IsError(u, absl::StatusCode::kInvalidArgument, "update.channels: holds an unknown channel"))
        << static_cast<int>(c);
    ExpectUnchanged(before, inc);
  }
}

TEST_F(IncidentRulesTest, UpdateAcceptsEveryChannelOnce) {
  Incident inc = Declared(Severity::kSev3);
  UpdateDraft d = Draft(IncidentState::kIdentified, absl::nullopt);
  d.channels = {Channel::kPublic, Channel::kInAppBanner, Channel::kStatusPage};
  absl::StatusOr<Update> u = rules_.ApplyUpdate(inc, d, {}, "bob", Now());
  ASSERT_TRUE(u.ok()) << u.status();
  EXPECT_EQ(u->channels, d.channels);
}

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

// ---------------------------------------------------------------------------
// ApplyUpdate: affected components

TEST_F(IncidentRulesTest, UpdateWithComponentsReplacesTheAffectedList) {
  Incident inc = Declared(Severity::kSev2);
  absl::StatusOr<Update> u = rules_.ApplyUpdate(
      inc, Draft(IncidentState::kIdentified, Now() + absl::Minutes(30)),
      {{"api", ComponentStatus::kDegradedPerformance}, {"search", ComponentStatus::kUnspecified}},
      "bob", Now());
  ASSERT_TRUE(u.ok()) << u.status();
  EXPECT_EQ(inc.affected,
            (std::vector<AffectedComponent>{{"api", ComponentStatus::kDegradedPerformance},
                                            {"search", ComponentStatus::kPartialOutage}}));
}

TEST_F(IncidentRulesTest, UpdateWithoutComponentsKeepsTheAffectedList) {
  Incident inc = Declared(Severity::kSev2);
  const std::vector<AffectedComponent> before = inc.affected;
  ASSERT_TRUE(rules_
                  .ApplyUpdate(inc, Draft(IncidentState::kIdentified, Now() + absl::Minutes(30)),
                               {}, "bob", Now())
                  .ok());
  EXPECT_EQ(inc.affected, before);
}

TEST_F(IncidentRulesTest, UpdateRejectsBadComponentsAndChangesNothing) {
  Incident inc = Declared(Severity::kSev2);
  const Incident before = inc;
  const UpdateDraft d = Draft(IncidentState::kIdentified, Now() + absl::Minutes(30));
  EXPECT_TRUE(HasFieldViolation(
      rules_.ApplyUpdate(inc, d, {{"API", ComponentStatus::kMajorOutage}}, "bob", Now()),
      "affected_components[0].name", "is not a valid component name"));
  EXPECT_TRUE(HasFieldViolation(rules_.ApplyUpdate(inc, d,
                                                   {{"api", ComponentStatus::kMajorOutage},
                                                    {"api", ComponentStatus::kPartialOutage}},
                                                   "bob", Now()),
                                "affected_components[1].name", "\"api\" is listed twice"));
  EXPECT_TRUE(HasFieldViolation(
      rules_.ApplyUpdate(inc, d, {{"api", static_cast<ComponentStatus>(-3)}}, "bob", Now()),
      "affected_components[0].status", "is not a known component status"));
  ExpectUnchanged(before, inc);
}

// ---------------------------------------------------------------------------
// ApplySeverityChange

TEST_F(IncidentRulesTest, EscalationTightensTheStandingPromiseToTheNewCadence) {
  Incident inc = Declared(Severity::kSev2);  // promised kStart + 40m
  clock_.Advance(absl::Minutes(5));          // now + 30m = kStart + 35m
  absl::StatusOr<SeverityChange> c =
      rules_.ApplySeverityChange(inc, Severity::kSev1, "more regions", "carol", Now());
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->from, Severity::kSev2);
  EXPECT_EQ(c->to, Severity::kSev1);
  EXPECT_EQ(c->reason, "more regions");
  EXPECT_EQ(c->author, "carol");
  EXPECT_EQ(c->changed_at, Now());
  EXPECT_EQ(c->next_update_at_before, kStart + absl::Minutes(40));
  EXPECT_EQ(c->next_update_at_after, Now() + absl::Minutes(30));
  EXPECT_EQ(inc.severity, Severity::kSev1);
  EXPECT_EQ(inc.next_update_at, Now() + absl::Minutes(30));
  EXPECT_EQ(inc.updated_at, Now());
}

TEST_F(IncidentRulesTest, EscalationLeavesAnEarlierPromiseAlone) {
  Incident inc = Declared(Severity::kSev2);  // promised kStart + 40m
  clock_.Advance(absl::Minutes(25));         // now + 30m = kStart + 55m
  absl::StatusOr<SeverityChange> c =
      rules_.ApplySeverityChange(inc, Severity::kSev1, "", "carol", Now());
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(inc.next_update_at, kStart + absl::Minutes(40));
  EXPECT_EQ(c->next_update_at_before, c->next_update_at_after);
}

TEST_F(IncidentRulesTest, EscalationLeavesAnOverduePromiseAlone) {
  Incident inc = Declared(Severity::kSev2);  // promised kStart + 40m
  clock_.Advance(absl::Hours(2));
  ASSERT_TRUE(rules_.ApplySeverityChange(inc, Severity::kSev1, "", "carol", Now()).ok());
  EXPECT_EQ(inc.next_update_at, kStart + absl::Minutes(40)) << "overdue stays overdue";
}

TEST_F(IncidentRulesTest, EscalationFromSev3StartsAPromise) {
  Incident inc = Declared(Severity::kSev3);
  ASSERT_EQ(inc.next_update_at, absl::nullopt);
  clock_.Advance(absl::Minutes(5));
  absl::StatusOr<SeverityChange> c =
      rules_.ApplySeverityChange(inc, Severity::kSev2, "", "carol", Now());
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->next_update_at_before, absl::nullopt);
  EXPECT_EQ(inc.next_update_at, Now() + absl::Minutes(60));
}

TEST_F(IncidentRulesTest, EscalationBeforeAnyCommunicationMakesNoPromise) {
  Incident inc = Silent(Severity::kSev3);
  ASSERT_TRUE(rules_.ApplySeverityChange(inc, Severity::kSev1, "", "carol", Now()).ok());
  EXPECT_EQ(inc.severity, Severity::kSev1);
  EXPECT_EQ(inc.next_update_at, absl::nullopt);
}

TEST_F(IncidentRulesTest, DeescalationKeepsTheStandingPromise) {
  for (Severity to : {Severity::kSev2, Severity::kSev3}) {
    clock_.Set(kStart);
    Incident inc = Declared(Severity::kSev1);  // promised kStart + 20m
    clock_.Advance(absl::Minutes(5));
    absl::StatusOr<SeverityChange> c =
        rules_.ApplySeverityChange(inc, to, "contained", "carol", Now());
    ASSERT_TRUE(c.ok()) << c.status();
    EXPECT_EQ(inc.severity, to);
    EXPECT_EQ(inc.next_update_at, kStart + absl::Minutes(20)) << SeverityName(to);
    EXPECT_EQ(c->next_update_at_after, kStart + absl::Minutes(20));
  }
}

TEST_F(IncidentRulesTest, SeverityOfAResolvedIncidentCannotChange) {
  Incident inc = Resolved(Severity::kSev2);
  const Incident before = inc;
  absl::StatusOr<SeverityChange> c =
      rules_.ApplySeverityChange(inc, Severity::kSev1, "", "carol", Now());
  EXPECT_TRUE(IsError(c, absl::StatusCode::kFailedPrecondition,
                      "INC-7 is resolved; reopen it first (a reopen is recorded)"));
  ExpectUnchanged(before, inc);
}

TEST_F(IncidentRulesTest, ChangingToTheSameSeverityIsRefused) {
  Incident inc = Declared(Severity::kSev2);
  const Incident before = inc;
  EXPECT_TRUE(IsError(rules_.ApplySeverityChange(inc, Severity::kSev2, "", "carol", Now()),
                      absl::StatusCode::kFailedPrecondition, "INC-7 is already SEV-2"));
  ExpectUnchanged(before, inc);
}

TEST_F(IncidentRulesTest, SeverityChangeRejectsAnUnknownSeverity) {
  Incident inc = Declared(Severity::kSev2);
  const Incident before = inc;
  for (Severity to : {Severity::kUnspecified, static_cast<Severity>(99)}) {
    absl::StatusOr<SeverityChange> c = rules_.ApplySeverityChange(inc, to, "", "carol", Now());
    EXPECT_TRUE(
        IsError(c, absl::StatusCode::kInvalidArgument, "severity: must be SEV-1, SEV-2 or SEV-3"));
    EXPECT_TRUE(HasFieldViolation(c, "severity", "must be SEV-1, SEV-2 or SEV-3"));
  }
  ExpectUnchanged(before, inc);
}

TEST_F(IncidentRulesTest, SeverityChangeBoundsTheReason) {
  Incident inc = Declared(Severity::kSev2);
  const Incident before = inc;
  EXPECT_TRUE(HasFieldViolation(
      rules_.ApplySeverityChange(inc, Severity::kSev1, std::string(1001, 'r'), "carol", Now()),
      "reason", "is 1001 bytes; the limit is 1000"));
  EXPECT_TRUE(HasFieldViolation(
      rules_.ApplySeverityChange(inc, Severity::kSev1, "bad \xC3", "carol", Now()), "reason",
      "is not valid UTF-8"));
  ExpectUnchanged(before, inc);
  EXPECT_TRUE(
      rules_.ApplySeverityChange(inc, Severity::kSev1, "two lines\nof reason", "carol", Now())
          .ok());
}

// ---------------------------------------------------------------------------
// ApplyResolve

TEST_F(IncidentRulesTest, ResolveClearsThePromiseAndStampsTheResolution) {
  Incident inc = Declared(Severity::kSev1, IncidentState::kMonitoring);
  clock_.Advance(absl::Minutes(12));
  absl::StatusOr<Update> u =
      rules_.ApplyResolve(inc, "Checkouts work again. Sorry.", {}, "dave", Now());
  ASSERT_TRUE(u.ok()) << u.status();
  EXPECT_EQ(u->kind, UpdateKind::kResolution);
  EXPECT_EQ(u->state, IncidentState::kResolved);
  EXPECT_EQ(u->next_update_at, absl::nullopt);
  EXPECT_EQ(u->kept_promise, PromiseOutcome::kKept);
  EXPECT_EQ(u->banner_text, "Checkouts work again.");
  EXPECT_EQ(u->author, "dave");
  EXPECT_EQ(u->channels, (std::vector<Channel>{Channel::kStatusPage, Channel::kPublic}))
      << "no channels means status page and public";
  EXPECT_EQ(inc.state, IncidentState::kResolved);
  EXPECT_EQ(inc.resolved_at, Now());
  EXPECT_EQ(inc.next_update_at, absl::nullopt);
  EXPECT_EQ(inc.updated_at, Now());
}

TEST_F(IncidentRulesTest, ResolveMayComeStraightFromInvestigating) {
  Incident inc = Declared(Severity::kSev3);
  ASSERT_TRUE(rules_.ApplyResolve(inc, "False alarm.", {}, "dave", Now()).ok());
  EXPECT_EQ(inc.state, IncidentState::kResolved);
}

TEST_F(IncidentRulesTest, ResolveUsesTheChannelsGiven) {
  Incident inc = Declared(Severity::kSev2);
  absl::StatusOr<Update> u =
      rules_.ApplyResolve(inc, "Fixed.", {Channel::kInAppBanner}, "dave", Now());
  ASSERT_TRUE(u.ok()) << u.status();
  EXPECT_EQ(u->channels, std::vector<Channel>{Channel::kInAppBanner});
}

TEST_F(IncidentRulesTest, LateResolutionIsRecordedAsLate) {
  Incident inc = Declared(Severity::kSev1);  // promised kStart + 20m
  clock_.Set(kStart + absl::Minutes(45));
  absl::StatusOr<Update> u = rules_.ApplyResolve(inc, "Fixed.", {}, "dave", Now());
  ASSERT_TRUE(u.ok()) << u.status();
  EXPECT_EQ(u->kept_promise, PromiseOutcome::kLate);
}

TEST_F(IncidentRulesTest, ResolvingWithoutEarlierCommunicationCountsAsTheFirst) {
  Incident inc = Silent(Severity::kSev2);
  clock_.Advance(absl::Minutes(4));
  absl::StatusOr<Update> u = rules_.ApplyResolve(inc, "Blip; all fine.", {}, "dave", Now());
  ASSERT_TRUE(u.ok()) << u.status();
  EXPECT_EQ(u->kind, UpdateKind::kResolution);
  EXPECT_EQ(inc.first_communication_at, Now());
}

TEST_F(IncidentRulesTest, ResolveNeedsAMessage) {
  Incident inc = Declared(Severity::kSev1);
  const Incident before = inc;
  absl::StatusOr<Update> u = rules_.ApplyResolve(inc, " ", {}, "dave", Now());
  EXPECT_TRUE(IsError(u, absl::StatusCode::kInvalidArgument, "message: is required"));
  EXPECT_TRUE(HasFieldViolation(u, "message", "is required"));
  ExpectUnchanged(before, inc);
}

TEST_F(IncidentRulesTest, ResolveRejectsBadChannels) {
  Incident inc = Declared(Severity::kSev1);
  const Incident before = inc;
  EXPECT_TRUE(HasFieldViolation(
      rules_.ApplyResolve(inc, "Fixed.", {Channel::kPublic, Channel::kPublic}, "dave", Now()),
      "channels", "lists public twice"));
  EXPECT_TRUE(HasFieldViolation(
      rules_.ApplyResolve(inc, "Fixed.", {static_cast<Channel>(7)}, "dave", Now()), "channels",
      "holds an unknown channel"));
  ExpectUnchanged(before, inc);
}

TEST_F(IncidentRulesTest, ResolvingTwiceIsRefused) {
  Incident inc = Resolved(Severity::kSev2);
  const Incident before = inc;
  clock_.Advance(absl::Minutes(1));
  EXPECT_TRUE(IsError(rules_.ApplyResolve(inc, "Really fixed.", {}, "dave", Now()),
                      absl::StatusCode::kFailedPrecondition, "INC-7 is already resolved"));
  ExpectUnchanged(before, inc);
}

// ---------------------------------------------------------------------------
// ApplyReopen

TEST_F(IncidentRulesTest, ReopenReturnsAResolvedIncidentToInvestigating) {
  Incident inc = Resolved(Severity::kSev1);
  const absl::optional<absl::Time> first_communication = inc.first_communication_at;
  clock_.Advance(absl::Minutes(30));
  absl::StatusOr<Update> u = rules_.ApplyReopen(
      inc, "errors are back", Draft(IncidentState::kUnspecified, Now() + absl::Minutes(30)), "erin",
      Now());
  ASSERT_TRUE(u.ok()) << u.status();
  EXPECT_EQ(u->kind, UpdateKind::kReopen);
  EXPECT_EQ(u->state, IncidentState::kInvestigating);
  EXPECT_EQ(u->kept_promise, PromiseOutcome::kNone) << "a resolved incident promised nothing";
  EXPECT_EQ(u->author, "erin");
  EXPECT_EQ(inc.state, IncidentState::kInvestigating);
  EXPECT_EQ(inc.reopen_count, 1);
  EXPECT_EQ(inc.resolved_at, absl::nullopt);
  EXPECT_EQ(inc.investigating_at, Now());
  EXPECT_EQ(inc.next_update_at, Now() + absl::Minutes(30));
  EXPECT_EQ(inc.first_communication_at, first_communication);
  EXPECT_EQ(inc.updated_at, Now());
}

TEST_F(IncidentRulesTest, ReopenMayGoToIdentified) {
  Incident inc = Resolved(Severity::kSev3);
  absl::StatusOr<Update> u = rules_.ApplyReopen(
      inc, "same cause", Draft(IncidentState::kIdentified, absl::nullopt), "erin", Now());
  ASSERT_TRUE(u.ok()) << u.status();
  EXPECT_EQ(inc.state, IncidentState::kIdentified);
  EXPECT_EQ(inc.identified_at, Now());
}

TEST_F(IncidentRulesTest, EachReopenIsCounted) {
  Incident inc = Resolved(Severity::kSev3);
  ASSERT_TRUE(rules_
                  .ApplyReopen(inc, "back", Draft(IncidentState::kInvestigating, absl::nullopt),
                               "erin", Now())
                  .ok());
  ASSERT_TRUE(rules_.ApplyResolve(inc, "Fixed again.", {}, "erin", Now()).ok());
  ASSERT_TRUE(rules_
                  .ApplyReopen(inc, "back again",
                               Draft(IncidentState::kInvestigating, absl::nullopt), "erin", Now())
                  .ok());
  EXPECT_EQ(inc.reopen_count, 2);
}

TEST_F(IncidentRulesTest, ReopenOnlyToInvestigatingOrIdentified) {
  Incident inc = Resolved(Severity::kSev3);
  const Incident before = inc;
  for (IncidentState st :
       {IncidentState::kMonitoring, IncidentState::kResolved, static_cast<IncidentState>(42)}) {
    absl::StatusOr<Update> u =
        rules_.ApplyReopen(inc, "back", Draft(st, absl::nullopt), "erin", Now());
    EXPECT_TRUE(
        HasFieldViolation(u, "update.state", "a reopened incident is investigating or identified"))
        << static_cast<int>(st);
    ExpectUnchanged(before, inc);
  }
}

TEST_F(IncidentRulesTest, ReopenNeedsAReason) {
  Incident inc = Resolved(Severity::kSev3);
  const Incident before = inc;
  absl::StatusOr<Update> u = rules_.ApplyReopen(
      inc, "", Draft(IncidentState::kInvestigating, absl::nullopt), "erin", Now());
  EXPECT_TRUE(IsError(u, absl::StatusCode::kInvalidArgument, "reason: is required"));
  EXPECT_TRUE(HasFieldViolation(u, "reason", "is required"));
  ExpectUnchanged(before, inc);
}

TEST_F(IncidentRulesTest, ReopenNeedsAMessage) {
  Incident inc = Resolved(Severity::kSev3);
  UpdateDraft d = Draft(IncidentState::kInvestigating, absl::nullopt);
  d.message.clear();
  EXPECT_TRUE(HasFieldViolation(rules_.ApplyReopen(inc, "back", d, "erin", Now()), "update.message",
                                "is required"));
}

TEST_F(IncidentRulesTest, ReopenOfASev1MustPromiseTheNextUpdate) {
  Incident inc = Resolved(Severity::kSev1);
  const Incident before = inc;
  absl::StatusOr<Update> u = rules_.ApplyReopen(
      inc, "back", Draft(IncidentState::kInvestigating, absl::nullopt), "erin", Now());
  EXPECT_TRUE(HasFieldViolation(u, "update.next_update_at",
                                "is required for SEV-1: promise the next update within 30m"));
  ExpectUnchanged(before, inc);
}

TEST_F(IncidentRulesTest, ReopenOfAnOpenIncidentIsRefused) {
  Incident inc = Declared(Severity::kSev1, IncidentState::kMonitoring);
  const Incident before = inc;
  absl::StatusOr<Update> u = rules_.ApplyReopen(
      inc, "back", Draft(IncidentState::kInvestigating, Now() + absl::Minutes(30)), "erin", Now());
  EXPECT_TRUE(IsError(u, absl::StatusCode::kFailedPrecondition,
                      "INC-7 is monitoring, not resolved; post an update instead"));
  ExpectUnchanged(before, inc);
}

// ---------------------------------------------------------------------------
// ApplyPostmortem

TEST_F(IncidentRulesTest, PostmortemIsPublishedOnAResolvedIncident) {
  Incident inc = Resolved(Severity::kSev1);
  clock_.Advance(absl::Hours(48));
  absl::StatusOr<Postmortem> p =
      rules_.ApplyPostmortem(inc, "https://wiki.example.com/pm/inc-7", "", "frank", Now());
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->url, "https://wiki.example.com/pm/inc-7");
  EXPECT_EQ(p->body, "");
  EXPECT_EQ(p->published_at, Now());
  EXPECT_EQ(p->author, "frank");
  ASSERT_TRUE(inc.postmortem.has_value());
  EXPECT_EQ(inc.postmortem->url, p->url);
  EXPECT_EQ(inc.updated_at, Now());
  EXPECT_EQ(inc.state, IncidentState::kResolved);
}

TEST_F(IncidentRulesTest, PostmortemMayBeABodyOrAPlainHttpLink) {
  Incident inc = Resolved(Severity::kSev2);
  absl::StatusOr<Postmortem> body =
      rules_.ApplyPostmortem(inc, "", "# What happened\n\nA bad deploy.", "frank", Now());
  ASSERT_TRUE(body.ok()) << body.status();
  EXPECT_EQ(inc.postmortem->body, "# What happened\n\nA bad deploy.");
  absl::StatusOr<Postmortem> http =
      rules_.ApplyPostmortem(inc, "http://intranet/pm/7", "Summary.", "frank", Now());
  ASSERT_TRUE(http.ok()) << http.status();
}

TEST_F(IncidentRulesTest, PostmortemNeedsALinkOrABody) {
  Incident inc = Resolved(Severity::kSev2);
  const Incident before = inc;
  absl::StatusOr<Postmortem> p = rules_.ApplyPostmortem(inc, "", "", "frank", Now());
  EXPECT_TRUE(IsError(p, absl::StatusCode::kInvalidArgument,
                      "url: give a link to the postmortem, its body, or both"));
  ExpectUnchanged(before, inc);
}

TEST_F(IncidentRulesTest, PostmortemWithABlankBodyAndNoLinkIsRejected) {
  Incident inc = Resolved(Severity::kSev2);
  const Incident before = inc;
  absl::StatusOr<Postmortem> p = rules_.ApplyPostmortem(inc, "", " \n\t ", "frank", Now());
  EXPECT_TRUE(HasFieldViolation(p, "url", "give a link to the postmortem, its body, or both"));
  ExpectUnchanged(before, inc);
}

TEST_F(IncidentRulesTest, PostmortemLinkMustBeHttpOrHttps) {
  Incident inc = Resolved(Severity::kSev2);
  const Incident before = inc;
  for (const char* url : {"ftp://files.example.com/pm", "javascript:alert(1)",
                          "wiki.example.com/pm", "file:///etc/passwd", " https://x.example"}) {
    EXPECT_TRUE(IsError(rules_.ApplyPostmortem(inc, url, "", "frank", Now()),
                        absl::StatusCode::kInvalidArgument,
                        "url: must be an http:// or https:// link"))
        << url;
  }
  ExpectUnchanged(before, inc);
}

TEST_F(IncidentRulesTest, PostmortemLinkIsOneBoundedLine) {
  Incident inc = Resolved(Severity::kSev2);
  EXPECT_TRUE(HasFieldViolation(
      rules_.ApplyPostmortem(inc, "https://x.example/\nSet-Cookie: a", "", "frank", Now()), "url",
      "must be a single line"));
  EXPECT_TRUE(
      HasFieldViolation(rules_.ApplyPostmortem(inc, "https://x.example/" + std::string(2031, 'p'),
                                               "", "frank", Now()),
                        "url", "is 2049 bytes; the limit is 2048"));
  EXPECT_FALSE(inc.postmortem.has_value());
}

TEST_F(IncidentRulesTest, PostmortemBodyIsBounded) {
  Incident inc = Resolved(Severity::kSev2);
  EXPECT_TRUE(
      HasFieldViolation(rules_.ApplyPostmortem(inc, "", std::string(100001, 'b'), "frank", Now()),
                        "body", "is 100001 bytes; the limit is 100000"));
  EXPECT_TRUE(HasFieldViolation(rules_.ApplyPostmortem(inc, "", "bad \xC3", "frank", Now()), "body",
                                "is not valid UTF-8"));
  EXPECT_FALSE(inc.postmortem.has_value());
}

TEST_F(IncidentRulesTest, PostmortemWaitsForTheResolution) {
  Incident inc = Declared(Severity::kSev2, IncidentState::kMonitoring);
  const Incident before = inc;
  absl::StatusOr<Postmortem> p =
      rules_.ApplyPostmortem(inc, "https://wiki.example.com/pm", "", "frank", Now());
  EXPECT_TRUE(IsError(p, absl::StatusCode::kFailedPrecondition,
                      "INC-7 is monitoring; a postmortem is published once the incident is "
                      "resolved"));
  ExpectUnchanged(before, inc);
}

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
}  // namespace statuscast
