// CommandRunner against an in-process fake IncidentService on 127.0.0.1:0.
#include "services/ctl/commands.h"

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

#include "absl/synchronization/mutex.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "libs/base/clock.h"
#include "libs/lint/linter.h"
#include "services/ctl/inputs.h"
#include "services/ctl/rpc_errors.h"

namespace statuscast {
namespace ctl {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

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
    resp->set_message("We're still investigating; no ETA yet; next update by 14:59 UTC.");
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

  absl::Mutex mu;
  v1::Incident incident;
  grpc::Status post_status;
  v1::PostUpdateRequest last_post;
  v1::DeclareIncidentRequest last_declare;
  v1::LintUpdateRequest last_lint;
  v1::FillTemplateRequest last_fill;
  v1::CreateComponentRequest last_component;
  std::vector<v1::ListIncidentsRequest> list_requests;
  std::vector<int64_t> watch_afters;
  bool wait_after_first_watch = false;
};

v1::Reminder MakeReminder(int64_t id, v1::Reminder::Kind kind, const std::string& text) {
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
    v1::PromiseEntry* p = c->add_ledger();
    p->mutable_made_at()->set_seconds(1795874520);
    p->mutable_due()->set_seconds(1795876200);
    p->set_status(v1::PROMISE_STATUS_MISSED);
    p->set_description("promised 14:30 UTC OVERDUE by 4m");
    c->set_overdue(true);
    c->mutable_overdue_by()->set_seconds(240);
    c->set_overdue_what("next update");
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

TEST_F(CommandsTest, UpdateSendsTheVersionItReadAndAsksTheServerForTheDefaultPromise) {
  CtlOptions o;
  o.message = "Rolling out the fix.";
  o.given = {"message"};
  ASSERT_EQ(Run({"update", "inc-12"}, o), kExitOk) << err_.str();
  absl::MutexLock lock(&service_.mu);
  const v1::PostUpdateRequest& req = service_.last_post;
  EXPECT_EQ(req.incident_ref(), "INC-12");
  EXPECT_EQ(req.expected_version(), 7);
  EXPECT_EQ(req.author(), "alice");
  EXPECT_EQ(req.idempotency_key().size(), 32u);
  EXPECT_EQ(req.update().state(), v1::INCIDENT_STATE_IDENTIFIED);
  EXPECT_EQ(req.update().channels_size(), 2);
  // The server knows its cadence: the CLI sends no guess of its own.
  EXPECT_FALSE(req.update().has_next_update_at());
  EXPECT_TRUE(req.update().use_default_next_update());
  EXPECT_EQ(req.update().message(), "Rolling out the fix.");
  EXPECT_THAT(out_.str(), HasSubstr("INC-12 updated: SEV-1, identified"));
}

TEST_F(CommandsTest, UpdateStatesThePromisedTimeInTheTextWhenTheMessageDoesNot) {
  CtlOptions o;
  o.message = "Rolling out the fix";
  o.next = "30m";
  o.given = {"message", "next"};
  ASSERT_EQ(Run({"update", "inc-12"}, o), kExitOk) << err_.str();
  absl::MutexLock lock(&service_.mu);
  const v1::PostUpdateRequest& req = service_.last_post;
  const absl::Time promise = absl::FromUnixSeconds(req.update().next_update_at().seconds());
  EXPECT_EQ(req.update().message(),
            "Rolling out the fix. Next update by " + lint::FormatUtcClock(promise) + ".");
}

TEST_F(CommandsTest, UpdateLeavesATextThatStatesThePromisedTimeAlone) {
  CtlOptions o;
  o.next = "30m";
  o.given = {"message", "next"};
  const absl::Time promise = *ParseNextInput("30m", clock_.Now());
  o.message = "Rolling out the fix; next update by " + lint::FormatUtcClock(promise) + ".";
  ASSERT_EQ(Run({"update", "inc-12"}, o), kExitOk) << err_.str();
  absl::MutexLock lock(&service_.mu);
  EXPECT_EQ(service_.last_post.update().message(), o.message);
  EXPECT_FALSE(service_.last_post.update().use_default_next_update());
}

TEST_F(CommandsTest, ABannerOnlyUpdateIsNotGivenAPromiseText) {
  CtlOptions o;
  o.message = "Checkout is slow";
  o.channels = "in_app_banner";
  o.next = "30m";
  o.given = {"message", "channels", "next"};
  ASSERT_EQ(Run({"update", "inc-12"}, o), kExitOk) << err_.str();
  absl::MutexLock lock(&service_.mu);
  EXPECT_EQ(service_.last_post.update().message(), "Checkout is slow");
}

TEST_F(CommandsTest, UpdateRejectedAsStaleSaysToRerun) {
  service_.post_status = grpc::Status(grpc::StatusCode::ABORTED, "version 7 is stale");
  CtlOptions o;
  o.message = "x";
  EXPECT_EQ(Run({"update", "INC-12"}, o), kExitFailed);
  EXPECT_THAT(err_.str(), HasSubstr("statuscastctl: someone else changed INC-12 meanwhile; "
                                    "nothing was written."));
}

TEST_F(CommandsTest, UnknownIncidentIsReportedWithTheServersMessage) {
  CtlOptions o;
  o.message = "x";
  EXPECT_EQ(Run({"update", "INC-99"}, o), kExitFailed);
  EXPECT_EQ(err_.str(), "statuscastctl: cannot read INC-99: no incident INC-99\n");
}

TEST_F(CommandsTest, DeclareShowsEachFieldViolation) {
  CtlOptions o;
  o.title = "t";
  o.severity = "sev2";
  o.components = "checkout:major";
  o.message = "We're investigating.";
  o.idempotency_key = "retry-key";
  EXPECT_EQ(Run({"declare"}, o), kExitFailed);
  EXPECT_EQ(err_.str(),
            "statuscastctl: cannot declare the incident: the incident is not valid\n"
            "statuscastctl:   title (--title): is 300 bytes; the limit is 200\n");
  absl::MutexLock lock(&service_.mu);
  EXPECT_EQ(service_.last_declare.idempotency_key(), "retry-key");
  EXPECT_EQ(service_.last_declare.severity(), v1::SEVERITY_SEV2);
  EXPECT_FALSE(service_.last_declare.first_update().has_next_update_at());
  EXPECT_TRUE(service_.last_declare.first_update().use_default_next_update());
}

TEST_F(CommandsTest, ListFollowsPagesUpToTheLimit) {
  CtlOptions o;
  o.limit = 300;
  o.json = true;
  ASSERT_EQ(Run({"list"}, o), kExitOk) << err_.str();
  absl::MutexLock lock(&service_.mu);
  ASSERT_EQ(service_.list_requests.size(), 2u);
  EXPECT_EQ(service_.list_requests[0].page_size(), 200);
  EXPECT_EQ(service_.list_requests[1].page_size(), 100);
  EXPECT_EQ(service_.list_requests[1].page_token(), "200");
  v1::ListIncidentsResponse parsed;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(out_.str(), &parsed).ok());
  EXPECT_EQ(parsed.incidents_size(), 300);
}

TEST_F(CommandsTest, UsageErrorsExitTwoAndSendNothing) {
  EXPECT_EQ(Run({"frobnicate"}), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("unknown command \"frobnicate\""));
  CtlOptions o;
  o.title = "x";
  o.given = {"title"};
  EXPECT_EQ(Run({"update", "INC-12"}, o), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("--title does not apply to update"));
  EXPECT_EQ(Run({"severity", "INC-12", "SEV-4"}), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("unknown severity \"SEV-4\""));
  absl::MutexLock lock(&service_.mu);
  EXPECT_FALSE(service_.last_post.has_update());
}

TEST_F(CommandsTest, WatchResumesAfterTheLastSequenceItPrintedAndStopsOnCtrlC) {
  EXPECT_EQ(Run({"watch"}), kExitOk);
  absl::MutexLock lock(&service_.mu);
  ASSERT_EQ(service_.watch_afters.size(), 2u);
  EXPECT_EQ(service_.watch_afters[0], 0);
  EXPECT_EQ(service_.watch_afters[1], 8);
  EXPECT_THAT(out_.str(), HasSubstr("#8"));
  EXPECT_THAT(err_.str(), HasSubstr("watch disconnected (replica going away); reconnecting in 1s, "
                                    "then resuming after sequence 8"));
  EXPECT_THAT(err_.str(), HasSubstr("reconnected to " + address_ + "; resuming after sequence 8"));
}

TEST_F(CommandsTest, WatchRemindersOnlyResumesAfterTheLastReminderIdAndStopsOnCtrlC) {
  compliance_.scripted = true;
  CtlOptions o;
  o.reminders_only = true;
  o.given = {"reminders_only"};
  EXPECT_EQ(Run({"watch"}, o), kExitOk) << err_.str();
  {
    absl::MutexLock lock(&compliance_.mu);
    EXPECT_THAT(compliance_.reminder_afters, ::testing::ElementsAre(0, 5, 6));
  }
  {
    absl::MutexLock lock(&service_.mu);
    EXPECT_TRUE(service_.watch_afters.empty());
  }
  EXPECT_EQ(out_.str(),
            "2026-11-28 14:25 UTC  REMINDER  INC-3 SEV-1: next update due by 14:30 UTC (in 5m)\n"
            "2026-11-28 14:25 UTC  REMINDER  INC-3 SEV-1: the promised update of 14:30 UTC was "
            "MISSED (1m ago); post now, even with no progress\n"
            "                                suggested: We're still investigating the issue; no "
            "ETA yet; next update by 14:59 UTC.\n"
            "                                post it:   statuscastctl template INC-3 --tone "
            "no_progress --post\n"
            "2026-11-28 14:25 UTC  REMINDER  INC-4 SEV-2: next update due by 15:00 UTC (in 5m)\n");
  EXPECT_THAT(err_.str(), HasSubstr("reminders disconnected (replica going away); reconnecting "
                                    "in 1s, then resuming reminders after reminder 5\n"));
  EXPECT_THAT(err_.str(),
              HasSubstr("reconnected to " + address_ + "; resuming reminders after reminder 6\n"));
}

TEST_F(CommandsTest, WatchFollowsIncidentsAndRemindersOnTheSameConnection) {
  compliance_.scripted = true;
  service_.wait_after_first_watch = true;
  EXPECT_EQ(Run({"watch"}), kExitOk) << err_.str();
  {
    absl::MutexLock lock(&compliance_.mu);
    EXPECT_THAT(compliance_.reminder_afters, ::testing::ElementsAre(0, 5, 6));
  }
  {
    absl::MutexLock lock(&service_.mu);
    EXPECT_THAT(service_.watch_afters, ::testing::ElementsAre(0, 8));
  }
  EXPECT_THAT(out_.str(), HasSubstr("#8"));
  EXPECT_THAT(out_.str(), HasSubstr("REMINDER  INC-4 SEV-2: next update due by 15:00 UTC"));
  EXPECT_THAT(out_.str(), HasSubstr("post it:   statuscastctl template INC-3 --tone no_progress "
                                    "--post\n"));
  EXPECT_THAT(err_.str(), HasSubstr("watch disconnected (replica going away); reconnecting in 1s, "
                                    "then resuming after sequence 8"));
  EXPECT_THAT(err_.str(), HasSubstr("resuming reminders after reminder 6"));
}

TEST_F(CommandsTest, ShowPrintsThePromisesAndTheServersOverdueVerdict) {
  {
    absl::MutexLock lock(&service_.mu);
    service_.incident.mutable_next_update_at()->set_seconds(1795876200);
    service_.incident.mutable_first_communication_at()->set_seconds(1795874520);
    v1::IncidentCompliance* c = service_.incident.mutable_compliance();
    c->set_incident_ref("INC-12");
    c->set_state(v1::INCIDENT_STATE_IDENTIFIED);
    v1::PromiseEntry* p = c->add_ledger();
    p->mutable_made_at()->set_seconds(1795874520);
    p->mutable_due()->set_seconds(1795876200);
    p->set_status(v1::PROMISE_STATUS_MISSED);
    p->set_description("promised 14:30 UTC OVERDUE by 4m");
    c->set_overdue(true);
    c->mutable_overdue_by()->set_seconds(240);
    c->set_overdue_what("next update");
  }
  clock_.Set(absl::FromUnixSeconds(1795876200 + 240));
  ASSERT_EQ(Run({"show", "INC-12"}), kExitOk) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("\nPromises: 1 missed\n"));
  EXPECT_THAT(out_.str(), HasSubstr("  14:02 UTC  promised 14:30 UTC OVERDUE by 4m  [MISSED]\n"));
  EXPECT_THAT(out_.str(), HasSubstr("  !! OVERDUE by 4m: next update (promised 14:30 UTC)\n"));
  EXPECT_THAT(out_.str(), ::testing::EndsWith("\nOVERDUE by 4m (promised 14:30 UTC)\n"));
}

