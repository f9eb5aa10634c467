// Access control on statuscast-comms (--auth=required) over real gRPC and
// PostgreSQL: every RPC of every service the server registers
// (IncidentService, ComplianceService, TokenService, SubscriberService,
// MaintenanceService) refuses a call without a token, with a wrong, expired or
// revoked token and with a token below the scope it needs, with the code and
// a message that says what to do, and writes nothing. With a token, the
// token's name is the author and the audit actor.
#include <grpcpp/grpcpp.h>

#include <functional>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "libs/auth/token_issuer.h"
#include "libs/auth/token_secret.h"
#include "tests/support/comms_client_test.h"
#include "tests/support/rpc_coverage.h"

namespace statuscast {
namespace {

using testing::At;
using testing::CommsTestOptions;
using testing::SetSeconds;
using testing::SetToken;

// One RPC made with whatever credentials the context carries.
struct Rpc {
  std::string name;
  Scope needed;
  std::function<grpc::Status(grpc::ClientContext&)> call;
};

class AuthTest : public testing::CommsClientTest {
 protected:
  AuthTest()
      : CommsClientTest(CommsTestOptions::WithTokens()),
        compliance_(server_.NewComplianceStub()),
        tokens_(server_.NewTokenStub()),
        subscribers_(server_.NewSubscriberStub()),
        maintenance_(server_.NewMaintenanceStub()) {}

  void SetUp() override {
    ASSERT_TRUE(db_.ok());
    admin_ = Issue("ops-admin", Scope::kAdmin);
    writer_ = Issue("responder-bob", Scope::kWrite);
    reader_ = Issue("viewer", Scope::kRead);
    Issue("spare", Scope::kRead);
    // Expired: made at 12:00 for one hour.
    clock_.Set(At(12, 0));
    TokenExpiry hour;
    hour.ttl = absl::Hours(1);
    absl::StatusOr<IssuedToken> old =
        server_.tokens().Create("old", Scope::kAdmin, hour, "test", "setup");
    ASSERT_TRUE(old.ok()) << old.status();
    expired_ = old->secret;
    clock_.Set(At(14, 0));
    revoked_ = Issue("gone", Scope::kAdmin);
    ASSERT_TRUE(server_.tokens().Revoke("gone", "test", "setup").ok());

    // INC-1 and INC-4 open (responder-bob their commander), INC-2 and INC-3
    // resolved, two drafts on INC-4, two maintenance windows and a
    // subscriber: every write below would succeed if allowed.
    for (const char* name : {"checkout", "legacy-search"}) {
      ASSERT_TRUE(Call(admin_, [&](grpc::ClientContext& ctx) {
                    v1::CreateComponentRequest req;
                    req.set_name(name);
                    v1::Component c;
                    return stub_->CreateComponent(&ctx, req, &c);
                  }).ok());
    }
    inc1_ = Declare("Checkout failing", writer_);
    inc2_ = DeclareResolved("Search slow");
    inc3_ = DeclareResolved("Login slow");
    inc4_ = Declare("Emails delayed", writer_);
    draft_to_approve_ = Propose(inc4_, "draft-approve");
    draft_to_reject_ = Propose(inc4_, "draft-reject");
    window_to_run_ = ScheduleWindow("Database upgrade");
    window_to_cancel_ = ScheduleWindow("Network change");
    ASSERT_TRUE(Call(admin_, [&](grpc::ClientContext& ctx) {
                  v1::AddSubscriberRequest req;
                  req.set_kind(v1::SUBSCRIBER_KIND_EMAIL);
                  req.set_destination("ops-watcher@example.com");
                  v1::AddSubscriberResponse r;
                  grpc::Status s = subscribers_->AddSubscriber(&ctx, req, &r);
                  subscriber_id_ = r.subscriber().id();
                  return s;
                }).ok());
  }

  // A waiting draft on `inc` by responder-bob; its id.
  int64_t Propose(const v1::Incident& inc, const std::string& key) {
    v1::DraftResponse r;
    grpc::Status s = Call(writer_, [&](grpc::ClientContext& ctx) {
      v1::ProposeUpdateRequest req;
      req.set_incident_ref(inc.ref());
      req.set_expected_version(Get(inc.ref()).version());
      req.set_idempotency_key(key);
      req.mutable_update()->set_state(v1::INCIDENT_STATE_IDENTIFIED);
      req.mutable_update()->set_message("We've found the cause of the delayed emails.");
      req.mutable_update()->add_channels(v1::CHANNEL_STATUS_PAGE);
      return stub_->ProposeUpdate(&ctx, req, &r);
    });
    EXPECT_TRUE(s.ok()) << s.error_message();
    return r.draft().id();
  }

