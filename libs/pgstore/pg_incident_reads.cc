// PgIncidentStore's reads: one incident with its timeline, one update, a
// page of incidents, components, the change log, drafts, the audit trail and
// the postmortem's versions,
// each in a read-only transaction. The writes are in pg_incident_store.cc.
#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "libs/base/status_macros.h"
#include "libs/pgstore/component_rows.h"
#include "libs/pgstore/incident_rows.h"
#include "libs/pgstore/pg_incident_store.h"
#include "libs/pgstore/pg_pool.h"
#include "libs/pgstore/review_rows.h"
#include "libs/pgstore/update_revisions.h"
#include "libs/proto_convert/lint_proto.h"

namespace statuscast {
namespace {

using pgstore_internal::IncidentFromRow;
using pgstore_internal::kIncidentColumns;
using pgstore_internal::kIncidentFrom;
using pgstore_internal::kUpdateColumns;
using pgstore_internal::LoadRevisions;
using pgstore_internal::NoIncident;
using pgstore_internal::OptTimeAt;
using pgstore_internal::ParseOr;
using pgstore_internal::TimeAt;
using pgstore_internal::UpdateFromRow;

constexpr char kSelectAffected[] =
    "SELECT ic.incident_id, c.name, ic.status FROM incident_components ic "
    "JOIN components c ON c.id = ic.component_id "
    "WHERE ic.incident_id = ANY($1::int8[]) ORDER BY ic.incident_id, ic.position";

constexpr char kSelectSeverityChanges[] =
    "SELECT from_severity, to_severity, reason, author, " PG_MICROS("changed_at") ", " PG_MICROS(
        "next_update_at_before") ", " PG_MICROS("next_update_at_after") " FROM severity_changes "
    "WHERE incident_id = $1 ORDER BY id";

constexpr char kSelectChanges[] =
    "SELECT cl.sequence, cl.kind, coalesce(i.ref, ''), coalesce(cl.update_id, 0), "
    "cl.component_name, cl.actor, " PG_MICROS("cl.at") ", cl.summary FROM change_log cl "
    "LEFT JOIN incidents i ON i.id = cl.incident_id WHERE cl.sequence > $1 "
    "ORDER BY cl.sequence LIMIT $2";

constexpr char kHeadSequence[] = "SELECT value FROM change_sequence";

// Every version of an incident's postmortem, oldest first; one row of NULLs
// for an incident without one, none for an unknown incident.
constexpr char kSelectPostmortemVersions[] =
    "SELECT v.revision, v.url, v.body, " PG_MICROS("v.published_at") ", v.author, "
    "v.lint_findings::text, v.lint_override_reason, "
    PG_MICROS("min(v.published_at) OVER (PARTITION BY v.incident_id)") " "
    "FROM incidents i LEFT JOIN postmortem_revisions v ON v.incident_id = i.id "
    "WHERE i.ref = $1 ORDER BY v.revision";

// Filters with fixed parameters; an empty text means "no filter".
constexpr char kListIncidentsWhere[] =
    "WHERE ($1 = 'any' OR ($1 = 'open' AND i.state <> 'resolved') OR ($1 = 'closed' AND "
    "i.state = 'resolved')) "
    "AND ($2 = '' OR i.state = ANY(string_to_array($2, ','))) "
    "AND ($3 = '' OR i.severity::text = ANY(string_to_array($3, ','))) "
    "AND ($4 = '' OR i.confirmed_start >= NULLIF($4, '')::timestamptz) "
    "AND ($5 = '' OR i.confirmed_start < NULLIF($5, '')::timestamptz) "
    "AND ($6 = '' OR (i.confirmed_start, i.id) < (NULLIF($6, '')::timestamptz, $7::int8)) "
    "ORDER BY i.confirmed_start DESC, i.id DESC LIMIT $8";

void LoadAffected(pqxx::transaction_base& tx, std::vector<Incident*> incidents) {
  if (incidents.empty()) return;
  std::vector<std::string> ids;
  for (Incident* i : incidents) ids.push_back(absl::StrCat(i->id));
  pqxx::result rows =
      tx.exec_params(kSelectAffected, absl::StrCat("{", absl::StrJoin(ids, ","), "}"));
  for (const pqxx::row& r : rows) {
    int64_t id = r[0].as<int64_t>();
    for (Incident* i : incidents) {
      if (i->id == id) {
        i->affected.push_back({r[1].as<std::string>(),
                               ParseOr<ComponentStatus>(r[2].as<std::string>(),
                                                        ParseComponentStatus)});
      }
    }
  }
}

}  // namespace

absl::StatusOr<Incident> PgIncidentStore::GetIncident(const std::string& ref,
                                                      bool with_timeline) {
  Incident out;
  RETURN_IF_ERROR(pool_.Read([&](pqxx::read_transaction& tx) -> absl::Status {
    pqxx::result r = tx.exec_params(
        absl::StrCat("SELECT ", kIncidentColumns, kIncidentFrom, "WHERE i.ref = $1"), ref);
    if (r.empty()) return NoIncident(ref);
    out = IncidentFromRow(r[0]);
    LoadAffected(tx, {&out});
    if (with_timeline) {
      for (const pqxx::row& u : tx.exec_params(
               absl::StrCat("SELECT ", kUpdateColumns,
                            " FROM incident_updates u WHERE u.incident_id = $1 ORDER BY u.id"),
               out.id)) {
        out.updates.push_back(UpdateFromRow(u));
      }
      std::vector<Update*> updates;
      for (Update& u : out.updates) updates.push_back(&u);
      LoadRevisions(tx, updates);
      for (const pqxx::row& s : tx.exec_params(kSelectSeverityChanges, out.id)) {
        SeverityChange c;
        c.from = static_cast<Severity>(s[0].as<int>());
        c.to = static_cast<Severity>(s[1].as<int>());
        c.reason = s[2].as<std::string>();
        c.author = s[3].as<std::string>();
        c.changed_at = TimeAt(s[4]);
        c.next_update_at_before = OptTimeAt(s[5]);
        c.next_update_at_after = OptTimeAt(s[6]);
        out.severity_changes.push_back(c);
      }
      out.role_changes = pgstore_internal::SelectRoleChanges(tx, out.id);
    }
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<Update> PgIncidentStore::GetUpdate(int64_t update_id) {
  Update out;
  RETURN_IF_ERROR(pool_.Read([&](pqxx::read_transaction& tx) -> absl::Status {
    pqxx::result r = tx.exec_params(
        absl::StrCat("SELECT ", kUpdateColumns, " FROM incident_updates u WHERE u.id = $1"),
        update_id);
    if (r.empty()) return absl::NotFoundError(absl::StrCat("no update ", update_id));
    out = UpdateFromRow(r[0]);
    LoadRevisions(tx, {&out});
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<IncidentPage> PgIncidentStore::ListIncidents(const IncidentQuery& q) {
  IncidentPage page;
  const char* openness = q.openness == IncidentQuery::Openness::kOpen     ? "open"
                         : q.openness == IncidentQuery::Openness::kClosed ? "closed"
                                                                          : "any";
  std::vector<std::string> states, severities;
  for (IncidentState s : q.states) states.push_back(StateName(s));
  for (Severity s : q.severities) severities.push_back(absl::StrCat(static_cast<int>(s)));
  RETURN_IF_ERROR(pool_.Read([&](pqxx::read_transaction& tx) -> absl::Status {
    pqxx::result r = tx.exec_params(
        absl::StrCat("SELECT ", kIncidentColumns, kIncidentFrom, kListIncidentsWhere), openness,
        absl::StrJoin(states, ","), absl::StrJoin(severities, ","),
        NullableTimeParam(q.started_after), NullableTimeParam(q.started_before),
        NullableTimeParam(q.after_start), q.after_id, q.page_size + 1);
    for (const pqxx::row& row : r) page.incidents.push_back(IncidentFromRow(row));
    if (static_cast<int>(page.incidents.size()) > q.page_size) {
      page.incidents.pop_back();
      page.has_more = true;
    }
    std::vector<Incident*> ptrs;
    for (Incident& i : page.incidents) ptrs.push_back(&i);
    LoadAffected(tx, ptrs);
    return absl::OkStatus();
  }));
  return page;
}

absl::StatusOr<std::vector<Component>> PgIncidentStore::ListComponents() {
  std::vector<Component> out;
  RETURN_IF_ERROR(pool_.Read([&](pqxx::read_transaction& tx) -> absl::Status {
    out = pgstore_internal::ReadComponents(tx);
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<std::vector<ChangeRecord>> PgIncidentStore::ReadChanges(int64_t after, int limit) {
  std::vector<ChangeRecord> out;
  RETURN_IF_ERROR(pool_.Read([&](pqxx::read_transaction& tx) -> absl::Status {
    for (const pqxx::row& r : tx.exec_params(kSelectChanges, after, limit)) {
      ChangeRecord ch;
      ch.sequence = r[0].as<int64_t>();
      ch.kind = r[1].as<std::string>();
      ch.incident_ref = r[2].as<std::string>();
      ch.update_id = r[3].as<int64_t>();
      ch.component_name = r[4].as<std::string>();
      ch.actor = r[5].as<std::string>();
      ch.at = TimeAt(r[6]);
      ch.summary = r[7].as<std::string>();
      out.push_back(std::move(ch));
    }
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<std::vector<Draft>> PgIncidentStore::ListDrafts(const std::string& incident_ref,
                                                               bool pending_only) {
  absl::StatusOr<std::vector<Draft>> out;
  RETURN_IF_ERROR(pool_.Read([&](pqxx::read_transaction& tx) -> absl::Status {
    out = pgstore_internal::SelectDrafts(tx, incident_ref, pending_only);
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<AuditPage> PgIncidentStore::ListAudit(const AuditQuery& query) {
  AuditPage page;
  RETURN_IF_ERROR(pool_.Read([&](pqxx::read_transaction& tx) -> absl::Status {
    page = pgstore_internal::SelectAudit(tx, query);
    return absl::OkStatus();
  }));
  return page;
}

absl::StatusOr<std::vector<Postmortem>> PgIncidentStore::ListPostmortemVersions(
    const std::string& incident_ref) {
  std::vector<Postmortem> out;
  RETURN_IF_ERROR(pool_.Read([&](pqxx::read_transaction& tx) -> absl::Status {
    pqxx::result r = tx.exec_params(kSelectPostmortemVersions, incident_ref);
    if (r.empty()) return NoIncident(incident_ref);
    out.clear();
    for (const pqxx::row& row : r) {
      if (row[0].is_null()) continue;  // the incident, without a postmortem
      Postmortem p;
      p.revision = row[0].as<int>();
      p.url = row[1].as<std::string>();
      p.body = row[2].as<std::string>();
      p.published_at = TimeAt(row[3]);
      p.author = row[4].as<std::string>();
      // Findings we cannot read (a newer release's shape) are left out, as
      // an update's are.
      absl::StatusOr<std::vector<lint::Finding>> findings =
          lint::FindingsFromJson(row[5].as<std::string>());
      if (findings.ok()) p.lint_findings = std::move(*findings);
      p.lint_override_reason = row[6].as<std::string>();
      p.first_published_at = TimeAt(row[7]);
      out.push_back(std::move(p));
    }
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<int64_t> PgIncidentStore::HeadSequence() {
  int64_t head = 0;
  RETURN_IF_ERROR(pool_.Read([&](pqxx::read_transaction& tx) -> absl::Status {
    head = tx.exec1(kHeadSequence)[0].as<int64_t>();
    return absl::OkStatus();
  }));
  return head;
}


}  // namespace statuscast
