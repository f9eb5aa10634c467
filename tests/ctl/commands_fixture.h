// The fixture of the CommandRunner tests: an in-process fake
// IncidentService, BannerAdminService and ComplianceService on 127.0.0.1:0
// and CommandsTest::Run, which runs statuscastctl's arguments against them.
#ifndef STATUSCAST_TESTS_CTL_COMMANDS_FIXTURE_H_
#define STATUSCAST_TESTS_CTL_COMMANDS_FIXTURE_H_

#include <gmock/gmock.h>
#include <google/protobuf/util/json_util.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>
#include <gtest/gtest.h>

#include <csignal>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "libs/base/clock.h"
#include "libs/lint/linter.h"
#include "services/ctl/commands.h"
#include "services/ctl/inputs.h"
#include "services/ctl/rpc_errors.h"

namespace statuscast {
namespace ctl {

using ::testing::HasSubstr;
using ::testing::Not;

// The promise of 14:30 UTC, made at 14:02 and missed by 4 minutes, on `c`.
inline void AddMissedPromise(v1::IncidentCompliance* c) {
  v1::PromiseEntry* p = c->add_ledger();
  p->mutable_made_at()->set_seconds(1795874520);
  p->mutable_due()->set_seconds(1795876200);
  p->set_status(v1::PROMISE_STATUS_MISSED);
  p->set_description("promised 14:30 UTC OVERDUE by 4m");
  c->set_overdue(true);
  c->mutable_overdue_by()->set_seconds(240);
  c->set_overdue_what("next update");
}

class FakeIncidentService final : public v1::IncidentService::Service {
 public:
  grpc::Status GetIncident(grpc::ServerContext*, const v1::GetIncidentRequest* req,
                           v1::Incident* resp) override {
    absl::MutexLock lock(&mu);
    if (req->incident_ref() != incident.ref()) {
      return grpc::Status(grpc::StatusCode::NOT_FOUND, "no incident " + req->incident_ref());
    }
    *resp = incident;
    return grpc::Status::OK;
  }
  grpc::Status PostUpdate(grpc::ServerContext*, const v1::PostUpdateRequest* req,
                          v1::WriteIncidentResponse* resp) override {
    absl::MutexLock lock(&mu);
    last_post = *req;
    if (!post_status.ok()) return post_status;
    *resp->mutable_incident() = incident;
    v1::LintFinding* f = resp->add_lint_findings();
    f->set_rule_id("passive-voice");
    f->set_level(v1::LINT_LEVEL_WARNING);
    f->set_span_start(0);
    f->set_span_end(4);
    f->set_excerpt("were made");
    f->set_suggestion("we made");
    return grpc::Status::OK;
  }
  grpc::Status ResolveIncident(grpc::ServerContext*, const v1::ResolveIncidentRequest* req,
                               v1::WriteIncidentResponse* resp) override {
    absl::MutexLock lock(&mu);
    last_resolve = *req;
    *resp->mutable_incident() = incident;
    resp->mutable_incident()->set_state(v1::INCIDENT_STATE_RESOLVED);
    return grpc::Status::OK;
  }
  grpc::Status DeclareIncident(grpc::ServerContext*, const v1::DeclareIncidentRequest* req,
                               v1::WriteIncidentResponse* resp) override {
    absl::MutexLock lock(&mu);
    last_declare = *req;
    google::rpc::BadRequest bad;
    auto* fv = bad.add_field_violations();
    fv->set_field("title");
    fv->set_description("is 300 bytes; the limit is 200");
    google::rpc::Status details;
    details.set_code(grpc::StatusCode::INVALID_ARGUMENT);
    details.set_message("the incident is not valid");
    details.add_details()->PackFrom(bad);
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "the incident is not valid",
                        details.SerializeAsString());
  }
  grpc::Status ListIncidents(grpc::ServerContext*, const v1::ListIncidentsRequest* req,
                             v1::ListIncidentsResponse* resp) override {
    absl::MutexLock lock(&mu);
    list_requests.push_back(*req);
    int start = req->page_token().empty() ? 0 : std::stoi(req->page_token());
    int total = 450;
    for (int i = start; i < std::min(total, start + req->page_size()); ++i) {
      v1::Incident* inc = resp->add_incidents();
      inc->set_ref("INC-" + std::to_string(total - i));
      inc->set_state(v1::INCIDENT_STATE_RESOLVED);
    }
    if (start + req->page_size() < total) {
      resp->set_next_page_token(std::to_string(start + req->page_size()));
    }
    return grpc::Status::OK;
  }
  grpc::Status LintUpdate(grpc::ServerContext*, const v1::LintUpdateRequest* req,
                          v1::LintUpdateResponse* resp) override {
    absl::MutexLock lock(&mu);
    last_lint = *req;
    v1::LintFinding* f = resp->add_findings();
    f->set_rule_id("eta-clock");
    f->set_level(v1::LINT_LEVEL_ERROR);
    f->set_span_start(0);
    f->set_span_end(3);
    f->set_explanation("No clocks.");
    resp->set_error_count(1);
    return grpc::Status::OK;
  }
  grpc::Status FillTemplate(grpc::ServerContext*, const v1::FillTemplateRequest* req,
                            v1::FillTemplateResponse* resp) override {
    absl::MutexLock lock(&mu);
    last_fill = *req;
    resp->set_message(fill_message);
    resp->mutable_next_update_at()->set_seconds(1234567);
    return grpc::Status::OK;
  }
  grpc::Status CreateComponent(grpc::ServerContext*, const v1::CreateComponentRequest* req,
                               v1::Component* resp) override {
    absl::MutexLock lock(&mu);
    last_component = *req;
    resp->set_name(req->name());
    resp->mutable_banner_apps()->CopyFrom(req->banner_apps());
    resp->mutable_banner_paths()->CopyFrom(req->banner_paths());
    return grpc::Status::OK;
  }
  grpc::Status WatchIncidents(grpc::ServerContext* ctx, const v1::WatchIncidentsRequest* req,
                              grpc::ServerWriter<v1::IncidentEvent>* writer) override {
    int call;
    {
      absl::MutexLock lock(&mu);
      watch_afters.push_back(req->after_sequence());
      call = static_cast<int>(watch_afters.size());
    }
    if (call == 1) {
      for (int64_t seq : {7, 8}) {
        v1::IncidentEvent e;
        e.set_sequence(seq);
        e.set_kind(v1::IncidentEvent::KIND_UPDATED);
        e.mutable_incident()->set_ref("INC-3");
        writer->Write(e);
      }
      return grpc::Status(grpc::StatusCode::UNAVAILABLE, "replica going away");
    }
    if (wait_after_first_watch) {
      // Live and quiet: the reminder stream ends the watch.
      while (!ctx->IsCancelled()) absl::SleepFor(absl::Milliseconds(10));
      return grpc::Status::CANCELLED;
    }
    std::raise(SIGINT);  // the responder presses Ctrl-C
    return grpc::Status::OK;
  }

