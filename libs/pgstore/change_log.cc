#include "libs/pgstore/change_log.h"

#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "libs/pgstore/pg_incident_store.h"
#include "libs/pgstore/pg_pool.h"

namespace statuscast {
namespace {

constexpr char kNextSequence[] = "UPDATE change_sequence SET value = value + 1 RETURNING value";
constexpr char kInsertChange[] =
    "INSERT INTO change_log (sequence, at, kind, incident_id, incident_version, update_id, "
    "component_name, actor, summary) VALUES ($1, $2::timestamptz, $3, NULLIF($4::int8, 0), $5, "
    "NULLIF($6::int8, 0), $7, $8, $9)";
constexpr char kInsertAudit[] =
    "INSERT INTO audit_log (at, actor, action, incident_id, request_id, details) VALUES "
    "($1::timestamptz, $2, $3, NULLIF($4::int8, 0), $5, $6)";
constexpr char kInsertIdempotency[] =
    "INSERT INTO idempotency_keys (key, operation, fingerprint, incident_id, update_id, sequence, "
    "created_at) VALUES ($1, $2, $3, NULLIF($4::int8, 0), NULLIF($5::int8, 0), $6, "
    "$7::timestamptz)";
constexpr char kNotify[] = "SELECT pg_notify($1, $2)";

}  // namespace

int64_t RecordChange(pqxx::work& w, const MutationRecord& m) {
  int64_t seq = w.exec1(kNextSequence)[0].as<int64_t>();
  w.exec_params(kInsertChange, seq, TimeParam(m.at), m.kind, m.incident_id, m.incident_version,
                m.update_id, m.component_name, m.actor, m.summary);
  w.exec_params(kInsertAudit, TimeParam(m.at), m.actor, m.kind, m.incident_id, m.request_id,
                m.details);
  if (!m.idempotency_key.empty()) {
    w.exec_params(kInsertIdempotency, m.idempotency_key, m.kind, m.fingerprint, m.incident_id,
                  m.update_id, seq, TimeParam(m.at));
  }
  w.exec_params(kNotify, kChangeChannel, absl::StrCat(seq));
  return seq;
}

}  // namespace statuscast
