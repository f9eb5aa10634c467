// The communication linter in statuscast.v1.IncidentService: LintUpdate,
// FillTemplate, and every posted update linted, stored, and refused or
// overridden by policy. Real gRPC, real PostgreSQL, a fake clock.
#include <grpcpp/grpcpp.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/support/comms_client_test.h"

namespace statuscast {
namespace {

using testing::At;
using testing::CallError;
using testing::CommsTestOptions;
using testing::Describe;
using testing::HasViolation;
using testing::SetSeconds;

constexpr char kBadMessage[] =
    "We sincerely apologize for any inconvenience. AWS is having issues; should be fixed in 30 "
    "minutes.";

bool HasRule(const google::protobuf::RepeatedPtrField<v1::LintFinding>& findings,
             const std::string& rule, v1::LintLevel level = v1::LINT_LEVEL_UNSPECIFIED) {
  for (const v1::LintFinding& f : findings) {
    if (f.rule_id() == rule && (level == v1::LINT_LEVEL_UNSPECIFIED || f.level() == level)) {
      return true;
    }
  }
  return false;
}

std::string Rules(const google::protobuf::RepeatedPtrField<v1::LintFinding>& findings) {
  std::string out;
  for (const v1::LintFinding& f : findings) absl::StrAppend(&out, f.rule_id(), " ");
  return out;
}

class LintServiceTest : public testing::CommsClientTest {
 protected:
  LintServiceTest()
      : CommsClientTest(CommsTestOptions::RejectingLintAt("SEV-1,SEV-2"), {"checkout"}) {}

  // A SEV-1 (or other severity) whose first update lints clean.
  v1::DeclareIncidentRequest DeclareRequest(v1::Severity severity, bool with_update = true) {
    v1::DeclareIncidentRequest req;
    req.set_title("Checkout is failing");
    req.set_severity(severity);
    auto* a = req.add_affected_components();
    a->set_name("checkout");
    a->set_status(v1::COMPONENT_STATUS_MAJOR_OUTAGE);
    SetSeconds(clock_.Now() - absl::Minutes(5), req.mutable_confirmed_start());
    if (with_update) {
      auto* u = req.mutable_first_update();
      u->add_channels(v1::CHANNEL_STATUS_PAGE);
      if (severity == v1::SEVERITY_SEV3) {
        u->set_message(
            "We're investigating failed checkouts affecting some users. Our team is working on "
            "it. We'll post an update when the status changes.");
      } else {
        u->set_message(
            "We're investigating failed checkouts affecting some users. Our team is working on "
            "it. We'll post the next update by 14:29 UTC.");
        SetSeconds(At(14, 29), u->mutable_next_update_at());
      }
    }
    req.set_author("alice");
    req.set_idempotency_key(NewKey());
    return req;
  }