TEST_F(CommandsTest, ReportSendsTheRangeAndPrintsTotalsAndLedgers) {
  CtlOptions o;
  o.since = "7d";
  o.given = {"since"};
  ASSERT_EQ(Run({"report"}, o), kExitOk) << err_.str();
  {
    absl::MutexLock lock(&compliance_.mu);
    EXPECT_EQ(compliance_.last_report.started_after().seconds(),
              absl::ToUnixSeconds(clock_.Now() - absl::Hours(24 * 7)));
    EXPECT_FALSE(compliance_.last_report.has_started_before());
  }
  EXPECT_THAT(out_.str(), HasSubstr("SEV-1     1          0 of 1       1         1       0"));
  EXPECT_THAT(out_.str(), HasSubstr("!! OVERDUE NOW: 1 incident, the largest by 4m\n"));
  EXPECT_THAT(out_.str(), HasSubstr("\nINC-3  SEV-1  investigating  promises: 1 missed\n"));
  EXPECT_THAT(out_.str(), HasSubstr("  promised 14:30 UTC OVERDUE by 4m  [MISSED]\n"));

  o.json = true;
  ASSERT_EQ(Run({"report"}, o), kExitOk) << err_.str();
  v1::ComplianceReport parsed;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(out_.str(), &parsed).ok());
  EXPECT_EQ(parsed.incidents(0).ledger(0).description(), "promised 14:30 UTC OVERDUE by 4m");

  o = CtlOptions();
  o.since = "1h";
  o.until = "2h";
  o.given = {"since", "until"};
  EXPECT_EQ(Run({"report"}, o), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("must be before --until"));
  o = CtlOptions();
  o.after = 3;
  o.given = {"after"};
  EXPECT_EQ(Run({"report"}, o), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("--after does not apply to report"));
}

