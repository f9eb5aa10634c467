// Components people can manage (IncidentCommands::UpdateComponent and
// RetireComponent) over the in-memory store and a fake clock.
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/time/civil_time.h"
#include "gtest/gtest.h"
#include "libs/base/clock.h"
#include "libs/incident/incident_commands.h"
#include "tests/support/memory_incident_store.h"
#include "tests/support/status_matchers.h"

namespace statuscast {
namespace {

using testing::FailsWith;
using testing::HasFieldViolation;

const absl::Time kStart =
    absl::FromCivil(absl::CivilSecond(2026, 11, 27, 14, 0, 0), absl::UTCTimeZone());

class ManagedComponentsTest : public ::testing::Test {
 protected:
  ManagedComponentsTest() : commands_(clock_, store_, IncidentRules(CadencePolicy(), InputLimits())) {
    for (const char* name : {"checkout", "legacy"}) {
      Component c;
      c.name = name;
      EXPECT_TRUE(commands_.CreateComponent(ctx_, c).ok());
    }
  }

  absl::StatusOr<WriteResult> DeclareOn(const std::string& component) {
    DeclareInput in;
    in.title = "Checkout failing";
    in.severity = Severity::kSev3;
    in.affected = {{component, ComponentStatus::kMajorOutage}};
    in.author = "alice";
    return commands_.Declare(ctx_, absl::StrCat("key-", ++keys_), in);
  }

  ComponentEdit Edit(absl::optional<std::string> display, absl::optional<std::string> description) {
    return ComponentEdit{"checkout", std::move(display), std::move(description)};
  }

  FakeClock clock_{kStart};
  testing::MemoryIncidentStore store_;
  IncidentCommands commands_;
  CallContext ctx_{"admin", "req-1"};
  int keys_ = 0;
};

TEST_F(ManagedComponentsTest, ADisplayNameAndDescriptionCanBeChangedAndAreAudited) {
  absl::StatusOr<Component> c = commands_.UpdateComponent(ctx_, Edit("Checkout", "Paying for orders"));
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->display_name, "Checkout");
  EXPECT_EQ(c->description, "Paying for orders");
  std::vector<Component> list = *commands_.ListComponents();
  EXPECT_EQ(list[0].display_name, "Checkout");
  const MutationRecord audit = store_.Audit().back();
  EXPECT_EQ(audit.kind, "component_updated");
  EXPECT_EQ(audit.actor, "admin");
  EXPECT_TRUE(absl::StrContains(audit.details, "display name \"Checkout\"")) << audit.details;
  // Only what is set changes.
  c = commands_.UpdateComponent(ctx_, Edit(absl::nullopt, "Orders and payments"));
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->display_name, "Checkout");
}

TEST_F(ManagedComponentsTest, BadEditsAreRefused) {
  EXPECT_TRUE(HasFieldViolation(commands_.UpdateComponent(ctx_, Edit(absl::nullopt, absl::nullopt)),
                                "display_name", "nothing to change"));
  EXPECT_TRUE(HasFieldViolation(commands_.UpdateComponent(ctx_, Edit(std::string(101, 'x'), {})),
                                "display_name", "the limit is 100"));
  EXPECT_TRUE(HasFieldViolation(commands_.UpdateComponent(ctx_, Edit("Two\nlines", {})),
                                "display_name", ""));
  EXPECT_TRUE(HasFieldViolation(commands_.UpdateComponent(ctx_, Edit("", "")), "display_name",
                                "already has"));
  EXPECT_TRUE(FailsWith(commands_.UpdateComponent(ctx_, ComponentEdit{"nope", "N", {}}),
                        absl::StatusCode::kNotFound, "no component named \"nope\""));
}

TEST_F(ManagedComponentsTest, RetiringHidesItFromListsAndNewIncidents) {
  absl::StatusOr<Component> c = commands_.RetireComponent(ctx_, "legacy", "a test component");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->retired_at, kStart);
  EXPECT_EQ(commands_.ListComponents()->size(), 1u);
  EXPECT_EQ(commands_.ListComponents(/*include_retired=*/true)->size(), 2u);
  EXPECT_TRUE(HasFieldViolation(DeclareOn("legacy"), "affected_components[0].name", "is retired"));
  EXPECT_TRUE(absl::StrContains(store_.Audit().back().details, "retired component legacy: a test"));
  EXPECT_TRUE(FailsWith(commands_.RetireComponent(ctx_, "legacy", ""),
                        absl::StatusCode::kFailedPrecondition, "already retired"));
  EXPECT_TRUE(FailsWith(commands_.UpdateComponent(ctx_, ComponentEdit{"legacy", "L", {}}),
                        absl::StatusCode::kFailedPrecondition, "is retired"));
}

TEST_F(ManagedComponentsTest, AComponentInAnOpenIncidentCannotBeRetired) {
  absl::StatusOr<WriteResult> inc = DeclareOn("checkout");
  ASSERT_TRUE(inc.ok()) << inc.status();
  EXPECT_TRUE(FailsWith(commands_.RetireComponent(ctx_, "checkout", ""),
                        absl::StatusCode::kFailedPrecondition,
                        "affected by open incident INC-1; resolve it"));
  EXPECT_TRUE(FailsWith(commands_.RetireComponent(ctx_, "nope", ""), absl::StatusCode::kNotFound,
                        "no component named"));
}

}  // namespace
}  // namespace statuscast
