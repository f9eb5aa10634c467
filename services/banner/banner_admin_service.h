// statuscast.v1.BannerAdminService: manual banners and kill switches,
// validated here and stored through PgBannerStore (every write goes through
// the change log, so every replica's hub follows it).
#ifndef STATUSCAST_SERVICES_BANNER_BANNER_ADMIN_SERVICE_H_
#define STATUSCAST_SERVICES_BANNER_BANNER_ADMIN_SERVICE_H_

#include "libs/base/clock.h"
#include "libs/pgstore/pg_banner_store.h"
#include "statuscast/v1/banner.grpc.pb.h"

namespace statuscast {

// INVALID_ARGUMENT with field violations when `b` is not a banner we accept.
absl::Status ValidateManualBanner(const ManualBannerRecord& b);
absl::Status ValidateKillSwitch(const KillSwitchRecord& k);

class BannerAdminService final : public v1::BannerAdminService::Service {
 public:
  BannerAdminService(PgBannerStore& store, const Clock& clock) : store_(store), clock_(clock) {}

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
};

}  // namespace statuscast

#endif  // STATUSCAST_SERVICES_BANNER_BANNER_ADMIN_SERVICE_H_