constexpr char kIssueExample[] =
    "We sincerely apologize for any inconvenience. AWS is having issues; should be fixed in 30 "
    "minutes.\n";

TEST_F(CommandsTest, LintSendsTheDraftAndContextAndExitsOneOnAnError) {
  in_.str("ETA soon.\n");
  CtlOptions o;
  o.severity = "SEV-1";
  o.phase = "update";
  o.incident = "12";
  EXPECT_EQ(Run({"lint"}, o), kExitFailed) << err_.str();
  EXPECT_THAT(out_.str(),
              HasSubstr("error [eta-clock] line 1, column 1\n    ETA soon.\n    ^^^\n"));
  absl::MutexLock lock(&service_.mu);
  EXPECT_EQ(service_.last_lint.message(), "ETA soon.");
  EXPECT_EQ(service_.last_lint.severity(), v1::SEVERITY_SEV1);
  EXPECT_EQ(service_.last_lint.phase(), v1::LINT_PHASE_UPDATE);
  EXPECT_EQ(service_.last_lint.incident_ref(), "INC-12");
}

TEST_F(CommandsTest, LintWithoutAServerNamesTheIssuesThreeProblemsWithTheBuiltInRules) {
  in_.str(kIssueExample);
  CtlOptions o;
  o.local = true;
  EXPECT_EQ(Run({"lint"}, o), kExitFailed) << err_.str();
  const std::string out = out_.str();
  for (const char* rule : {"[performative-apology]", "[third-party-blame]", "[eta-clock]"}) {
    EXPECT_THAT(out, HasSubstr(rule));
  }
  EXPECT_THAT(out, HasSubstr("3 problems: 2 errors, 1 warning"));
  EXPECT_THAT(out, HasSubstr("rewrite: "));
  EXPECT_THAT(out, HasSubstr("^^^^"));
}

