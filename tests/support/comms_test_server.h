// CommsTestServer: statuscast-comms in-process on 127.0.0.1:<free port>, over
// a real PostgreSQL database, with a clock the test controls.
#ifndef STATUSCAST_TESTS_SUPPORT_COMMS_TEST_SERVER_H_
#define STATUSCAST_TESTS_SUPPORT_COMMS_TEST_SERVER_H_

#include <grpcpp/grpcpp.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "libs/base/clock.h"
#include "statuscast/v1/compliance.grpc.pb.h"
#include "statuscast/v1/incident.grpc.pb.h"
#include "statuscast/v1/subscriber.grpc.pb.h"
#include "statuscast/v1/maintenance.grpc.pb.h"
#include "statuscast/v1/token.grpc.pb.h"

namespace statuscast {
class PgPool;
class PgIncidentStore;
class IncidentCommands;
class ChangeFeed;
class IncidentGrpcService;
class ComplianceGrpcService;
class PgReminderStore;
class PgTokenStore;
class TokenIssuer;
class TokenVerifier;
class TokenGrpcService;
class PgNotificationStore;
class SystemResolver;
class SubscriberDirectory;
class SubscriberGrpcService;
class PgMaintenanceStore;
class MaintenanceCommands;
class MaintenanceGrpcService;
namespace lint {
class Linter;
}  // namespace lint
}  // namespace statuscast

namespace statuscast::testing {

struct CommsTestOptions {
  // The server lints every update with the default rules. This is its
  // --lint_reject policy: empty warns only (findings are returned and
  // stored, nothing is refused), so tests about other behaviour need not
  // write perfect prose; a lint test opts in with e.g. "SEV-1,SEV-2".
  std::string lint_reject;
  // --auth=required: every call needs a token (make them with tokens()).
  // Off by default, as --auth=disabled, so suites about other behaviour need
  // none and their author fields count.
  bool require_tokens = false;
  // --watch_token_recheck_interval: how often a quiet watch re-checks its
  // token (it is also checked before every delivery).
  absl::Duration token_recheck_interval = absl::Milliseconds(300);
  // --comms_lead_reminder: off (zero) by default, so suites about other
  // reminders see only theirs.
  absl::Duration comms_lead_reminder = absl::ZeroDuration();
  // ReminderOptions' metric hooks (the server's counters in main.cc).
  std::function<void(const std::string& kind)> on_reminder_raised;
  std::function<void(int)> on_without_comms_lead;

  // The defaults, but lint errors refused at `severities` ("SEV-1,SEV-2").
  static CommsTestOptions RejectingLintAt(const std::string& severities);
  // The defaults, but every call needs a token.
  static CommsTestOptions WithTokens();
};

class CommsTestServer {
 public:
  CommsTestServer(const std::string& database_url, const Clock& clock,
                  CommsTestOptions options = CommsTestOptions());
  ~CommsTestServer();

  const std::string& address() const { return address_; }
  std::unique_ptr<v1::IncidentService::Stub> NewStub() const;
  std::unique_ptr<v1::ComplianceService::Stub> NewComplianceStub() const;
  std::unique_ptr<v1::TokenService::Stub> NewTokenStub() const;
  // SubscriberService, with the production destination policy (https only,
  // public addresses only).
  std::unique_ptr<v1::SubscriberService::Stub> NewSubscriberStub() const;
  std::unique_ptr<v1::MaintenanceService::Stub> NewMaintenanceStub() const;
  // The full names of the services this server registers (as main.cc does),
  // e.g. for a test that every method of every one is covered.
  const std::vector<std::string>& registered_services() const { return registered_services_; }
  // Creates tokens directly (with the test's clock), e.g. the first admin.
  TokenIssuer& tokens() { return *issuer_; }
  // The verifier the services use, also when require_tokens is off.
  TokenVerifier& verifier() { return *verifier_; }
  // The compliance service (its reminder raiser is not started: tests call
  // RaiseDueReminders at the times they choose).
  ComplianceGrpcService& compliance() { return *compliance_; }
  // Stops the gRPC server (ends watch streams).
  void Shutdown();

 private:
  std::unique_ptr<PgPool> pool_;
  std::unique_ptr<PgIncidentStore> store_;
  std::unique_ptr<lint::Linter> linter_;
  std::unique_ptr<IncidentCommands> commands_;
  std::unique_ptr<ChangeFeed> feed_;
  std::unique_ptr<IncidentGrpcService> service_;
  std::unique_ptr<PgReminderStore> reminders_;
  std::unique_ptr<ComplianceGrpcService> compliance_;
  std::unique_ptr<PgTokenStore> token_store_;
  std::unique_ptr<TokenIssuer> issuer_;
  std::unique_ptr<TokenVerifier> verifier_;
  std::unique_ptr<TokenGrpcService> token_service_;
  std::unique_ptr<PgNotificationStore> notification_store_;
  std::unique_ptr<SystemResolver> resolver_;
  std::unique_ptr<SubscriberDirectory> directory_;
  std::unique_ptr<SubscriberGrpcService> subscriber_service_;
  std::unique_ptr<PgMaintenanceStore> maintenance_store_;
  std::unique_ptr<MaintenanceCommands> maintenance_;
  std::unique_ptr<MaintenanceGrpcService> maintenance_service_;
  std::vector<std::string> registered_services_;
  std::unique_ptr<grpc::Server> server_;
  std::string address_;
};

// The civil time 2026-11-27 hh:mm:ss UTC.
absl::Time At(int hour, int minute, int second = 0);

// Parts of a failed call, for assertions.
struct CallError {
  grpc::StatusCode code;
  std::string message;
  std::vector<std::pair<std::string, std::string>> field_violations;
};
CallError Describe(const grpc::Status& status);
// True when `e` has a violation on `field` whose description contains `text`.
bool HasViolation(const CallError& e, const std::string& field, const std::string& text = "");

// Sends `secret` as "authorization: Bearer <secret>" on the call.
void SetToken(grpc::ClientContext& ctx, const std::string& secret);

}  // namespace statuscast::testing

#endif  // STATUSCAST_TESTS_SUPPORT_COMMS_TEST_SERVER_H_