  // Corrections and managed components (issue 12).
  grpc::Status CorrectUpdate(grpc::ServerContext*, const v1::CorrectUpdateRequest* req,
                             v1::WriteIncidentResponse* resp) override {
    absl::MutexLock lock(&mu);
    last_correct = *req;
    *resp->mutable_incident() = incident;
    return grpc::Status::OK;
  }
  grpc::Status ListComponents(grpc::ServerContext*, const v1::ListComponentsRequest*,
                              v1::ListComponentsResponse* resp) override {
    absl::MutexLock lock(&mu);
    *resp = components;
    return grpc::Status::OK;
  }
  grpc::Status ListPostmortemVersions(grpc::ServerContext*,
                                      const v1::ListPostmortemVersionsRequest* req,
                                      v1::ListPostmortemVersionsResponse* resp) override {
    absl::MutexLock lock(&mu);
    if (req->incident_ref() != incident.ref()) {
      return grpc::Status(grpc::StatusCode::NOT_FOUND, "no incident " + req->incident_ref());
    }
    *resp = postmortem_versions;
    return grpc::Status::OK;
  }
  grpc::Status UpdateComponent(grpc::ServerContext*, const v1::UpdateComponentRequest* req,
                               v1::Component* resp) override {
    absl::MutexLock lock(&mu);
    last_component_update = *req;
    resp->set_name(req->name());
    resp->set_display_name(req->display_name().value());
    return grpc::Status::OK;
  }
  grpc::Status RetireComponent(grpc::ServerContext*, const v1::RetireComponentRequest* req,
                               v1::Component* resp) override {
    absl::MutexLock lock(&mu);
    last_retire = *req;
    resp->set_name(req->name());
    return grpc::Status::OK;
  }
  grpc::Status SetIncidentRoles(grpc::ServerContext*, const v1::SetIncidentRolesRequest* req,
                                v1::WriteIncidentResponse* resp) override {
    absl::MutexLock lock(&mu);
    last_roles = *req;
    *resp->mutable_incident() = incident;
    return grpc::Status::OK;
  }
  grpc::Status ProposeUpdate(grpc::ServerContext*, const v1::ProposeUpdateRequest* req,
                             v1::DraftResponse* resp) override {
    absl::MutexLock lock(&mu);
    last_proposal = *req;
    resp->mutable_draft()->set_id(7);
    resp->mutable_draft()->set_incident_ref(req->incident_ref());
    resp->mutable_draft()->set_status(v1::DRAFT_STATUS_PENDING);
    *resp->mutable_draft()->mutable_update() = req->update();
    return grpc::Status::OK;
  }
  grpc::Status ApproveDraft(grpc::ServerContext*, const v1::ApproveDraftRequest* req,
                            v1::WriteIncidentResponse* resp) override {
    absl::MutexLock lock(&mu);
    last_approval = *req;
    *resp->mutable_incident() = incident;
    return grpc::Status::OK;
  }
  grpc::Status RejectDraft(grpc::ServerContext*, const v1::RejectDraftRequest* req,
                           v1::DraftResponse* resp) override {
    absl::MutexLock lock(&mu);
    last_rejection = *req;
    resp->mutable_draft()->set_id(req->draft_id());
    resp->mutable_draft()->set_status(v1::DRAFT_STATUS_REJECTED);
    resp->mutable_draft()->set_reject_reason(req->reason());
    resp->mutable_draft()->set_decided_by("ic-bob");
    return grpc::Status::OK;
  }
  // 130 events in pages of the size asked.
  grpc::Status ListAuditEvents(grpc::ServerContext*, const v1::ListAuditEventsRequest* req,
                               v1::ListAuditEventsResponse* resp) override {
    absl::MutexLock lock(&mu);
    audit_requests.push_back(*req);
    int start = req->page_token().empty() ? 0 : std::stoi(req->page_token());
    const int total = 130;
    for (int i = start; i < std::min(total, start + req->page_size()); ++i) {
      v1::AuditEvent* e = resp->add_events();
      e->set_id(i + 1);
      e->set_actor(i == 1 ? "ic-bob" : "eng-dave");
      e->set_action(i == 1 ? "updated" : "draft_proposed");
      e->set_incident_ref("INC-3");
      e->set_details("posted a progress update");
      if (i == 1) {
        e->set_lint_override_reason("vendor confirmed");
        e->set_third_party_confirmed(true);
      }
    }
    if (start + req->page_size() < total) {
      resp->set_next_page_token(std::to_string(start + req->page_size()));
    }
    return grpc::Status::OK;
  }

