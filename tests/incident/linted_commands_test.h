// LintedCommandsTest: the fixture of IncidentCommands tests that need the
// linter: the in-memory store, the default rules under the default policy
// (SEV-1 and SEV-2 refuse lint errors), a fake clock at 2026-11-27 14:00 UTC,
// component "checkout", and DeclareOnCheckout.
#ifndef STATUSCAST_TESTS_INCIDENT_LINTED_COMMANDS_TEST_H_
#define STATUSCAST_TESTS_INCIDENT_LINTED_COMMANDS_TEST_H_

#include <memory>
#include <string>

#include "absl/time/civil_time.h"
#include "gtest/gtest.h"
#include "libs/base/clock.h"
#include "libs/incident/incident_commands.h"
#include "libs/lint/linter.h"
#include "tests/support/memory_incident_store.h"

namespace statuscast::testing {

// 2026-11-27 14:00 UTC, where the fixture's clock starts.
inline absl::Time LintedCommandsStart() {
  return absl::FromCivil(absl::CivilSecond(2026, 11, 27, 14, 0, 0), absl::UTCTimeZone());
}

class LintedCommandsTest : public ::testing::Test {
 protected:
  LintedCommandsTest()
      : linter_(*lint::Linter::Default()),
        commands_(clock_, store_, IncidentRules(CadencePolicy(), InputLimits()), linter_.get(),
                  *LintPolicy::Parse(kDefaultLintReject)) {
    Component checkout;
    checkout.name = "checkout";
    EXPECT_TRUE(commands_.CreateComponent(ctx_, checkout).ok());
  }

  // `title` at `severity` on checkout (major outage), by alice, with
  // `first_update` when given.
  absl::StatusOr<WriteResult> DeclareOnCheckout(Severity severity, const std::string& title,
                                                absl::optional<UpdateDraft> first_update) {
    DeclareInput in;
    in.title = title;
    in.severity = severity;
    in.affected = {{"checkout", ComponentStatus::kMajorOutage}};
    in.author = "alice";
    in.first_update = std::move(first_update);
    return commands_.Declare(ctx_, "declare", in);
  }

  FakeClock clock_{LintedCommandsStart()};
  MemoryIncidentStore store_;
  std::unique_ptr<lint::Linter> linter_;
  IncidentCommands commands_;
  CallContext ctx_{"bob", "req-1"};
};

}  // namespace statuscast::testing

#endif  // STATUSCAST_TESTS_INCIDENT_LINTED_COMMANDS_TEST_H_
