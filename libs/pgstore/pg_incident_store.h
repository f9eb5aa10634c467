// PgIncidentStore: IncidentStore on PostgreSQL (schema in migrations/).
//
// Every statement is parameterised; the SQL sits in named constants in the
// .cc files (pg_incident_store.cc writes, pg_incident_reads.cc reads, the
// row conversions in incident_rows.h). Writers are serialised per incident
// by SELECT ... FOR UPDATE, per idempotency key by a transaction-scoped
// advisory lock. Change-log sequences
// (gapless, commit-ordered) are assigned right after each write commits, under
// one short lock (change_log.h); NOTIFY statuscast_changes carries the head.
// Thread safety: safe to share.
#ifndef STATUSCAST_LIBS_PGSTORE_PG_INCIDENT_STORE_H_
#define STATUSCAST_LIBS_PGSTORE_PG_INCIDENT_STORE_H_

#include <memory>
#include <string>

#include "libs/incident/incident_store.h"
#include "libs/pgstore/pg_pool.h"

namespace statuscast {

// The channel NOTIFY uses; its payload is the newest change sequence.
inline constexpr char kChangeChannel[] = "statuscast_changes";

class PgIncidentStore final : public IncidentStore {
 public:
  // REQUIRES: `pool` outlives this store.
  explicit PgIncidentStore(PgPool& pool) : pool_(pool) {}

  // Writes (pg_incident_store.cc): a transaction with every write statement,
  // retried on a serialization failure or deadlock, then the change numbered.
  absl::Status RunInTransaction(
      const std::function<absl::Status(StoreTransaction&)>& fn) override;

  // Reads (pg_incident_reads.cc), each in a read-only transaction.
  absl::StatusOr<Incident> GetIncident(const std::string& ref, bool with_timeline) override;
  absl::StatusOr<Update> GetUpdate(int64_t update_id) override;
  absl::StatusOr<IncidentPage> ListIncidents(const IncidentQuery& query) override;
  absl::StatusOr<std::vector<Component>> ListComponents() override;
  absl::StatusOr<std::vector<ChangeRecord>> ReadChanges(int64_t after, int limit) override;
  absl::StatusOr<std::vector<Draft>> ListDrafts(const std::string& incident_ref,
                                                bool pending_only) override;
  absl::StatusOr<AuditPage> ListAudit(const AuditQuery& query) override;
  absl::StatusOr<int64_t> HeadSequence() override;
  absl::StatusOr<std::vector<Postmortem>> ListPostmortemVersions(
      const std::string& incident_ref) override;

 private:
  PgPool& pool_;
};

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_PGSTORE_PG_INCIDENT_STORE_H_
