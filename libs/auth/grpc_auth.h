// The gRPC side of access control: reads the call's `authorization`
// metadata and asks the TokenVerifier. A null verifier means access control
// is off (--auth=disabled): every call passes as an unauthenticated
// principal with admin scope, and writes keep the request's author field.
// Blocks on a verifier cache miss: synchronous handlers only.
#ifndef STATUSCAST_LIBS_AUTH_GRPC_AUTH_H_
#define STATUSCAST_LIBS_AUTH_GRPC_AUTH_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "libs/auth/scope.h"

namespace grpc {
class ServerContext;
}  // namespace grpc

namespace statuscast {

class TokenVerifier;

absl::StatusOr<Principal> AuthorizeCall(TokenVerifier* verifier, const grpc::ServerContext& ctx,
                                        Scope needed, absl::string_view method);

// Keeps checking the token of a long-lived (server-streaming) call, so a
// revoked or expired token stops a stream it opened:
//   BeforeDelivery()  before writing data: checks every time (the verifier's
//                     cache makes this a map lookup; a revoke on this replica
//                     clears the cache, so nothing is written after it).
//   WhenDue()         while idle: checks once `period` has passed since the
//                     last check (real time), so a quiet stream ends too.
// Both return UNAUTHENTICATED (revoked, expired, unknown) or
// PERMISSION_DENIED (scope no longer enough): end the stream with it. When
// PostgreSQL cannot be asked (UNAVAILABLE) they return OK: the stream keeps
// going rather than dropping every watcher on a database blip.
// Not thread-safe: one per call, used by the handler's thread.
class StreamTokenCheck {
 public:
  // REQUIRES: verifier (may be null: access control off, always OK) and ctx
  // outlive this object.
  StreamTokenCheck(TokenVerifier* verifier, const grpc::ServerContext& ctx, Scope needed,
                   absl::string_view method, absl::Duration period);

  absl::Status BeforeDelivery();
  absl::Status WhenDue();

 private:
  TokenVerifier* const verifier_;
  const grpc::ServerContext& ctx_;
  const Scope needed_;
  const std::string method_;
  const absl::Duration period_;
  absl::Time last_check_;
};

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_AUTH_GRPC_AUTH_H_
