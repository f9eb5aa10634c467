// The gRPC side of access control: reads the call's `authorization`
// metadata and asks the TokenVerifier. A null verifier means access control
// is off (--auth=disabled): every call passes as an unauthenticated
// principal with admin scope, and writes keep the request's author field.
// Blocks on a verifier cache miss: synchronous handlers only.
#ifndef STATUSCAST_LIBS_AUTH_GRPC_AUTH_H_
#define STATUSCAST_LIBS_AUTH_GRPC_AUTH_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "libs/auth/scope.h"

namespace grpc {
class ServerContext;
}  // namespace grpc

namespace statuscast {

class TokenVerifier;

absl::StatusOr<Principal> AuthorizeCall(TokenVerifier* verifier, const grpc::ServerContext& ctx,
                                        Scope needed, absl::string_view method);

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_AUTH_GRPC_AUTH_H_