  // A window scheduled for tonight; its ref.
  std::string ScheduleWindow(const std::string& title) {
    v1::Maintenance m;
    grpc::Status s = Call(writer_, [&](grpc::ClientContext& ctx) {
      v1::ScheduleMaintenanceRequest req;
      req.set_title(title);
      req.set_message("Checkout may be slow for a few minutes.");
      req.add_components("checkout");
      SetSeconds(At(22, 0), req.mutable_scheduled_start());
      SetSeconds(At(23, 0), req.mutable_scheduled_end());
      return maintenance_->ScheduleMaintenance(&ctx, req, &m);
    });
    EXPECT_TRUE(s.ok()) << s.error_message();
    return m.ref();
  }

  v1::Incident DeclareResolved(const std::string& title) {
    v1::Incident inc = Declare(title, writer_);
    grpc::Status s = Call(writer_, [&](grpc::ClientContext& ctx) {
      v1::ResolveIncidentRequest req;
      req.set_incident_ref(inc.ref());
      req.set_expected_version(inc.version());
      req.set_idempotency_key("resolve-" + inc.ref());
      req.set_message("Resolved: it works normally again.");
      v1::WriteIncidentResponse r;
      return stub_->ResolveIncident(&ctx, req, &r);
    });
    EXPECT_TRUE(s.ok()) << s.error_message();
    return Get(inc.ref());
  }

  std::string Issue(const std::string& name, Scope scope) {
    absl::StatusOr<IssuedToken> t = server_.tokens().Create(name, scope, {}, "test", "setup");
    EXPECT_TRUE(t.ok()) << t.status();
    return t.ok() ? t->secret : "";
  }

  grpc::Status Call(const std::string& token,
                    const std::function<grpc::Status(grpc::ClientContext&)>& fn) {
    grpc::ClientContext ctx;
    if (!token.empty()) SetToken(ctx, token);
    return fn(ctx);
  }

  v1::Incident Declare(const std::string& title, const std::string& token,
                       const std::string& author = "someone-else") {
    v1::DeclareIncidentRequest req;
    req.set_title(title);
    req.set_severity(v1::SEVERITY_SEV3);
    req.add_affected_components()->set_name("checkout");
    req.mutable_first_update()->set_message("We're investigating slow pages for some users.");
    req.mutable_first_update()->add_channels(v1::CHANNEL_STATUS_PAGE);
    req.set_author(author);
    req.set_idempotency_key(absl::StrCat("declare-", std::hash<std::string>()(title)));
    v1::WriteIncidentResponse r;
    grpc::Status s = Call(
        token, [&](grpc::ClientContext& ctx) { return stub_->DeclareIncident(&ctx, req, &r); });
    EXPECT_TRUE(s.ok()) << s.error_message();
    return r.incident();
  }

  v1::Incident Get(const std::string& ref) {
    v1::Incident inc;
    grpc::Status s = Call(reader_, [&](grpc::ClientContext& ctx) {
      v1::GetIncidentRequest req;
      req.set_incident_ref(ref);
      return stub_->GetIncident(&ctx, req, &inc);
    });
    EXPECT_TRUE(s.ok()) << s.error_message();
    return inc;
  }

