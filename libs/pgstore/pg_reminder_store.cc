#include "libs/pgstore/pg_pool.h"
#include "libs/pgstore/pg_reminder_store.h"

#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "libs/base/status_macros.h"

namespace statuscast {
namespace {

constexpr char kRaise[] =
    "INSERT INTO reminders (incident_id, kind, due, raised_at, text, suggested_message) "
    "SELECT id, $2, $3::timestamptz, $4::timestamptz, $5, $6 FROM incidents WHERE ref = $1 "
    "ON CONFLICT (incident_id, kind, due) DO NOTHING RETURNING id";
constexpr char kColumns[] =
    "r.id, r.kind, i.ref, i.title, i.severity, " PG_MICROS("r.due") ", " PG_MICROS("r.raised_at") ", r.text, "
    "r.suggested_message FROM reminders r JOIN incidents i ON i.id = r.incident_id ";
constexpr char kNotifyReminder[] = "SELECT pg_notify('statuscast_reminders', $1)";

StoredReminder FromRow(const pqxx::row& r) {
  StoredReminder s;
  s.id = r[0].as<int64_t>();
  s.kind = r[1].as<std::string>();
  s.incident_ref = r[2].as<std::string>();
  s.title = r[3].as<std::string>();
  s.severity = static_cast<Severity>(r[4].as<int>());
  s.due = absl::FromUnixMicros(r[5].as<int64_t>());
  s.raised_at = absl::FromUnixMicros(r[6].as<int64_t>());
  s.text = r[7].as<std::string>();
  s.suggested_message = r[8].as<std::string>();
  return s;
}

}  // namespace

absl::StatusOr<absl::optional<int64_t>> PgReminderStore::Raise(
    const std::string& incident_ref, const std::string& kind, absl::Time due, absl::Time raised_at,
    const std::string& text, const std::string& suggested_message) {
  absl::optional<int64_t> id;
  RETURN_IF_ERROR(pool_.Run([&](pqxx::connection& c) -> absl::Status {
    pqxx::work w(c);
    pqxx::result r = w.exec_params(kRaise, incident_ref, kind, TimeParam(due),
                                   TimeParam(raised_at), text, suggested_message);
    if (!r.empty()) {
      id = r[0][0].as<int64_t>();
      w.exec_params(kNotifyReminder, absl::StrCat(*id));
    }
    w.commit();
    return absl::OkStatus();
  }));
  return id;
}

absl::StatusOr<std::vector<StoredReminder>> PgReminderStore::ReadAfter(int64_t after_id,
                                                                       int limit) {
  std::vector<StoredReminder> out;
  RETURN_IF_ERROR(pool_.Read([&](pqxx::read_transaction& tx) -> absl::Status {
    for (const pqxx::row& r : tx.exec_params(
             absl::StrCat("SELECT ", kColumns, "WHERE r.id > $1 ORDER BY r.id LIMIT $2"),
             after_id, limit)) {
      out.push_back(FromRow(r));
    }
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<std::vector<StoredReminder>> PgReminderStore::RecentForOpen(absl::Time since,
                                                                           int64_t* newest_id) {
  std::vector<StoredReminder> out;
  RETURN_IF_ERROR(pool_.Read([&](pqxx::read_transaction& tx) -> absl::Status {
    *newest_id = tx.exec1("SELECT coalesce(max(id), 0) FROM reminders")[0].as<int64_t>();
    for (const pqxx::row& r : tx.exec_params(
             absl::StrCat("SELECT ", kColumns,
                          "WHERE i.state <> 'resolved' AND r.raised_at >= $1::timestamptz AND "
                          "r.id <= $2 AND ((r.kind IN ('due_soon', 'missed', 'promise_moved') AND "
                          "i.next_update_at = r.due) OR (r.kind IN ('first_due_soon', "
                          "'first_late') AND i.first_communication_at IS NULL) OR (r.kind = "
                          "'no_comms_lead' AND "
                          "i.comms_lead = '') OR (r.kind = 'draft_waiting' AND EXISTS (SELECT 1 "
                          "FROM update_drafts d WHERE d.incident_id = i.id AND d.status = "
                          "'pending' AND d.proposed_at = r.due))) ORDER BY r.id"),
             TimeParam(since), *newest_id)) {
      out.push_back(FromRow(r));
    }
    return absl::OkStatus();
  }));
  return out;
}

}  // namespace statuscast