  using CommsClientTest::Declare;
  v1::WriteIncidentResponse Declare(v1::Severity severity, bool with_update = true) {
    v1::WriteIncidentResponse resp;
    grpc::Status s = Declare(DeclareRequest(severity, with_update), &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return resp;
  }

  v1::PostUpdateRequest UpdateRequest(const v1::Incident& inc, const std::string& message) {
    auto req = Guarded<v1::PostUpdateRequest>(inc, "bob");
    req.mutable_update()->set_message(message);
    req.mutable_update()->set_state(inc.state());
    req.mutable_update()->add_channels(v1::CHANNEL_STATUS_PAGE);
    if (inc.severity() == v1::SEVERITY_SEV1) {
      SetSeconds(clock_.Now() + absl::Minutes(29), req.mutable_update()->mutable_next_update_at());
    }
    return req;
  }

  grpc::Status Lint(const v1::LintUpdateRequest& req, v1::LintUpdateResponse* resp) {
    grpc::ClientContext ctx;
    return stub_->LintUpdate(&ctx, req, resp);
  }

  grpc::Status Fill(const v1::FillTemplateRequest& req, v1::FillTemplateResponse* resp) {
    grpc::ClientContext ctx;
    return stub_->FillTemplate(&ctx, req, resp);
  }
};

TEST_F(LintServiceTest, LintUpdateNamesTheThreeProblemsOfTheIssueExample) {
  v1::LintUpdateRequest req;
  req.set_message(kBadMessage);
  v1::LintUpdateResponse resp;
  ASSERT_TRUE(Lint(req, &resp).ok());
  EXPECT_TRUE(HasRule(resp.findings(), "performative-apology")) << Rules(resp.findings());
  EXPECT_TRUE(HasRule(resp.findings(), "third-party-blame", v1::LINT_LEVEL_ERROR));
  EXPECT_TRUE(HasRule(resp.findings(), "eta-clock", v1::LINT_LEVEL_ERROR));
  EXPECT_EQ(resp.error_count(), 2);
  for (const v1::LintFinding& f : resp.findings()) {
    EXPECT_LT(f.span_start(), f.span_end()) << f.rule_id();
    EXPECT_EQ(std::string(kBadMessage).substr(f.span_start(), f.span_end() - f.span_start()),
              f.excerpt());
    EXPECT_FALSE(f.suggestion().empty()) << f.rule_id();
  }
}

TEST_F(LintServiceTest, LintUpdateTakesTheMissingContextFromTheIncident) {
  // Declared without a first update: the next one is the first communication.
  v1::Incident inc = Declare(v1::SEVERITY_SEV1, false).incident();
  v1::LintUpdateRequest req;
  req.set_message("We're looking into it.");
  v1::LintUpdateResponse alone;
  ASSERT_TRUE(Lint(req, &alone).ok());
  EXPECT_FALSE(HasRule(alone.findings(), "first-comm-missing-part")) << Rules(alone.findings());

  req.set_incident_ref(inc.ref());
  v1::LintUpdateResponse in_context;
  ASSERT_TRUE(Lint(req, &in_context).ok());
  EXPECT_TRUE(HasRule(in_context.findings(), "first-comm-missing-part", v1::LINT_LEVEL_ERROR))
      << Rules(in_context.findings());
  EXPECT_GT(in_context.error_count(), 0);
}

TEST_F(LintServiceTest, LintUpdateRejectsAnUnknownIncidentAndOverlongText) {
  v1::LintUpdateRequest req;
  req.set_incident_ref("INC-404");
  req.set_message("We're investigating.");
  v1::LintUpdateResponse resp;
  CallError e = Describe(Lint(req, &resp));
  EXPECT_EQ(e.code, grpc::StatusCode::NOT_FOUND);
  EXPECT_TRUE(absl::StrContains(e.message, "no incident INC-404")) << e.message;

  req.clear_incident_ref();
  req.set_message(std::string(64 * 1024 + 1, 'a'));
  e = Describe(Lint(req, &resp));
  EXPECT_EQ(e.code, grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(HasViolation(e, "message", "the limit is 65536")) << e.message;

  req.set_message("ok");
  req.set_severity(static_cast<v1::Severity>(9));
  e = Describe(Lint(req, &resp));
  EXPECT_EQ(e.code, grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(HasViolation(e, "severity")) << e.message;

  req.clear_severity();
  for (int i = 0; i < 201; ++i) req.add_affected_components("c");
  e = Describe(Lint(req, &resp));
  EXPECT_EQ(e.code, grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(HasViolation(e, "affected_components", "lists more than 200")) << e.message;
}

TEST_F(LintServiceTest, LintUpdateTakesEveryPhaseTheApiDefines) {
  v1::LintUpdateRequest req;
  req.set_message("The database failover took longer than expected.");
  req.set_phase(v1::LINT_PHASE_POSTMORTEM);
  v1::LintUpdateResponse resp;
  EXPECT_TRUE(Lint(req, &resp).ok());
  req.set_phase(static_cast<v1::LintPhase>(5));
  CallError e = Describe(Lint(req, &resp));
  EXPECT_EQ(e.code, grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(HasViolation(e, "phase", "is not a known phase")) << e.message;
}

TEST_F(LintServiceTest, ACleanFirstUpdateIsPostedWithNoFindings) {
  v1::WriteIncidentResponse r = Declare(v1::SEVERITY_SEV1);
  EXPECT_EQ(r.lint_findings_size(), 0) << Rules(r.lint_findings());
  EXPECT_EQ(r.update().lint_findings_size(), 0);
}

TEST_F(LintServiceTest, AnErrorRejectsASev1UpdateAndWritesNothing) {
  v1::Incident inc = Declare(v1::SEVERITY_SEV1).incident();
  clock_.Advance(absl::Minutes(5));
  v1::WriteIncidentResponse resp;
  CallError e = Describe(Post(UpdateRequest(inc, kBadMessage), &resp));
  EXPECT_EQ(e.code, grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_TRUE(absl::StrContains(e.message, "SEV-1 updates with lint errors are not posted"))
      << e.message;
  EXPECT_TRUE(absl::StrContains(e.message, "[eta-clock]")) << e.message;
  EXPECT_TRUE(absl::StrContains(e.message, "lint_override_reason")) << e.message;
  EXPECT_TRUE(HasViolation(e, "update.message", "[eta-clock] \"should be fixed in 30 minutes\""))
      << e.message;
  EXPECT_TRUE(HasViolation(e, "update.message", "[third-party-blame]")) << e.message;
  v1::Incident now = Get(inc.ref());
  EXPECT_EQ(now.version(), inc.version());
  EXPECT_EQ(now.timeline_size(), 1);
  EXPECT_EQ(db_.Query("SELECT count(*) FROM audit_log WHERE action = 'updated'"), "0");
}

TEST_F(LintServiceTest, AnErrorInTheFirstUpdateRejectsTheDeclarationToo) {
  v1::DeclareIncidentRequest req = DeclareRequest(v1::SEVERITY_SEV2);
  req.mutable_first_update()->set_message(kBadMessage);
  grpc::ClientContext ctx;
  v1::WriteIncidentResponse resp;
  CallError e = Describe(stub_->DeclareIncident(&ctx, req, &resp));
  EXPECT_EQ(e.code, grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_TRUE(absl::StrContains(e.message, "the first update has")) << e.message;
  EXPECT_TRUE(HasViolation(e, "first_update.message", "[eta-clock]")) << e.message;
  EXPECT_EQ(db_.Query("SELECT count(*) FROM incidents"), "0");
}

TEST_F(LintServiceTest, AnOverridePostsDespiteErrorsAndRecordsTheReason) {
  v1::Incident inc = Declare(v1::SEVERITY_SEV1).incident();
  clock_.Advance(absl::Minutes(5));
  v1::PostUpdateRequest req = UpdateRequest(inc, kBadMessage);
  req.set_lint_override_reason("AWS confirmed the outage on their status page");
  v1::WriteIncidentResponse resp;
  grpc::Status s = Post(req, &resp);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_TRUE(HasRule(resp.lint_findings(), "eta-clock", v1::LINT_LEVEL_ERROR))
      << Rules(resp.lint_findings());
  EXPECT_EQ(resp.update().lint_override_reason(), "AWS confirmed the outage on their status page");

  // Stored with the update and shown on the timeline.
  v1::Incident full = Get(inc.ref());
  ASSERT_EQ(full.timeline_size(), 2);
  const v1::Update& u = full.timeline(1).update();
  EXPECT_EQ(u.lint_override_reason(), "AWS confirmed the outage on their status page");
  ASSERT_EQ(u.lint_findings_size(), resp.lint_findings_size());
  for (int i = 0; i < u.lint_findings_size(); ++i) {
    EXPECT_EQ(u.lint_findings(i).SerializeAsString(), resp.lint_findings(i).SerializeAsString());
  }
  // The bad message has several errors (third-party blame, an ETA, and as a
  // SEV-1 update no next update time nor what we are doing); the audit log
  // counts them all.
  int errors = 0;
  for (const v1::LintFinding& f : resp.lint_findings()) {
    errors += f.level() == v1::LINT_LEVEL_ERROR;
  }
  EXPECT_GE(errors, 2) << Rules(resp.lint_findings());
  EXPECT_EQ(db_.Query(absl::StrCat("SELECT count(*) FROM audit_log WHERE action = 'updated' AND "
                                   "details LIKE '%despite ",
                                   errors, " lint errors, override: AWS confirmed%'")),
            "1");

  // A retry under the same key replays the stored findings.
  v1::WriteIncidentResponse again;
  ASSERT_TRUE(Post(req, &again).ok());
  EXPECT_TRUE(again.replayed());
  EXPECT_EQ(again.lint_findings_size(), resp.lint_findings_size());
}

TEST_F(LintServiceTest, ABannerOnlyUpdateSaysThePromiseIsStillDueAndLeavesIt) {
  v1::Incident inc = Declare(v1::SEVERITY_SEV1).incident();  // promised 14:29 UTC
  clock_.Advance(absl::Minutes(5));
  v1::PostUpdateRequest req =
      UpdateRequest(inc, "We're still investigating failed checkouts affecting some users.");
  req.mutable_update()->clear_channels();
  req.mutable_update()->add_channels(v1::CHANNEL_IN_APP_BANNER);
  req.mutable_update()->clear_next_update_at();
  v1::WriteIncidentResponse resp;
  grpc::Status s = Post(req, &resp);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(resp.update().kept_promise(), v1::PROMISE_OUTCOME_NONE);
  ASSERT_TRUE(HasRule(resp.lint_findings(), "promise-needs-status-page", v1::LINT_LEVEL_WARNING))
      << Rules(resp.lint_findings());
  for (const v1::LintFinding& f : resp.lint_findings()) {
    if (f.rule_id() != "promise-needs-status-page") continue;
    EXPECT_EQ(f.explanation(),
              "the next update promised by 14:29 UTC is still due: this update goes only to the "
              "in-app banner, and only a status-page update (channel status_page or public) "
              "keeps the promise");
  }
  // The promise stands as it was.
  EXPECT_EQ(resp.incident().next_update_at().seconds(), absl::ToUnixSeconds(At(14, 29)));
  EXPECT_EQ(Get(inc.ref()).next_update_at().seconds(), absl::ToUnixSeconds(At(14, 29)));

  // A status-page update then keeps it, with no such note.
  clock_.Advance(absl::Minutes(5));
  v1::WriteIncidentResponse kept;
  s = Post(UpdateRequest(resp.incident(),
                         "We're still investigating failed checkouts affecting some users. We'll "
                         "post the next update by 14:39 UTC."),
           &kept);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(kept.update().kept_promise(), v1::PROMISE_OUTCOME_KEPT);
  EXPECT_FALSE(HasRule(kept.lint_findings(), "promise-needs-status-page"));
}

TEST_F(LintServiceTest, ThirdPartyConfirmedIsStoredReturnedAndAudited) {
  v1::Incident inc = Declare(v1::SEVERITY_SEV1).incident();
  clock_.Advance(absl::Minutes(5));
  const std::string blame =
      "AWS is having issues in one region; we're moving traffic to another region. We'll post "
      "the next update by 14:34 UTC.";
  // Unconfirmed, the name is a lint error and the SEV-1 update is refused.
  v1::WriteIncidentResponse refused;
  grpc::Status s = Post(UpdateRequest(inc, blame), &refused);
  ASSERT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << s.error_message();
  EXPECT_TRUE(absl::StrContains(s.error_message(), "[third-party-blame]")) << s.error_message();

  v1::PostUpdateRequest req = UpdateRequest(inc, blame);
  req.mutable_update()->set_third_party_confirmed(true);
  v1::WriteIncidentResponse resp;
  s = Post(req, &resp);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_TRUE(resp.update().third_party_confirmed());
  EXPECT_FALSE(HasRule(resp.lint_findings(), "third-party-blame")) << Rules(resp.lint_findings());

  v1::Incident full = Get(inc.ref());
  ASSERT_EQ(full.timeline_size(), 2);
  EXPECT_FALSE(full.timeline(0).update().third_party_confirmed());
  EXPECT_TRUE(full.timeline(1).update().third_party_confirmed());
  EXPECT_EQ(db_.Query("SELECT count(*) FROM incident_updates WHERE third_party_confirmed"), "1");
  EXPECT_EQ(db_.Query("SELECT count(*) FROM audit_log WHERE action = 'updated' AND details LIKE "
                      "'%; third party confirmed%'"),
            "1");

  // The resolution records it the same way.
  clock_.Advance(absl::Minutes(5));
  auto res = Guarded<v1::ResolveIncidentRequest>(inc, "alice", resp.incident().version());
  res.set_message(
      "Resolved: checkout works normally again. The failures were caused by an outage at AWS in "
      "one region, which they have fixed. We know this stopped many of you from completing "
      "orders, and we're sorry. To prevent this from happening again, we're moving checkout to "
      "run in two regions. We'll publish a postmortem within five days.");
  res.set_third_party_confirmed(true);
  grpc::ClientContext ctx;
  v1::WriteIncidentResponse resolved;
  s = stub_->ResolveIncident(&ctx, res, &resolved);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_TRUE(resolved.update().third_party_confirmed());
  EXPECT_TRUE(Get(inc.ref()).timeline(2).update().third_party_confirmed());
  EXPECT_EQ(db_.Query("SELECT count(*) FROM audit_log WHERE action = 'resolved' AND details LIKE "
                      "'%; third party confirmed%'"),
            "1");
}

TEST_F(LintServiceTest, ASev3UpdateWithErrorsIsPostedWithWarningsStored) {
  v1::Incident inc = Declare(v1::SEVERITY_SEV3).incident();
  clock_.Advance(absl::Minutes(5));
  v1::WriteIncidentResponse resp;
  grpc::Status s = Post(UpdateRequest(inc, kBadMessage), &resp);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_TRUE(HasRule(resp.lint_findings(), "eta-clock", v1::LINT_LEVEL_ERROR));
  EXPECT_TRUE(resp.update().lint_override_reason().empty());
  EXPECT_TRUE(HasRule(Get(inc.ref()).timeline(1).update().lint_findings(), "eta-clock"));
}

TEST_F(LintServiceTest, AWeakResolutionIsRejectedAndTheResolvingTemplatePasses) {
  v1::Incident inc = Declare(v1::SEVERITY_SEV1).incident();
  clock_.Advance(absl::Minutes(20));
  auto req = Guarded<v1::ResolveIncidentRequest>(inc, "alice");
  // It does not even say the issue is resolved (an error). A bare "Resolved."
  // lacks only parts that are warnings (what happened, the apology, the
  // prevention) and, on SEV-1, the postmortem pointer, an info-level reminder
  // (docs/linter.md).
  req.set_message("Thanks for your patience today.");
  grpc::ClientContext ctx;
  v1::WriteIncidentResponse resp;
  CallError e = Describe(stub_->ResolveIncident(&ctx, req, &resp));
  EXPECT_EQ(e.code, grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_TRUE(HasViolation(e, "message", "[resolution-missing-part]")) << e.message;

  v1::FillTemplateRequest fill;
  fill.set_incident_ref(inc.ref());
  fill.set_tone(v1::TEMPLATE_TONE_RESOLVING);
  fill.set_what_happened("A configuration change stopped payments from completing");
  fill.set_impact("checking out");
  fill.set_prevention(
      "To prevent this from happening again, we now test such changes against live traffic");
  v1::FillTemplateResponse filled;
  ASSERT_TRUE(Fill(fill, &filled).ok());
  EXPECT_EQ(filled.lint_findings_size(), 0) << Rules(filled.lint_findings());
  EXPECT_TRUE(filled.banner_text().empty());
  req.set_message(filled.message());
  req.set_idempotency_key(NewKey());
  grpc::ClientContext ctx2;
  grpc::Status s = stub_->ResolveIncident(&ctx2, req, &resp);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(resp.lint_findings_size(), 0) << Rules(resp.lint_findings());
}

TEST_F(LintServiceTest, AResolvingTemplateWithPlaceholdersLeftIsRefusedEvenOnASev3) {
  // SEV-3 lint errors only warn under this policy; a placeholder is refused.
  v1::Incident inc = Declare(v1::SEVERITY_SEV3).incident();
  clock_.Advance(absl::Minutes(20));
  v1::FillTemplateRequest fill;
  fill.set_incident_ref(inc.ref());
  fill.set_tone(v1::TEMPLATE_TONE_RESOLVING);
  fill.set_impact("checking out");
  v1::FillTemplateResponse filled;
  ASSERT_TRUE(Fill(fill, &filled).ok());
  EXPECT_TRUE(HasRule(filled.lint_findings(), "unfilled-placeholder", v1::LINT_LEVEL_ERROR))
      << Rules(filled.lint_findings());

  auto req = Guarded<v1::ResolveIncidentRequest>(inc, "alice");
  req.set_message(filled.message());
  grpc::ClientContext ctx;
  v1::WriteIncidentResponse resp;
  CallError e = Describe(stub_->ResolveIncident(&ctx, req, &resp));
  EXPECT_EQ(e.code, grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_TRUE(absl::StrContains(e.message,
                                "INC-1's update has 2 lint errors, and updates with "
                                "unfilled placeholders are not posted: "
                                "[unfilled-placeholder] \"<the cause, in plain "
                                "words>\""))
      << e.message;
  EXPECT_TRUE(HasViolation(e, "message", "[unfilled-placeholder]")) << e.message;
  EXPECT_EQ(Get(inc.ref()).state(), v1::INCIDENT_STATE_INVESTIGATING) << "nothing was written";

  // Every placeholder given: it resolves.
  fill.set_what_happened("A configuration change stopped payments from completing");
  fill.set_prevention("To prevent this from happening again, we now test such changes first");
  ASSERT_TRUE(Fill(fill, &filled).ok());
  EXPECT_FALSE(HasRule(filled.lint_findings(), "unfilled-placeholder"));
  req.set_message(filled.message());
  req.set_idempotency_key(NewKey());
  grpc::ClientContext ctx2;
  grpc::Status s = stub_->ResolveIncident(&ctx2, req, &resp);
  ASSERT_TRUE(s.ok()) << s.error_message();
}

TEST_F(LintServiceTest, ANoProgressTemplateLintsCleanAndPostsUnderTheStrictPolicy) {
  v1::Incident inc = Declare(v1::SEVERITY_SEV1).incident();
  clock_.Advance(absl::Minutes(25));  // 14:25
  v1::FillTemplateRequest fill;
  fill.set_incident_ref(inc.ref());
  fill.set_tone(v1::TEMPLATE_TONE_NO_PROGRESS);
  v1::FillTemplateResponse filled;
  grpc::Status s = Fill(fill, &filled);
  ASSERT_TRUE(s.ok()) << s.error_message();
  // The default promise: the SEV-1 cadence from now, minus a minute.
  EXPECT_EQ(filled.next_update_at().seconds(), absl::ToUnixSeconds(At(14, 54)));
  EXPECT_TRUE(absl::StrContains(filled.message(), "14:54 UTC")) << filled.message();
  EXPECT_TRUE(absl::StrContains(filled.message(), "checkout")) << filled.message();
  EXPECT_EQ(filled.lint_findings_size(), 0) << Rules(filled.lint_findings());

  v1::LintUpdateRequest lint;
  lint.set_incident_ref(inc.ref());
  lint.set_message(filled.message());
  *lint.mutable_next_update_at() = filled.next_update_at();
  v1::LintUpdateResponse linted;
  ASSERT_TRUE(Lint(lint, &linted).ok());
  EXPECT_EQ(linted.error_count(), 0) << Rules(linted.findings());

  v1::PostUpdateRequest req = UpdateRequest(inc, filled.message());
  req.mutable_update()->set_no_progress(true);
  *req.mutable_update()->mutable_next_update_at() = filled.next_update_at();
  v1::WriteIncidentResponse resp;
  s = Post(req, &resp);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(resp.update().kind(), v1::UPDATE_KIND_NO_PROGRESS);
  EXPECT_EQ(resp.lint_findings_size(), 0) << Rules(resp.lint_findings());
}

TEST_F(LintServiceTest, TheNoProgressTemplateFollowsTheStateAndKeepsTheBannerText) {
  v1::Incident inc = Declare(v1::SEVERITY_SEV1).incident();  // investigating, no banner yet
  v1::FillTemplateRequest fill;
  fill.set_incident_ref(inc.ref());
  fill.set_tone(v1::TEMPLATE_TONE_NO_PROGRESS);
  auto fill_now = [&]() {
    v1::FillTemplateResponse filled;
    grpc::Status s = Fill(fill, &filled);
    EXPECT_TRUE(s.ok()) << s.error_message();
    EXPECT_EQ(filled.lint_findings_size(), 0) << Rules(filled.lint_findings());
    return filled;
  };
  v1::FillTemplateResponse filled = fill_now();
  EXPECT_TRUE(absl::StartsWith(filled.message(),
                               "We're still investigating the issue affecting "
                               "users of checkout; no ETA yet"))
      << filled.message();
  EXPECT_TRUE(absl::StrContains(filled.banner_text(), "check the status page"))
      << "generic while no update went to the banner: " << filled.banner_text();

  // Identified, with its own banner text.
  auto post = [&](const v1::Incident& current, v1::IncidentState state, const std::string& text,
                  const std::string& banner) {
    const std::string next =
        absl::FormatTime("%H:%M", clock_.Now() + absl::Minutes(29), absl::UTCTimeZone());
    v1::PostUpdateRequest req = UpdateRequest(
        current, absl::StrCat(text, " We'll post the next update by ", next, " UTC."));
    req.mutable_update()->set_state(state);
    req.mutable_update()->add_channels(v1::CHANNEL_IN_APP_BANNER);
    req.mutable_update()->set_banner_text(banner);
    v1::WriteIncidentResponse resp;
    grpc::Status s = Post(req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return resp.incident();
  };
  clock_.Advance(absl::Minutes(10));
  inc = post(inc, v1::INCIDENT_STATE_IDENTIFIED,
             "We've identified the cause of the failed checkouts and are working on a fix.",
             "Checkout is failing for some users; a fix is on its way.");
  filled = fill_now();
  EXPECT_TRUE(absl::StartsWith(filled.message(),
                               "We're still working on the fix for the issue "
                               "affecting users of checkout; no ETA yet"))
      << filled.message();
  EXPECT_EQ(filled.banner_text(), "Checkout is failing for some users; a fix is on its way.");

  clock_.Advance(absl::Minutes(10));
  inc = post(inc, v1::INCIDENT_STATE_MONITORING,
             "We've applied a fix for the failed checkouts and are monitoring the results.",
             "A fix for checkout is live; we're watching it.");
  filled = fill_now();
  EXPECT_TRUE(absl::StartsWith(filled.message(),
                               "We're monitoring the fix for the issue "
                               "affecting users of checkout"))
      << filled.message();
  EXPECT_EQ(filled.banner_text(), "A fix for checkout is live; we're watching it.");
}

TEST_F(LintServiceTest, FillTemplateRejectsBadInput) {
  v1::Incident inc = Declare(v1::SEVERITY_SEV1).incident();
  v1::FillTemplateRequest fill;
  fill.set_incident_ref("INC-404");
  fill.set_tone(v1::TEMPLATE_TONE_UPDATING);
  v1::FillTemplateResponse filled;
  EXPECT_EQ(Describe(Fill(fill, &filled)).code, grpc::StatusCode::NOT_FOUND);
  fill.set_incident_ref(inc.ref());
  fill.clear_tone();
  CallError e = Describe(Fill(fill, &filled));
  EXPECT_EQ(e.code, grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(HasViolation(e, "tone", "is required")) << e.message;
  fill.set_tone(v1::TEMPLATE_TONE_UPDATING);
  SetSeconds(clock_.Now() + absl::Hours(2), fill.mutable_next_update_at());
  e = Describe(Fill(fill, &filled));
  EXPECT_EQ(e.code, grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(HasViolation(e, "next_update_at", "beyond the SEV-1 cadence")) << e.message;
}

TEST_F(LintServiceTest, FillTemplateRefusesAnOverlongOptionalSentence) {
  v1::Incident inc = Declare(v1::SEVERITY_SEV1).incident();
  v1::FillTemplateRequest fill;
  fill.set_incident_ref(inc.ref());
  fill.set_tone(v1::TEMPLATE_TONE_RESOLVING);
  fill.set_impact(std::string(1001, 'x'));
  v1::FillTemplateResponse filled;
  CallError e = Describe(Fill(fill, &filled));
  EXPECT_EQ(e.code, grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(HasViolation(e, "impact", "is 1001 bytes; the limit is 1000")) << e.message;
  fill.set_impact(std::string(1000, 'x'));
  EXPECT_TRUE(Fill(fill, &filled).ok());
}

TEST_F(LintServiceTest, AnOverlongOverrideReasonIsRefused) {
  v1::Incident inc = Declare(v1::SEVERITY_SEV1).incident();
  v1::PostUpdateRequest req = UpdateRequest(inc, kBadMessage);
  req.set_lint_override_reason(std::string(1001, 'x'));
  v1::WriteIncidentResponse resp;
  CallError e = Describe(Post(req, &resp));
  EXPECT_EQ(e.code, grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(HasViolation(e, "lint_override_reason", "the limit is 1000")) << e.message;
}

}  // namespace
}  // namespace statuscast
