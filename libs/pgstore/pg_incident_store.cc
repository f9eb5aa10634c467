#include "libs/pgstore/pg_incident_store.h"

#include <map>
#include <pqxx/pqxx>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "libs/base/field_violations.h"
#include "libs/base/status_macros.h"
#include "libs/pgstore/change_log.h"
#include "libs/pgstore/component_rows.h"
#include "libs/pgstore/incident_rows.h"
#include "libs/pgstore/notification_outbox.h"
#include "libs/pgstore/update_revisions.h"
#include "libs/pgstore/review_rows.h"
#include "libs/proto_convert/lint_proto.h"

namespace statuscast {
namespace {

using pgstore_internal::ChannelsText;
using pgstore_internal::IncidentFromRow;
using pgstore_internal::OptTimeAt;
using pgstore_internal::ParseOr;
using pgstore_internal::PromiseName;
using pgstore_internal::TimeAt;
using pgstore_internal::LoadRevisions;
using pgstore_internal::UpdateFromRow;

#define US(col) "(extract(epoch from " col ") * 1000000)::int8"

constexpr char kIncidentColumns[] =
    "i.id, i.ref, i.title, i.severity, i.state, " US("i.confirmed_start") ", " US(
        "i.declared_at") ", " US("i.first_communication_at") ", " US("i.investigating_at") ", " US("i.identified_at") ", " US("i.monitoring_at") ", " US("i.resolved_at") ", " US("i.next_update_at") ", " US("i.updated_at") ", i.reopen_count, i.version, "
    "p.url, p.body, " US("p.published_at") ", p.author, p.revision, " US("p.first_published_at") ", "
    "i.commander, i.comms_lead";
// The column a query adds after kIncidentColumns (IncidentFromRow reads 0-23).
constexpr int kAfterIncidentColumns = 24;

constexpr char kIncidentFrom[] =
    " FROM incidents i LEFT JOIN postmortems p ON p.incident_id = i.id ";

constexpr char kUpdateColumns[] =
    "u.id, u.kind, u.state, u.severity, u.message, u.banner_text, u.channels, " US(
        "u.posted_at") ", " US("u.next_update_at") ", u.author, u.kept_promise, "
        "u.lint_findings::text, u.lint_override_reason, u.third_party_confirmed";

constexpr char kSelectAffected[] =
    "SELECT ic.incident_id, c.name, ic.status FROM incident_components ic "
    "JOIN components c ON c.id = ic.component_id "
    "WHERE ic.incident_id = ANY($1::int8[]) ORDER BY ic.incident_id, ic.position";

// An incident's affected components as "name=status,..." in order (names
// hold neither ',' nor '=': IsValidComponentName).
constexpr char kAffectedText[] =
    "(SELECT coalesce(string_agg(c.name || '=' || ic.status, ',' ORDER BY ic.position), '') "
    "FROM incident_components ic JOIN components c ON c.id = ic.component_id "
    "WHERE ic.incident_id = i.id)";

constexpr char kSelectSeverityChanges[] =
    "SELECT from_severity, to_severity, reason, author, " US("changed_at") ", " US(
        "next_update_at_before") ", " US("next_update_at_after") " FROM severity_changes "
    "WHERE incident_id = $1 ORDER BY id";

constexpr char kInsertIncident[] =
    "INSERT INTO incidents (ref, title, severity, state, confirmed_start, declared_at, "
    "first_communication_at, investigating_at, identified_at, monitoring_at, resolved_at, "
    "next_update_at, reopen_count, version, updated_at) VALUES ('INC-' || "
    "nextval('incident_number_seq'), $1, $2, $3, $4::timestamptz, $5::timestamptz, "
    "NULLIF($6, '')::timestamptz, NULLIF($7, '')::timestamptz, NULLIF($8, '')::timestamptz, "
    "NULLIF($9, '')::timestamptz, NULLIF($10, '')::timestamptz, NULLIF($11, '')::timestamptz, "
    "$12, $13, $14::timestamptz) RETURNING id, ref";

constexpr char kUpdateIncident[] =
    "UPDATE incidents SET title = $2, severity = $3, state = $4, "
    "first_communication_at = NULLIF($5, '')::timestamptz, "
    "investigating_at = NULLIF($6, '')::timestamptz, identified_at = NULLIF($7, '')::timestamptz, "
    "monitoring_at = NULLIF($8, '')::timestamptz, resolved_at = NULLIF($9, '')::timestamptz, "
    "next_update_at = NULLIF($10, '')::timestamptz, reopen_count = $11, version = $12, "
    "updated_at = $13::timestamptz WHERE id = $1";

constexpr char kDeleteAffected[] = "DELETE FROM incident_components WHERE incident_id = $1";
constexpr char kInsertAffected[] =
    "INSERT INTO incident_components (incident_id, component_id, position, status) "
    "SELECT $1, id, $2, $3 FROM components WHERE name = $4";

constexpr char kInsertUpdate[] =
    "INSERT INTO incident_updates (incident_id, kind, state, severity, message, banner_text, "
    "channels, posted_at, next_update_at, author, kept_promise, idempotency_key, lint_findings, "
    "lint_override_reason, third_party_confirmed) VALUES ($1, $2, $3, $4, $5, $6, $7, "
    "$8::timestamptz, NULLIF($9, '')::timestamptz, $10, $11, $12, $13::jsonb, $14, $15) "
    "RETURNING id";

// kUpdateIncident ($1, $16-$27) and kInsertUpdate ($1-$15) in one statement:
// an update and the incident header it changed, one round trip.
constexpr char kSaveIncidentAndInsertUpdate[] =
    "WITH saved AS (UPDATE incidents SET title = $16, severity = $17, state = $18, "
    "first_communication_at = NULLIF($19, '')::timestamptz, "
    "investigating_at = NULLIF($20, '')::timestamptz, identified_at = NULLIF($21, "
    "'')::timestamptz, monitoring_at = NULLIF($22, '')::timestamptz, resolved_at = NULLIF($23, "
    "'')::timestamptz, next_update_at = NULLIF($24, '')::timestamptz, reopen_count = $25, "
    "version = $26, updated_at = $27::timestamptz WHERE id = $1) "
    "INSERT INTO incident_updates (incident_id, kind, state, severity, message, banner_text, "
    "channels, posted_at, next_update_at, author, kept_promise, idempotency_key, lint_findings, "
    "lint_override_reason, third_party_confirmed) VALUES ($1, $2, $3, $4, $5, $6, $7, "
    "$8::timestamptz, NULLIF($9, '')::timestamptz, $10, $11, $12, $13::jsonb, $14, $15) "
    "RETURNING id";

constexpr char kInsertSeverityChange[] =
    "INSERT INTO severity_changes (incident_id, from_severity, to_severity, reason, author, "
    "changed_at, next_update_at_before, next_update_at_after) VALUES ($1, $2, $3, $4, $5, "
    "$6::timestamptz, NULLIF($7, '')::timestamptz, NULLIF($8, '')::timestamptz)";

// The version in force, and every version (migration 0017).
constexpr char kUpsertPostmortem[] =
    "WITH version AS (INSERT INTO postmortem_revisions (incident_id, revision, url, body, "
    "published_at, author, lint_findings, lint_override_reason) VALUES ($1, $6, $2, $3, "
    "$4::timestamptz, $5, $8::jsonb, $9)) "
    "INSERT INTO postmortems (incident_id, url, body, published_at, author, revision, "
    "first_published_at) VALUES ($1, $2, $3, $4::timestamptz, $5, $6, $7::timestamptz) "
    "ON CONFLICT (incident_id) DO UPDATE SET url = EXCLUDED.url, body = EXCLUDED.body, "
    "published_at = EXCLUDED.published_at, author = EXCLUDED.author, revision = "
    "EXCLUDED.revision, first_published_at = EXCLUDED.first_published_at";

// Every version of an incident's postmortem, oldest first; one row of NULLs
// for an incident without one, none for an unknown incident.
constexpr char kSelectPostmortemVersions[] =
    "SELECT v.revision, v.url, v.body, " US("v.published_at") ", v.author, "
    "v.lint_findings::text, v.lint_override_reason, "
    US("min(v.published_at) OVER (PARTITION BY v.incident_id)") " "
    "FROM incidents i LEFT JOIN postmortem_revisions v ON v.incident_id = i.id "
    "WHERE i.ref = $1 ORDER BY v.revision";

constexpr char kInsertComponent[] =
    "INSERT INTO components (name, group_name, description, created_at, banner_apps, "
    "banner_paths, display_name) VALUES ($1, $2, $3, $4::timestamptz, $5, $6, $7) ON CONFLICT "
    "(name) DO NOTHING RETURNING id";


// Locks the key, then reads the earlier write's result (migration 0008). The
// sequence is NULL while that write's change is still pending.
constexpr char kLockIdempotencyKey[] = "SELECT * FROM lock_idempotency_key($1)";

constexpr char kSelectChanges[] =
    "SELECT cl.sequence, cl.kind, coalesce(i.ref, ''), coalesce(cl.update_id, 0), "
    "cl.component_name, cl.actor, " US("cl.at") ", cl.summary FROM change_log cl "
    "LEFT JOIN incidents i ON i.id = cl.incident_id WHERE cl.sequence > $1 "
    "ORDER BY cl.sequence LIMIT $2";
constexpr char kHeadSequence[] = "SELECT value FROM change_sequence";

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

// The write path's statements run as named prepared statements: parsed and
// planned once per connection instead of on every write.
template <typename... Args>
pqxx::result ExecPrepared(pqxx::transaction_base& w, const std::string& name,
                          const std::string& sql, Args&&... args) {
  w.conn().prepare(name, sql);  // a no-op once this connection knows it
  return w.exec_prepared(name, std::forward<Args>(args)...);
}

template <typename Tx>
void LoadAffected(Tx& tx, std::vector<Incident*> incidents) {
  if (incidents.empty()) return;
  std::vector<std::string> ids;
  for (Incident* i : incidents) ids.push_back(absl::StrCat(i->id));
  pqxx::result rows = tx.exec_params(kSelectAffected, absl::StrCat("{", absl::StrJoin(ids, ","), "}"));
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

bool SameAffected(const std::vector<AffectedComponent>& a,
                  const std::vector<AffectedComponent>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].name != b[i].name || a[i].status != b[i].status) return false;
  }
  return true;
}

