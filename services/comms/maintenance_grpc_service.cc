#include "services/comms/maintenance_grpc_service.h"

#include "absl/strings/str_cat.h"
#include "libs/auth/unary_call.h"
#include "libs/base/proto_time.h"
#include "libs/base/status_macros.h"

namespace statuscast {
namespace {

MaintenanceCall CallOf(const UnaryCaller& caller) { return {caller.actor, caller.request_id}; }

// A timestamp the request must carry: the zero time when it does not, which
// MaintenanceCommands reports as required.
absl::Time Required(const google::protobuf::Timestamp& t, bool has) {
  return has ? TimeFromProto(t) : absl::Time();
}

}  // namespace

template <typename Req>
grpc::Status MaintenanceGrpcService::Transition(grpc::ServerContext* ctx, const char* method,
                                                const Req& req, TransitionFn fn,
                                                v1::Maintenance* resp) {
  return RunUnaryCall(
      verifier_, ctx, {method, Scope::kWrite, "maintenance", req.ref(), kUnauthenticatedActor},
      [&](UnaryCaller& caller) -> absl::Status {
        ASSIGN_OR_RETURN(MaintenanceWindow w,
                         (commands_.*fn)(req.ref(), req.expected_version(), CallOf(caller)));
        ToProto(w, clock_.Now(), resp);
        return absl::OkStatus();
      });
}

void ToProto(const MaintenanceWindow& w, absl::Time now, v1::Maintenance* out) {
  out->set_ref(w.ref);
  out->set_title(w.title);
  out->set_message(w.message);
  for (const std::string& c : w.components) out->add_components(c);
  out->set_state(static_cast<v1::MaintenanceState>(static_cast<int>(PhaseAt(w, now))));
  SetTime(w.scheduled_start, out->mutable_scheduled_start());
  SetTime(w.scheduled_end, out->mutable_scheduled_end());
  if (w.started_at) SetTime(*w.started_at, out->mutable_started_at());
  if (w.ended_at) SetTime(*w.ended_at, out->mutable_ended_at());
  SetTime(w.created_at, out->mutable_created_at());
  SetTime(w.updated_at, out->mutable_updated_at());
  out->set_version(w.version);
}

grpc::Status MaintenanceGrpcService::ScheduleMaintenance(grpc::ServerContext* ctx,
                                                         const v1::ScheduleMaintenanceRequest* req,
                                                         v1::Maintenance* resp) {
  return RunUnaryCall(
      verifier_, ctx,
      {"ScheduleMaintenance", Scope::kWrite, "maintenance", "", kUnauthenticatedActor},
      [&](UnaryCaller& caller) -> absl::Status {
        ScheduleMaintenanceInput in;
        in.title = req->title();
        in.message = req->message();
        in.components.assign(req->components().begin(), req->components().end());
        in.scheduled_start = Required(req->scheduled_start(), req->has_scheduled_start());
        in.scheduled_end = Required(req->scheduled_end(), req->has_scheduled_end());
        ASSIGN_OR_RETURN(MaintenanceWindow w, commands_.Schedule(in, CallOf(caller)));
        ToProto(w, clock_.Now(), resp);
        return absl::OkStatus();
      });
}

grpc::Status MaintenanceGrpcService::ListMaintenances(grpc::ServerContext* ctx,
                                                      const v1::ListMaintenancesRequest* req,
                                                      v1::ListMaintenancesResponse* resp) {
  return RunUnaryCall(verifier_, ctx,
                      {"ListMaintenances", Scope::kRead, "maintenance", "", kUnauthenticatedActor},
                      [&](UnaryCaller&) -> absl::Status {
                        MaintenanceQuery q;
                        q.include_finished = req->include_finished();
                        q.limit = req->page_size();
                        ASSIGN_OR_RETURN(std::vector<MaintenanceWindow> all, commands_.List(q));
                        const absl::Time now = clock_.Now();
                        for (const MaintenanceWindow& w : all)
                          ToProto(w, now, resp->add_maintenances());
                        return absl::OkStatus();
                      });
}

grpc::Status MaintenanceGrpcService::GetMaintenance(grpc::ServerContext* ctx,
                                                    const v1::GetMaintenanceRequest* req,
                                                    v1::Maintenance* resp) {
  return RunUnaryCall(
      verifier_, ctx,
      {"GetMaintenance", Scope::kRead, "maintenance", req->ref(), kUnauthenticatedActor},
      [&](UnaryCaller&) -> absl::Status {
        ASSIGN_OR_RETURN(MaintenanceWindow w, commands_.Get(req->ref()));
        ToProto(w, clock_.Now(), resp);
        return absl::OkStatus();
      });
}

grpc::Status MaintenanceGrpcService::StartMaintenance(grpc::ServerContext* ctx,
                                                      const v1::StartMaintenanceRequest* req,
                                                      v1::Maintenance* resp) {
  return Transition(ctx, "StartMaintenance", *req, &MaintenanceCommands::Start, resp);
}

grpc::Status MaintenanceGrpcService::CompleteMaintenance(grpc::ServerContext* ctx,
                                                         const v1::CompleteMaintenanceRequest* req,
                                                         v1::Maintenance* resp) {
  return Transition(ctx, "CompleteMaintenance", *req, &MaintenanceCommands::Complete, resp);
}

grpc::Status MaintenanceGrpcService::CancelMaintenance(grpc::ServerContext* ctx,
                                                       const v1::CancelMaintenanceRequest* req,
                                                       v1::Maintenance* resp) {
  return Transition(ctx, "CancelMaintenance", *req, &MaintenanceCommands::Cancel, resp);
}

}  // namespace statuscast
