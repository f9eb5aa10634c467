#include "libs/auth/unary_call.h"

#include <grpcpp/server_context.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "libs/auth/grpc_auth.h"
#include "libs/base/log.h"
#include "libs/rpc/grpc_status.h"

namespace statuscast {

grpc::Status RunUnaryCall(TokenVerifier* verifier, grpc::ServerContext* ctx, const UnaryCall& call,
                          const std::function<absl::Status(UnaryCaller&)>& work) {
  const absl::Time start = absl::Now();  // real time: how long the call took, for the log
  UnaryCaller caller;
  caller.request_id = RequestIdFor(ctx);
  absl::StatusOr<Principal> who = AuthorizeCall(verifier, *ctx, call.needed, call.method);
  absl::Status status = who.status();
  if (who.ok()) {
    caller.actor = ActorFor(*who, call.actor_without_token);
    caller.authenticated = who->authenticated;
    caller.admin = who->scope == Scope::kAdmin;
    status = work(caller);
  }
  LogFields fields = {{"method", call.method},
                      {"request_id", caller.request_id},
                      {"code", absl::StatusCodeToString(status.code())},
                      {"ms", absl::StrCat(absl::ToInt64Milliseconds(absl::Now() - start))}};
  if (!call.subject.empty()) fields.push_back({call.subject_key, call.subject});
  if (!caller.actor.empty()) fields.push_back({"actor", caller.actor});
  if (!status.ok()) fields.push_back({"error", std::string(status.message())});
  LogEvent("rpc", fields);
  return ToGrpcStatus(status);
}

}  // namespace statuscast
