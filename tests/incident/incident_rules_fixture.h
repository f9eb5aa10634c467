// The fixture of the IncidentRules tests (tests/incident/*_rules_test.cc):
// a FakeClock at 2026-11-27 14:00 UTC, the default cadence and limits, and
// helpers that make drafts and incidents in a given state.
#ifndef STATUSCAST_TESTS_INCIDENT_INCIDENT_RULES_FIXTURE_H_
#define STATUSCAST_TESTS_INCIDENT_INCIDENT_RULES_FIXTURE_H_

#include "libs/incident/incident_rules.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "gtest/gtest.h"
#include "libs/base/clock.h"
#include "libs/base/field_violations.h"
#include "libs/incident/cadence_policy.h"
#include "libs/incident/model.h"
#include "tests/support/status_matchers.h"

namespace statuscast::incident_testing {

using ::statuscast::testing::HasFieldViolation;
using ::statuscast::testing::IsError;

// 2026-11-27 14:00:00 UTC: every test starts here and moves a FakeClock.
inline const absl::Time kStart =
    absl::FromCivil(absl::CivilSecond(2026, 11, 27, 14, 0, 0), absl::UTCTimeZone());

inline constexpr char kMessage[] = "Checkouts are failing for some customers. We are looking into it.";

// A rejected write must leave the incident as it was.
inline void ExpectUnchanged(const Incident& before, const Incident& after) {
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
    return DeclaredAsInc7(in);
  }

  // A declared incident "INC-7" with no communication yet.
  Incident Silent(Severity sev) { return DeclaredAsInc7(Input(sev)); }

  // `in` declared now, as "INC-7"; a refusal fails the test.
  Incident DeclaredAsInc7(const DeclareInput& in) {
    absl::optional<Update> first;
    absl::StatusOr<Incident> inc = rules_.Declare(in, Now(), &first);
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

}  // namespace statuscast::incident_testing

#endif  // STATUSCAST_TESTS_INCIDENT_INCIDENT_RULES_FIXTURE_H_
