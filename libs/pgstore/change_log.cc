#include "libs/pgstore/change_log.h"

#include <pqxx/pqxx>

#include "libs/pgstore/pg_pool.h"

namespace statuscast {
namespace {

// One round trip (migrations/0008_change_log_sequenced_after_commit.sql,
// with the audit columns of 0012_audit_trail.sql).
constexpr char kRecordChange[] =
    "SELECT change_id, sequence FROM record_change($1::timestamptz, $2, NULLIF($3::int8, 0), $4, "
    "NULLIF($5::int8, 0), $6, $7, $8, $9, $10, $11, $12, $13, $14)";
constexpr char kSequenceChange[] = "SELECT sequence_change($1)";

}  // namespace

RecordedChange RecordChange(pqxx::work& w, const MutationRecord& m) {
  // Prepared once per connection: parsed and planned once, not per write.
  w.conn().prepare("record_change", kRecordChange);
  pqxx::row r = w.exec_prepared1("record_change", TimeParam(m.at), m.kind, m.incident_id,
                                 m.incident_version, m.update_id, m.component_name, m.actor,
                                 m.summary, m.request_id, m.details, m.idempotency_key,
                                 m.fingerprint, m.lint_override_reason, m.third_party_confirmed);
  return RecordedChange{r[0].as<int64_t>(), r[1].as<int64_t>()};
}

int64_t SequenceRecorded(pqxx::connection& c, const RecordedChange& change) {
  return change.sequence != 0 ? change.sequence : SequenceChange(c, change.change_id);
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
