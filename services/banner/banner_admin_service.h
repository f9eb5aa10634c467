// statuscast.v1.BannerAdminService: manual banners and kill switches,
// validated here and stored through PgBannerStore (every write goes through
// the change log, so every replica's hub follows it).
// Access control: each method checks the caller's token (read for
// ListBanners, write for banners, admin for SetKillSwitch); with a token, its
// name is recorded as updated_by / set_by and the audit actor, and request
// author fields are ignored. Token checks may read PostgreSQL: this is a
// synchronous service, so that is fine here.
#ifndef STATUSCAST_SERVICES_BANNER_BANNER_ADMIN_SERVICE_H_
#define STATUSCAST_SERVICES_BANNER_BANNER_ADMIN_SERVICE_H_

#include "libs/auth/token_verifier.h"
#include "libs/base/clock.h"
#include "libs/pgstore/pg_banner_store.h"
#include "statuscast/v1/banner.grpc.pb.h"

namespace statuscast {

// INVALID_ARGUMENT with field violations when `b` is not a banner we accept.
absl::Status ValidateManualBanner(const ManualBannerRecord& b);
absl::Status ValidateKillSwitch(const KillSwitchRecord& k);

class BannerAdminService final : public v1::BannerAdminService::Service {
 public:
  // REQUIRES: store, clock and verifier outlive this service. A null
  // verifier turns access control off (--auth=disabled).
  BannerAdminService(PgBannerStore& store, const Clock& clock, TokenVerifier* verifier)
      : store_(store), clock_(clock), verifier_(verifier) {}

  grpc::Status CreateBanner(grpc::ServerContext* ctx, const v1::CreateBannerRequest* req,
                            v1::ManualBanner* resp) override;
  grpc::Status UpdateBanner(grpc::ServerContext* ctx, const v1::UpdateBannerRequest* req,
                            v1::ManualBanner* resp) override;
  grpc::Status DisableBanner(grpc::ServerContext* ctx, const v1::DisableBannerRequest* req,
                             v1::ManualBanner* resp) override;
  grpc::Status ListBanners(grpc::ServerContext* ctx, const v1::ListBannersRequest* req,
                           v1::ListBannersResponse* resp) override;
  grpc::Status SetKillSwitch(grpc::ServerContext* ctx, const v1::SetKillSwitchRequest* req,
                             v1::KillSwitch* resp) override;

 private:
  PgBannerStore& store_;
  const Clock& clock_;
  TokenVerifier* const verifier_;
};

}  // namespace statuscast

#endif  // STATUSCAST_SERVICES_BANNER_BANNER_ADMIN_SERVICE_H_
