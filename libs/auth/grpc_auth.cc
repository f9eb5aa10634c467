#include "libs/auth/grpc_auth.h"

#include <grpcpp/server_context.h>

#include "libs/auth/token_verifier.h"

namespace statuscast {

absl::StatusOr<Principal> AuthorizeCall(TokenVerifier* verifier, const grpc::ServerContext& ctx,
                                        Scope needed, absl::string_view method) {
  if (verifier == nullptr) return Principal{"", Scope::kAdmin, false};
  std::string authorization;
  auto it = ctx.client_metadata().find("authorization");
  if (it != ctx.client_metadata().end()) {
    authorization.assign(it->second.data(), it->second.size());
  }
  return verifier->Authorize(authorization, needed, method);
}

}  // namespace statuscast