  absl::Mutex mu;
  v1::Incident incident;
  v1::SetIncidentRolesRequest last_roles;
  v1::ProposeUpdateRequest last_proposal;
  v1::ApproveDraftRequest last_approval;
  v1::RejectDraftRequest last_rejection;
  std::vector<v1::ListAuditEventsRequest> audit_requests;
  grpc::Status post_status;
  v1::CorrectUpdateRequest last_correct;
  // What ListPostmortemVersions answers for `incident`.
  v1::ListPostmortemVersionsResponse postmortem_versions;
  // What ListComponents answers.
  v1::ListComponentsResponse components;
  v1::UpdateComponentRequest last_component_update;
  v1::RetireComponentRequest last_retire;
  v1::PostUpdateRequest last_post;
  v1::DeclareIncidentRequest last_declare;
  v1::LintUpdateRequest last_lint;
  v1::FillTemplateRequest last_fill;
  // What FillTemplate answers.
  std::string fill_message = "We're still investigating; no ETA yet; next update by 14:59 UTC.";
  v1::ResolveIncidentRequest last_resolve;
  v1::CreateComponentRequest last_component;
  std::vector<v1::ListIncidentsRequest> list_requests;
  std::vector<int64_t> watch_afters;
  bool wait_after_first_watch = false;
};

inline v1::Reminder MakeReminder(int64_t id, v1::Reminder::Kind kind, const std::string& text) {
  v1::Reminder r;
  r.set_id(id);
  r.set_kind(kind);
  r.set_incident_ref("INC-3");
  r.set_severity(v1::SEVERITY_SEV1);
  r.mutable_due()->set_seconds(1795876200);
  r.mutable_raised_at()->set_seconds(1795875900);
  r.set_text(text);
  r.set_suggested_message(
      "We're still investigating the issue; no ETA yet; next update by "
      "14:59 UTC.");
  return r;
}

class FakeComplianceService final : public v1::ComplianceService::Service {
 public:
  grpc::Status GetComplianceReport(grpc::ServerContext*, const v1::ComplianceReportRequest* req,
                                   v1::ComplianceReport* resp) override {
    absl::MutexLock lock(&mu);
    last_report = *req;
    resp->mutable_generated_at()->set_seconds(1795876200);
    for (v1::Severity s : {v1::SEVERITY_SEV1, v1::SEVERITY_SEV2, v1::SEVERITY_SEV3}) {
      v1::SeverityTotals* t = resp->add_by_severity();
      t->set_severity(s);
      if (s == v1::SEVERITY_SEV1) {
        t->set_incidents(1);
        t->set_first_communications(1);
        t->set_promises_kept(1);
        t->set_promises_missed(1);
      }
    }
    resp->set_overdue_now(1);
    resp->mutable_largest_overdue()->set_seconds(240);
    v1::IncidentCompliance* c = resp->add_incidents();
    c->set_incident_ref("INC-3");
    c->set_severity(v1::SEVERITY_SEV1);
    c->set_state(v1::INCIDENT_STATE_INVESTIGATING);
    c->mutable_first_communication_delay()->set_seconds(360);
    AddMissedPromise(c);
    return grpc::Status::OK;
  }
  // Scripted: the first stream sends reminders 4 and 5 and breaks, the
  // second (after 5) sends 6 and breaks, the third (after 6) sees Ctrl-C.
  // Unscripted: live and quiet until cancelled.
  grpc::Status WatchReminders(grpc::ServerContext* ctx, const v1::WatchRemindersRequest* req,
                              grpc::ServerWriter<v1::Reminder>* writer) override {
    int call;
    {
      absl::MutexLock lock(&mu);
      reminder_afters.push_back(req->after_id());
      call = static_cast<int>(reminder_afters.size());
    }
    if (!scripted) {
      while (!ctx->IsCancelled()) absl::SleepFor(absl::Milliseconds(10));
      return grpc::Status::CANCELLED;
    }
    if (call == 1) {
      writer->Write(MakeReminder(4, v1::Reminder::KIND_DUE_SOON,
                                 "INC-3 SEV-1: next update due by 14:30 UTC (in 5m)"));
      writer->Write(MakeReminder(5, v1::Reminder::KIND_MISSED,
                                 "INC-3 SEV-1: the promised update of 14:30 UTC was MISSED (1m "
                                 "ago); post now, even with no progress"));
      return grpc::Status(grpc::StatusCode::UNAVAILABLE, "replica going away");
    }
    if (call == 2) {
      writer->Write(MakeReminder(6, v1::Reminder::KIND_DUE_SOON,
                                 "INC-4 SEV-2: next update due by 15:00 UTC (in 5m)"));
      return grpc::Status(grpc::StatusCode::UNAVAILABLE, "replica going away");
    }
    std::raise(SIGINT);  // the responder presses Ctrl-C
    return grpc::Status::OK;
  }

