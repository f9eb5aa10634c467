#include "tests/support/comms_test_server.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"
#include "libs/auth/pg_token_store.h"
#include "libs/auth/token_issuer.h"
#include "libs/auth/token_verifier.h"
#include "libs/incident/incident_commands.h"
#include "libs/lint/linter.h"
#include "libs/pgstore/change_feed.h"
#include "libs/incident/maintenance.h"
#include "libs/pgstore/pg_incident_store.h"
#include "libs/pgstore/pg_maintenance_store.h"
#include "libs/pgstore/pg_reminder_store.h"
#include "services/comms/compliance_grpc_service.h"
#include "services/comms/incident_grpc_service.h"
#include "services/comms/subscriber_grpc_service.h"
#include "services/comms/maintenance_grpc_service.h"
#include "services/comms/token_grpc_service.h"
#include "libs/pgstore/pg_notification_store.h"

namespace statuscast::testing {

CommsTestServer::CommsTestServer(const std::string& database_url, const Clock& clock,
                                 CommsTestOptions options) {
  pool_ = std::make_unique<PgPool>(database_url, 8);
  store_ = std::make_unique<PgIncidentStore>(*pool_);
  absl::StatusOr<std::unique_ptr<lint::Linter>> linter = lint::Linter::Default();
  EXPECT_TRUE(linter.ok()) << linter.status();
  if (linter.ok()) linter_ = std::move(*linter);
  absl::StatusOr<LintPolicy> policy = LintPolicy::Parse(options.lint_reject);
  EXPECT_TRUE(policy.ok()) << policy.status();
  commands_ = std::make_unique<IncidentCommands>(
      clock, *store_, IncidentRules(CadencePolicy(), InputLimits()), linter_.get(),
      policy.ok() ? *policy : LintPolicy());
  feed_ = std::make_unique<ChangeFeed>(database_url, absl::Milliseconds(500));
  feed_->Start();
  token_store_ = std::make_unique<PgTokenStore>(*pool_);
  issuer_ = std::make_unique<TokenIssuer>(*token_store_, clock);
  verifier_ = std::make_unique<TokenVerifier>(*token_store_, clock);
  TokenVerifier* verifier = options.require_tokens ? verifier_.get() : nullptr;
  token_service_ = std::make_unique<TokenGrpcService>(*issuer_, verifier);
  WatchOptions watch;
  watch.poll_interval = absl::Milliseconds(200);
  watch.token_recheck_interval = options.token_recheck_interval;
  service_ = std::make_unique<IncidentGrpcService>(*commands_, *feed_, verifier, watch);
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(service_.get());
  registered_services_.push_back(v1::IncidentService::service_full_name());
  reminders_ = std::make_unique<PgReminderStore>(*pool_);
  ReminderOptions reminder;
  reminder.poll_interval = absl::Milliseconds(100);
  reminder.token_recheck_interval = options.token_recheck_interval;
  reminder.comms_lead_after = options.comms_lead_reminder;
  reminder.on_raised = options.on_reminder_raised;
  reminder.on_without_comms_lead = options.on_without_comms_lead;
  compliance_ = std::make_unique<ComplianceGrpcService>(
      *store_, *reminders_, clock, verifier, CadencePolicy(), ComplianceOptions(), reminder);
  builder.RegisterService(compliance_.get());
  registered_services_.push_back(v1::ComplianceService::service_full_name());
  builder.RegisterService(token_service_.get());
  registered_services_.push_back(v1::TokenService::service_full_name());
  notification_store_ = std::make_unique<PgNotificationStore>(*pool_);
  resolver_ = std::make_unique<SystemResolver>();
  directory_ = std::make_unique<SubscriberDirectory>(notification_store_.get(), resolver_.get(),
                                                     &clock, DirectoryOptions());
  subscriber_service_ = std::make_unique<SubscriberGrpcService>(*directory_, verifier);
  builder.RegisterService(subscriber_service_.get());
  registered_services_.push_back(v1::SubscriberService::service_full_name());
  maintenance_store_ = std::make_unique<PgMaintenanceStore>(*pool_);
  maintenance_ = std::make_unique<MaintenanceCommands>(*maintenance_store_, clock);
  maintenance_service_ = std::make_unique<MaintenanceGrpcService>(*maintenance_, clock, verifier);
  builder.RegisterService(maintenance_service_.get());
  registered_services_.push_back(v1::MaintenanceService::service_full_name());
  server_ = builder.BuildAndStart();
  address_ = absl::StrCat("127.0.0.1:", port);
}

CommsTestServer::~CommsTestServer() { Shutdown(); }

void CommsTestServer::Shutdown() {
  if (!server_) return;
  feed_->Stop();
  compliance_->Stop();
  server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
  server_.reset();
}

std::unique_ptr<v1::IncidentService::Stub> CommsTestServer::NewStub() const {
  return v1::IncidentService::NewStub(
      grpc::CreateChannel(address_, grpc::InsecureChannelCredentials()));
}

std::unique_ptr<v1::SubscriberService::Stub> CommsTestServer::NewSubscriberStub() const {
  return v1::SubscriberService::NewStub(
      grpc::CreateChannel(address_, grpc::InsecureChannelCredentials()));
}

std::unique_ptr<v1::MaintenanceService::Stub> CommsTestServer::NewMaintenanceStub() const {
  return v1::MaintenanceService::NewStub(
      grpc::CreateChannel(address_, grpc::InsecureChannelCredentials()));
}

std::unique_ptr<v1::ComplianceService::Stub> CommsTestServer::NewComplianceStub() const {
  return v1::ComplianceService::NewStub(
      grpc::CreateChannel(address_, grpc::InsecureChannelCredentials()));
}

std::unique_ptr<v1::TokenService::Stub> CommsTestServer::NewTokenStub() const {
  return v1::TokenService::NewStub(
      grpc::CreateChannel(address_, grpc::InsecureChannelCredentials()));
}

void SetToken(grpc::ClientContext& ctx, const std::string& secret) {
  ctx.AddMetadata("authorization", "Bearer " + secret);
}

CommsTestOptions CommsTestOptions::RejectingLintAt(const std::string& severities) {
  CommsTestOptions o;
  o.lint_reject = severities;
  return o;
}

CommsTestOptions CommsTestOptions::WithTokens() {
  CommsTestOptions o;
  o.require_tokens = true;
  return o;
}

absl::Time At(int hour, int minute, int second) {
  return absl::FromCivil(absl::CivilSecond(2026, 11, 27, hour, minute, second),
                         absl::UTCTimeZone());
}

CallError Describe(const grpc::Status& status) {
  CallError e{status.error_code(), status.error_message(), {}};
  google::rpc::Status details;
  if (!status.error_details().empty() && details.ParseFromString(status.error_details())) {
    for (const auto& any : details.details()) {
      google::rpc::BadRequest br;
      if (any.UnpackTo(&br)) {
        for (const auto& v : br.field_violations()) {
          e.field_violations.push_back({v.field(), v.description()});
        }
      }
    }
  }
  return e;
}

bool HasViolation(const CallError& e, const std::string& field, const std::string& text) {
  for (const auto& [f, d] : e.field_violations) {
    if (f == field && absl::StrContains(d, text)) return true;
  }
  return false;
}

}  // namespace statuscast::testing
