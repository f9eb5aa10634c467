// TokenGrpcService: statuscast.v1.TokenService over TokenIssuer. Every
// method needs an admin token; the token's name is recorded as created_by and
// as the audit actor. A revoke here also empties this replica's verifier
// cache, so the revoked token stops working at once on this replica (within
// the cache lifetime on the others).
// Thread safety: stateless; safe from any gRPC thread.
#ifndef STATUSCAST_SERVICES_COMMS_TOKEN_GRPC_SERVICE_H_
#define STATUSCAST_SERVICES_COMMS_TOKEN_GRPC_SERVICE_H_

#include "libs/auth/token_issuer.h"
#include "libs/auth/token_verifier.h"
#include "statuscast/v1/token.grpc.pb.h"

namespace statuscast {

// Fills `out` from `t` (never a secret).
void ToProto(const TokenRecord& t, v1::ApiToken* out);

class TokenGrpcService final : public v1::TokenService::Service {
 public:
  // REQUIRES: issuer and verifier outlive this service. A null verifier
  // turns access control off (--auth=disabled); tokens can still be made
  // ahead of turning it on, created_by "unauthenticated".
  TokenGrpcService(TokenIssuer& issuer, TokenVerifier* verifier)
      : issuer_(issuer), verifier_(verifier) {}

  grpc::Status CreateToken(grpc::ServerContext* ctx, const v1::CreateTokenRequest* req,
                           v1::CreateTokenResponse* resp) override;
  grpc::Status ListTokens(grpc::ServerContext* ctx, const v1::ListTokensRequest* req,
                          v1::ListTokensResponse* resp) override;
  grpc::Status RevokeToken(grpc::ServerContext* ctx, const v1::RevokeTokenRequest* req,
                           v1::ApiToken* resp) override;

 private:
  TokenIssuer& issuer_;
  TokenVerifier* const verifier_;
};

}  // namespace statuscast

#endif  // STATUSCAST_SERVICES_COMMS_TOKEN_GRPC_SERVICE_H_
