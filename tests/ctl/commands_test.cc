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
#include "services/ctl/rpc_errors.h"

namespace statuscast {
namespace ctl {
namespace {

using ::testing::HasSubstr;

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
  grpc::Status WatchIncidents(grpc::ServerContext*, const v1::WatchIncidentsRequest* req,
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
    std::raise(SIGINT);  // the responder presses Ctrl-C
    return grpc::Status::OK;
  }

  absl::Mutex mu;
  v1::Incident incident;
  grpc::Status post_status;
  v1::PostUpdateRequest last_post;
  v1::DeclareIncidentRequest last_declare;
  std::vector<v1::ListIncidentsRequest> list_requests;
  std::vector<int64_t> watch_afters;
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
    server_ = builder.BuildAndStart();
    address_ = "127.0.0.1:" + std::to_string(port);
    channel_ = grpc::CreateChannel(address_, grpc::InsecureChannelCredentials());
    stub_ = v1::IncidentService::NewStub(channel_);
  }
  void TearDown() override { server_->Shutdown(); }

  int Run(std::vector<std::string> args, CtlOptions options = CtlOptions()) {
    options.server = address_;
    if (options.author.empty()) options.author = "alice";
    out_.str("");
    err_.str("");
    CommandRunner runner(options, stub_.get(), channel_.get(), &clock_, &out_, &err_);
    return runner.Run(args);
  }

  FakeIncidentService service_;
  std::unique_ptr<grpc::Server> server_;
  std::string address_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::IncidentService::Stub> stub_;
  FakeClock clock_{absl::Now()};
  std::ostringstream out_, err_;
};

TEST_F(CommandsTest, UpdateSendsTheVersionItReadAndTheSeveritysPromise) {
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
  EXPECT_EQ(req.update().next_update_at().seconds(),
            absl::ToUnixSeconds(clock_.Now() + absl::Minutes(29)));
  EXPECT_THAT(out_.str(), HasSubstr("INC-12 updated: SEV-1, identified"));
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
  EXPECT_EQ(service_.last_declare.first_update().next_update_at().seconds(),
            absl::ToUnixSeconds(clock_.Now() + absl::Minutes(59)));
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

}  // namespace
}  // namespace ctl
}  // namespace statuscast