// A change recorded in the transaction, numbered after it commits.
struct PendingChange {
  RecordedChange change;
  int64_t* sequence;  // may be null
};

class PgTransaction final : public StoreTransaction {
 public:
  PgTransaction(pqxx::work& w, std::vector<PendingChange>& pending) : w_(w), pending_(pending) {}

  absl::StatusOr<absl::optional<IdempotentResult>> FindIdempotent(
      const std::string& key) override {
    FlushSave();
    pqxx::result r = ExecPrepared(w_, "lock_idempotency_key", kLockIdempotencyKey, key);
    if (r.empty()) return absl::optional<IdempotentResult>();
    IdempotentResult out;
    out.operation = r[0][0].as<std::string>();
    out.fingerprint = r[0][1].as<std::string>();
    out.incident_ref = r[0][2].as<std::string>();
    out.update_id = r[0][3].as<int64_t>();
    // Still pending: the first write committed but was not numbered yet (it
    // is between its two steps, or its connection broke). Number it now.
    out.sequence = r[0][4].is_null() ? SequenceChangeIn(w_, r[0][5].as<int64_t>())
                                     : r[0][4].as<int64_t>();
    return absl::optional<IdempotentResult>(out);
  }

  absl::StatusOr<Incident> LockIncident(const std::string& ref) override {
    FlushSave();
    // With its affected components, in one round trip.
    static const std::string* const kLock =
        new std::string(absl::StrCat("SELECT ", kIncidentColumns, ", ", kAffectedText,
                                     kIncidentFrom, "WHERE i.ref = $1 FOR UPDATE OF i"));
    pqxx::result r = ExecPrepared(w_, "lock_incident", *kLock, ref);
    if (r.empty()) {
      return pgstore_internal::NoSuchIncident(ref);
    }
    Incident i = IncidentFromRow(r[0]);
    const std::string affected = r[0][kAfterIncidentColumns].as<std::string>();
    for (absl::string_view item : absl::StrSplit(affected, ',', absl::SkipEmpty())) {
      std::pair<std::string, std::string> name_status = absl::StrSplit(item, '=');
      i.affected.push_back({name_status.first, ParseOr<ComponentStatus>(name_status.second,
                                                                        ParseComponentStatus)});
    }
    locked_affected_[i.id] = i.affected;
    return i;
  }

