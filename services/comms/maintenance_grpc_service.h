// MaintenanceGrpcService: statuscast.v1.MaintenanceService over
// MaintenanceCommands (libs/incident/maintenance.h). Reads need scope read,
// writes scope write; the token's name is the audit actor.
// Thread safety: stateless; safe from any gRPC thread.
#ifndef STATUSCAST_SERVICES_COMMS_MAINTENANCE_GRPC_SERVICE_H_
#define STATUSCAST_SERVICES_COMMS_MAINTENANCE_GRPC_SERVICE_H_

#include "libs/auth/token_verifier.h"
#include "libs/incident/maintenance.h"
#include "statuscast/v1/maintenance.grpc.pb.h"

namespace statuscast {

// `w` as clients read it, its state as customers see it at `now` (PhaseAt).
void ToProto(const MaintenanceWindow& w, absl::Time now, v1::Maintenance* out);

class MaintenanceGrpcService final : public v1::MaintenanceService::Service {
 public:
  // REQUIRES: commands, clock and verifier (may be null: access control off)
  // outlive this service.
  MaintenanceGrpcService(MaintenanceCommands& commands, const Clock& clock, TokenVerifier* verifier)
      : commands_(commands), clock_(clock), verifier_(verifier) {}

  grpc::Status ScheduleMaintenance(grpc::ServerContext* ctx,
                                   const v1::ScheduleMaintenanceRequest* req,
                                   v1::Maintenance* resp) override;
  grpc::Status ListMaintenances(grpc::ServerContext* ctx, const v1::ListMaintenancesRequest* req,
                                v1::ListMaintenancesResponse* resp) override;
  grpc::Status GetMaintenance(grpc::ServerContext* ctx, const v1::GetMaintenanceRequest* req,
                              v1::Maintenance* resp) override;
  grpc::Status StartMaintenance(grpc::ServerContext* ctx, const v1::StartMaintenanceRequest* req,
                                v1::Maintenance* resp) override;
  grpc::Status CompleteMaintenance(grpc::ServerContext* ctx,
                                   const v1::CompleteMaintenanceRequest* req,
                                   v1::Maintenance* resp) override;
  grpc::Status CancelMaintenance(grpc::ServerContext* ctx, const v1::CancelMaintenanceRequest* req,
                                 v1::Maintenance* resp) override;

 private:
  using TransitionFn = absl::StatusOr<MaintenanceWindow> (MaintenanceCommands::*)(
      const std::string&, int64_t, const MaintenanceCall&);
  // Start, Complete or Cancel: write scope, then `fn` on the request's ref
  // and expected_version.
  template <typename Req>
  grpc::Status Transition(grpc::ServerContext* ctx, const char* method, const Req& req,
                          TransitionFn fn, v1::Maintenance* resp);

  MaintenanceCommands& commands_;
  const Clock& clock_;
  TokenVerifier* const verifier_;
};

}  // namespace statuscast

#endif  // STATUSCAST_SERVICES_COMMS_MAINTENANCE_GRPC_SERVICE_H_
