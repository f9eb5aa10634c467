#include "libs/pgstore/review_rows.h"

#include "absl/strings/str_cat.h"
#include "libs/pgstore/incident_rows.h"
#include "libs/pgstore/pg_pool.h"
#include "libs/proto_convert/lint_proto.h"

namespace statuscast {
namespace pgstore_internal {
namespace {

constexpr char kSaveRoles[] = "UPDATE incidents SET commander = $2, comms_lead = $3 WHERE id = $1";
constexpr char kInsertRoleChange[] =
    "INSERT INTO role_changes (incident_id, role, from_name, to_name, author, changed_at) "
    "VALUES ($1, $2, $3, $4, $5, $6::timestamptz)";
constexpr char kSelectRoleChanges[] =
    "SELECT role, from_name, to_name, author, " PG_MICROS("changed_at") " FROM role_changes "
    "WHERE incident_id = $1 ORDER BY id";

constexpr char kDraftColumns[] =
    "d.id, d.incident_id, i.ref, d.status, d.state, d.message, d.banner_text, d.channels, " PG_MICROS(
        "d.next_update_at") ", d.use_default_next_update, d.no_progress, "
    "d.third_party_confirmed, d.author, " PG_MICROS("d.proposed_at") ", d.based_on_version, "
    "d.lint_findings::text, d.idempotency_key, d.decided_by, " PG_MICROS("d.decided_at") ", "
    "d.reject_reason, coalesce(d.update_id, 0) "
    "FROM update_drafts d JOIN incidents i ON i.id = d.incident_id ";

constexpr char kInsertDraft[] =
    "INSERT INTO update_drafts (incident_id, status, state, message, banner_text, channels, "
    "next_update_at, use_default_next_update, no_progress, third_party_confirmed, author, "
    "proposed_at, based_on_version, lint_findings, idempotency_key) VALUES ($1, 'pending', $2, "
    "$3, $4, $5, NULLIF($6, '')::timestamptz, $7, $8, $9, $10, $11::timestamptz, $12, "
    "$13::jsonb, $14) RETURNING id";
constexpr char kSaveDraftDecision[] =
    "UPDATE update_drafts SET status = $2, decided_by = $3, decided_at = NULLIF($4, "
    "'')::timestamptz, reject_reason = $5, update_id = NULLIF($6::int8, 0) WHERE id = $1";

constexpr char kSelectAudit[] =
    "SELECT a.id, " PG_MICROS("a.at") ", a.actor, a.action, coalesce(i.ref, ''), a.request_id, "
    "a.details, coalesce(a.update_id, 0), a.lint_override_reason, a.third_party_confirmed "
    "FROM audit_log a LEFT JOIN incidents i ON i.id = a.incident_id "
    "WHERE a.id > $1 AND ($2 = '' OR i.ref = $2) AND ($3 = '' OR a.actor = $3) "
    "AND ($4 = '' OR a.at >= NULLIF($4, '')::timestamptz) "
    "AND ($5 = '' OR a.at < NULLIF($5, '')::timestamptz) ORDER BY a.id LIMIT $6";

Draft DraftFromRow(const pqxx::row& r) {
  Draft d;
  d.id = r[0].as<int64_t>();
  d.incident_id = r[1].as<int64_t>();
  d.incident_ref = r[2].as<std::string>();
  ParseDraftStatus(r[3].as<std::string>(), &d.status);
  d.update.state = ParseOr<IncidentState>(r[4].as<std::string>(), ParseState);
  d.update.message = r[5].as<std::string>();
  d.update.banner_text = r[6].as<std::string>();
  d.update.channels = ChannelsFromText(r[7].as<std::string>());
  d.update.next_update_at = OptTimeAt(r[8]);
  d.update.use_default_next_update = r[9].as<bool>();
  d.update.no_progress = r[10].as<bool>();
  d.update.third_party_confirmed = r[11].as<bool>();
  d.author = r[12].as<std::string>();
  d.proposed_at = TimeAt(r[13]);
  d.based_on_version = r[14].as<int64_t>();
  absl::StatusOr<std::vector<lint::Finding>> findings =
      lint::FindingsFromJson(r[15].as<std::string>());
  if (findings.ok()) d.lint_findings = std::move(*findings);
  d.idempotency_key = r[16].as<std::string>();
  d.decided_by = r[17].as<std::string>();
  d.decided_at = OptTimeAt(r[18]);
  d.reject_reason = r[19].as<std::string>();
  d.update_id = r[20].as<int64_t>();
  return d;
}

}  // namespace

void SaveRoles(pqxx::transaction_base& w, const Incident& incident,
               const std::vector<RoleChange>& changes) {
  w.exec_params(kSaveRoles, incident.id, incident.commander, incident.comms_lead);
  for (const RoleChange& c : changes) {
    w.exec_params(kInsertRoleChange, incident.id, IncidentRoleName(c.role), c.from, c.to, c.author,
                  TimeParam(c.changed_at));
  }
}

std::vector<RoleChange> SelectRoleChanges(pqxx::transaction_base& tx, int64_t incident_id) {
  std::vector<RoleChange> out;
  for (const pqxx::row& r : tx.exec_params(kSelectRoleChanges, incident_id)) {
    RoleChange c;
    c.role = r[0].as<std::string>() == IncidentRoleName(IncidentRole::kCommsLead)
                 ? IncidentRole::kCommsLead
                 : IncidentRole::kCommander;
    c.from = r[1].as<std::string>();
    c.to = r[2].as<std::string>();
    c.author = r[3].as<std::string>();
    c.changed_at = TimeAt(r[4]);
    out.push_back(std::move(c));
  }
  return out;
}

int64_t InsertDraft(pqxx::transaction_base& w, const Draft& d) {
  const UpdateDraft& u = d.update;
  return w
      .exec_params1(kInsertDraft, d.incident_id,
                    u.state == IncidentState::kUnspecified ? "" : StateName(u.state), u.message,
                    u.banner_text, ChannelsText(u.channels), NullableTimeParam(u.next_update_at),
                    u.use_default_next_update, u.no_progress, u.third_party_confirmed, d.author,
                    TimeParam(d.proposed_at), d.based_on_version,
                    lint::FindingsToJson(d.lint_findings), d.idempotency_key)[0]
      .as<int64_t>();
}

absl::StatusOr<Draft> LockDraft(pqxx::transaction_base& w, int64_t draft_id) {
  pqxx::result r = w.exec_params(
      absl::StrCat("SELECT ", kDraftColumns, "WHERE d.id = $1 FOR UPDATE OF d"), draft_id);
  if (r.empty()) return absl::NotFoundError(absl::StrCat("no draft ", draft_id));
  return DraftFromRow(r[0]);
}

void SaveDraftDecision(pqxx::transaction_base& w, const Draft& d) {
  w.exec_params(kSaveDraftDecision, d.id, DraftStatusName(d.status), d.decided_by,
                NullableTimeParam(d.decided_at), d.reject_reason, d.update_id);
}

absl::StatusOr<std::vector<Draft>> SelectDrafts(pqxx::transaction_base& tx,
                                                const std::string& incident_ref,
                                                bool pending_only) {
  if (!incident_ref.empty() &&
      tx.exec_params("SELECT 1 FROM incidents WHERE ref = $1", incident_ref).empty()) {
    return NoIncident(incident_ref);
  }
  std::vector<Draft> out;
  for (const pqxx::row& r :
       tx.exec_params(absl::StrCat("SELECT ", kDraftColumns,
                                   "WHERE (($1 = '' AND i.state <> 'resolved') OR i.ref = $1) "
                                   "AND (NOT $2 OR d.status = 'pending') ORDER BY d.id"),
                      incident_ref, pending_only)) {
    out.push_back(DraftFromRow(r));
  }
  return out;
}

AuditPage SelectAudit(pqxx::transaction_base& tx, const AuditQuery& q) {
  AuditPage page;
  for (const pqxx::row& r :
       tx.exec_params(kSelectAudit, q.after_id, q.incident_ref, q.actor, NullableTimeParam(q.since),
                      NullableTimeParam(q.until), q.page_size + 1)) {
    if (static_cast<int>(page.events.size()) == q.page_size) {
      page.has_more = true;
      break;
    }
    AuditEvent e;
    e.id = r[0].as<int64_t>();
    e.at = TimeAt(r[1]);
    e.actor = r[2].as<std::string>();
    e.action = r[3].as<std::string>();
    e.incident_ref = r[4].as<std::string>();
    e.request_id = r[5].as<std::string>();
    e.details = r[6].as<std::string>();
    e.update_id = r[7].as<int64_t>();
    e.lint_override_reason = r[8].as<std::string>();
    e.third_party_confirmed = r[9].as<bool>();
    page.events.push_back(std::move(e));
  }
  return page;
}

}  // namespace pgstore_internal
}  // namespace statuscast
