#include "libs/pgstore/change_log.h"

#include <pqxx/pqxx>

#include "libs/pgstore/pg_pool.h"

namespace statuscast {
namespace {

// One round trip: the pending change row, then the audit row and (when the
// write has a key) the idempotency row pointing at it.
constexpr char kRecordChange[] =
    "WITH change AS ("
    " INSERT INTO change_log (at, kind, incident_id, incident_version, update_id, "
    "  component_name, actor, summary) VALUES ($1::timestamptz, $2, NULLIF($3::int8, 0), $4, "
    "  NULLIF($5::int8, 0), $6, $7, $8) RETURNING id),"
    " audit AS ("
    " INSERT INTO audit_log (at, actor, action, incident_id, request_id, details) VALUES "
    "  ($1::timestamptz, $7, $2, NULLIF($3::int8, 0), $9, $10)),"
    " idempotency AS ("
    " INSERT INTO idempotency_keys (key, operation, fingerprint, incident_id, update_id, "
    "  change_id, created_at) SELECT $11, $2, $12, NULLIF($3::int8, 0), NULLIF($5::int8, 0), "
    "  change.id, $1::timestamptz FROM change WHERE $11 <> '')"
    " SELECT id FROM change";
constexpr char kSequenceChange[] = "SELECT sequence_change($1)";

}  // namespace

int64_t RecordChange(pqxx::work& w, const MutationRecord& m) {
  return w
      .exec_params1(kRecordChange, TimeParam(m.at), m.kind, m.incident_id, m.incident_version,
                    m.update_id, m.component_name, m.actor, m.summary, m.request_id, m.details,
                    m.idempotency_key, m.fingerprint)[0]
      .as<int64_t>();
}

int64_t SequenceChangeIn(pqxx::transaction_base& w, int64_t change_id) {
  return w.exec_params1(kSequenceChange, change_id)[0].as<int64_t>();
}

int64_t SequenceChange(pqxx::connection& c, int64_t change_id) {
  // Its own short transaction: the numbering lock is held only through it.
  pqxx::nontransaction n(c);
  return SequenceChangeIn(n, change_id);
}

}  // namespace statuscast
