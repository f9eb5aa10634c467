// One unary gRPC call, as every statuscast service runs it: the request id,
// the token check for the scope the method needs, the work, one "rpc" log
// line and the status as gRPC sees it. The services' handlers are this plus
// their translation:
//
//   return RunUnaryCall(verifier_, ctx, {"GetMaintenance", Scope::kRead, "maintenance", ref},
//                       [&](UnaryCaller& caller) -> absl::Status { ... });
//
// The log line: method, request_id, code, ms (real time the call took), then
// `subject_key`=`subject` when the subject is not empty, actor when known and
// error when the status is not OK.
// Thread safety: a function of its arguments; call from any gRPC thread.
#ifndef STATUSCAST_LIBS_AUTH_UNARY_CALL_H_
#define STATUSCAST_LIBS_AUTH_UNARY_CALL_H_

#include <grpcpp/support/status.h>

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "libs/auth/scope.h"

namespace grpc {
class ServerContext;
}  // namespace grpc

namespace statuscast {

class TokenVerifier;

// The actor of calls made with access control off whose request names no
// author.
inline constexpr char kUnauthenticatedActor[] = "unauthenticated";

// What the log line says the call was.
struct UnaryCall {
  const char* method = "";
  Scope needed = Scope::kRead;   // the scope the token must have
  const char* subject_key = "";  // what the call is about: "incident", "token", ...
  std::string subject;           // its id; empty: not logged
  // The actor when access control is off (a null verifier): the request's
  // author field, or kUnauthenticatedActor where the request has none.
  std::string actor_without_token;
};

// Who the check let in.
struct UnaryCaller {
  std::string request_id;
  // The token's name; with access control off, UnaryCall::actor_without_token.
  // The work may change it (the log line shows the final value).
  std::string actor;
  bool authenticated = false;  // a token was checked (access control on)
  bool admin = false;          // an admin token, or access control off
};

// Runs `work` once the token passes (a null verifier: access control off,
// every call passes as admin); returns its status, or the check's.
grpc::Status RunUnaryCall(TokenVerifier* verifier, grpc::ServerContext* ctx, const UnaryCall& call,
                          const std::function<absl::Status(UnaryCaller&)>& work);

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_AUTH_UNARY_CALL_H_
