// IncidentGrpcService: statuscast.v1.IncidentService over IncidentCommands.
//
// A thin adapter: proto in, domain call, absl::Status mapped by
// ToGrpcStatus, one log line per call with its request id. WatchIncidents
// follows the change log (ChangeFeed wakes it; it reads by sequence), so a
// missed NOTIFY or a reconnect loses nothing.
// Access control: every method first checks the caller's token for the scope
// it needs (see token.proto); with a token, the token's name is the actor and
// author, and request author fields are ignored. An admin token (or access
// control off) passes the post policy (libs/incident/post_policy.h).
// Thread safety: gRPC calls it from many threads; it holds no mutable state
// beyond the watcher count.
#ifndef STATUSCAST_SERVICES_COMMS_INCIDENT_GRPC_SERVICE_H_
#define STATUSCAST_SERVICES_COMMS_INCIDENT_GRPC_SERVICE_H_

#include <atomic>

#include "libs/auth/grpc_auth.h"
#include "libs/auth/token_verifier.h"
#include "libs/cadence/compliance.h"
#include "libs/incident/incident_commands.h"
#include "libs/pgstore/change_feed.h"
#include "statuscast/v1/incident.grpc.pb.h"

namespace statuscast {

struct WatchOptions {
  int max_watchers = 64;
  // How often a quiet watcher re-checks the log even without a hint.
  absl::Duration poll_interval = absl::Seconds(2);
  // A quiet watcher's token is re-checked this often (and before every
  // delivery); revoked or expired, the stream ends UNAUTHENTICATED.
  absl::Duration token_recheck_interval = absl::Seconds(10);
};

class IncidentGrpcService final : public v1::IncidentService::Service {
 public:
  // REQUIRES: commands, feed and verifier outlive this service. A null
  // verifier turns access control off (--auth=disabled).
  IncidentGrpcService(IncidentCommands& commands, ChangeFeed& feed, TokenVerifier* verifier,
                      WatchOptions watch, ComplianceOptions compliance = ComplianceOptions())
      : commands_(commands),
        feed_(feed),
        verifier_(verifier),
        watch_(watch),
        compliance_(compliance) {}

  grpc::Status CreateComponent(grpc::ServerContext* ctx, const v1::CreateComponentRequest* req,
                               v1::Component* resp) override;
  grpc::Status ListComponents(grpc::ServerContext* ctx, const v1::ListComponentsRequest* req,
                              v1::ListComponentsResponse* resp) override;
  grpc::Status DeclareIncident(grpc::ServerContext* ctx, const v1::DeclareIncidentRequest* req,
                               v1::WriteIncidentResponse* resp) override;
  grpc::Status PostUpdate(grpc::ServerContext* ctx, const v1::PostUpdateRequest* req,
                          v1::WriteIncidentResponse* resp) override;
  grpc::Status ChangeSeverity(grpc::ServerContext* ctx, const v1::ChangeSeverityRequest* req,
                              v1::WriteIncidentResponse* resp) override;
  grpc::Status ResolveIncident(grpc::ServerContext* ctx, const v1::ResolveIncidentRequest* req,
                               v1::WriteIncidentResponse* resp) override;
  grpc::Status ReopenIncident(grpc::ServerContext* ctx, const v1::ReopenIncidentRequest* req,
                              v1::WriteIncidentResponse* resp) override;
  grpc::Status PublishPostmortem(grpc::ServerContext* ctx,
                                 const v1::PublishPostmortemRequest* req,
                                 v1::WriteIncidentResponse* resp) override;
  grpc::Status GetIncident(grpc::ServerContext* ctx, const v1::GetIncidentRequest* req,
                           v1::Incident* resp) override;
  grpc::Status ListIncidents(grpc::ServerContext* ctx, const v1::ListIncidentsRequest* req,
                             v1::ListIncidentsResponse* resp) override;
  grpc::Status WatchIncidents(grpc::ServerContext* ctx, const v1::WatchIncidentsRequest* req,
                              grpc::ServerWriter<v1::IncidentEvent>* writer) override;
  grpc::Status LintUpdate(grpc::ServerContext* ctx, const v1::LintUpdateRequest* req,
                          v1::LintUpdateResponse* resp) override;
  grpc::Status FillTemplate(grpc::ServerContext* ctx, const v1::FillTemplateRequest* req,
                            v1::FillTemplateResponse* resp) override;
  // Roles, drafts and the audit log (review_grpc_methods.cc).
  grpc::Status SetIncidentRoles(grpc::ServerContext* ctx, const v1::SetIncidentRolesRequest* req,
                                v1::WriteIncidentResponse* resp) override;
  grpc::Status ProposeUpdate(grpc::ServerContext* ctx, const v1::ProposeUpdateRequest* req,
                             v1::DraftResponse* resp) override;
  grpc::Status ListDrafts(grpc::ServerContext* ctx, const v1::ListDraftsRequest* req,
                          v1::ListDraftsResponse* resp) override;
  grpc::Status ApproveDraft(grpc::ServerContext* ctx, const v1::ApproveDraftRequest* req,
                            v1::WriteIncidentResponse* resp) override;
  grpc::Status RejectDraft(grpc::ServerContext* ctx, const v1::RejectDraftRequest* req,
                           v1::DraftResponse* resp) override;
  grpc::Status ListAuditEvents(grpc::ServerContext* ctx, const v1::ListAuditEventsRequest* req,
                               v1::ListAuditEventsResponse* resp) override;
  grpc::Status ListPostmortemVersions(grpc::ServerContext* ctx,
                                      const v1::ListPostmortemVersionsRequest* req,
                                      v1::ListPostmortemVersionsResponse* resp) override;

  // Managed components (libs/incident/component_commands.cc).
  grpc::Status UpdateComponent(grpc::ServerContext* ctx, const v1::UpdateComponentRequest* req,
                               v1::Component* resp) override;
  grpc::Status RetireComponent(grpc::ServerContext* ctx, const v1::RetireComponentRequest* req,
                               v1::Component* resp) override;
  // Corrections (libs/incident/corrections.h).
  grpc::Status CorrectUpdate(grpc::ServerContext* ctx, const v1::CorrectUpdateRequest* req,
                             v1::WriteIncidentResponse* resp) override;

 private:
  absl::Status Watch(grpc::ServerContext* ctx, const v1::WatchIncidentsRequest& req,
                     grpc::ServerWriter<v1::IncidentEvent>* writer, StreamTokenCheck& token);

  IncidentCommands& commands_;
  ChangeFeed& feed_;
  TokenVerifier* const verifier_;
  const WatchOptions watch_;
  const ComplianceOptions compliance_;
  std::atomic<int> watchers_{0};
};

}  // namespace statuscast

#endif  // STATUSCAST_SERVICES_COMMS_INCIDENT_GRPC_SERVICE_H_