  absl::Status CheckComponentsExist(const std::vector<AffectedComponent>& affected,
                                    const std::string& field) override {
    FlushSave();
    std::set<std::string> known, retired;
    pqxx::result r = w_.exec("SELECT name, retired_at IS NOT NULL FROM components");
    for (const pqxx::row& row : r) {
      (row[1].as<bool>() ? retired : known).insert(row[0].as<std::string>());
    }
    FieldViolations v;
    for (size_t i = 0; i < affected.size(); ++i) {
      if (retired.count(affected[i].name)) {
        v.Add(absl::StrCat(field, "[", i, "].name"),
              absl::StrCat("component \"", affected[i].name,
                           "\" is retired; name a current one (statuscastctl components)"));
      } else if (!known.count(affected[i].name)) {
        v.Add(absl::StrCat(field, "[", i, "].name"),
              absl::StrCat("no component named \"", affected[i].name,
                           "\"; create it first (statuscastctl components create ",
                           affected[i].name, ")"));
      }
    }
    return v.ToStatus();
  }

  absl::Status InsertIncident(Incident& i) override {
    FlushSave();
    pqxx::row r = w_.exec_params1(
        kInsertIncident, i.title, static_cast<int>(i.severity), StateName(i.state),
        TimeParam(i.confirmed_start), TimeParam(i.declared_at),
        NullableTimeParam(i.first_communication_at), NullableTimeParam(i.investigating_at),
        NullableTimeParam(i.identified_at), NullableTimeParam(i.monitoring_at),
        NullableTimeParam(i.resolved_at), NullableTimeParam(i.next_update_at), i.reopen_count,
        i.version, TimeParam(i.updated_at));
    i.id = r[0].as<int64_t>();
    i.ref = r[1].as<std::string>();
    return WriteAffected(i);
  }