TEST_F(CommandsTest, LintFallsBackToTheBuiltInRulesWhenTheServerIsDown) {
  server_->Shutdown();
  in_.str("All good here.");
  CtlOptions o;
  o.json = true;
  EXPECT_EQ(Run({"lint"}, o), kExitOk) << err_.str();
  EXPECT_THAT(err_.str(), HasSubstr("linted with the built-in rules only"));
  EXPECT_EQ(out_.str(), "{}\n");
}

TEST_F(CommandsTest, UpdatePrintsTheLintFindingsAndSendsTheOverride) {
  CtlOptions o;
  o.message = "Mistakes were made.";
  o.override_reason = "quoting the customer";
  o.given = {"message", "override"};
  ASSERT_EQ(Run({"update", "INC-12"}, o), kExitOk) << err_.str();
  EXPECT_THAT(out_.str(),
              HasSubstr("  lint:\n    warning [passive-voice] \"were made\" -> we made\n"));
  absl::MutexLock lock(&service_.mu);
  EXPECT_EQ(service_.last_post.lint_override_reason(), "quoting the customer");
}

TEST_F(CommandsTest, ThirdPartyConfirmedIsSentWithUpdateAndDeclare) {
  CtlOptions o;
  o.message = "Our card processor confirmed an outage on their side.";
  o.third_party_confirmed = true;
  o.given = {"message", "third_party_confirmed"};
  ASSERT_EQ(Run({"update", "INC-12"}, o), kExitOk) << err_.str();
  {
    absl::MutexLock lock(&service_.mu);
    EXPECT_TRUE(service_.last_post.update().third_party_confirmed());
  }
  o.title = "t";
  o.severity = "sev2";
  o.components = "checkout:major";
  o.given = {"message", "third_party_confirmed", "title", "severity", "components"};
  EXPECT_EQ(Run({"declare"}, o), kExitFailed);  // the fake refuses every declaration
  absl::MutexLock lock(&service_.mu);
  EXPECT_TRUE(service_.last_declare.first_update().third_party_confirmed());
}

