#include "libs/pgstore/pg_maintenance_store.h"

#include <map>
#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "libs/base/field_violations.h"
#include "libs/base/status_macros.h"
#include "libs/base/time_text.h"
#include "libs/pgstore/change_log.h"
#include "libs/pgstore/pg_pool.h"

namespace statuscast {
namespace {

constexpr char kColumns[] =
    "m.id, m.ref, m.title, m.message, m.state, " PG_MICROS("m.scheduled_start") ", " PG_MICROS(
        "m.scheduled_end") ", " PG_MICROS("m.started_at") ", " PG_MICROS("m.ended_at") ", m.created_by, " PG_MICROS(
        "m.created_at") ", " PG_MICROS("m.updated_at") ", m.version";
constexpr char kComponentsOf[] =
    "SELECT mc.maintenance_id, c.name FROM maintenance_components mc JOIN components c ON c.id = "
    "mc.component_id WHERE mc.maintenance_id = ANY($1::int8[]) ORDER BY mc.maintenance_id, "
    "mc.position";
constexpr char kComponentIds[] = "SELECT name, id FROM components WHERE name = ANY($1::text[])";
constexpr char kInsert[] =
    "INSERT INTO maintenance_windows (ref, title, message, state, scheduled_start, scheduled_end, "
    "created_by, created_at, updated_at, version) VALUES ('MNT-' || "
    "nextval('maintenance_number_seq'), $1, $2, $3, $4::timestamptz, $5::timestamptz, $6, "
    "$7::timestamptz, $7::timestamptz, 1) RETURNING id, ref";
constexpr char kInsertComponent[] =
    "INSERT INTO maintenance_components (maintenance_id, component_id, position) VALUES ($1, $2, "
    "$3)";
constexpr char kSave[] =
    "UPDATE maintenance_windows SET state = $2, started_at = NULLIF($3, '')::timestamptz, "
    "ended_at = NULLIF($4, '')::timestamptz, updated_at = $5::timestamptz, version = $6 "
    "WHERE ref = $1 AND version = $6 - 1";

absl::optional<absl::Time> OptTime(const pqxx::field& f) {
  if (f.is_null()) return absl::nullopt;
  return absl::FromUnixMicros(f.as<int64_t>());
}

MaintenanceWindow FromRow(const pqxx::row& r) {
  MaintenanceWindow w;
  w.id = r[0].as<int64_t>();
  w.ref = r[1].as<std::string>();
  w.title = r[2].as<std::string>();
  w.message = r[3].as<std::string>();
  ParseMaintenanceState(r[4].as<std::string>(), &w.state);
  w.scheduled_start = absl::FromUnixMicros(r[5].as<int64_t>());
  w.scheduled_end = absl::FromUnixMicros(r[6].as<int64_t>());
  w.started_at = OptTime(r[7]);
  w.ended_at = OptTime(r[8]);
  w.created_by = r[9].as<std::string>();
  w.created_at = absl::FromUnixMicros(r[10].as<int64_t>());
  w.updated_at = absl::FromUnixMicros(r[11].as<int64_t>());
  w.version = r[12].as<int64_t>();
  return w;
}

// "{1,2,3}" / "{\"a\",\"b\"}": array literals for ANY($1).
std::string IdArray(const std::vector<MaintenanceWindow>& ws) {
  std::vector<std::string> ids;
  for (const MaintenanceWindow& w : ws) ids.push_back(absl::StrCat(w.id));
  return absl::StrCat("{", absl::StrJoin(ids, ","), "}");
}

std::string TextArray(const std::vector<std::string>& names) {
  std::vector<std::string> quoted;
  for (const std::string& n : names) {
    std::string q = "\"";
    for (char ch : n) {
      if (ch == '"' || ch == '\\') q.push_back('\\');
      q.push_back(ch);
    }
    quoted.push_back(q + "\"");
  }
  return absl::StrCat("{", absl::StrJoin(quoted, ","), "}");
}

void FillComponents(pqxx::transaction_base& tx, std::vector<MaintenanceWindow>& ws) {
  if (ws.empty()) return;
  std::map<int64_t, MaintenanceWindow*> by_id;
  for (MaintenanceWindow& w : ws) by_id[w.id] = &w;
  for (const pqxx::row& r : tx.exec_params(kComponentsOf, IdArray(ws))) {
    by_id[r[0].as<int64_t>()]->components.push_back(r[1].as<std::string>());
  }
}

// Newest start first, at most `limit`.
std::vector<MaintenanceWindow> ReadWindows(pqxx::transaction_base& tx, bool include_finished,
                                           int limit) {
  std::vector<MaintenanceWindow> out;
  const std::string sql =
      absl::StrCat("SELECT ", kColumns, " FROM maintenance_windows m",
                   include_finished ? "" : " WHERE m.state IN ('scheduled', 'in_progress')",
                   " ORDER BY m.scheduled_start DESC, m.id DESC LIMIT $1");
  for (const pqxx::row& r : tx.exec_params(sql, limit)) out.push_back(FromRow(r));
  FillComponents(tx, out);
  return out;
}

// "MNT-3 (scheduled 2026-11-28 22:00 UTC to 23:00 UTC): Database upgrade"
std::string Summary(const MaintenanceWindow& w) {
  return absl::StrCat(w.ref, " (", MaintenanceStateName(w.state), ", ",
                      FormatUtcMinute(w.scheduled_start), " to ", FormatUtcMinute(w.scheduled_end),
                      "): ", w.title);
}

MutationRecord Mutation(const std::string& kind, const MaintenanceWindow& w,
                        const std::string& actor, const std::string& request_id, absl::Time at) {
  MutationRecord m;
  m.kind = kind;
  m.actor = actor;
  m.request_id = request_id;
  m.summary = Summary(w);
  m.details =
      absl::StrCat(kind, " ", Summary(w), "; components ", absl::StrJoin(w.components, ", "));
  m.at = at;
  return m;
}

}  // namespace

absl::Status PgMaintenanceStore::Insert(MaintenanceWindow& w, const std::string& request_id) {
  return pool_.Run([&](pqxx::connection& c) -> absl::Status {
    pqxx::work tx(c);
    std::map<std::string, int64_t> ids;
    for (const pqxx::row& r : tx.exec_params(kComponentIds, TextArray(w.components))) {
      ids[r[0].as<std::string>()] = r[1].as<int64_t>();
    }
    for (size_t i = 0; i < w.components.size(); ++i) {
      if (ids.count(w.components[i]) == 0) {
        return InvalidField(absl::StrCat("components[", i, "]"),
                            absl::StrCat("names no component: \"", w.components[i],
                                         "\" (statuscastctl components list shows them)"));
      }
    }
    pqxx::row r = tx.exec_params1(kInsert, w.title, w.message, MaintenanceStateName(w.state),
                                  TimeParam(w.scheduled_start), TimeParam(w.scheduled_end),
                                  w.created_by, TimeParam(w.created_at));
    w.id = r[0].as<int64_t>();
    w.ref = r[1].as<std::string>();
    for (size_t i = 0; i < w.components.size(); ++i) {
      tx.exec_params(kInsertComponent, w.id, ids[w.components[i]], static_cast<int>(i));
    }
    const RecordedChange change = RecordChange(
        tx, Mutation("maintenance_scheduled", w, w.created_by, request_id, w.created_at));
    tx.commit();
    SequenceRecorded(c, change);
    return absl::OkStatus();
  });
}

absl::StatusOr<MaintenanceWindow> PgMaintenanceStore::Get(const std::string& ref) {
  MaintenanceWindow w;
  RETURN_IF_ERROR(pool_.Read([&](pqxx::read_transaction& tx) -> absl::Status {
    pqxx::result r = tx.exec_params(
        absl::StrCat("SELECT ", kColumns, " FROM maintenance_windows m WHERE m.ref = $1"), ref);
    if (r.empty()) {
      return absl::NotFoundError(absl::StrCat(
          "no maintenance window ", ref, " (statuscastctl maintenance list --all shows them)"));
    }
    std::vector<MaintenanceWindow> one = {FromRow(r[0])};
    FillComponents(tx, one);
    w = std::move(one[0]);
    return absl::OkStatus();
  }));
  return w;
}

absl::Status PgMaintenanceStore::Save(const MaintenanceWindow& w, const std::string& kind,
                                      const std::string& actor, const std::string& request_id) {
  return pool_.Run([&](pqxx::connection& c) -> absl::Status {
    pqxx::work tx(c);
    pqxx::result r =
        tx.exec_params(kSave, w.ref, MaintenanceStateName(w.state), NullableTimeParam(w.started_at),
                       NullableTimeParam(w.ended_at), TimeParam(w.updated_at), w.version);
    if (r.affected_rows() != 1) {
      return absl::AbortedError(absl::StrCat(w.ref,
                                             " changed while this request was applied; "
                                             "read it again, then retry"));
    }
    const RecordedChange change =
        RecordChange(tx, Mutation(kind, w, actor, request_id, w.updated_at));
    tx.commit();
    SequenceRecorded(c, change);
    return absl::OkStatus();
  });
}

std::vector<MaintenanceWindow> ReadUnfinishedMaintenance(pqxx::transaction_base& tx, int limit) {
  return ReadWindows(tx, false, limit);
}

absl::StatusOr<std::vector<MaintenanceWindow>> PgMaintenanceStore::List(const MaintenanceQuery& q) {
  std::vector<MaintenanceWindow> out;
  RETURN_IF_ERROR(pool_.Read([&](pqxx::read_transaction& tx) -> absl::Status {
    out = ReadWindows(tx, q.include_finished, q.limit);
    return absl::OkStatus();
  }));
  return out;
}

}  // namespace statuscast