  absl::Status SaveIncident(const Incident& i) override {
    FlushSave();
    // Most updates leave the affected components as LockIncident read them;
    // then the header is written with the next statement (Finish() at the
    // latest), in InsertUpdate's when that comes next.
    pending_save_ = i;
    auto locked = locked_affected_.find(i.id);
    if (locked != locked_affected_.end() && SameAffected(locked->second, i.affected)) {
      return absl::OkStatus();
    }
    FlushSave();
    return WriteAffected(i);
  }

  absl::StatusOr<int64_t> InsertUpdate(int64_t incident_id, const Update& u,
                                       const std::string& idempotency_key) override {
    if (pending_save_ && pending_save_->id == incident_id) {
      const Incident& i = *pending_save_;
      pqxx::result r = ExecPrepared(
          w_, "save_incident_and_insert_update", kSaveIncidentAndInsertUpdate, incident_id, UpdateKindName(u.kind), StateName(u.state),
          static_cast<int>(u.severity), u.message, u.banner_text, ChannelsText(u.channels),
          TimeParam(u.posted_at), NullableTimeParam(u.next_update_at), u.author,
          PromiseName(u.kept_promise), idempotency_key, lint::FindingsToJson(u.lint_findings),
          u.lint_override_reason, u.third_party_confirmed, i.title, static_cast<int>(i.severity),
          StateName(i.state), NullableTimeParam(i.first_communication_at),
          NullableTimeParam(i.investigating_at), NullableTimeParam(i.identified_at),
          NullableTimeParam(i.monitoring_at), NullableTimeParam(i.resolved_at),
          NullableTimeParam(i.next_update_at), i.reopen_count, i.version, TimeParam(i.updated_at));
      pending_save_.reset();
      return r[0][0].as<int64_t>();
    }
    FlushSave();
    pqxx::row r = w_.exec_params1(
        kInsertUpdate, incident_id, UpdateKindName(u.kind), StateName(u.state),
        static_cast<int>(u.severity), u.message, u.banner_text, ChannelsText(u.channels),
        TimeParam(u.posted_at), NullableTimeParam(u.next_update_at), u.author,
        PromiseName(u.kept_promise), idempotency_key, lint::FindingsToJson(u.lint_findings),
        u.lint_override_reason, u.third_party_confirmed);
    return r[0].as<int64_t>();
  }

  absl::Status InsertSeverityChange(int64_t incident_id, const SeverityChange& c) override {
    FlushSave();
    w_.exec_params(kInsertSeverityChange, incident_id, static_cast<int>(c.from),
                   static_cast<int>(c.to), c.reason, c.author, TimeParam(c.changed_at),
                   NullableTimeParam(c.next_update_at_before),
                   NullableTimeParam(c.next_update_at_after));
    return absl::OkStatus();
  }

  absl::Status SavePostmortem(int64_t incident_id, const Postmortem& p) override {
    FlushSave();
    w_.exec_params(kUpsertPostmortem, incident_id, p.url, p.body, TimeParam(p.published_at),
                   p.author, p.revision, TimeParam(p.first_published_at),
                   lint::FindingsToJson(p.lint_findings), p.lint_override_reason);
    return absl::OkStatus();
  }

