// PgBannerStore: what the banner service reads and writes in PostgreSQL.
//
// LoadWorld reads everything banners depend on in one REPEATABLE READ
// snapshot, together with the change-log sequence it reflects, so a follower
// that publishes it can never show a mix of two moments. Manual banner and
// kill-switch writes go through RecordChange like every other mutation, so
// every replica sees them through the change log.
// Errors: as PgPool (UNAVAILABLE when PostgreSQL is away), NOT_FOUND for an
// unknown banner id.
// Thread safety: safe to share.
#ifndef STATUSCAST_LIBS_PGSTORE_PG_BANNER_STORE_H_
#define STATUSCAST_LIBS_PGSTORE_PG_BANNER_STORE_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "libs/banner/banner_world.h"
#include "libs/pgstore/pg_pool.h"

namespace statuscast {

struct AdminCall {
  std::string actor;
  std::string request_id;
  absl::Time now;
};

class PgBannerStore {
 public:
  // REQUIRES: `pool` outlives this store.
  explicit PgBannerStore(PgPool& pool) : pool_(pool) {}

  absl::StatusOr<LoadedWorld> LoadWorld(int64_t after);

  // Assigns id and content_version 1.
  absl::StatusOr<ManualBannerRecord> CreateBanner(ManualBannerRecord banner, const AdminCall& call);
  // Replaces the editable fields; content_version grows only on a material
  // change (text beyond a typo fix, or level).
  absl::StatusOr<ManualBannerRecord> UpdateBanner(ManualBannerRecord banner, const AdminCall& call);
  absl::StatusOr<ManualBannerRecord> DisableBanner(int64_t id, const AdminCall& call);
  absl::StatusOr<std::vector<ManualBannerRecord>> ListBanners();
  absl::StatusOr<std::vector<KillSwitchRecord>> ListKillSwitches();
  absl::StatusOr<KillSwitchRecord> SetKillSwitch(KillSwitchRecord change, const AdminCall& call);

 private:
  PgPool& pool_;
};

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_PGSTORE_PG_BANNER_STORE_H_
