// Who speaks for an incident, over real gRPC and PostgreSQL with tokens
// required (as deployed): the post policy and SetIncidentRoles, drafts
// (ProposeUpdate, ListDrafts, ApproveDraft, RejectDraft), the audit log
// (ListAuditEvents), the reminders for a missing communications lead and a
// waiting draft, and the banner-only update that keeps no promise. Every new
// RPC with its bad inputs: unknown incident, wrong role, stale version,
// empty or oversized text, bad page token.
#include <grpcpp/grpcpp.h>

#include <functional>
#include <map>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "gtest/gtest.h"
#include "libs/auth/token_issuer.h"
#include "services/comms/compliance_grpc_service.h"
#include "tests/support/comms_client_test.h"

namespace statuscast {
namespace {

using testing::At;
using testing::CallError;
using testing::CommsTestOptions;
using testing::Describe;
using testing::HasViolation;
using testing::SetSeconds;
using testing::SetToken;

constexpr char kFirst[] =
    "We're investigating failed card payments at checkout for some users. Next update by "
    "14:25 UTC.";

// Reminder metrics the server reported, by kind, and the last gauge value.
struct Metrics {
  absl::Mutex mu;
  std::map<std::string, int> raised ABSL_GUARDED_BY(mu);
  int without_comms_lead ABSL_GUARDED_BY(mu) = -1;
};

CommsTestOptions WithTokens(Metrics* metrics) {
  CommsTestOptions o;
  o.require_tokens = true;
  o.comms_lead_reminder = absl::Minutes(10);
  o.on_reminder_raised = [metrics](const std::string& kind) {
    absl::MutexLock lock(&metrics->mu);
    ++metrics->raised[kind];
  };
  o.on_without_comms_lead = [metrics](int n) {
    absl::MutexLock lock(&metrics->mu);
    metrics->without_comms_lead = n;
  };
  return o;
}

class ReviewTest : public testing::CommsClientTest {
 protected:
  ReviewTest() : CommsClientTest(WithTokens(&metrics_)) {}

  void SetUp() override {
    ASSERT_TRUE(db_.ok());
    clock_.Set(At(14, 0));
    admin_ = Issue("ops-admin", Scope::kAdmin);
    bob_ = Issue("ic-bob", Scope::kWrite);
    carol_ = Issue("comms-carol", Scope::kWrite);
    dave_ = Issue("eng-dave", Scope::kWrite);
    viewer_ = Issue("viewer", Scope::kRead);
    ASSERT_TRUE(As(admin_, [&](grpc::ClientContext& ctx) {
                  v1::CreateComponentRequest req;
                  req.set_name("checkout");
                  v1::Component c;
                  return stub_->CreateComponent(&ctx, req, &c);
                }).ok());
    inc_ = DeclareAs(bob_, "");
  }

  std::string Issue(const std::string& name, Scope scope) {
    absl::StatusOr<IssuedToken> t = server_.tokens().Create(name, scope, {}, "test", "setup");
    EXPECT_TRUE(t.ok()) << t.status();
    return t.ok() ? t->secret : "";
  }

  grpc::Status As(const std::string& token,
                  const std::function<grpc::Status(grpc::ClientContext&)>& fn) {
    grpc::ClientContext ctx;
    SetToken(ctx, token);
    return fn(ctx);
  }

  v1::UpdateDraft Text(const std::string& message, v1::IncidentState state) {
    v1::UpdateDraft d;
    d.set_state(state);
    d.set_message(message);
    d.add_channels(v1::CHANNEL_STATUS_PAGE);
    d.set_use_default_next_update(true);
    return d;
  }

  // A SEV-1 with its first update, declared with `token`, naming `comms`.
  v1::Incident DeclareAs(const std::string& token, const std::string& comms) {
    v1::DeclareIncidentRequest req;
    req.set_title("Card payments failing");
    req.set_severity(v1::SEVERITY_SEV1);
    v1::AffectedComponent* c = req.add_affected_components();
    c->set_name("checkout");
    c->set_status(v1::COMPONENT_STATUS_MAJOR_OUTAGE);
    *req.mutable_first_update() = Text(kFirst, v1::INCIDENT_STATE_INVESTIGATING);
    req.mutable_first_update()->set_use_default_next_update(false);
    SetSeconds(At(14, 25), req.mutable_first_update()->mutable_next_update_at());
    req.set_comms_lead(comms);
    req.set_idempotency_key(NewKey());
    v1::WriteIncidentResponse r;
    grpc::Status s =
        As(token, [&](grpc::ClientContext& ctx) { return stub_->DeclareIncident(&ctx, req, &r); });
    EXPECT_TRUE(s.ok()) << s.error_message();
    return r.incident();
  }