  // Every RPC of every service the server registers, with requests that
  // would succeed (in this order) with a token of the scope it needs.
  std::vector<Rpc> AllRpcs() {
    // The incident's current version, so that each write would succeed.
    auto write_meta = [this](auto& req, const v1::Incident& inc, const std::string& key) {
      req.set_incident_ref(inc.ref());
      req.set_expected_version(Get(inc.ref()).version());
      req.set_idempotency_key(key);
      req.set_author("intruder");
    };
    std::vector<Rpc> rpcs;
    rpcs.push_back({"CreateComponent", Scope::kAdmin, [this](grpc::ClientContext& ctx) {
                      v1::CreateComponentRequest req;
                      req.set_name("payments");
                      v1::Component c;
                      return stub_->CreateComponent(&ctx, req, &c);
                    }});
    rpcs.push_back({"ListComponents", Scope::kRead, [this](grpc::ClientContext& ctx) {
                      v1::ListComponentsResponse r;
                      return stub_->ListComponents(&ctx, v1::ListComponentsRequest(), &r);
                    }});
    rpcs.push_back({"DeclareIncident", Scope::kWrite, [this](grpc::ClientContext& ctx) {
                      v1::DeclareIncidentRequest req;
                      req.set_title("Login failing");
                      req.set_severity(v1::SEVERITY_SEV3);
                      req.add_affected_components()->set_name("checkout");
                      req.set_author("intruder");
                      req.set_idempotency_key("declare-intruder");
                      v1::WriteIncidentResponse r;
                      return stub_->DeclareIncident(&ctx, req, &r);
                    }});
    rpcs.push_back({"PostUpdate", Scope::kWrite, [this, write_meta](grpc::ClientContext& ctx) {
                      v1::PostUpdateRequest req;
                      write_meta(req, inc1_, "update-intruder");
                      req.mutable_update()->set_state(v1::INCIDENT_STATE_IDENTIFIED);
                      req.mutable_update()->set_message("We've found the cause.");
                      req.mutable_update()->add_channels(v1::CHANNEL_STATUS_PAGE);
                      v1::WriteIncidentResponse r;
                      return stub_->PostUpdate(&ctx, req, &r);
                    }});
    rpcs.push_back({"ChangeSeverity", Scope::kWrite, [this, write_meta](grpc::ClientContext& ctx) {
                      v1::ChangeSeverityRequest req;
                      write_meta(req, inc1_, "severity-intruder");
                      req.set_severity(v1::SEVERITY_SEV2);
                      req.set_reason("wider than thought");
                      v1::WriteIncidentResponse r;
                      return stub_->ChangeSeverity(&ctx, req, &r);
                    }});
    rpcs.push_back({"ResolveIncident", Scope::kWrite, [this, write_meta](grpc::ClientContext& ctx) {
                      v1::ResolveIncidentRequest req;
                      write_meta(req, inc1_, "resolve-intruder");
                      req.set_message("Resolved: checkout works again.");
                      v1::WriteIncidentResponse r;
                      return stub_->ResolveIncident(&ctx, req, &r);
                    }});
    rpcs.push_back({"ReopenIncident", Scope::kWrite, [this, write_meta](grpc::ClientContext& ctx) {
                      v1::ReopenIncidentRequest req;
                      write_meta(req, inc2_, "reopen-intruder");
                      req.set_reason("came back");
                      req.mutable_update()->set_state(v1::INCIDENT_STATE_INVESTIGATING);
                      req.mutable_update()->set_message("Search is slow again; investigating.");
                      req.mutable_update()->add_channels(v1::CHANNEL_STATUS_PAGE);
                      v1::WriteIncidentResponse r;
                      return stub_->ReopenIncident(&ctx, req, &r);
                    }});
    rpcs.push_back(
        {"PublishPostmortem", Scope::kWrite, [this, write_meta](grpc::ClientContext& ctx) {
           v1::PublishPostmortemRequest req;
           write_meta(req, inc3_, "postmortem-intruder");
           req.set_url("https://status.example.com/postmortems/inc-2");
           v1::WriteIncidentResponse r;
           return stub_->PublishPostmortem(&ctx, req, &r);
         }});
    rpcs.push_back({"GetIncident", Scope::kRead, [this](grpc::ClientContext& ctx) {
                      v1::GetIncidentRequest req;
                      req.set_incident_ref(inc1_.ref());
                      v1::Incident r;
                      return stub_->GetIncident(&ctx, req, &r);
                    }});
    rpcs.push_back({"ListIncidents", Scope::kRead, [this](grpc::ClientContext& ctx) {
                      v1::ListIncidentsResponse r;
                      return stub_->ListIncidents(&ctx, v1::ListIncidentsRequest(), &r);
                    }});
    rpcs.push_back({"WatchIncidents", Scope::kRead, [this](grpc::ClientContext& ctx) {
                      ctx.set_deadline(std::chrono::system_clock::now() +
                                       std::chrono::milliseconds(500));
                      auto reader = stub_->WatchIncidents(&ctx, v1::WatchIncidentsRequest());
                      v1::IncidentEvent e;
                      while (reader->Read(&e)) {
                      }
                      return reader->Finish();
                    }});
    rpcs.push_back({"LintUpdate", Scope::kRead, [this](grpc::ClientContext& ctx) {
                      v1::LintUpdateRequest req;
                      req.set_message("We're investigating.");
                      v1::LintUpdateResponse r;
                      return stub_->LintUpdate(&ctx, req, &r);
                    }});
    rpcs.push_back({"FillTemplate", Scope::kRead, [this](grpc::ClientContext& ctx) {
                      v1::FillTemplateRequest req;
                      req.set_incident_ref(inc1_.ref());
                      req.set_tone(v1::TEMPLATE_TONE_UPDATING);
                      v1::FillTemplateResponse r;
                      return stub_->FillTemplate(&ctx, req, &r);
                    }});
    rpcs.push_back({"GetIncidentCompliance", Scope::kRead, [this](grpc::ClientContext& ctx) {
                      v1::GetIncidentComplianceRequest req;
                      req.set_incident_ref(inc1_.ref());
                      v1::IncidentCompliance r;
                      return compliance_->GetIncidentCompliance(&ctx, req, &r);
                    }});
    rpcs.push_back({"GetComplianceReport", Scope::kRead, [this](grpc::ClientContext& ctx) {
                      v1::ComplianceReport r;
                      return compliance_->GetComplianceReport(&ctx, v1::ComplianceReportRequest(),
                                                              &r);
                    }});
    rpcs.push_back({"WatchReminders", Scope::kRead, [this](grpc::ClientContext& ctx) {
                      ctx.set_deadline(std::chrono::system_clock::now() +
                                       std::chrono::milliseconds(500));
                      auto reader = compliance_->WatchReminders(&ctx, v1::WatchRemindersRequest());
                      v1::Reminder r;
                      while (reader->Read(&r)) {
                      }
                      return reader->Finish();
                    }});
    rpcs.push_back({"CreateToken", Scope::kAdmin, [this](grpc::ClientContext& ctx) {
                      v1::CreateTokenRequest req;
                      req.set_name("minted-by-intruder");
                      req.set_scope(v1::TOKEN_SCOPE_ADMIN);
                      v1::CreateTokenResponse r;
                      return tokens_->CreateToken(&ctx, req, &r);
                    }});
    rpcs.push_back({"ListTokens", Scope::kAdmin, [this](grpc::ClientContext& ctx) {
                      v1::ListTokensResponse r;
                      return tokens_->ListTokens(&ctx, v1::ListTokensRequest(), &r);
                    }});
    rpcs.push_back({"RevokeToken", Scope::kAdmin, [this](grpc::ClientContext& ctx) {
                      v1::RevokeTokenRequest req;
                      req.set_name("spare");
                      v1::ApiToken r;
                      return tokens_->RevokeToken(&ctx, req, &r);
                    }});
    rpcs.push_back({"UpdateComponent", Scope::kAdmin, [this](grpc::ClientContext& ctx) {
                      v1::UpdateComponentRequest req;
                      req.set_name("checkout");
                      req.mutable_display_name()->set_value("Checkout and payments");
                      v1::Component c;
                      return stub_->UpdateComponent(&ctx, req, &c);
                    }});
    rpcs.push_back({"RetireComponent", Scope::kAdmin, [this](grpc::ClientContext& ctx) {
                      v1::RetireComponentRequest req;
                      req.set_name("legacy-search");
                      req.set_reason("replaced");
                      v1::Component c;
                      return stub_->RetireComponent(&ctx, req, &c);
                    }});
    rpcs.push_back({"CorrectUpdate", Scope::kWrite, [this, write_meta](grpc::ClientContext& ctx) {
                      v1::CorrectUpdateRequest req;
                      write_meta(req, inc4_, "correct-intruder");
                      req.set_update_id(Get(inc4_.ref()).timeline(0).update().id());
                      req.set_message("We're investigating delayed emails for some users.");
                      req.set_reason("typo");
                      v1::WriteIncidentResponse r;
                      return stub_->CorrectUpdate(&ctx, req, &r);
                    }});
    rpcs.push_back({"ProposeUpdate", Scope::kWrite, [this, write_meta](grpc::ClientContext& ctx) {
                      v1::ProposeUpdateRequest req;
                      write_meta(req, inc4_, "propose-intruder");
                      req.mutable_update()->set_state(v1::INCIDENT_STATE_MONITORING);
                      req.mutable_update()->set_message("A fix is deployed; we're monitoring.");
                      req.mutable_update()->add_channels(v1::CHANNEL_STATUS_PAGE);
                      v1::DraftResponse r;
                      return stub_->ProposeUpdate(&ctx, req, &r);
                    }});
    rpcs.push_back({"ListDrafts", Scope::kRead, [this](grpc::ClientContext& ctx) {
                      v1::ListDraftsRequest req;
                      req.set_incident_ref(inc4_.ref());
                      v1::ListDraftsResponse r;
                      return stub_->ListDrafts(&ctx, req, &r);
                    }});
    rpcs.push_back({"ApproveDraft", Scope::kWrite, [this, write_meta](grpc::ClientContext& ctx) {
                      v1::ApproveDraftRequest req;
                      write_meta(req, inc4_, "approve-intruder");
                      req.set_draft_id(draft_to_approve_);
                      v1::WriteIncidentResponse r;
                      return stub_->ApproveDraft(&ctx, req, &r);
                    }});
    rpcs.push_back({"RejectDraft", Scope::kWrite, [this](grpc::ClientContext& ctx) {
                      v1::RejectDraftRequest req;
                      req.set_incident_ref(inc4_.ref());
                      req.set_draft_id(draft_to_reject_);
                      req.set_idempotency_key("reject-intruder");
                      req.set_author("intruder");
                      req.set_reason("superseded");
                      v1::DraftResponse r;
                      return stub_->RejectDraft(&ctx, req, &r);
                    }});
    rpcs.push_back(
        {"SetIncidentRoles", Scope::kWrite, [this, write_meta](grpc::ClientContext& ctx) {
           v1::SetIncidentRolesRequest req;
           write_meta(req, inc4_, "roles-intruder");
           req.set_commander("responder-bob");
           req.set_comms_lead("comms-carol");
           v1::WriteIncidentResponse r;
           return stub_->SetIncidentRoles(&ctx, req, &r);
         }});
    rpcs.push_back({"ListAuditEvents", Scope::kRead, [this](grpc::ClientContext& ctx) {
                      v1::ListAuditEventsRequest req;
                      req.set_incident_ref(inc4_.ref());
                      v1::ListAuditEventsResponse r;
                      return stub_->ListAuditEvents(&ctx, req, &r);
                    }});
    rpcs.push_back({"ListPostmortemVersions", Scope::kRead, [this](grpc::ClientContext& ctx) {
                      v1::ListPostmortemVersionsRequest req;
                      req.set_incident_ref(inc3_.ref());
                      v1::ListPostmortemVersionsResponse r;
                      return stub_->ListPostmortemVersions(&ctx, req, &r);
                    }});
    rpcs.push_back({"ScheduleMaintenance", Scope::kWrite, [this](grpc::ClientContext& ctx) {
                      v1::ScheduleMaintenanceRequest req;
                      req.set_title("Intruder's window");
                      req.set_message("Everything will be down.");
                      req.add_components("checkout");
                      SetSeconds(At(20, 0), req.mutable_scheduled_start());
                      SetSeconds(At(21, 0), req.mutable_scheduled_end());
                      v1::Maintenance m;
                      return maintenance_->ScheduleMaintenance(&ctx, req, &m);
                    }});
    rpcs.push_back({"ListMaintenances", Scope::kRead, [this](grpc::ClientContext& ctx) {
                      v1::ListMaintenancesResponse r;
                      return maintenance_->ListMaintenances(&ctx, v1::ListMaintenancesRequest(),
                                                            &r);
                    }});
    rpcs.push_back({"GetMaintenance", Scope::kRead, [this](grpc::ClientContext& ctx) {
                      v1::GetMaintenanceRequest req;
                      req.set_ref(window_to_run_);
                      v1::Maintenance m;
                      return maintenance_->GetMaintenance(&ctx, req, &m);
                    }});
    rpcs.push_back({"StartMaintenance", Scope::kWrite, [this](grpc::ClientContext& ctx) {
                      v1::StartMaintenanceRequest req;
                      req.set_ref(window_to_run_);
                      v1::Maintenance m;
                      return maintenance_->StartMaintenance(&ctx, req, &m);
                    }});
    rpcs.push_back({"CompleteMaintenance", Scope::kWrite, [this](grpc::ClientContext& ctx) {
                      v1::CompleteMaintenanceRequest req;
                      req.set_ref(window_to_run_);
                      v1::Maintenance m;
                      return maintenance_->CompleteMaintenance(&ctx, req, &m);
                    }});
    rpcs.push_back({"CancelMaintenance", Scope::kWrite, [this](grpc::ClientContext& ctx) {
                      v1::CancelMaintenanceRequest req;
                      req.set_ref(window_to_cancel_);
                      v1::Maintenance m;
                      return maintenance_->CancelMaintenance(&ctx, req, &m);
                    }});
    rpcs.push_back({"ListSubscribers", Scope::kAdmin, [this](grpc::ClientContext& ctx) {
                      v1::ListSubscribersResponse r;
                      return subscribers_->ListSubscribers(&ctx, v1::ListSubscribersRequest(), &r);
                    }});
    rpcs.push_back({"AddSubscriber", Scope::kAdmin, [this](grpc::ClientContext& ctx) {
                      v1::AddSubscriberRequest req;
                      req.set_kind(v1::SUBSCRIBER_KIND_EMAIL);
                      req.set_destination("intruder@example.com");
                      v1::AddSubscriberResponse r;
                      return subscribers_->AddSubscriber(&ctx, req, &r);
                    }});
    rpcs.push_back({"ListDeliveries", Scope::kAdmin, [this](grpc::ClientContext& ctx) {
                      v1::ListDeliveriesRequest req;
                      req.set_subscriber_id(subscriber_id_);
                      v1::ListDeliveriesResponse r;
                      return subscribers_->ListDeliveries(&ctx, req, &r);
                    }});
    rpcs.push_back({"RemoveSubscriber", Scope::kAdmin, [this](grpc::ClientContext& ctx) {
                      v1::RemoveSubscriberRequest req;
                      req.set_id(subscriber_id_);
                      v1::Subscriber r;
                      return subscribers_->RemoveSubscriber(&ctx, req, &r);
                    }});
    return rpcs;
  }

