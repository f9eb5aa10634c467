// statuscast.v1.ComplianceService: the promise ledger, compliance reports and
// reminders, computed from the stored record with libs/cadence. Also the
// ReminderRaiser, the thread that raises reminders as promises approach, when
// a SEV-1/SEV-2 goes without a communications lead, and when a draft waits
// for review.
#ifndef STATUSCAST_SERVICES_COMMS_COMPLIANCE_GRPC_SERVICE_H_
#define STATUSCAST_SERVICES_COMMS_COMPLIANCE_GRPC_SERVICE_H_

#include <atomic>
#include <functional>
#include <string>
#include <thread>

#include "absl/synchronization/mutex.h"
#include "libs/auth/token_verifier.h"
#include "libs/base/clock.h"
#include "libs/cadence/compliance.h"
#include "libs/incident/incident_store.h"
#include "libs/pgstore/pg_reminder_store.h"
#include "statuscast/v1/compliance.grpc.pb.h"

namespace statuscast {

// Fills `out` from `c`, with the ledger's descriptions at `now`.
void ToProto(const IncidentCompliance& c, absl::Time now, v1::IncidentCompliance* out);

// Every open incident with its full timeline (pages through the store).
absl::StatusOr<std::vector<Incident>> LoadIncidentsWithTimeline(IncidentStore& store,
                                                                const IncidentQuery& query);

struct ReminderOptions {
  absl::Duration lead = absl::Minutes(5);
  absl::Duration check_interval = absl::Seconds(10);
  absl::Duration poll_interval = absl::Seconds(1);
  // A WatchReminders stream's token is re-checked this often (and before
  // every delivery); revoked or expired, the stream ends UNAUTHENTICATED.
  absl::Duration token_recheck_interval = absl::Seconds(10);
  // Remind when a SEV-1/SEV-2 has no communications lead this long after it
  // was declared; zero (the default here; the server's --comms_lead_reminder
  // is 10m): never.
  absl::Duration comms_lead_after = absl::ZeroDuration();
  // Told of every reminder raised (its kind, ReminderKindName), for metrics.
  std::function<void(const std::string& kind)> on_raised;
  // Told, after every check, how many open SEV-1/SEV-2 incidents lack a
  // communications lead past comms_lead_after, for metrics.
  std::function<void(int)> on_without_comms_lead;
};

// Every method needs a token with scope read; a null verifier turns access
// control off (--auth=disabled).
class ComplianceGrpcService final : public v1::ComplianceService::Service {
 public:
  ComplianceGrpcService(IncidentStore& store, PgReminderStore& reminders, const Clock& clock,
                        TokenVerifier* verifier, CadencePolicy policy, ComplianceOptions options,
                        ReminderOptions reminder);
  ~ComplianceGrpcService() override;

  grpc::Status GetIncidentCompliance(grpc::ServerContext* ctx,
                                     const v1::GetIncidentComplianceRequest* req,
                                     v1::IncidentCompliance* resp) override;
  grpc::Status GetComplianceReport(grpc::ServerContext* ctx,
                                   const v1::ComplianceReportRequest* req,
                                   v1::ComplianceReport* resp) override;
  grpc::Status WatchReminders(grpc::ServerContext* ctx, const v1::WatchRemindersRequest* req,
                              grpc::ServerWriter<v1::Reminder>* writer) override;

  // Raises due reminders once (tests call it directly; Start runs it on a
  // timer). Returns how many new reminders it raised.
  absl::StatusOr<int> RaiseDueReminders();
  void Start();
  // Stops the raiser and ends reminder streams.
  void Stop();

 private:
  IncidentStore& store_;
  PgReminderStore& reminders_;
  const Clock& clock_;
  TokenVerifier* const verifier_;
  const CadencePolicy policy_;
  const ComplianceOptions options_;
  const ReminderOptions reminder_;
  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread raiser_;
};

}  // namespace statuscast

#endif  // STATUSCAST_SERVICES_COMMS_COMPLIANCE_GRPC_SERVICE_H_
