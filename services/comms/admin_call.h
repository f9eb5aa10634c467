// One admin-scope gRPC call, as TokenService and SubscriberService run it:
// the request id, the admin token check, the work, one "rpc" log line with
// `subject_key`=`subject` (the token or subscriber it is about), and the
// status as gRPC sees it. Internal to services/comms.
#ifndef STATUSCAST_SERVICES_COMMS_ADMIN_CALL_H_
#define STATUSCAST_SERVICES_COMMS_ADMIN_CALL_H_

#include <grpcpp/grpcpp.h>

#include <string>

#include "libs/auth/grpc_auth.h"
#include "libs/auth/token_verifier.h"
#include "libs/base/log.h"
#include "libs/rpc/grpc_status.h"

namespace statuscast {

// Runs fn(actor, request id) -> absl::Status once the token is an admin's.
template <typename Fn>
grpc::Status HandleAdminCall(TokenVerifier* verifier, grpc::ServerContext* ctx,
                             const char* method, const char* subject_key,
                             const std::string& subject, Fn&& fn) {
  const std::string request_id = RequestIdFor(ctx);
  absl::StatusOr<Principal> who = AuthorizeCall(verifier, *ctx, Scope::kAdmin, method);
  absl::Status s = who.status();
  std::string actor;
  if (who.ok()) {
    actor = ActorFor(*who, "unauthenticated");
    s = fn(actor, request_id);
  }
  LogEvent("rpc", {{"method", method},
                   {"request_id", request_id},
                   {"actor", actor},
                   {subject_key, subject},
                   {"code", absl::StatusCodeToString(s.code())},
                   {"error", std::string(s.message())}});
  return ToGrpcStatus(s);
}

}  // namespace statuscast

#endif  // STATUSCAST_SERVICES_COMMS_ADMIN_CALL_H_
