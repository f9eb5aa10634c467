// The tables of roles, drafts and the audit log <-> the model (internal to
// libs/pgstore; pg_incident_store.cc calls these inside its transactions).
// They throw what libpqxx throws; the store maps it to a status.
#ifndef STATUSCAST_LIBS_PGSTORE_REVIEW_ROWS_H_
#define STATUSCAST_LIBS_PGSTORE_REVIEW_ROWS_H_

#include <pqxx/pqxx>
#include <vector>

#include "absl/status/statusor.h"
#include "libs/incident/incident_store.h"

namespace statuscast {
namespace pgstore_internal {

// Writes the incident's commander and comms_lead and inserts `changes`.
void SaveRoles(pqxx::transaction_base& w, const Incident& incident,
               const std::vector<RoleChange>& changes);
std::vector<RoleChange> SelectRoleChanges(pqxx::transaction_base& tx, int64_t incident_id);

// Returns the new draft's id.
int64_t InsertDraft(pqxx::transaction_base& w, const Draft& d);
// Locks the draft (FOR UPDATE); NOT_FOUND when there is none.
absl::StatusOr<Draft> LockDraft(pqxx::transaction_base& w, int64_t draft_id);
void SaveDraftDecision(pqxx::transaction_base& w, const Draft& d);
// IncidentStore::ListDrafts.
absl::StatusOr<std::vector<Draft>> SelectDrafts(pqxx::transaction_base& tx,
                                                const std::string& incident_ref, bool pending_only);

// IncidentStore::ListAudit.
AuditPage SelectAudit(pqxx::transaction_base& tx, const AuditQuery& q);

}  // namespace pgstore_internal
}  // namespace statuscast

#endif  // STATUSCAST_LIBS_PGSTORE_REVIEW_ROWS_H_