TEST_F(CommandsTest, ThirdPartyConfirmedOnDeclareNeedsAMessage) {
  CtlOptions o;
  o.title = "t";
  o.severity = "sev2";
  o.components = "checkout:major";
  o.third_party_confirmed = true;
  o.given = {"title", "severity", "components", "third_party_confirmed"};
  EXPECT_EQ(Run({"declare"}, o), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("--third_party_confirmed needs --message"));
}

TEST_F(CommandsTest, ResolvingTemplateRefusesToPostWithPlaceholdersLeftAndNamesTheFlags) {
  CtlOptions o;
  o.tone = "resolving";
  o.post = true;
  o.impact = "checking out";
  o.given = {"tone", "post", "impact"};
  EXPECT_EQ(Run({"template", "INC-12"}, o), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("the template has placeholders left; give --what-happened, "
                                    "--prevention to fill them before --post"));
  absl::MutexLock lock(&service_.mu);
  EXPECT_FALSE(service_.last_fill.has_next_update_at());
  EXPECT_TRUE(service_.last_fill.incident_ref().empty()) << "nothing was sent";
}

TEST_F(CommandsTest, ResolvingTemplateSendsEveryPlaceholderFlagAndListsTheMissingOnes) {
  CtlOptions o;
  o.tone = "resolving";
  o.given = {"tone"};
  ASSERT_EQ(Run({"template", "INC-12"}, o), kExitOk) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("fill in the <...> placeholders with --what-happened, "
                                    "--impact, --prevention\n"));
  o.what_happened = "A settings change stopped card payments";
  o.impact = "paying by card";
  o.prevention = "We now check such changes automatically";
  o.learned = "unused by resolving";
  o.given = {"tone", "what_happened", "impact", "prevention", "learned"};
  ASSERT_EQ(Run({"template", "INC-12"}, o), kExitOk) << err_.str();
  EXPECT_THAT(out_.str(), Not(HasSubstr("fill in")));
  absl::MutexLock lock(&service_.mu);
  EXPECT_EQ(service_.last_fill.what_happened(), "A settings change stopped card payments");
  EXPECT_EQ(service_.last_fill.impact(), "paying by card");
  EXPECT_EQ(service_.last_fill.prevention(), "We now check such changes automatically");
  EXPECT_EQ(service_.last_fill.learned(), "unused by resolving");
}