  v1::Incident Read(const std::string& ref) {
    v1::GetIncidentRequest req;
    req.set_incident_ref(ref);
    v1::Incident inc;
    grpc::Status s =
        As(viewer_, [&](grpc::ClientContext& ctx) { return stub_->GetIncident(&ctx, req, &inc); });
    EXPECT_TRUE(s.ok()) << s.error_message();
    return inc;
  }

  grpc::Status PostAs(const std::string& token, const v1::Incident& inc,
                      v1::WriteIncidentResponse* r,
                      const std::string& message =
                          "We found the cause of the failed card payments and are rolling back a "
                          "change.") {
    auto req = Guarded<v1::PostUpdateRequest>(inc, "");
    *req.mutable_update() = Text(message, v1::INCIDENT_STATE_IDENTIFIED);
    return As(token, [&](grpc::ClientContext& ctx) { return stub_->PostUpdate(&ctx, req, r); });
  }

  grpc::Status SetRoles(const std::string& token, const v1::SetIncidentRolesRequest& req,
                        v1::WriteIncidentResponse* r) {
    return As(token,
              [&](grpc::ClientContext& ctx) { return stub_->SetIncidentRoles(&ctx, req, r); });
  }

  grpc::Status Propose(const std::string& token, const v1::ProposeUpdateRequest& req,
                       v1::DraftResponse* r) {
    return As(token, [&](grpc::ClientContext& ctx) { return stub_->ProposeUpdate(&ctx, req, r); });
  }

  v1::ProposeUpdateRequest Proposal(const v1::Incident& inc, const std::string& message) {
    auto req = Guarded<v1::ProposeUpdateRequest>(inc, "");
    *req.mutable_update() = Text(message, v1::INCIDENT_STATE_IDENTIFIED);
    return req;
  }

  v1::Draft ProposedBy(const std::string& token, const v1::Incident& inc) {
    v1::DraftResponse r;
    grpc::Status s = Propose(
        token, Proposal(inc, "We found the cause of the failed card payments and are fixing it."),
        &r);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return r.draft();
  }

  grpc::Status Approve(const std::string& token, const v1::ApproveDraftRequest& req,
                       v1::WriteIncidentResponse* r) {
    return As(token, [&](grpc::ClientContext& ctx) { return stub_->ApproveDraft(&ctx, req, r); });
  }

  v1::ApproveDraftRequest Approval(const v1::Incident& inc, int64_t draft_id) {
    auto req = Guarded<v1::ApproveDraftRequest>(inc, "");
    req.set_draft_id(draft_id);
    return req;
  }

  grpc::Status Reject(const std::string& token, const std::string& ref, int64_t id,
                      const std::string& reason, v1::DraftResponse* r) {
    v1::RejectDraftRequest req;
    req.set_incident_ref(ref);
    req.set_draft_id(id);
    req.set_reason(reason);
    req.set_idempotency_key(NewKey());
    return As(token, [&](grpc::ClientContext& ctx) { return stub_->RejectDraft(&ctx, req, r); });
  }

  grpc::Status Audit(const v1::ListAuditEventsRequest& req, v1::ListAuditEventsResponse* r) {
    return As(viewer_,
              [&](grpc::ClientContext& ctx) { return stub_->ListAuditEvents(&ctx, req, r); });
  }

