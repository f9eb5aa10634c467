// MemoryIncidentStore: an IncidentStore in memory, for unit tests of
// IncidentCommands that run in milliseconds without PostgreSQL.
//
// It keeps the contract of libs/incident/incident_store.h as PgIncidentStore
// does: a transaction works on a copy that replaces the stored state only
// when `fn` returns OK (a failed write leaves nothing behind); refs are
// "INC-<n>" in insertion order; Record() appends to a gapless change log and
// keeps the idempotency row; LockIncident and GetIncident answer NOT_FOUND,
// CheckComponentsExist INVALID_ARGUMENT naming `field`[i].name and
// InsertComponent ALREADY_EXISTS, with PgIncidentStore's messages. A
// component's status is the worst status open incidents give it. Listing
// orders incidents by confirmed start, newest first. Audit rows have ids
// 1, 2, ... in the order recorded.
//
// Not modelled: serialization failures, retries and unavailability.
// FailNextTransactions(n) makes the next n transactions fail with
// UNAVAILABLE before `fn` runs, for tests of error paths.
//
// Thread safety: safe to share; transactions run one at a time.
#ifndef STATUSCAST_TESTS_SUPPORT_MEMORY_INCIDENT_STORE_H_
#define STATUSCAST_TESTS_SUPPORT_MEMORY_INCIDENT_STORE_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "libs/incident/incident_store.h"

namespace statuscast::testing {

class MemoryIncidentStore : public IncidentStore {
 public:
  absl::Status RunInTransaction(
      const std::function<absl::Status(StoreTransaction&)>& fn) override;
  absl::StatusOr<Incident> GetIncident(const std::string& ref, bool with_timeline) override;
  absl::StatusOr<Update> GetUpdate(int64_t update_id) override;
  absl::StatusOr<IncidentPage> ListIncidents(const IncidentQuery& query) override;
  absl::StatusOr<std::vector<Component>> ListComponents() override;
  absl::StatusOr<std::vector<ChangeRecord>> ReadChanges(int64_t after, int limit) override;
  absl::StatusOr<int64_t> HeadSequence() override;
  absl::StatusOr<std::vector<Draft>> ListDrafts(const std::string& incident_ref,
                                                bool pending_only) override;
  absl::StatusOr<AuditPage> ListAudit(const AuditQuery& query) override;
  absl::StatusOr<std::vector<Postmortem>> ListPostmortemVersions(
      const std::string& incident_ref) override;

  // The audit rows (every MutationRecord recorded), oldest first.
  std::vector<MutationRecord> Audit() const;
  void FailNextTransactions(int n);

  // Everything a transaction may change; copied per transaction.
  struct State {
    std::map<std::string, Incident> incidents;  // by ref; header and affected only
    std::map<int64_t, std::string> refs;        // incident id -> ref
    std::vector<std::pair<int64_t, Update>> updates;  // (incident id, update), in id order
    std::vector<std::pair<int64_t, SeverityChange>> severity_changes;
    std::vector<std::pair<int64_t, RoleChange>> role_changes;
    std::vector<Draft> drafts;  // in id order (id = position + 1)
    std::map<int64_t, Postmortem> postmortems;
    std::map<int64_t, std::vector<Postmortem>> postmortem_versions;  // oldest first
    std::vector<Component> components;
    std::map<std::string, IdempotentResult> idempotency;
    std::vector<MutationRecord> audit;
    std::vector<ChangeRecord> changes;
  };

 private:
  mutable absl::Mutex mu_;
  State state_ ABSL_GUARDED_BY(mu_);
  int fail_next_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace statuscast::testing

#endif  // STATUSCAST_TESTS_SUPPORT_MEMORY_INCIDENT_STORE_H_