TEST_F(CommandsTest, TemplatePrintsTheMessageAndPostsItAsANoProgressUpdate) {
  CtlOptions o;
  o.tone = "no-progress";
  o.given = {"tone"};
  ASSERT_EQ(Run({"template", "INC-12"}, o), kExitOk) << err_.str();
  EXPECT_THAT(out_.str(),
              HasSubstr("We're still investigating; no ETA yet; next update by 14:59 UTC.\n"));
  o.post = true;
  o.given.insert("post");
  ASSERT_EQ(Run({"template", "INC-12"}, o), kExitOk) << err_.str();
  absl::MutexLock lock(&service_.mu);
  EXPECT_EQ(service_.last_fill.tone(), v1::TEMPLATE_TONE_NO_PROGRESS);
  EXPECT_TRUE(service_.last_post.update().no_progress());
  EXPECT_EQ(service_.last_post.update().message(),
            "We're still investigating; no ETA yet; next update by 14:59 UTC.");
  EXPECT_EQ(service_.last_post.update().next_update_at().seconds(), 1234567);
  EXPECT_EQ(service_.last_post.update().state(), v1::INCIDENT_STATE_IDENTIFIED);
}

TEST_F(CommandsTest, BannerCreateEditAndKillSwitchSendWhatTheFlagsSay) {
  CtlOptions o;
  o.text = "Maintenance tonight";
  o.level = "maintenance";
  o.apps = "shop, admin";
  o.paths = "/checkout*";
  o.ends = "2h";
  o.given = {"text", "level", "apps", "paths", "ends"};
  ASSERT_EQ(Run({"banner", "create"}, o), kExitOk) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("banner 5 (maintenance, enabled"));
  {
    absl::MutexLock lock(&banner_admin_.mu);
    const v1::ManualBanner& b = banner_admin_.last_create.banner();
    EXPECT_EQ(b.text(), "Maintenance tonight");
    EXPECT_EQ(b.level(), v1::BANNER_LEVEL_MAINTENANCE);
    EXPECT_EQ(b.target().apps_size(), 2);
    EXPECT_EQ(b.target().path_patterns(0), "/checkout*");
    EXPECT_FALSE(b.has_starts_at());
    EXPECT_EQ(b.ends_at().seconds(), absl::ToUnixSeconds(clock_.Now() + absl::Hours(2)));
    EXPECT_EQ(banner_admin_.last_create.author(), "alice");
  }
  CtlOptions edit;
  edit.text = "New text";
  edit.given = {"text"};
  ASSERT_EQ(Run({"banner", "edit", "5"}, edit), kExitOk) << err_.str();
  {
    absl::MutexLock lock(&banner_admin_.mu);
    EXPECT_EQ(banner_admin_.last_update.banner().text(), "New text");
    EXPECT_EQ(banner_admin_.last_update.banner().target().apps(0), "shop");  // kept
  }
  CtlOptions kill;
  kill.app = "shop";
  kill.reason = "banner loop";
  kill.given = {"app", "reason"};
  ASSERT_EQ(Run({"killswitch", "on"}, kill), kExitOk) << err_.str();
  EXPECT_EQ(out_.str(), "kill switch ON for shop: its banners are hidden now\n");
  absl::MutexLock lock(&banner_admin_.mu);
  EXPECT_EQ(banner_admin_.last_kill.scope(), "shop");
  EXPECT_TRUE(banner_admin_.last_kill.engaged());
  EXPECT_EQ(Run({"killswitch", "maybe"}, kill), kExitUsage);
}

TEST_F(CommandsTest, ComponentsCreateSendsWhereItsBannerShows) {
  CtlOptions o;
  o.banner_apps = "shop";
  o.banner_paths = "/checkout*,/cart";
  o.given = {"banner_apps", "banner_paths"};
  ASSERT_EQ(Run({"components", "create", "checkout"}, o), kExitOk) << err_.str();
  EXPECT_THAT(out_.str(),
              HasSubstr("its incident banner shows in apps shop on pages /checkout*,/cart"));
  absl::MutexLock lock(&service_.mu);
  ASSERT_EQ(service_.last_component.banner_paths_size(), 2);
  EXPECT_EQ(service_.last_component.banner_paths(1), "/cart");
}

}  // namespace
}  // namespace ctl
}  // namespace statuscast