  Metrics metrics_;
  std::string admin_, bob_, carol_, dave_, viewer_;
  v1::Incident inc_;
};

// ---------------------------------------------------------------------------
// The post policy and SetIncidentRoles

TEST_F(ReviewTest, OnlyTheIncidentsCommunicatorsPostAndTheRefusalNamesThem) {
  EXPECT_EQ(inc_.commander(), "ic-bob");  // the declaring token
  v1::WriteIncidentResponse r;
  CallError e = Describe(PostAs(dave_, inc_, &r));
  EXPECT_EQ(e.code, grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(absl::StrContains(e.message,
                                "eng-dave may not post an update for INC-1: only its "
                                "incident commander (ic-bob) or communications lead "
                                "(none named), or an admin token"))
      << e.message;
  EXPECT_TRUE(absl::StrContains(e.message, "statuscastctl draft INC-1")) << e.message;
  EXPECT_EQ(Read(inc_.ref()).version(), inc_.version());  // nothing written
  EXPECT_EQ(db_.Query("SELECT count(*) FROM incident_updates"), "1");

  auto roles = Guarded<v1::SetIncidentRolesRequest>(inc_, "");
  roles.set_comms_lead("comms-carol");
  ASSERT_TRUE(SetRoles(bob_, roles, &r).ok());
  EXPECT_EQ(r.incident().comms_lead(), "comms-carol");
  ASSERT_TRUE(PostAs(carol_, r.incident(), &r).ok());
  EXPECT_EQ(r.update().author(), "comms-carol");
  ASSERT_TRUE(PostAs(admin_, r.incident(), &r).ok());  // an admin always may

  v1::Incident shown = Read(inc_.ref());
  EXPECT_EQ(shown.commander(), "ic-bob");
  EXPECT_EQ(shown.comms_lead(), "comms-carol");
  int role_events = 0;
  for (const v1::TimelineEvent& ev : shown.timeline()) {
    if (ev.has_role_change()) ++role_events;
  }
  EXPECT_EQ(role_events, 1);  // the comms lead named after the declaration
  EXPECT_EQ(db_.Query("SELECT details FROM audit_log WHERE action = 'roles_changed'"),
            "communications lead (none) -> comms-carol");
}

TEST_F(ReviewTest, SetIncidentRolesRefusesBadInput) {
  v1::WriteIncidentResponse r;
  auto unknown = Guarded<v1::SetIncidentRolesRequest>(inc_, "");
  unknown.set_incident_ref("INC-99");
  unknown.set_comms_lead("comms-carol");
  EXPECT_EQ(SetRoles(bob_, unknown, &r).error_code(), grpc::StatusCode::NOT_FOUND);

  auto wrong_role = Guarded<v1::SetIncidentRolesRequest>(inc_, "");
  wrong_role.set_commander("eng-dave");
  CallError e = Describe(SetRoles(dave_, wrong_role, &r));
  EXPECT_EQ(e.code, grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(absl::StrContains(e.message, "only its incident commander (ic-bob)")) << e.message;
  EXPECT_EQ(SetRoles(viewer_, wrong_role, &r).error_code(), grpc::StatusCode::PERMISSION_DENIED);

  auto stale = Guarded<v1::SetIncidentRolesRequest>(inc_, "", inc_.version() + 1);
  stale.set_comms_lead("comms-carol");
  EXPECT_EQ(SetRoles(bob_, stale, &r).error_code(), grpc::StatusCode::ABORTED);

  auto empty = Guarded<v1::SetIncidentRolesRequest>(inc_, "");
  EXPECT_TRUE(HasViolation(Describe(SetRoles(bob_, empty, &r)), "commander", "is required"));

  auto oversized = Guarded<v1::SetIncidentRolesRequest>(inc_, "");
  oversized.set_comms_lead(std::string(300, 'c'));
  EXPECT_TRUE(HasViolation(Describe(SetRoles(bob_, oversized, &r)), "comms_lead"));

  auto no_key = Guarded<v1::SetIncidentRolesRequest>(inc_, "");
  no_key.set_comms_lead("comms-carol");
  no_key.clear_idempotency_key();
  EXPECT_TRUE(HasViolation(Describe(SetRoles(bob_, no_key, &r)), "idempotency_key"));
  EXPECT_EQ(db_.Query("SELECT count(*) FROM role_changes"), "0");
}

// ---------------------------------------------------------------------------
// Drafts

TEST_F(ReviewTest, ADraftStaysPrivateUntilTheCommsLeadApprovesItEdited) {
  v1::Draft d = ProposedBy(dave_, inc_);
  EXPECT_EQ(d.status(), v1::DRAFT_STATUS_PENDING);
  EXPECT_EQ(d.author(), "eng-dave");
  // Nothing customers read changed: no update, same version, same promise.
  v1::Incident now = Read(inc_.ref());
  EXPECT_EQ(now.version(), inc_.version());
  EXPECT_EQ(db_.Query("SELECT count(*) FROM incident_updates"), "1");
  EXPECT_EQ(now.next_update_at().seconds(), inc_.next_update_at().seconds());

  v1::ListDraftsRequest list;
  list.set_incident_ref(inc_.ref());
  v1::ListDraftsResponse drafts;
  ASSERT_TRUE(As(viewer_, [&](grpc::ClientContext& ctx) {
                return stub_->ListDrafts(&ctx, list, &drafts);
              }).ok());
  ASSERT_EQ(drafts.drafts_size(), 1);

  clock_.Set(At(14, 10));
  v1::ApproveDraftRequest approve = Approval(now, d.id());
  approve.set_message(
      "We found the cause of the failed card payments and are rolling back a "
      "change.");
  v1::WriteIncidentResponse r;
  grpc::Status s = Approve(bob_, approve, &r);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(r.update().author(), "ic-bob");
  EXPECT_TRUE(absl::StartsWith(r.update().message(), approve.message()));
  EXPECT_EQ(r.update().kept_promise(), v1::PROMISE_OUTCOME_KEPT);
  EXPECT_TRUE(r.incident().has_next_update_at());  // the server's default promise

  list.set_include_decided(true);
  ASSERT_TRUE(As(viewer_, [&](grpc::ClientContext& ctx) {
                return stub_->ListDrafts(&ctx, list, &drafts);
              }).ok());
  ASSERT_EQ(drafts.drafts_size(), 1);
  EXPECT_EQ(drafts.drafts(0).status(), v1::DRAFT_STATUS_APPROVED);
  EXPECT_EQ(drafts.drafts(0).decided_by(), "ic-bob");
  EXPECT_EQ(drafts.drafts(0).update_id(), r.update().id());
}

TEST_F(ReviewTest, AProposedResolutionResolvesOnlyWhenTheCommunicatorApprovesIt) {
  constexpr char kResolution[] =
      "Resolved: the issue affecting users of checkout is fixed and the service is working "
      "normally. What happened: a change to our payment settings made card payments fail. We "
      "know this affected card payments for 20 minutes, and we're sorry. To prevent this from "
      "happening again, we're adding a check before such changes. A more detailed postmortem "
      "will be published next week.";
  auto resolution = [&](const v1::Incident& inc) {
    auto req = Guarded<v1::ProposeUpdateRequest>(inc, "");
    req.mutable_update()->set_state(v1::INCIDENT_STATE_RESOLVED);
    req.mutable_update()->set_message(kResolution);
    req.mutable_update()->add_channels(v1::CHANNEL_STATUS_PAGE);
    return req;
  };
  v1::DraftResponse proposed;
  v1::ProposeUpdateRequest with_banner = resolution(inc_);
  with_banner.mutable_update()->set_banner_text("Payments work again.");
  EXPECT_TRUE(HasViolation(Describe(Propose(dave_, with_banner, &proposed)), "update.banner_text",
                           "resolving clears the banner"));
  v1::ProposeUpdateRequest with_promise = resolution(inc_);
  SetSeconds(At(14, 20), with_promise.mutable_update()->mutable_next_update_at());
  EXPECT_TRUE(HasViolation(Describe(Propose(dave_, with_promise, &proposed)),
                           "update.next_update_at", "promises no next update"));
  grpc::Status s = Propose(dave_, resolution(inc_), &proposed);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(proposed.draft().update().state(), v1::INCIDENT_STATE_RESOLVED);
  EXPECT_EQ(Read(inc_.ref()).state(), v1::INCIDENT_STATE_INVESTIGATING);  // nothing public yet

  v1::WriteIncidentResponse r;
  EXPECT_EQ(Approve(dave_, Approval(inc_, proposed.draft().id()), &r).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::ApproveDraftRequest banner_edit = Approval(inc_, proposed.draft().id());
  banner_edit.set_banner_text("Payments work again.");
  EXPECT_TRUE(HasViolation(Describe(Approve(bob_, banner_edit, &r)), "banner_text"));

  const v1::ApproveDraftRequest approve = Approval(inc_, proposed.draft().id());
  s = Approve(bob_, approve, &r);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(r.incident().state(), v1::INCIDENT_STATE_RESOLVED);
  EXPECT_EQ(r.update().kind(), v1::UPDATE_KIND_RESOLUTION);
  EXPECT_EQ(r.update().author(), "ic-bob");
  EXPECT_FALSE(r.incident().has_next_update_at());
  EXPECT_EQ(db_.Query("SELECT action || ': ' || details FROM audit_log WHERE update_id = " +
                      std::to_string(r.update().id())),
            "resolved: resolved with a resolution message; approved draft " +
                std::to_string(proposed.draft().id()) + " from eng-dave");
  // A retry of the approval is the same write, replayed.
  v1::WriteIncidentResponse again;
  s = Approve(bob_, approve, &again);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_TRUE(again.replayed());
  EXPECT_EQ(again.update().id(), r.update().id());
  // Once resolved, a proposed resolution gets resolve's error.
  CallError e = Describe(Propose(dave_, resolution(r.incident()), &proposed));
  EXPECT_EQ(e.code, grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_TRUE(absl::StrContains(e.message, "is already resolved")) << e.message;
}

TEST_F(ReviewTest, ProposeUpdateRefusesBadInput) {
  v1::DraftResponse r;
  v1::ProposeUpdateRequest unknown = Proposal(inc_, "We are fixing it.");
  unknown.set_incident_ref("INC-99");
  EXPECT_EQ(Propose(dave_, unknown, &r).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Propose(viewer_, Proposal(inc_, "We are fixing it."), &r).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::ProposeUpdateRequest stale = Proposal(inc_, "We are fixing it.");
  stale.set_expected_version(inc_.version() + 1);
  EXPECT_EQ(Propose(dave_, stale, &r).error_code(), grpc::StatusCode::ABORTED);
  EXPECT_TRUE(HasViolation(Describe(Propose(dave_, Proposal(inc_, ""), &r)), "update.message"));
  EXPECT_TRUE(HasViolation(Describe(Propose(dave_, Proposal(inc_, std::string(5000, 'a')), &r)),
                           "update.message"));
  EXPECT_EQ(db_.Query("SELECT count(*) FROM update_drafts"), "0");
}

TEST_F(ReviewTest, ApproveDraftRefusesBadInput) {
  v1::Draft d = ProposedBy(dave_, inc_);
  v1::WriteIncidentResponse r;
  v1::ApproveDraftRequest unknown = Approval(inc_, d.id());
  unknown.set_incident_ref("INC-99");
  EXPECT_EQ(Approve(bob_, unknown, &r).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Approve(bob_, Approval(inc_, d.id() + 7), &r).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Approve(dave_, Approval(inc_, d.id()), &r).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::ApproveDraftRequest stale = Approval(inc_, d.id());
  stale.set_expected_version(inc_.version() + 1);
  EXPECT_EQ(Approve(bob_, stale, &r).error_code(), grpc::StatusCode::ABORTED);
  v1::ApproveDraftRequest oversized = Approval(inc_, d.id());
  oversized.set_message(std::string(5000, 'a'));
  EXPECT_TRUE(HasViolation(Describe(Approve(bob_, oversized, &r)), "update.message"));
  EXPECT_TRUE(HasViolation(Describe(Approve(bob_, Approval(inc_, 0), &r)), "draft_id"));
  EXPECT_EQ(db_.Query("SELECT count(*) FROM incident_updates"), "1");
  ASSERT_TRUE(Approve(bob_, Approval(inc_, d.id()), &r).ok());
  CallError again = Describe(Approve(bob_, Approval(r.incident(), d.id()), &r));
  EXPECT_EQ(again.code, grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_TRUE(absl::StrContains(again.message, "was already approved by ic-bob")) << again.message;
}

TEST_F(ReviewTest, RejectDraftRefusesBadInputAndRecordsTheReason) {
  v1::Draft d = ProposedBy(dave_, inc_);
  v1::DraftResponse r;
  EXPECT_EQ(Reject(bob_, "INC-99", d.id(), "no", &r).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Reject(bob_, inc_.ref(), d.id() + 7, "no", &r).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Reject(carol_, inc_.ref(), d.id(), "no", &r).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(HasViolation(Describe(Reject(bob_, inc_.ref(), d.id(), "", &r)), "reason"));
  EXPECT_TRUE(HasViolation(Describe(Reject(bob_, inc_.ref(), d.id(), std::string(2000, 'r'), &r)),
                           "reason"));
  grpc::Status s = Reject(bob_, inc_.ref(), d.id(), "say who is affected", &r);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(r.draft().status(), v1::DRAFT_STATUS_REJECTED);
  EXPECT_EQ(r.draft().reject_reason(), "say who is affected");
  EXPECT_EQ(Reject(bob_, inc_.ref(), d.id(), "again", &r).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  v1::ListDraftsRequest list;
  v1::ListDraftsResponse drafts;
  EXPECT_TRUE(HasViolation(Describe(As(viewer_,
                                       [&](grpc::ClientContext& ctx) {
                                         return stub_->ListDrafts(&ctx, list, &drafts);
                                       })),
                           "incident_ref"));
  list.set_incident_ref("INC-99");
  EXPECT_EQ(
      As(viewer_, [&](grpc::ClientContext& ctx) { return stub_->ListDrafts(&ctx, list, &drafts); })
          .error_code(),
      grpc::StatusCode::NOT_FOUND);
}

// ---------------------------------------------------------------------------
// The other customer-facing writes: corrections, postmortems, components

TEST_F(ReviewTest, CorrectUpdateIsForTheCommunicatorsOnly) {
  v1::Incident shown = Read(inc_.ref());
  ASSERT_GT(shown.timeline_size(), 0);
  int64_t update_id = 0;
  for (const v1::TimelineEvent& ev : shown.timeline()) {
    if (ev.has_update()) update_id = ev.update().id();
  }
  ASSERT_GT(update_id, 0);
  auto req = Guarded<v1::CorrectUpdateRequest>(inc_, "");
  req.set_update_id(update_id);
  req.set_message(
      "We're investigating failed card payments at checkout for 5% of users. Next update by "
      "14:25 UTC.");
  v1::WriteIncidentResponse r;
  CallError e = Describe(
      As(dave_, [&](grpc::ClientContext& ctx) { return stub_->CorrectUpdate(&ctx, req, &r); }));
  EXPECT_EQ(e.code, grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(absl::StrContains(e.message, "eng-dave may not correct its updates for INC-1"))
      << e.message;
  EXPECT_FALSE(absl::StrContains(e.message, "statuscastctl draft")) << e.message;
  EXPECT_EQ(db_.Query("SELECT count(*) FROM update_revisions"), "0");
  grpc::Status s =
      As(bob_, [&](grpc::ClientContext& ctx) { return stub_->CorrectUpdate(&ctx, req, &r); });
  EXPECT_TRUE(s.ok()) << s.error_message();
}

TEST_F(ReviewTest, PublishPostmortemRefusesBadInput) {
  auto resolve = Guarded<v1::ResolveIncidentRequest>(inc_, "");
  resolve.set_message(
      "Resolved: the issue affecting users of checkout is fixed and the service is working "
      "normally. What happened: a change to our payment settings made card payments fail. We "
      "know this affected card payments for 20 minutes, and we're sorry. To prevent this from "
      "happening again, we're adding a check before such changes. A more detailed postmortem "
      "will be published next week.");
  resolve.add_channels(v1::CHANNEL_STATUS_PAGE);
  v1::WriteIncidentResponse resolved;
  grpc::Status s = As(
      bob_, [&](grpc::ClientContext& ctx) { return stub_->ResolveIncident(&ctx, resolve, &resolved); });
  ASSERT_TRUE(s.ok()) << s.error_message();
  const v1::Incident inc = resolved.incident();
  auto publish = [&](const std::string& token, v1::PublishPostmortemRequest req) {
    v1::WriteIncidentResponse r;
    return As(token,
              [&](grpc::ClientContext& ctx) { return stub_->PublishPostmortem(&ctx, req, &r); });
  };
  auto good = Guarded<v1::PublishPostmortemRequest>(inc, "");
  good.set_body("# What happened\n\nA change to our payment settings made card payments fail.");

  v1::PublishPostmortemRequest unknown = good;
  unknown.set_incident_ref("INC-99");
  EXPECT_EQ(publish(bob_, unknown).error_code(), grpc::StatusCode::NOT_FOUND);
  CallError e = Describe(publish(dave_, good));
  EXPECT_EQ(e.code, grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(absl::StrContains(e.message, "may not publish its postmortem")) << e.message;
  EXPECT_EQ(publish(viewer_, good).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  v1::PublishPostmortemRequest stale = good;
  stale.set_expected_version(inc.version() - 1);
  e = Describe(publish(bob_, stale));
  EXPECT_EQ(e.code, grpc::StatusCode::ABORTED);
  EXPECT_TRUE(absl::StrContains(e.message, "retry with expected_version")) << e.message;
  v1::PublishPostmortemRequest empty = good;
  empty.clear_body();
  EXPECT_TRUE(HasViolation(Describe(publish(bob_, empty)), "url", "its body, or both"));
  v1::PublishPostmortemRequest oversized = good;
  oversized.set_body(std::string(100001, 'a'));
  EXPECT_TRUE(HasViolation(Describe(publish(bob_, oversized)), "body", "the limit is 100000"));
  EXPECT_EQ(db_.Query("SELECT count(*) FROM postmortem_revisions"), "0");
  s = publish(carol_, good);  // no communications lead named: carol is nobody here
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  s = publish(bob_, good);
  EXPECT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(db_.Query("SELECT count(*) FROM postmortem_revisions"), "1");
}

TEST_F(ReviewTest, ComponentEditsNeedAnAdminAndTheVersionLastSeen) {
  auto update = [&](const std::string& token, const v1::UpdateComponentRequest& req,
                    v1::Component* c) {
    return As(token, [&](grpc::ClientContext& ctx) { return stub_->UpdateComponent(&ctx, req, c); });
  };
  auto retire = [&](const std::string& token, const v1::RetireComponentRequest& req,
                    v1::Component* c) {
    return As(token, [&](grpc::ClientContext& ctx) { return stub_->RetireComponent(&ctx, req, c); });
  };
  v1::Component c;
  v1::UpdateComponentRequest edit;
  edit.set_name("checkout");
  edit.mutable_display_name()->set_value("Checkout");
  edit.set_expected_version(1);
  CallError e = Describe(update(bob_, edit, &c));
  EXPECT_EQ(e.code, grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(absl::StrContains(e.message, "admin")) << e.message;
  ASSERT_TRUE(update(admin_, edit, &c).ok());
  EXPECT_EQ(c.version(), 2);

  // An editor who read version 1 is refused, nothing overwritten.
  edit.mutable_display_name()->set_value("Checkout and payments");
  e = Describe(update(admin_, edit, &c));
  EXPECT_EQ(e.code, grpc::StatusCode::ABORTED);
  EXPECT_EQ(e.message,
            "component checkout has changed since version 1 (it is now version 2); read it again "
            "(statuscastctl component list), then retry with expected_version 2");
  EXPECT_EQ(db_.Query("SELECT display_name || ' v' || version FROM components"), "Checkout v2");
  edit.set_expected_version(-1);
  EXPECT_TRUE(HasViolation(Describe(update(admin_, edit, &c)), "expected_version"));

  v1::RetireComponentRequest ret;
  ret.set_name("checkout");
  ret.set_expected_version(1);
  EXPECT_EQ(retire(bob_, ret, &c).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(retire(admin_, ret, &c).error_code(), grpc::StatusCode::ABORTED);
  ret.set_name("nope");
  EXPECT_EQ(retire(admin_, ret, &c).error_code(), grpc::StatusCode::NOT_FOUND);
  ret.set_name("checkout");
  ret.set_reason(std::string(1001, 'r'));
  ret.set_expected_version(2);
  EXPECT_TRUE(HasViolation(Describe(retire(admin_, ret, &c)), "reason"));
  EXPECT_EQ(db_.Query("SELECT count(*) FROM components WHERE retired_at IS NOT NULL"), "0");
  EXPECT_EQ(db_.Query("SELECT count(*) FROM audit_log WHERE action LIKE 'component_%'"), "2")
      << "created and updated once";
}

// ---------------------------------------------------------------------------
// The audit log

TEST_F(ReviewTest, TheAuditLogShowsWhoDidWhatWithOverridesAndThirdParties) {
  auto req = Guarded<v1::PostUpdateRequest>(inc_, "");
  *req.mutable_update() =
      Text("Card payments fail for some users because our payment provider Stripe is down.",
           v1::INCIDENT_STATE_IDENTIFIED);
  req.mutable_update()->set_third_party_confirmed(true);
  req.set_lint_override_reason("Stripe confirmed it on their status page");
  v1::WriteIncidentResponse r;
  grpc::Status s =
      As(bob_, [&](grpc::ClientContext& ctx) { return stub_->PostUpdate(&ctx, req, &r); });
  ASSERT_TRUE(s.ok()) << s.error_message();
  ProposedBy(dave_, r.incident());
  EXPECT_EQ(db_.Query("SELECT third_party_confirmed FROM audit_log WHERE action = 'updated'"), "t");

  v1::ListAuditEventsRequest q;
  q.set_incident_ref(inc_.ref());
  v1::ListAuditEventsResponse page;
  ASSERT_TRUE(Audit(q, &page).ok());
  ASSERT_EQ(page.events_size(), 3);
  EXPECT_EQ(page.events(0).action(), "declared");
  EXPECT_EQ(page.events(0).actor(), "ic-bob");
  EXPECT_EQ(page.events(1).action(), "updated");
  EXPECT_TRUE(page.events(1).third_party_confirmed());
  EXPECT_EQ(page.events(1).lint_override_reason(), "Stripe confirmed it on their status page");
  EXPECT_EQ(page.events(1).update_id(), r.update().id());
  EXPECT_EQ(page.events(2).action(), "draft_proposed");
  EXPECT_EQ(page.events(2).actor(), "eng-dave");
  EXPECT_TRUE(page.next_page_token().empty());

  q.set_page_size(2);
  ASSERT_TRUE(Audit(q, &page).ok());
  ASSERT_EQ(page.events_size(), 2);
  ASSERT_FALSE(page.next_page_token().empty());
  q.set_page_token(page.next_page_token());
  ASSERT_TRUE(Audit(q, &page).ok());
  ASSERT_EQ(page.events_size(), 1);
  EXPECT_EQ(page.events(0).action(), "draft_proposed");

  v1::ListAuditEventsRequest by_actor;
  by_actor.set_actor("eng-dave");
  ASSERT_TRUE(Audit(by_actor, &page).ok());
  EXPECT_EQ(page.events_size(), 1);
  v1::ListAuditEventsRequest later;
  SetSeconds(At(15, 0), later.mutable_since());
  ASSERT_TRUE(Audit(later, &page).ok());
  EXPECT_EQ(page.events_size(), 0);
}

TEST_F(ReviewTest, ListAuditEventsRefusesBadInput) {
  v1::ListAuditEventsResponse page;
  v1::ListAuditEventsRequest bad_token;
  bad_token.set_page_token("not-ours");
  EXPECT_TRUE(HasViolation(Describe(Audit(bad_token, &page)), "page_token"));
  v1::ListAuditEventsRequest long_token;
  long_token.set_page_token(std::string(500, 'A'));
  EXPECT_TRUE(HasViolation(Describe(Audit(long_token, &page)), "page_token"));
  v1::ListAuditEventsRequest unknown;
  unknown.set_incident_ref("INC-99");
  EXPECT_EQ(Audit(unknown, &page).error_code(), grpc::StatusCode::NOT_FOUND);
  v1::ListAuditEventsRequest big;
  big.set_page_size(1000);
  EXPECT_TRUE(HasViolation(Describe(Audit(big, &page)), "page_size"));
  v1::ListAuditEventsRequest backwards;
  SetSeconds(At(15, 0), backwards.mutable_since());
  SetSeconds(At(14, 0), backwards.mutable_until());
  EXPECT_TRUE(HasViolation(Describe(Audit(backwards, &page)), "until"));
  v1::ListAuditEventsRequest oversized_actor;
  oversized_actor.set_actor(std::string(300, 'a'));
  EXPECT_TRUE(HasViolation(Describe(Audit(oversized_actor, &page)), "actor"));
  grpc::ClientContext anonymous;
  EXPECT_EQ(stub_->ListAuditEvents(&anonymous, v1::ListAuditEventsRequest(), &page).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

// ---------------------------------------------------------------------------
// Reminders

TEST_F(ReviewTest, RemindersAskForACommsLeadAndTellOfAWaitingDraft) {
  clock_.Set(At(14, 11));  // past the default 10 minutes
  ProposedBy(dave_, inc_);
  absl::StatusOr<int> raised = server_.compliance().RaiseDueReminders();
  ASSERT_TRUE(raised.ok()) << raised.status();
  const std::string no_lead = db_.Query("SELECT text FROM reminders WHERE kind = 'no_comms_lead'");
  EXPECT_TRUE(absl::StrContains(no_lead,
                                "INC-1 SEV-1: no communications lead 11m after it was "
                                "declared"))
      << no_lead;
  EXPECT_TRUE(absl::StrContains(no_lead, "statuscastctl roles INC-1 --comms NAME")) << no_lead;
  const std::string waiting = db_.Query("SELECT text FROM reminders WHERE kind = 'draft_waiting'");
  EXPECT_TRUE(absl::StrContains(waiting, "draft 1 from eng-dave is waiting for review by ic-bob"))
      << waiting;
  {
    absl::MutexLock lock(&metrics_.mu);
    EXPECT_EQ(metrics_.raised["no_comms_lead"], 1);
    EXPECT_EQ(metrics_.raised["draft_waiting"], 1);
    EXPECT_EQ(metrics_.without_comms_lead, 1);
  }
  // Raised once; naming a comms lead clears the gauge.
  auto roles = Guarded<v1::SetIncidentRolesRequest>(Read(inc_.ref()), "");
  roles.set_comms_lead("comms-carol");
  v1::WriteIncidentResponse r;
  ASSERT_TRUE(SetRoles(bob_, roles, &r).ok());
  ASSERT_TRUE(server_.compliance().RaiseDueReminders().ok());
  EXPECT_EQ(db_.Query("SELECT count(*) FROM reminders WHERE kind = 'no_comms_lead'"), "1");
  absl::MutexLock lock(&metrics_.mu);
  EXPECT_EQ(metrics_.without_comms_lead, 0);
}

// ---------------------------------------------------------------------------
// A promise is kept only by what customers can read on the status page.

TEST_F(ReviewTest, ABannerOnlyUpdateBeforeTheDeadlineLeavesThePromiseMissed) {
  clock_.Set(At(14, 20));
  auto req = Guarded<v1::PostUpdateRequest>(inc_, "");
  req.mutable_update()->set_state(v1::INCIDENT_STATE_INVESTIGATING);
  req.mutable_update()->set_message("Card payments are failing; we're on it.");
  req.mutable_update()->add_channels(v1::CHANNEL_IN_APP_BANNER);
  v1::WriteIncidentResponse r;
  grpc::Status s =
      As(bob_, [&](grpc::ClientContext& ctx) { return stub_->PostUpdate(&ctx, req, &r); });
  ASSERT_TRUE(s.ok()) << s.error_message();
  bool noted = false;
  for (const v1::LintFinding& f : r.lint_findings()) {
    noted |= f.rule_id() == "promise-needs-status-page";
  }
  EXPECT_TRUE(noted);
  EXPECT_EQ(r.incident().next_update_at().seconds(), inc_.next_update_at().seconds());
  clock_.Set(At(14, 30));
  v1::Incident late = Read(inc_.ref());
  EXPECT_TRUE(late.next_update_overdue());
  ASSERT_GE(late.compliance().ledger_size(), 1);
  EXPECT_EQ(late.compliance().ledger(0).status(), v1::PROMISE_STATUS_MISSED);
}

}  // namespace
}  // namespace statuscast