  // Row counts of every table a call could write, every token's state, and
  // a digest of the rows of the tables whose rows change in place.
  std::string Snapshot() {
    std::string digests;
    for (const char* table :
         {"components", "update_drafts", "role_changes", "update_revisions", "postmortem_revisions",
          "maintenance_windows", "maintenance_components", "subscribers", "notifications"}) {
      digests += db_.Query(absl::StrCat("SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY "
                                        "t::text), '')) FROM ",
                                        table, " t")) +
                 ",";
    }
    return digests +
           db_.Query(
               "SELECT concat_ws(',', (SELECT count(*) FROM incidents), (SELECT count(*) FROM "
               "incident_updates), (SELECT count(*) FROM audit_log), (SELECT count(*) FROM "
               "change_log), "
               "(SELECT count(*) FROM components), (SELECT count(*) FROM manual_banners), (SELECT "
               "count(*) FROM kill_switches), (SELECT count(*) FROM idempotency_keys), (SELECT "
               "string_agg(name || ':' || coalesce(revoked_at::text, '-'), ' ' ORDER BY name) FROM "
               "api_tokens), (SELECT string_agg(ref || ':' || version, ' ' ORDER BY ref) FROM "
               "incidents))");
  }

  // Calls every RPC with `token` and expects `code` with `message_part`
  // (PERMISSION_DENIED only for RPCs needing more than `scope`).
  void ExpectEveryRpcRefused(const std::string& what, const std::string& token,
                             grpc::StatusCode code, const std::string& message_part) {
    const std::string before = Snapshot();
    int checked = 0;
    for (const Rpc& rpc : AllRpcs()) {
      SCOPED_TRACE(absl::StrCat(rpc.name, " with ", what));
      grpc::Status s = Call(token, rpc.call);
      EXPECT_EQ(s.error_code(), code) << s.error_message();
      EXPECT_TRUE(absl::StrContains(s.error_message(), message_part)) << s.error_message();
      ++checked;
    }
    EXPECT_EQ(checked, 39);
    EXPECT_EQ(Snapshot(), before) << "a refused call changed the database";
  }

