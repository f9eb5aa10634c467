#include "libs/auth/grpc_auth.h"

#include <grpcpp/server_context.h>

#include "absl/time/clock.h"
#include "libs/auth/token_verifier.h"
#include "libs/base/peer_address.h"

namespace statuscast {

absl::StatusOr<Principal> AuthorizeCall(TokenVerifier* verifier, const grpc::ServerContext& ctx,
                                        Scope needed, absl::string_view method) {
  if (verifier == nullptr) return Principal{"", Scope::kAdmin, false};
  std::string authorization;
  auto it = ctx.client_metadata().find("authorization");
  if (it != ctx.client_metadata().end()) {
    authorization.assign(it->second.data(), it->second.size());
  }
  const PeerAddress peer = PeerFromGrpc(ctx.peer());
  return verifier->Authorize(authorization, needed, method, &peer);
}

StreamTokenCheck::StreamTokenCheck(TokenVerifier* verifier, const grpc::ServerContext& ctx,
                                   Scope needed, absl::string_view method, absl::Duration period)
    : verifier_(verifier),
      ctx_(ctx),
      needed_(needed),
      method_(method),
      period_(period),
      last_check_(absl::Now()) {}

absl::Status StreamTokenCheck::BeforeDelivery() {
  if (verifier_ == nullptr) return absl::OkStatus();
  last_check_ = absl::Now();
  absl::StatusOr<Principal> who = AuthorizeCall(verifier_, ctx_, needed_, method_);
  if (who.ok() || absl::IsUnavailable(who.status())) return absl::OkStatus();
  return who.status();
}

absl::Status StreamTokenCheck::WhenDue() {
  if (verifier_ == nullptr || absl::Now() - last_check_ < period_) return absl::OkStatus();
  return BeforeDelivery();
}

}  // namespace statuscast