  absl::Mutex mu;
  bool scripted = false;
  v1::ComplianceReportRequest last_report;
  std::vector<int64_t> reminder_afters;
};

class FakeBannerAdmin final : public v1::BannerAdminService::Service {
 public:
  grpc::Status CreateBanner(grpc::ServerContext*, const v1::CreateBannerRequest* req,
                            v1::ManualBanner* resp) override {
    absl::MutexLock lock(&mu);
    last_create = *req;
    *resp = req->banner();
    resp->set_id(5);
    return grpc::Status::OK;
  }
  grpc::Status UpdateBanner(grpc::ServerContext*, const v1::UpdateBannerRequest* req,
                            v1::ManualBanner* resp) override {
    absl::MutexLock lock(&mu);
    last_update = *req;
    *resp = req->banner();
    return grpc::Status::OK;
  }
  grpc::Status ListBanners(grpc::ServerContext*, const v1::ListBannersRequest*,
                           v1::ListBannersResponse* resp) override {
    v1::ManualBanner* b = resp->add_banners();
    b->set_id(5);
    b->set_text("Old text");
    b->set_level(v1::BANNER_LEVEL_INFO);
    b->set_enabled(true);
    b->mutable_target()->add_apps("shop");
    return grpc::Status::OK;
  }
  grpc::Status SetKillSwitch(grpc::ServerContext*, const v1::SetKillSwitchRequest* req,
                             v1::KillSwitch* resp) override {
    absl::MutexLock lock(&mu);
    last_kill = *req;
    resp->set_scope(req->scope());
    resp->set_engaged(req->engaged());
    return grpc::Status::OK;
  }

