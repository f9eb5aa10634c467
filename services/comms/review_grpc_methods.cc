// IncidentGrpcService: roles, drafts and the audit log, over IncidentCommands
// (libs/incident/review_commands.cc, incident_reads.cc).
#include "libs/base/status_macros.h"
#include "libs/proto_convert/incident_proto.h"
#include "services/comms/grpc_call.h"
#include "services/comms/incident_grpc_service.h"

namespace statuscast {
namespace {

void FillDraft(const DraftResult& r, v1::DraftResponse* resp) {
  ToProto(r.draft, resp->mutable_draft());
  resp->set_replayed(r.replayed);
  resp->set_sequence(r.sequence);
}

}  // namespace

grpc::Status IncidentGrpcService::SetIncidentRoles(grpc::ServerContext* ctx,
                                                   const v1::SetIncidentRolesRequest* req,
                                                   v1::WriteIncidentResponse* resp) {
  return Handle(
      verifier_, ctx, "SetIncidentRoles", Scope::kWrite, req->incident_ref(),
      [&](CallContext& call) -> absl::Status {
        KeepTokenActorOr(call, req->author());
        WriteGuard guard{req->incident_ref(), req->expected_version(), req->idempotency_key(), ""};
        ASSIGN_OR_RETURN(WriteResult r,
                         commands_.SetRoles(call, guard, req->commander(), req->comms_lead()));
        FillWrite(commands_, r, resp);
        return absl::OkStatus();
      });
}

grpc::Status IncidentGrpcService::ProposeUpdate(grpc::ServerContext* ctx,
                                                const v1::ProposeUpdateRequest* req,
                                                v1::DraftResponse* resp) {
  return Handle(
      verifier_, ctx, "ProposeUpdate", Scope::kWrite, req->incident_ref(),
      [&](CallContext& call) -> absl::Status {
        KeepTokenActorOr(call, req->author());
        WriteGuard guard{req->incident_ref(), req->expected_version(), req->idempotency_key(), ""};
        ASSIGN_OR_RETURN(DraftResult r,
                         commands_.ProposeUpdate(call, guard, FromProto(req->update())));
        FillDraft(r, resp);
        return absl::OkStatus();
      });
}

grpc::Status IncidentGrpcService::ListDrafts(grpc::ServerContext* ctx,
                                             const v1::ListDraftsRequest* req,
                                             v1::ListDraftsResponse* resp) {
  return Handle(verifier_, ctx, "ListDrafts", Scope::kRead, req->incident_ref(),
                [&](CallContext&) -> absl::Status {
                  ASSIGN_OR_RETURN(
                      std::vector<Draft> drafts,
                      commands_.ListDrafts(req->incident_ref(), req->include_decided()));
                  for (const Draft& d : drafts) ToProto(d, resp->add_drafts());
                  return absl::OkStatus();
                });
}

grpc::Status IncidentGrpcService::ApproveDraft(grpc::ServerContext* ctx,
                                               const v1::ApproveDraftRequest* req,
                                               v1::WriteIncidentResponse* resp) {
  return Handle(verifier_, ctx, "ApproveDraft", Scope::kWrite, req->incident_ref(),
                [&](CallContext& call) -> absl::Status {
                  KeepTokenActorOr(call, req->author());
                  WriteGuard guard{req->incident_ref(), req->expected_version(),
                                   req->idempotency_key(), req->lint_override_reason()};
                  DraftEdits edits;
                  edits.message = req->message();
                  edits.banner_text = req->banner_text();
                  edits.next_update_at =
                      TimeFromProto(req->next_update_at(), req->has_next_update_at());
                  ASSIGN_OR_RETURN(WriteResult r,
                                   commands_.ApproveDraft(call, guard, req->draft_id(), edits));
                  FillWrite(commands_, r, resp);
                  return absl::OkStatus();
                });
}

grpc::Status IncidentGrpcService::RejectDraft(grpc::ServerContext* ctx,
                                              const v1::RejectDraftRequest* req,
                                              v1::DraftResponse* resp) {
  return Handle(verifier_, ctx, "RejectDraft", Scope::kWrite, req->incident_ref(),
                [&](CallContext& call) -> absl::Status {
                  KeepTokenActorOr(call, req->author());
                  WriteGuard guard{req->incident_ref(), 0, req->idempotency_key(), ""};
                  ASSIGN_OR_RETURN(DraftResult r, commands_.RejectDraft(
                                                      call, guard, req->draft_id(), req->reason()));
                  FillDraft(r, resp);
                  return absl::OkStatus();
                });
}

grpc::Status IncidentGrpcService::ListAuditEvents(grpc::ServerContext* ctx,
                                                  const v1::ListAuditEventsRequest* req,
                                                  v1::ListAuditEventsResponse* resp) {
  return Handle(verifier_, ctx, "ListAuditEvents", Scope::kRead, req->incident_ref(),
                [&](CallContext&) -> absl::Status {
                  AuditQuery q;
                  q.incident_ref = req->incident_ref();
                  q.actor = req->actor();
                  q.since = TimeFromProto(req->since(), req->has_since());
                  q.until = TimeFromProto(req->until(), req->has_until());
                  q.page_size = req->page_size();
                  std::string next;
                  ASSIGN_OR_RETURN(AuditPage page,
                                   commands_.ListAudit(q, req->page_token(), &next));
                  for (const AuditEvent& e : page.events) ToProto(e, resp->add_events());
                  resp->set_next_page_token(next);
                  return absl::OkStatus();
                });
}

}  // namespace statuscast
