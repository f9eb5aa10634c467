// statuscastctl roles, draft, drafts, approve, reject and audit against the
// in-process fake IncidentService (commands_fixture.h).
#include "commands_fixture.h"
#include "services/ctl/commands.h"
#include "services/ctl/render.h"

namespace statuscast {
namespace ctl {
namespace {

TEST_F(CommandsTest, RolesSendsTheNamesWithTheVersionItRead) {
  CtlOptions o;
  o.comms = "comms-carol";
  o.given = {"comms"};
  ASSERT_EQ(Run({"roles", "INC-12"}, o), kExitOk) << err_.str();
  absl::MutexLock lock(&service_.mu);
  EXPECT_EQ(service_.last_roles.incident_ref(), "INC-12");
  EXPECT_EQ(service_.last_roles.expected_version(), 7);
  EXPECT_EQ(service_.last_roles.comms_lead(), "comms-carol");
  EXPECT_EQ(service_.last_roles.commander(), "");
  EXPECT_FALSE(service_.last_roles.idempotency_key().empty());
}

TEST_F(CommandsTest, RolesWithoutANameIsAUsageErrorAndSendsNothing) {
  EXPECT_EQ(Run({"roles", "INC-12"}), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("give --ic NAME, --comms NAME or both"));
  absl::MutexLock lock(&service_.mu);
  EXPECT_EQ(service_.last_roles.incident_ref(), "");
}

TEST_F(CommandsTest, DraftProposesInTheIncidentsStateAndSaysItIsPrivate) {
  CtlOptions o;
  o.message = "We're rolling back the change.";
  o.given = {"message"};
  ASSERT_EQ(Run({"draft", "INC-12"}, o), kExitOk) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("draft 7 proposed for INC-12; it is private"));
  EXPECT_THAT(out_.str(), HasSubstr("statuscastctl approve INC-12 7"));
  absl::MutexLock lock(&service_.mu);
  EXPECT_EQ(service_.last_proposal.expected_version(), 7);
  EXPECT_EQ(service_.last_proposal.update().state(), v1::INCIDENT_STATE_IDENTIFIED);
  EXPECT_TRUE(service_.last_proposal.update().use_default_next_update());
}

TEST_F(CommandsTest, DraftWithStateResolvedProposesTheResolution) {
  CtlOptions o;
  o.message = "Resolved: checkout works normally again.";
  o.state = "resolved";
  o.given = {"message", "state"};
  ASSERT_EQ(Run({"draft", "INC-12"}, o), kExitOk) << err_.str();
  {
    absl::MutexLock lock(&service_.mu);
    const v1::UpdateDraft& d = service_.last_proposal.update();
    EXPECT_EQ(d.state(), v1::INCIDENT_STATE_RESOLVED);
    EXPECT_EQ(d.message(), "Resolved: checkout works normally again.");
    EXPECT_FALSE(d.use_default_next_update());
    EXPECT_FALSE(d.has_next_update_at());
    ASSERT_EQ(d.channels_size(), 1);  // resolve's default channels
    EXPECT_EQ(d.channels(0), v1::CHANNEL_STATUS_PAGE);
    service_.last_proposal.Clear();
  }
  o.banner = "Fixed";
  o.given.insert("banner");
  EXPECT_EQ(Run({"draft", "INC-12"}, o), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("--banner does not go with --state resolved"));
  absl::MutexLock lock(&service_.mu);
  EXPECT_EQ(service_.last_proposal.incident_ref(), "") << "nothing sent";
}

TEST(RenderDraftTest, AProposedResolutionSaysSo) {
  v1::Draft d;
  d.set_id(3);
  d.set_incident_ref("INC-12");
  d.set_status(v1::DRAFT_STATUS_PENDING);
  d.mutable_update()->set_state(v1::INCIDENT_STATE_RESOLVED);
  d.mutable_update()->set_message("Resolved: checkout works normally again.");
  EXPECT_THAT(RenderDraft(d, absl::UnixEpoch()), HasSubstr("proposes the resolution"));
}

TEST_F(CommandsTest, ApproveSendsTheDraftIdAndTheEdits) {
  CtlOptions o;
  o.message = "Edited text.";
  o.override_reason = "reviewed";
  o.given = {"message", "override"};
  ASSERT_EQ(Run({"approve", "INC-12", "7"}, o), kExitOk) << err_.str();
  absl::MutexLock lock(&service_.mu);
  EXPECT_EQ(service_.last_approval.draft_id(), 7);
  EXPECT_EQ(service_.last_approval.expected_version(), 7);
  EXPECT_EQ(service_.last_approval.message(), "Edited text.");
  EXPECT_EQ(service_.last_approval.lint_override_reason(), "reviewed");
  EXPECT_FALSE(service_.last_approval.has_next_update_at());
}

TEST_F(CommandsTest, ApproveAndRejectNeedADraftIdAndRejectAReason) {
  EXPECT_EQ(Run({"approve", "INC-12"}), kExitUsage);
  EXPECT_EQ(Run({"approve", "INC-12", "seven"}), kExitUsage);
  EXPECT_EQ(Run({"reject", "INC-12", "7"}), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("--reason is required"));
  CtlOptions o;
  o.reason = "say who is affected";
  o.given = {"reason"};
  ASSERT_EQ(Run({"reject", "INC-12", "7"}, o), kExitOk) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("rejected by ic-bob"));
  absl::MutexLock lock(&service_.mu);
  EXPECT_EQ(service_.last_rejection.reason(), "say who is affected");
  EXPECT_EQ(service_.last_approval.draft_id(), 0);  // nothing approved
}

TEST_F(CommandsTest, AuditPagesUpToTheLimitAndShowsOverridesAndThirdParties) {
  CtlOptions o;
  o.limit = 120;
  o.actor = "ic-bob";
  o.given = {"limit", "actor"};
  ASSERT_EQ(Run({"audit", "INC-3"}, o), kExitOk) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("lint override: vendor confirmed; third party confirmed"));
  EXPECT_THAT(out_.str(), HasSubstr("(more: raise --limit, now 120)"));
  absl::MutexLock lock(&service_.mu);
  ASSERT_EQ(service_.audit_requests.size(), 1u);
  EXPECT_EQ(service_.audit_requests[0].page_size(), 120);
  EXPECT_EQ(service_.audit_requests[0].incident_ref(), "INC-3");
  EXPECT_EQ(service_.audit_requests[0].actor(), "ic-bob");
}

}  // namespace
}  // namespace ctl
}  // namespace statuscast
