// What the IncidentService methods share (internal to services/comms): the
// unary call wrapper and the conversions of a write's result. Included by
// the .cc files of IncidentGrpcService only.
#ifndef STATUSCAST_SERVICES_COMMS_GRPC_CALL_H_
#define STATUSCAST_SERVICES_COMMS_GRPC_CALL_H_

#include <grpcpp/grpcpp.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "libs/auth/grpc_auth.h"
#include "libs/base/log.h"
#include "libs/incident/incident_commands.h"
#include "libs/rpc/grpc_status.h"
#include "statuscast/v1/incident.pb.h"

namespace statuscast {

// Runs one unary call: request id, token check for `needed`, domain call,
// status mapping, log line. With a token, call.actor is the token's name
// when fn starts (see KeepTokenActorOr).
template <typename Fn>
grpc::Status Handle(TokenVerifier* verifier, grpc::ServerContext* ctx, const char* method,
                    Scope needed, const std::string& incident, Fn&& fn) {
  const absl::Time start = absl::Now();  // real time: how long the call took, for the log
  CallContext call;
  call.request_id = RequestIdFor(ctx);
  absl::StatusOr<Principal> who = AuthorizeCall(verifier, *ctx, needed, method);
  absl::Status status = who.status();
  if (who.ok()) {
    call.actor = ActorFor(*who, "");
    call.admin = who->scope == Scope::kAdmin;
    status = fn(call);
  }
  LogFields fields = {{"method", method},
                      {"request_id", call.request_id},
                      {"code", absl::StatusCodeToString(status.code())},
                      {"ms", absl::StrCat(absl::ToInt64Milliseconds(absl::Now() - start))}};
  if (!incident.empty()) fields.push_back({"incident", incident});
  if (!call.actor.empty()) fields.push_back({"actor", call.actor});
  if (!status.ok()) fields.push_back({"error", std::string(status.message())});
  LogEvent("rpc", fields);
  return ToGrpcStatus(status);
}

// The actor of a write: the token's name when the call came with one, else
// (access control off) the request's author field.
void KeepTokenActorOr(CallContext& call, const std::string& requested_author);

// The incident as the client reads it, with the server's verdict on its
// standing promise at the time of the answer (grace allowed).
void IncidentToProto(const IncidentCommands& commands, const Incident& in, bool with_timeline,
                     v1::Incident* out);

void FillWrite(const IncidentCommands& commands, const WriteResult& r,
               v1::WriteIncidentResponse* resp);

}  // namespace statuscast

#endif  // STATUSCAST_SERVICES_COMMS_GRPC_CALL_H_
