#include "services/comms/token_grpc_service.h"

#include "absl/strings/str_cat.h"
#include "libs/auth/unary_call.h"
#include "libs/base/proto_time.h"
#include "libs/base/status_macros.h"

namespace statuscast {
void ToProto(const TokenRecord& t, v1::ApiToken* out) {
  out->set_name(t.name);
  out->set_scope(static_cast<v1::TokenScope>(static_cast<int>(t.scope)));
  SetTime(t.created_at, out->mutable_created_at());
  SetTime(t.expires_at, out->mutable_expires_at());
  if (t.revoked_at) SetTime(*t.revoked_at, out->mutable_revoked_at());
  out->set_created_by(t.created_by);
}

grpc::Status TokenGrpcService::CreateToken(grpc::ServerContext* ctx,
                                           const v1::CreateTokenRequest* req,
                                           v1::CreateTokenResponse* resp) {
  return RunUnaryCall(
      verifier_, ctx, {"CreateToken", Scope::kAdmin, "token", req->name(), kUnauthenticatedActor},
      [&](UnaryCaller& caller) -> absl::Status {
        absl::optional<Scope> scope;
        if (req->scope() >= v1::TOKEN_SCOPE_READ && req->scope() <= v1::TOKEN_SCOPE_ADMIN) {
          scope = static_cast<Scope>(static_cast<int>(req->scope()));
        }
        TokenExpiry expiry;
        expiry.at = TimeFromProto(req->expires_at(), req->has_expires_at());
        if (!expiry.at && req->has_ttl()) expiry.ttl = DurationFromProto(req->ttl());
        ASSIGN_OR_RETURN(IssuedToken issued, issuer_.Create(req->name(), scope, expiry,
                                                            caller.actor, caller.request_id));
        ToProto(issued.token, resp->mutable_token());
        resp->set_secret(issued.secret);
        return absl::OkStatus();
      });
}

grpc::Status TokenGrpcService::ListTokens(grpc::ServerContext* ctx, const v1::ListTokensRequest*,
                                          v1::ListTokensResponse* resp) {
  return RunUnaryCall(verifier_, ctx,
                      {"ListTokens", Scope::kAdmin, "token", "", kUnauthenticatedActor},
                      [&](UnaryCaller&) -> absl::Status {
                        ASSIGN_OR_RETURN(std::vector<TokenRecord> all, issuer_.List());
                        for (const TokenRecord& t : all) ToProto(t, resp->add_tokens());
                        return absl::OkStatus();
                      });
}

grpc::Status TokenGrpcService::RevokeToken(grpc::ServerContext* ctx,
                                           const v1::RevokeTokenRequest* req, v1::ApiToken* resp) {
  return RunUnaryCall(
      verifier_, ctx, {"RevokeToken", Scope::kAdmin, "token", req->name(), kUnauthenticatedActor},
      [&](UnaryCaller& caller) -> absl::Status {
        ASSIGN_OR_RETURN(TokenRecord t,
                         issuer_.Revoke(req->name(), caller.actor, caller.request_id));
        if (verifier_ != nullptr) verifier_->ForgetCached();
        ToProto(t, resp);
        return absl::OkStatus();
      });
}

}  // namespace statuscast
