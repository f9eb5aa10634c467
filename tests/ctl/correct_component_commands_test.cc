// statuscastctl correct and component update/retire against the fake
// IncidentService (tests/ctl/commands_fixture.h).
#include "services/ctl/render.h"
#include "tests/ctl/commands_fixture.h"

namespace statuscast {
namespace ctl {
namespace {

TEST_F(CommandsTest, CorrectSendsTheLatestUpdatesIdByDefault) {
  {
    absl::MutexLock lock(&service_.mu);
    service_.incident.add_timeline()->mutable_update()->set_id(40);
    service_.incident.add_timeline()->mutable_severity_change();
    service_.incident.add_timeline()->mutable_update()->set_id(42);
  }
  CtlOptions o;
  o.message = "Payments fail for 5% of users.";
  o.reason = "the figure was 5%";
  o.given = {"message", "reason"};
  ASSERT_EQ(Run({"correct", "INC-12"}, o), kExitOk) << err_.str();
  absl::MutexLock lock(&service_.mu);
  const v1::CorrectUpdateRequest& req = service_.last_correct;
  EXPECT_EQ(req.incident_ref(), "INC-12");
  EXPECT_EQ(req.expected_version(), 7);
  EXPECT_EQ(req.update_id(), 42);
  EXPECT_EQ(req.message(), "Payments fail for 5% of users.");
  EXPECT_EQ(req.reason(), "the figure was 5%");
  EXPECT_THAT(out_.str(), HasSubstr("corrected update 42"));
}

TEST_F(CommandsTest, CorrectTakesAnOlderUpdateById) {
  CtlOptions o;
  o.message = "Fixed.";
  o.update_id = 40;
  o.override_reason = "quoted a customer";
  o.given = {"message", "update", "override"};
  ASSERT_EQ(Run({"correct", "INC-12"}, o), kExitOk) << err_.str();
  absl::MutexLock lock(&service_.mu);
  EXPECT_EQ(service_.last_correct.update_id(), 40);
  EXPECT_EQ(service_.last_correct.lint_override_reason(), "quoted a customer");
}

TEST_F(CommandsTest, CorrectWithoutAMessageOrAnUpdateIsAUsageError) {
  CtlOptions o;
  EXPECT_EQ(Run({"correct", "INC-12"}, o), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("--message is required"));
  o.message = "Fixed.";
  o.given = {"message"};
  EXPECT_EQ(Run({"correct", "INC-12"}, o), kExitUsage);  // the fake incident has no update
  EXPECT_THAT(err_.str(), HasSubstr("has no update to correct yet"));
}

TEST_F(CommandsTest, ComponentUpdateSendsOnlyTheFieldsGiven) {
  CtlOptions o;
  o.display_name = "Checkout & payments";
  o.given = {"display_name"};
  ASSERT_EQ(Run({"component", "update", "checkout"}, o), kExitOk) << err_.str();
  {
    absl::MutexLock lock(&service_.mu);
    EXPECT_EQ(service_.last_component_update.name(), "checkout");
    EXPECT_TRUE(service_.last_component_update.has_display_name());
    EXPECT_FALSE(service_.last_component_update.has_description());
  }
  EXPECT_THAT(out_.str(), HasSubstr("customers read \"Checkout & payments\""));
  EXPECT_EQ(Run({"component", "update", "checkout"}, CtlOptions()), kExitUsage);
}

TEST_F(CommandsTest, ComponentEditsCarryTheVersionListed) {
  {
    absl::MutexLock lock(&service_.mu);
    v1::Component* c = service_.components.add_components();
    c->set_name("checkout");
    c->set_version(4);
    service_.components.add_components()->set_name("legacy");
    service_.components.mutable_components(1)->set_version(2);
  }
  CtlOptions o;
  o.description = "Cart and payment";
  o.given = {"description"};
  ASSERT_EQ(Run({"component", "update", "checkout"}, o), kExitOk) << err_.str();
  ASSERT_EQ(Run({"component", "retire", "legacy"}, CtlOptions()), kExitOk) << err_.str();
  {
    absl::MutexLock lock(&service_.mu);
    EXPECT_EQ(service_.last_component_update.expected_version(), 4);
    EXPECT_EQ(service_.last_retire.expected_version(), 2);
  }
  ASSERT_EQ(Run({"component", "retire", "unknown"}, CtlOptions()), kExitOk) << err_.str();
  absl::MutexLock lock(&service_.mu);
  // The last retire named a component the list did not have: no check, the
  // server answers NOT_FOUND.
  EXPECT_EQ(service_.last_retire.name(), "unknown");
  EXPECT_EQ(service_.last_retire.expected_version(), 0);
}

TEST_F(CommandsTest, PostmortemVersionsListsEveryVersionAndPublishesNothing) {
  {
    absl::MutexLock lock(&service_.mu);
    v1::Postmortem* p = service_.postmortem_versions.add_versions();
    p->set_revision(1);
    p->set_author("carol");
    p->set_url("https://status.example.com/pm/1");
    p->set_body("A settings change slowed payments.");
    p = service_.postmortem_versions.add_versions();
    p->set_revision(2);
    p->set_author("carol");
    p->set_body("A settings change slowed payments for 20 minutes.");
  }
  CtlOptions o;
  o.versions = true;
  o.given = {"versions"};
  ASSERT_EQ(Run({"postmortem", "INC-12"}, o), kExitOk) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("version 1 of INC-12's postmortem"));
  EXPECT_THAT(out_.str(), HasSubstr("    https://status.example.com/pm/1\n"));
  EXPECT_THAT(out_.str(), HasSubstr("by carol  (in force)\n    A settings change slowed payments "
                                    "for 20 minutes."));
  o.url = "https://status.example.com/pm/2";
  o.given.insert("url");
  EXPECT_EQ(Run({"postmortem", "INC-12"}, o), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("--url does not go with --versions"));
  o = CtlOptions();
  o.versions = true;
  o.given = {"versions"};
  EXPECT_EQ(Run({"postmortem", "INC-13"}, o), kExitFailed);
}

TEST_F(CommandsTest, ComponentRetireSendsTheReason) {
  CtlOptions o;
  o.reason = "was a test";
  o.given = {"reason"};
  ASSERT_EQ(Run({"component", "retire", "legacy"}, o), kExitOk) << err_.str();
  absl::MutexLock lock(&service_.mu);
  EXPECT_EQ(service_.last_retire.name(), "legacy");
  EXPECT_EQ(service_.last_retire.reason(), "was a test");
  EXPECT_THAT(out_.str(), HasSubstr("component legacy retired"));
}

}  // namespace
}  // namespace ctl
}  // namespace statuscast

namespace statuscast {
namespace ctl {
namespace {

TEST(RenderComponentsTest, ShowsWhatCustomersReadAndWhereBannersShow) {
  v1::ListComponentsResponse list;
  v1::Component* c = list.add_components();
  c->set_name("checkout");
  c->set_display_name("Checkout & payments");
  c->set_status(v1::COMPONENT_STATUS_MAJOR_OUTAGE);
  c->add_banner_apps("shop");
  c->add_banner_paths("/checkout*");
  c = list.add_components();
  c->set_name("legacy");
  c->mutable_retired_at()->set_seconds(1795788120);  // 2026-11-27 14:02 UTC
  const std::string out = RenderComponents(list);
  EXPECT_THAT(out, HasSubstr("CUSTOMERS READ"));
  EXPECT_THAT(out, HasSubstr("Checkout & payments"));
  EXPECT_THAT(out, HasSubstr("apps shop on pages /checkout*"));
  EXPECT_THAT(out, HasSubstr("retired 2026-11-27 14:02 UTC"));
}

}  // namespace
}  // namespace ctl
}  // namespace statuscast