  std::unique_ptr<v1::ComplianceService::Stub> compliance_;
  std::unique_ptr<v1::TokenService::Stub> tokens_;
  std::unique_ptr<v1::SubscriberService::Stub> subscribers_;
  std::unique_ptr<v1::MaintenanceService::Stub> maintenance_;
  std::string admin_, writer_, reader_, expired_, revoked_;
  v1::Incident inc1_, inc2_, inc3_, inc4_;
  int64_t draft_to_approve_ = 0, draft_to_reject_ = 0;
  std::string window_to_run_, window_to_cancel_, subscriber_id_;
};

// The table above is what the tests below check: a method the server serves
// but the table lacks would go unchecked, so every method of every service
// the test server registers (as main.cc does) must be in it, and nothing
// else. gRPC health and reflection, public by design, are not registered here.
TEST_F(AuthTest, TheTableCoversEveryMethodOfEveryRegisteredService) {
  EXPECT_EQ(server_.registered_services().size(), 5u);
  std::vector<std::string> covered;
  for (const Rpc& rpc : AllRpcs()) covered.push_back(rpc.name);
  testing::ExpectEveryMethodCovered(server_.registered_services(), covered, "AuthTest::AllRpcs()");
}

TEST_F(AuthTest, EveryRpcWithoutATokenIsUnauthenticatedAndChangesNothing) {
  ExpectEveryRpcRefused("no token", "", grpc::StatusCode::UNAUTHENTICATED,
                        "no token: send the metadata \"authorization: Bearer sct_...\"; "
                        "statuscastctl: set STATUSCAST_TOKEN or --token");
}

TEST_F(AuthTest, EveryRpcWithAWrongTokenIsUnauthenticated) {
  ExpectEveryRpcRefused("a wrong token", "sct_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                        grpc::StatusCode::UNAUTHENTICATED, "unknown token");
}

TEST_F(AuthTest, EveryRpcWithSomethingThatIsNoTokenIsUnauthenticated) {
  ExpectEveryRpcRefused("a password", "hunter2", grpc::StatusCode::UNAUTHENTICATED,
                        "not a statuscast token: tokens start with \"sct_\"");
}

TEST_F(AuthTest, EveryRpcWithAnExpiredTokenIsUnauthenticated) {
  ExpectEveryRpcRefused("an expired token", expired_, grpc::StatusCode::UNAUTHENTICATED,
                        "token \"old\" expired at 2026-11-27 13:00:00 UTC");
}

TEST_F(AuthTest, EveryRpcWithARevokedTokenIsUnauthenticated) {
  ExpectEveryRpcRefused("a revoked token", revoked_, grpc::StatusCode::UNAUTHENTICATED,
                        "token \"gone\" was revoked at 2026-11-27 14:00:00 UTC");
}

TEST_F(AuthTest, EveryRpcBeyondTheTokensScopeIsPermissionDeniedAndChangesNothing) {
  const std::string before = Snapshot();
  int denied = 0;
  for (const auto& [token, name, scope] : std::vector<std::tuple<std::string, std::string, Scope>>{
           {reader_, "viewer", Scope::kRead}, {writer_, "responder-bob", Scope::kWrite}}) {
    for (const Rpc& rpc : AllRpcs()) {
      if (ScopeAllows(scope, rpc.needed)) continue;
      SCOPED_TRACE(absl::StrCat(rpc.name, " with ", name));
      grpc::Status s = Call(token, rpc.call);
      EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << s.error_message();
      EXPECT_EQ(s.error_message(),
                absl::StrCat(rpc.name, " needs a token with scope ", ScopeName(rpc.needed),
                             "; token \"", name, "\" has scope ", ScopeName(scope)));
      ++denied;
    }
  }
  // read: 15 writes and 10 admin calls; write: the 10 admin calls.
  EXPECT_EQ(denied, 25 + 10);
  EXPECT_EQ(Snapshot(), before);
}

// Also shows that the refused calls above would have succeeded (and written)
// with a good token.
TEST_F(AuthTest, EveryRpcSucceedsWithATokenOfItsScope) {
  for (const Rpc& rpc : AllRpcs()) {
    SCOPED_TRACE(rpc.name);
    const std::string& token = rpc.needed == Scope::kRead    ? reader_
                               : rpc.needed == Scope::kWrite ? writer_
                                                             : admin_;
    grpc::Status s = Call(token, rpc.call);
    if (absl::StartsWith(rpc.name, "Watch")) {
      EXPECT_EQ(s.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED) << s.error_message();
    } else {
      EXPECT_TRUE(s.ok()) << s.error_message();
    }
  }
}

TEST_F(AuthTest, AReadTokenCannotPostAnUpdate) {
  const std::string before = Snapshot();
  v1::PostUpdateRequest req;
  req.set_incident_ref(inc1_.ref());
  req.set_expected_version(inc1_.version());
  req.set_idempotency_key("read-token-update");
  req.set_author("viewer");
  req.mutable_update()->set_message("We've found the cause.");
  req.mutable_update()->add_channels(v1::CHANNEL_STATUS_PAGE);
  v1::WriteIncidentResponse r;
  grpc::Status s =
      Call(reader_, [&](grpc::ClientContext& ctx) { return stub_->PostUpdate(&ctx, req, &r); });
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(s.error_message(),
            "PostUpdate needs a token with scope write; token \"viewer\" has scope read");
  EXPECT_EQ(Snapshot(), before);
  EXPECT_EQ(Get(inc1_.ref()).timeline_size(), 1);
}

TEST_F(AuthTest, TheAuthorAndTheAuditActorAreTheTokensNameNotTheRequestsAuthor) {
  v1::Incident inc = Declare("Payments failing", writer_, "mallory");
  v1::WriteIncidentResponse r;
  grpc::Status s = Call(writer_, [&](grpc::ClientContext& ctx) {
    v1::PostUpdateRequest req;
    req.set_incident_ref(inc.ref());
    req.set_expected_version(inc.version());
    req.set_idempotency_key("bob-update");
    req.set_author("mallory");
    req.mutable_update()->set_state(v1::INCIDENT_STATE_IDENTIFIED);
    req.mutable_update()->set_message("We've found the cause of failed payments.");
    req.mutable_update()->add_channels(v1::CHANNEL_STATUS_PAGE);
    return stub_->PostUpdate(&ctx, req, &r);
  });
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(r.update().author(), "responder-bob");
  v1::Incident full = Get(inc.ref());
  ASSERT_EQ(full.timeline_size(), 2);
  for (const auto& e : full.timeline()) EXPECT_EQ(e.update().author(), "responder-bob");
  EXPECT_EQ(db_.Query("SELECT count(*) FROM audit_log WHERE actor = 'mallory'"), "0");
  EXPECT_EQ(db_.Query("SELECT count(*) FROM change_log WHERE actor = 'mallory'"), "0");
  EXPECT_EQ(db_.Query("SELECT string_agg(DISTINCT actor, ',') FROM audit_log a JOIN incidents i "
                      "ON i.id = a.incident_id WHERE i.ref = '" +
                      inc.ref() + "'"),
            "responder-bob");
  // The component created in SetUp names the admin token.
  EXPECT_EQ(db_.Query("SELECT actor FROM change_log WHERE kind = 'component_created'"),
            "ops-admin");
}

TEST_F(AuthTest, TokenServiceShowsTheSecretOnceAndStoresOnlyItsHash) {
  v1::CreateTokenResponse created;
  grpc::Status s = Call(admin_, [&](grpc::ClientContext& ctx) {
    v1::CreateTokenRequest req;
    req.set_name("ci-deploy");
    req.set_scope(v1::TOKEN_SCOPE_WRITE);
    req.mutable_ttl()->set_seconds(3600);
    return tokens_->CreateToken(&ctx, req, &created);
  });
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_TRUE(absl::StartsWith(created.secret(), "sct_"));
  EXPECT_EQ(created.secret().size(), 4 + 43u);
  EXPECT_EQ(created.token().created_by(), "ops-admin");
  EXPECT_EQ(created.token().expires_at().seconds(), absl::ToUnixSeconds(At(15, 0)));
  EXPECT_EQ(db_.Query("SELECT token_hash FROM api_tokens WHERE name = 'ci-deploy'"),
            HashTokenSecret(created.secret()));
  EXPECT_EQ(db_.Query("SELECT count(*) FROM api_tokens WHERE token_hash = '" + created.secret() +
                      "' OR name = '" + created.secret() + "'"),
            "0");
  EXPECT_EQ(db_.Query("SELECT actor || ' ' || details FROM audit_log WHERE action = "
                      "'token_created' AND details LIKE 'name=ci-deploy %'"),
            "ops-admin name=ci-deploy scope=write expires_at=2026-11-27 15:00:00.000000+00");

  // The new token works for writes at once.
  Declare("Made by CI", created.secret());

  v1::ListTokensResponse list;
  ASSERT_TRUE(Call(admin_, [&](grpc::ClientContext& ctx) {
                return tokens_->ListTokens(&ctx, v1::ListTokensRequest(), &list);
              }).ok());
  std::vector<std::string> names;
  for (const auto& t : list.tokens()) names.push_back(t.name());
  EXPECT_EQ(names, (std::vector<std::string>{"ci-deploy", "gone", "old", "ops-admin",
                                             "responder-bob", "spare", "viewer"}));
  EXPECT_FALSE(absl::StrContains(list.DebugString(), "sct_"));
}

TEST_F(AuthTest, ARevokedTokenStopsWorkingAtOnceOnThisReplica) {
  EXPECT_TRUE(Call(writer_, [&](grpc::ClientContext& ctx) {
                v1::ListComponentsResponse r;
                return stub_->ListComponents(&ctx, v1::ListComponentsRequest(), &r);
              }).ok());  // now cached
  v1::ApiToken revoked;
  ASSERT_TRUE(Call(admin_, [&](grpc::ClientContext& ctx) {
                v1::RevokeTokenRequest req;
                req.set_name("responder-bob");
                return tokens_->RevokeToken(&ctx, req, &revoked);
              }).ok());
  EXPECT_TRUE(revoked.has_revoked_at());
  grpc::Status s = Call(writer_, [&](grpc::ClientContext& ctx) {
    v1::ListComponentsResponse r;
    return stub_->ListComponents(&ctx, v1::ListComponentsRequest(), &r);
  });
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(absl::StrContains(s.error_message(), "token \"responder-bob\" was revoked"));
  EXPECT_EQ(db_.Query("SELECT actor FROM audit_log WHERE action = 'token_revoked' AND details = "
                      "'name=responder-bob'"),
            "ops-admin");
}

TEST_F(AuthTest, ATokenStopsWorkingWhenItExpiresEvenWhileCached) {
  v1::CreateTokenResponse created;
  ASSERT_TRUE(Call(admin_, [&](grpc::ClientContext& ctx) {
                v1::CreateTokenRequest req;
                req.set_name("short");
                req.set_scope(v1::TOKEN_SCOPE_READ);
                req.mutable_ttl()->set_seconds(2);
                return tokens_->CreateToken(&ctx, req, &created);
              }).ok());
  auto list = [&] {
    return Call(created.secret(), [&](grpc::ClientContext& ctx) {
      v1::ListComponentsResponse r;
      return stub_->ListComponents(&ctx, v1::ListComponentsRequest(), &r);
    });
  };
  EXPECT_TRUE(list().ok());
  clock_.Advance(absl::Seconds(2));
  grpc::Status s = list();
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(absl::StrContains(s.error_message(), "token \"short\" expired at"))
      << s.error_message();
}

TEST_F(AuthTest, CreateTokenRefusesBadRequestsNamingTheField) {
  auto create = [&](const std::string& name, v1::TokenScope scope, int64_t ttl_seconds) {
    v1::CreateTokenResponse r;
    return Call(admin_, [&](grpc::ClientContext& ctx) {
      v1::CreateTokenRequest req;
      req.set_name(name);
      req.set_scope(scope);
      if (ttl_seconds != 0) req.mutable_ttl()->set_seconds(ttl_seconds);
      return tokens_->CreateToken(&ctx, req, &r);
    });
  };
  grpc::Status s = create("bad name", v1::TOKEN_SCOPE_READ, 0);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StrContains(s.error_message(), "name: must be 1-64 characters"));
  s = create("fine", v1::TOKEN_SCOPE_UNSPECIFIED, 0);
  EXPECT_TRUE(absl::StrContains(s.error_message(), "scope: is required: read, write or admin"));
  s = create("fine", v1::TOKEN_SCOPE_READ, 400 * 86400);
  EXPECT_TRUE(absl::StrContains(s.error_message(), "ttl: is longer than the maximum of 8760h"));
  s = create("viewer", v1::TOKEN_SCOPE_READ, 0);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_TRUE(absl::StrContains(s.error_message(), "a token named \"viewer\" already exists"));
  s = create("gone", v1::TOKEN_SCOPE_READ, 0);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::ALREADY_EXISTS) << "revoked names stay taken";
  // The default lifetime is 90 days.
  v1::CreateTokenResponse r;
  ASSERT_TRUE(Call(admin_, [&](grpc::ClientContext& ctx) {
                v1::CreateTokenRequest req;
                req.set_name("default-ttl");
                req.set_scope(v1::TOKEN_SCOPE_READ);
                return tokens_->CreateToken(&ctx, req, &r);
              }).ok());
  EXPECT_EQ(r.token().expires_at().seconds(),
            absl::ToUnixSeconds(At(14, 0) + absl::Hours(24 * 90)));
}

}  // namespace
}  // namespace statuscast