  absl::Mutex mu;
  v1::CreateBannerRequest last_create;
  v1::UpdateBannerRequest last_update;
  v1::SetKillSwitchRequest last_kill;
};

class CommandsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    service_.incident.set_ref("INC-12");
    service_.incident.set_title("Card payments failing");
    service_.incident.set_severity(v1::SEVERITY_SEV1);
    service_.incident.set_state(v1::INCIDENT_STATE_IDENTIFIED);
    service_.incident.set_version(7);
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(&service_);
    builder.RegisterService(&banner_admin_);
    builder.RegisterService(&compliance_);
    server_ = builder.BuildAndStart();
    address_ = "127.0.0.1:" + std::to_string(port);
    channel_ = grpc::CreateChannel(address_, grpc::InsecureChannelCredentials());
    stub_ = v1::IncidentService::NewStub(channel_);
    banner_stub_ = v1::BannerAdminService::NewStub(channel_);
    compliance_stub_ = v1::ComplianceService::NewStub(channel_);
  }
  void TearDown() override { server_->Shutdown(); }

  int Run(std::vector<std::string> args, CtlOptions options = CtlOptions()) {
    options.server = address_;
    if (options.author.empty()) options.author = "alice";
    out_.str("");
    err_.str("");
    CommandRunner runner(options, stub_.get(), channel_.get(), &clock_, &out_, &err_);
    runner.set_banner_stub(banner_stub_.get());
    runner.set_compliance_stub(compliance_stub_.get());
    runner.set_input(&in_);
    return runner.Run(args);
  }

  FakeIncidentService service_;
  FakeBannerAdmin banner_admin_;
  FakeComplianceService compliance_;
  std::unique_ptr<v1::ComplianceService::Stub> compliance_stub_;
  std::unique_ptr<v1::BannerAdminService::Stub> banner_stub_;
  std::istringstream in_;
  std::unique_ptr<grpc::Server> server_;
  std::string address_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::IncidentService::Stub> stub_;
  FakeClock clock_{absl::Now()};
  std::ostringstream out_, err_;
};

}  // namespace ctl
}  // namespace statuscast

#endif  // STATUSCAST_TESTS_CTL_COMMANDS_FIXTURE_H_
