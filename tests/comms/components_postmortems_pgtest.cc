// UpdateComponent, RetireComponent and PublishPostmortem's versions and lint
// end to end: real gRPC over 127.0.0.1, real PostgreSQL, a fake clock, with
// every bad input's code and message.
#include <grpcpp/grpcpp.h>

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/support/comms_client_test.h"

namespace statuscast {
namespace {

using testing::Call;
using testing::CallError;
using testing::CallOk;
using testing::Describe;
using testing::FromTimestamp;
using testing::HasViolation;

class ManagedComponentsTest : public testing::CommsClientTest {
 protected:
  ManagedComponentsTest()
      : CommsClientTest(testing::CommsTestOptions::RejectingLintAt("SEV-1,SEV-2,SEV-3"),
                        {"search", "legacy"}) {}

  grpc::Status Update(const v1::UpdateComponentRequest& req, v1::Component* out) {
    return Call(*stub_, &v1::IncidentService::Stub::UpdateComponent, req, out);
  }
  grpc::Status Retire(const std::string& name, v1::Component* out) {
    v1::RetireComponentRequest req;
    req.set_name(name);
    req.set_reason("was a test");
    return Call(*stub_, &v1::IncidentService::Stub::RetireComponent, req, out);
  }
  v1::ListComponentsResponse List(bool include_retired) {
    v1::ListComponentsRequest req;
    req.set_include_retired(include_retired);
    return CallOk(*stub_, &v1::IncidentService::Stub::ListComponents, req);
  }
};

TEST_F(ManagedComponentsTest, ADisplayNameIsStoredListedAndAudited) {
  v1::UpdateComponentRequest req;
  req.set_name("search");
  req.mutable_display_name()->set_value("Product search");
  v1::Component c;
  grpc::Status s = Update(req, &c);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(c.display_name(), "Product search");
  v1::ListComponentsResponse list = List(false);
  ASSERT_EQ(list.components_size(), 2);
  EXPECT_EQ(list.components(1).name(), "search");
  EXPECT_EQ(list.components(1).display_name(), "Product search");
  EXPECT_EQ(db_.Query("SELECT actor || ': ' || details FROM audit_log WHERE action = "
                      "'component_updated'"),
            "api: changed component search: display name \"Product search\"");
}

TEST_F(ManagedComponentsTest, BadEditsGetTheirCodes) {
  v1::UpdateComponentRequest req;
  req.set_name("nope");
  req.mutable_display_name()->set_value("Nope");
  v1::Component c;
  CallError e = Describe(Update(req, &c));
  EXPECT_EQ(e.code, grpc::StatusCode::NOT_FOUND);
  EXPECT_TRUE(absl::StrContains(e.message, "no component named \"nope\"")) << e.message;

  req.set_name("search");
  req.clear_display_name();
  e = Describe(Update(req, &c));
  EXPECT_EQ(e.code, grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(HasViolation(e, "display_name", "nothing to change"));

  req.mutable_display_name()->set_value(std::string(101, 'x'));
  e = Describe(Update(req, &c));
  EXPECT_EQ(e.code, grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(HasViolation(e, "display_name", "the limit is 100"));

  req.clear_display_name();
  req.mutable_description()->set_value(std::string(501, 'x'));
  EXPECT_TRUE(HasViolation(Describe(Update(req, &c)), "description", "the limit is 500"));
}

TEST_F(ManagedComponentsTest, RetiringIsRefusedWhileAnOpenIncidentAffectsIt) {
  v1::WriteIncidentResponse declared;
  ASSERT_TRUE(Declare(testing::SearchIsSlow(NewKey()), &declared).ok());
  v1::Component c;
  CallError e = Describe(Retire("search", &c));
  EXPECT_EQ(e.code, grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_TRUE(absl::StrContains(e.message, "affected by open incident " + declared.incident().ref()))
      << e.message;
  EXPECT_EQ(List(false).components_size(), 2);
}

TEST_F(ManagedComponentsTest, ARetiredComponentIsHiddenKeptAndRefusedForNewIncidents) {
  v1::Component c;
  grpc::Status s = Retire("legacy", &c);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(FromTimestamp(c.retired_at()), clock_.Now());
  EXPECT_EQ(List(false).components_size(), 1);
  v1::ListComponentsResponse all = List(true);
  ASSERT_EQ(all.components_size(), 2);
  EXPECT_TRUE(all.components(0).has_retired_at());

  v1::DeclareIncidentRequest req = testing::SearchIsSlow(NewKey());
  req.mutable_affected_components(0)->set_name("legacy");
  v1::WriteIncidentResponse resp;
  CallError e = Describe(Declare(req, &resp));
  EXPECT_EQ(e.code, grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(HasViolation(e, "affected_components[0].name", "is retired"));

  e = Describe(Retire("legacy", &c));
  EXPECT_EQ(e.code, grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_TRUE(absl::StrContains(e.message, "already retired")) << e.message;
  EXPECT_EQ(Describe(Retire("nope", &c)).code, grpc::StatusCode::NOT_FOUND);
}

class PostmortemVersionsTest : public ManagedComponentsTest {
 protected:
  void SetUp() override {
    ManagedComponentsTest::SetUp();
    v1::WriteIncidentResponse declared;
    ASSERT_TRUE(Declare(testing::SearchIsSlow(NewKey()), &declared).ok());
    auto req = Guarded<v1::ResolveIncidentRequest>(declared.incident(), "bob");
    req.set_message("Resolved: search is fast again. A change to our search settings slowed it; "
                    "we rolled it back. We're sorry for the slow results.");
    req.add_channels(v1::CHANNEL_STATUS_PAGE);
    req.set_lint_override_reason("the test is about postmortems");
    v1::WriteIncidentResponse resolved;
    grpc::Status s = Call(*stub_, &v1::IncidentService::Stub::ResolveIncident, req, &resolved);
    ASSERT_TRUE(s.ok()) << s.error_message();
    incident_ = resolved.incident();
  }

  grpc::Status Publish(const std::string& body, v1::WriteIncidentResponse* resp,
                       const std::string& override_reason = "") {
    auto req = Guarded<v1::PublishPostmortemRequest>(incident_, "carol");
    req.set_body(body);
    req.set_lint_override_reason(override_reason);
    grpc::Status s = Call(*stub_, &v1::IncidentService::Stub::PublishPostmortem, req, resp);
    if (s.ok()) incident_ = resp->incident();
    return s;
  }

  v1::Incident incident_;
};

TEST_F(PostmortemVersionsTest, RepublishingKeepsEveryVersion) {
  v1::WriteIncidentResponse resp;
  ASSERT_TRUE(Publish("# What happened\n\nA settings change slowed search.", &resp).ok());
  EXPECT_EQ(resp.incident().postmortem().revision(), 1);
  clock_.Advance(absl::Hours(3));
  grpc::Status s = Publish("# What happened\n\nA settings change slowed search for 20 minutes.", &resp);
  ASSERT_TRUE(s.ok()) << s.error_message();
  v1::Incident read = Get(incident_.ref());
  EXPECT_EQ(read.postmortem().revision(), 2);
  EXPECT_EQ(FromTimestamp(read.postmortem().published_at()), clock_.Now());
  EXPECT_EQ(FromTimestamp(read.postmortem().first_published_at()), clock_.Now() - absl::Hours(3));
  EXPECT_EQ(db_.Query("SELECT string_agg(revision || ':' || (body LIKE '%20 minutes%'), ',' "
                      "ORDER BY revision) FROM postmortem_revisions"),
            "1:false,2:true");
  EXPECT_EQ(db_.Query("SELECT details FROM audit_log WHERE action = 'postmortem_published' ORDER "
                      "BY id DESC LIMIT 1"),
            "revised the postmortem (version 2)");
}

TEST_F(PostmortemVersionsTest, ListPostmortemVersionsReadsEveryVersionOldestFirst) {
  auto list = [&](const std::string& ref, v1::ListPostmortemVersionsResponse* resp) {
    v1::ListPostmortemVersionsRequest req;
    req.set_incident_ref(ref);
    grpc::ClientContext ctx;
    return stub_->ListPostmortemVersions(&ctx, req, resp);
  };
  v1::ListPostmortemVersionsResponse versions;
  ASSERT_TRUE(list(incident_.ref(), &versions).ok());
  EXPECT_EQ(versions.versions_size(), 0);
  v1::WriteIncidentResponse resp;
  ASSERT_TRUE(Publish("# What happened\n\nA settings change slowed search.", &resp).ok());
  clock_.Advance(absl::Hours(3));
  ASSERT_TRUE(
      Publish("# What happened\n\nA settings change slowed search for 20 minutes.", &resp).ok());
  grpc::Status s = list(incident_.ref(), &versions);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(versions.versions_size(), 2);
  EXPECT_EQ(versions.versions(0).revision(), 1);
  EXPECT_EQ(versions.versions(0).body(), "# What happened\n\nA settings change slowed search.");
  EXPECT_EQ(versions.versions(0).author(), "carol");
  EXPECT_EQ(versions.versions(1).revision(), 2);
  EXPECT_EQ(FromTimestamp(versions.versions(1).published_at()), clock_.Now());
  EXPECT_EQ(FromTimestamp(versions.versions(1).first_published_at()),
            clock_.Now() - absl::Hours(3));

  CallError e = Describe(list("INC-99", &versions));
  EXPECT_EQ(e.code, grpc::StatusCode::NOT_FOUND);
  EXPECT_TRUE(absl::StrContains(e.message, "no incident INC-99")) << e.message;
  EXPECT_TRUE(HasViolation(Describe(list("", &versions)), "incident_ref", "is required"));
  EXPECT_TRUE(HasViolation(Describe(list(std::string(65, 'I'), &versions)), "incident_ref"));
}

TEST_F(PostmortemVersionsTest, ABodyWithInternalDetailIsRefusedUnlessOverridden) {
  v1::WriteIncidentResponse resp;
  CallError e = Describe(Publish("Engineer Dave's deploy to search-prod-3 slowed search.", &resp));
  EXPECT_EQ(e.code, grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_TRUE(HasViolation(e, "body", "internal-detail")) << e.message;
  EXPECT_EQ(db_.Query("SELECT count(*) FROM postmortem_revisions"), "0");
  grpc::Status s =
      Publish("Engineer Dave's deploy to search-prod-3 slowed search.", &resp, "Dave agreed");
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_GT(resp.lint_findings_size(), 0);
  EXPECT_EQ(db_.Query("SELECT lint_override_reason FROM postmortem_revisions"), "Dave agreed");
}

}  // namespace
}  // namespace statuscast