  absl::Status InsertComponent(Component& c) override {
    FlushSave();
    pqxx::result r =
        w_.exec_params(kInsertComponent, c.name, c.group, c.description, TimeParam(c.created_at),
                       absl::StrJoin(c.banner_apps, ","), absl::StrJoin(c.banner_paths, ","),
                       c.display_name);
    if (r.empty()) {
      return absl::AlreadyExistsError(absl::StrCat("a component named \"", c.name,
                                                   "\" already exists"));
    }
    return absl::OkStatus();
  }

  absl::StatusOr<Component> LockComponent(const std::string& name) override {
    FlushSave();
    return pgstore_internal::LockComponentRow(w_, name);
  }

  absl::StatusOr<std::vector<std::string>> OpenIncidentsAffecting(
      const std::string& name) override {
    FlushSave();
    return pgstore_internal::OpenIncidentRefsAffecting(w_, name);
  }

  absl::Status SaveComponent(const Component& c) override {
    FlushSave();
    pgstore_internal::SaveComponentRow(w_, c);
    return absl::OkStatus();
  }

  absl::StatusOr<Update> LockUpdate(int64_t incident_id, int64_t update_id) override {
    FlushSave();
    pqxx::result r = w_.exec_params(
        absl::StrCat("SELECT ", kUpdateColumns,
                     " FROM incident_updates u WHERE u.id = $1 AND u.incident_id = $2 FOR UPDATE"),
        update_id, incident_id);
    if (r.empty()) {
      return absl::NotFoundError(absl::StrCat("the incident has no update ", update_id,
                                              " (statuscastctl show INC-n lists its updates)"));
    }
    Update u = UpdateFromRow(r[0]);
    LoadRevisions(w_, {&u});
    return u;
  }

  absl::Status SaveCorrection(const Update& u) override {
    FlushSave();
    pgstore_internal::WriteCorrection(w_, u);
    return absl::OkStatus();
  }

  absl::Status SaveRoles(const Incident& incident,
                         const std::vector<RoleChange>& changes) override {
    FlushSave();
    pgstore_internal::SaveRoles(w_, incident, changes);
    return absl::OkStatus();
  }

  absl::Status InsertDraft(Draft& draft) override {
    FlushSave();
    draft.id = pgstore_internal::InsertDraft(w_, draft);
    return absl::OkStatus();
  }

  absl::StatusOr<Draft> LockDraft(int64_t draft_id) override {
    FlushSave();
    return pgstore_internal::LockDraft(w_, draft_id);
  }

  absl::Status SaveDraftDecision(const Draft& draft) override {
    FlushSave();
    pgstore_internal::SaveDraftDecision(w_, draft);
    return absl::OkStatus();
  }

  absl::Status Record(const MutationRecord& m, int64_t* sequence) override {
    FlushSave();
    pending_.push_back({RecordChange(w_, m), sequence});
    // The transactional outbox: this change's notifications commit with it.
    EnqueueNotifications(w_, m, pending_.back().change.change_id);
    return absl::OkStatus();
  }

  // Writes what is still deferred; call before commit.
  void Finish() { FlushSave(); }

 private:
  void FlushSave() {
    if (!pending_save_) return;
    const Incident& i = *pending_save_;
    ExecPrepared(w_, "update_incident", kUpdateIncident, i.id, i.title,
                 static_cast<int>(i.severity), StateName(i.state),
                 NullableTimeParam(i.first_communication_at), NullableTimeParam(i.investigating_at),
                 NullableTimeParam(i.identified_at), NullableTimeParam(i.monitoring_at),
                 NullableTimeParam(i.resolved_at), NullableTimeParam(i.next_update_at),
                 i.reopen_count, i.version, TimeParam(i.updated_at));
    pending_save_.reset();
  }

  absl::Status WriteAffected(const Incident& i) {
    w_.exec_params(kDeleteAffected, i.id);
    for (size_t k = 0; k < i.affected.size(); ++k) {
      w_.exec_params(kInsertAffected, i.id, static_cast<int>(k),
                     ComponentStatusName(i.affected[k].status), i.affected[k].name);
    }
    return absl::OkStatus();
  }

