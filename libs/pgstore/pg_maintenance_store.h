// PgMaintenanceStore: scheduled maintenance windows in PostgreSQL
// (migrations/0030_maintenance_windows.sql). Every write records its audit
// and change-log row (RecordChange) in the same transaction, so the status
// page and banners of every replica follow it through the change log.
// Errors: as PgPool (UNAVAILABLE when PostgreSQL is away); NOT_FOUND for an
// unknown reference; INVALID_ARGUMENT for a component not in the catalog;
// ABORTED when a concurrent write changed the window first.
// Thread safety: safe to share.
#ifndef STATUSCAST_LIBS_PGSTORE_PG_MAINTENANCE_STORE_H_
#define STATUSCAST_LIBS_PGSTORE_PG_MAINTENANCE_STORE_H_

#include <pqxx/transaction_base>
#include <string>
#include <vector>

#include "libs/incident/maintenance.h"
#include "libs/pgstore/pg_pool.h"

namespace statuscast {

// The windows not finished (recorded scheduled or in progress), with their
// components, read in `tx` (LoadWorld reads them in its snapshot). Throws
// what libpqxx throws.
std::vector<MaintenanceWindow> ReadUnfinishedMaintenance(pqxx::transaction_base& tx, int limit);

class PgMaintenanceStore final : public MaintenanceStore {
 public:
  // REQUIRES: `pool` outlives this store.
  explicit PgMaintenanceStore(PgPool& pool) : pool_(pool) {}

  absl::Status Insert(MaintenanceWindow& w, const std::string& request_id) override;
  absl::StatusOr<MaintenanceWindow> Get(const std::string& ref) override;
  absl::Status Save(const MaintenanceWindow& w, const std::string& kind, const std::string& actor,
                    const std::string& request_id) override;
  absl::StatusOr<std::vector<MaintenanceWindow>> List(const MaintenanceQuery& q) override;

 private:
  PgPool& pool_;
};

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_PGSTORE_PG_MAINTENANCE_STORE_H_
