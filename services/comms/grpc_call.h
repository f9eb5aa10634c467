// What the IncidentService methods share (internal to services/comms): the
// unary call wrapper and the conversions of a write's result. Included by
// the .cc files of IncidentGrpcService only.
#ifndef STATUSCAST_SERVICES_COMMS_GRPC_CALL_H_
#define STATUSCAST_SERVICES_COMMS_GRPC_CALL_H_

#include <grpcpp/grpcpp.h>

#include <string>

#include "libs/auth/unary_call.h"
#include "libs/incident/incident_commands.h"
#include "statuscast/v1/incident.pb.h"

namespace statuscast {

// RunUnaryCall (libs/auth/unary_call.h) with the incident as the log line's
// subject and fn(CallContext&): with a token, call.actor is the token's name
// when fn starts (see KeepTokenActorOr); call.admin for an admin token.
template <typename Fn>
grpc::Status Handle(TokenVerifier* verifier, grpc::ServerContext* ctx, const char* method,
                    Scope needed, const std::string& incident, Fn&& fn) {
  return RunUnaryCall(verifier, ctx, {method, needed, "incident", incident, ""},
                      [&](UnaryCaller& caller) -> absl::Status {
                        CallContext call{caller.actor, caller.request_id, caller.admin};
                        absl::Status status = fn(call);
                        caller.actor = call.actor;  // as the write recorded it
                        return status;
                      });
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