  pqxx::work& w_;
  std::vector<PendingChange>& pending_;
  // What LockIncident read, by incident id.
  std::map<int64_t, std::vector<AffectedComponent>> locked_affected_;
  // A SaveIncident not written yet (see SaveIncident).
  absl::optional<Incident> pending_save_;
};

}  // namespace

absl::Status PgIncidentStore::RunInTransaction(
    const std::function<absl::Status(StoreTransaction&)>& fn) {
  return pool_.Run([&](pqxx::connection& c) -> absl::Status {
    std::vector<PendingChange> pending;
    for (int attempt = 1;; ++attempt) {
      pending.clear();
      try {
        pqxx::work w(c);
        PgTransaction tx(w, pending);
        absl::Status s = fn(tx);
        if (!s.ok()) return s;
        tx.Finish();
        w.commit();
        break;
      } catch (const pqxx::serialization_failure&) {
        if (attempt >= 3) throw;
      } catch (const pqxx::deadlock_detected&) {
        if (attempt >= 3) throw;
      }
    }
    // Committed: number the changes (change_log.h). Should this fail, the
    // write stands and its change is numbered by the next writer, or by a
    // retry with the same idempotency key.
    try {
      for (const PendingChange& p : pending) {
        int64_t seq = SequenceRecorded(c, p.change);
        if (p.sequence != nullptr) *p.sequence = seq;
      }
    } catch (...) {
      absl::Status s = PgPool::StatusFromCurrentException("numbering a saved change");
      return absl::Status(s.code(), absl::StrCat("the write was saved but not yet numbered in the "
                                                 "change log (",
                                                 s.message(),
                                                 "); retry with the same idempotency_key for "
                                                 "its result"));
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<Incident> PgIncidentStore::GetIncident(const std::string& ref,
                                                      bool with_timeline) {
  Incident out;
  RETURN_IF_ERROR(pool_.Run([&](pqxx::connection& c) -> absl::Status {
    pqxx::read_transaction tx(c);
    pqxx::result r = tx.exec_params(
        absl::StrCat("SELECT ", kIncidentColumns, kIncidentFrom, "WHERE i.ref = $1"), ref);
    if (r.empty()) {
      return pgstore_internal::NoSuchIncident(ref);
    }
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
  RETURN_IF_ERROR(pool_.Run([&](pqxx::connection& c) -> absl::Status {
    pqxx::read_transaction tx(c);
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
  RETURN_IF_ERROR(pool_.Run([&](pqxx::connection& c) -> absl::Status {
    pqxx::read_transaction tx(c);
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
  RETURN_IF_ERROR(pool_.Run([&](pqxx::connection& c) -> absl::Status {
    pqxx::read_transaction tx(c);
    out = pgstore_internal::ReadComponents(tx);
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<std::vector<ChangeRecord>> PgIncidentStore::ReadChanges(int64_t after, int limit) {
  std::vector<ChangeRecord> out;
  RETURN_IF_ERROR(pool_.Run([&](pqxx::connection& c) -> absl::Status {
    pqxx::read_transaction tx(c);
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
  RETURN_IF_ERROR(pool_.Run([&](pqxx::connection& c) -> absl::Status {
    pqxx::read_transaction tx(c);
    out = pgstore_internal::SelectDrafts(tx, incident_ref, pending_only);
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<AuditPage> PgIncidentStore::ListAudit(const AuditQuery& query) {
  AuditPage page;
  RETURN_IF_ERROR(pool_.Run([&](pqxx::connection& c) -> absl::Status {
    pqxx::read_transaction tx(c);
    page = pgstore_internal::SelectAudit(tx, query);
    return absl::OkStatus();
  }));
  return page;
}

absl::StatusOr<std::vector<Postmortem>> PgIncidentStore::ListPostmortemVersions(
    const std::string& incident_ref) {
  std::vector<Postmortem> out;
  RETURN_IF_ERROR(pool_.Run([&](pqxx::connection& c) -> absl::Status {
    pqxx::read_transaction tx(c);
    pqxx::result r = tx.exec_params(kSelectPostmortemVersions, incident_ref);
    if (r.empty()) return pgstore_internal::NoSuchIncident(incident_ref);
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
  RETURN_IF_ERROR(pool_.Run([&](pqxx::connection& c) -> absl::Status {
    pqxx::read_transaction tx(c);
    head = tx.exec1(kHeadSequence)[0].as<int64_t>();
    return absl::OkStatus();
  }));
  return head;
}

}  // namespace statuscast
