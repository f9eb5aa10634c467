#include "libs/pgstore/pg_banner_store.h"

#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "libs/base/status_macros.h"
#include "libs/pgstore/change_log.h"
#include "libs/pgstore/pg_maintenance_store.h"
#include "libs/pgstore/pg_pool.h"

namespace statuscast {
namespace {

constexpr char kHead[] = "SELECT value FROM change_sequence";
constexpr char kCommitTimes[] =
    "SELECT sequence, " PG_MICROS("at") " FROM change_log WHERE sequence > $1 ORDER BY sequence "
    "LIMIT 10000";
constexpr char kOpenIncidents[] =
    "SELECT id, ref, severity, state, " PG_MICROS("next_update_at") " FROM incidents "
    "WHERE state <> 'resolved' ORDER BY id";
constexpr char kOpenAffected[] =
    "SELECT ic.incident_id, c.name FROM incident_components ic JOIN components c ON c.id = "
    "ic.component_id JOIN incidents i ON i.id = ic.incident_id WHERE i.state <> 'resolved' "
    "ORDER BY ic.incident_id, ic.position";
// Updates with the banner text they were posted with, severity changes, and
// corrections of an update's text (migration 0015), in time order.
constexpr char kOpenHistory[] =
    "SELECT * FROM ("
    " SELECT u.incident_id, " PG_MICROS("u.posted_at") " AS at, 0 AS ord, u.id, true AS is_update, "
    "   u.channels, coalesce((SELECT r.banner_text FROM update_revisions r WHERE r.update_id = "
    "   u.id AND r.revision = 1), u.banner_text), u.state, u.severity, false, 0 AS rev"
    " FROM incident_updates u JOIN incidents i ON i.id = u.incident_id WHERE i.state <> 'resolved'"
    " UNION ALL"
    " SELECT s.incident_id, " PG_MICROS("s.changed_at") ", 1, s.id, false, '', '', '', s.to_severity, "
    "   false, 0"
    " FROM severity_changes s JOIN incidents i ON i.id = s.incident_id WHERE i.state <> 'resolved'"
    " UNION ALL"
    " SELECT u.incident_id, " PG_MICROS("r.revised_at") ", 2, u.id, true, u.channels, r.banner_text, "
    "   u.state, u.severity, true, r.revision"
    " FROM update_revisions r JOIN incident_updates u ON u.id = r.update_id JOIN incidents i ON "
    " i.id = u.incident_id WHERE i.state <> 'resolved' AND r.revision > 1"
    ") h ORDER BY incident_id, at, ord, id, rev";
constexpr char kPlacements[] = "SELECT name, banner_apps, banner_paths FROM components";
constexpr char kBannerColumns[] =
    "id, text, level, link, apps, path_patterns, components, " PG_MICROS("starts_at") ", " PG_MICROS(
        "ends_at") ", enabled, content_version, " PG_MICROS("updated_at") ", updated_by";
constexpr char kKillSwitches[] = "SELECT scope, engaged, reason, set_by, " PG_MICROS(
    "set_at") " FROM kill_switches ORDER BY scope";
constexpr char kInsertBanner[] =
    "INSERT INTO manual_banners (text, level, link, apps, path_patterns, components, starts_at, "
    "ends_at, enabled, content_version, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6, "
    "NULLIF($7, '')::timestamptz, NULLIF($8, '')::timestamptz, $9, 1, $10::timestamptz, $11) "
    "RETURNING id";
constexpr char kUpdateBanner[] =
    "UPDATE manual_banners SET text = $2, level = $3, link = $4, apps = $5, path_patterns = $6, "
    "components = $7, starts_at = NULLIF($8, '')::timestamptz, ends_at = NULLIF($9, "
    "'')::timestamptz, enabled = $10, content_version = $11, updated_at = $12::timestamptz, "
    "updated_by = $13 WHERE id = $1";
constexpr char kUpsertKillSwitch[] =
    "INSERT INTO kill_switches (scope, engaged, reason, set_by, set_at) VALUES ($1, $2, $3, $4, "
    "$5::timestamptz) ON CONFLICT (scope) DO UPDATE SET engaged = EXCLUDED.engaged, reason = "
    "EXCLUDED.reason, set_by = EXCLUDED.set_by, set_at = EXCLUDED.set_at";

absl::Time TimeAt(const pqxx::field& f) { return absl::FromUnixMicros(f.as<int64_t>()); }
absl::optional<absl::Time> OptTimeAt(const pqxx::field& f) {
  if (f.is_null()) return absl::nullopt;
  return TimeAt(f);
}
std::vector<std::string> List(const pqxx::field& f) {
  return absl::StrSplit(f.as<std::string>(), ',', absl::SkipEmpty());
}

ManualBannerRecord BannerFromRow(const pqxx::row& r) {
  ManualBannerRecord b;
  b.id = r[0].as<int64_t>();
  b.text = r[1].as<std::string>();
  b.level = static_cast<BannerLevel>(r[2].as<int>());
  b.link = r[3].as<std::string>();
  b.target.apps = List(r[4]);
  b.target.path_patterns = List(r[5]);
  b.target.components = List(r[6]);
  b.starts_at = OptTimeAt(r[7]);
  b.ends_at = OptTimeAt(r[8]);
  b.enabled = r[9].as<bool>();
  b.content_version = r[10].as<int64_t>();
  b.updated_at = TimeAt(r[11]);
  b.updated_by = r[12].as<std::string>();
  return b;
}

// "banner 3 (maintenance): Maintenance tonight 22:00-23:00 UTC"
std::string BannerSummary(const ManualBannerRecord& b) {
  return absl::StrCat("banner ", b.id, " (", BannerLevelName(b.level), "): ", b.text);
}

MutationRecord BannerMutation(const char* kind, const std::string& details,
                              const std::string& summary, const AdminCall& c) {
  MutationRecord m;
  m.kind = kind;
  m.summary = summary;
  m.actor = c.actor;
  m.request_id = c.request_id;
  m.details = details;
  m.at = c.now;
  return m;
}

}  // namespace

absl::StatusOr<LoadedWorld> PgBannerStore::LoadWorld(int64_t after) {
  LoadedWorld out;
  out.world = std::make_shared<BannerWorld>();
  BannerWorld& w = *out.world;
  RETURN_IF_ERROR(pool_.Run([&](pqxx::connection& c) -> absl::Status {
    pqxx::transaction<pqxx::repeatable_read, pqxx::readwrite_policy::read_only> tx(c);
    w.sequence = tx.exec1(kHead)[0].as<int64_t>();
    for (const pqxx::row& r : tx.exec_params(kCommitTimes, after)) {
      out.commit_times.emplace(r[0].as<int64_t>(), TimeAt(r[1]));
    }
    std::map<int64_t, size_t> index;
    struct Open {
      int64_t id;
      Severity severity;
      IncidentState state;
      std::string ref;
      absl::optional<absl::Time> next_update_at;
      std::vector<std::string> components;
      std::vector<BannerHistoryEvent> history;
      bool latest_to_banner = false;
      std::string latest_text;
      absl::Time latest_posted;
      int64_t latest_update_id = 0;
    };
    std::vector<Open> open;
    for (const pqxx::row& r : tx.exec(kOpenIncidents)) {
      Open o;
      o.id = r[0].as<int64_t>();
      o.ref = r[1].as<std::string>();
      o.severity = static_cast<Severity>(r[2].as<int>());
      ParseState(r[3].as<std::string>(), &o.state);
      o.next_update_at = OptTimeAt(r[4]);
      index[o.id] = open.size();
      open.push_back(std::move(o));
    }
    for (const pqxx::row& r : tx.exec(kOpenAffected)) {
      auto it = index.find(r[0].as<int64_t>());
      if (it != index.end()) open[it->second].components.push_back(r[1].as<std::string>());
    }
    for (const pqxx::row& r : tx.exec(kOpenHistory)) {
      auto it = index.find(r[0].as<int64_t>());
      if (it == index.end()) continue;
      Open& o = open[it->second];
      BannerHistoryEvent e;
      e.is_update = r[4].as<bool>();
      e.severity = static_cast<Severity>(r[8].as<int>());
      e.is_correction = r[9].as<bool>();
      if (e.is_update) {
        std::vector<std::string> channels = List(r[5]);
        e.update_id = r[3].as<int64_t>();
        e.to_banner =
            std::find(channels.begin(), channels.end(), "in_app_banner") != channels.end();
        e.banner_text = r[6].as<std::string>();
        ParseState(r[7].as<std::string>(), &e.state);
        if (!e.is_correction) {
          o.latest_to_banner = e.to_banner;
          o.latest_posted = TimeAt(r[1]);
          o.latest_update_id = e.update_id;
          o.latest_text = e.banner_text;
        } else if (e.update_id == o.latest_update_id) {
          o.latest_text = e.banner_text;  // the latest update's text, corrected
        }
      }
      o.history.push_back(std::move(e));
    }
    for (Open& o : open) {
      if (!o.latest_to_banner) continue;
      IncidentBanner b;
      b.incident_ref = o.ref;
      b.severity = o.severity;
      b.state = o.state;
      b.text = o.latest_text;
      b.components = o.components;
      b.posted_at = o.latest_posted;
      b.next_update_at = o.next_update_at;
      b.content_version = IncidentBannerVersion(o.history);
      w.incidents.push_back(std::move(b));
    }
    for (const pqxx::row& r : tx.exec(kPlacements)) {
      w.placements[r[0].as<std::string>()] = ComponentPlacement{List(r[1]), List(r[2])};
    }
    for (const pqxx::row& r :
         tx.exec(absl::StrCat("SELECT ", kBannerColumns, " FROM manual_banners WHERE enabled"))) {
      w.manual.push_back(BannerFromRow(r));
    }
    // Scheduled maintenance shows as banners ahead of and during its window.
    for (const MaintenanceWindow& m : ReadUnfinishedMaintenance(tx, 500)) {
      for (ManualBannerRecord& b : MaintenanceBanners(m)) w.manual.push_back(std::move(b));
    }
    for (const pqxx::row& r : tx.exec(kKillSwitches)) {
      w.kill_switches.push_back(KillSwitchRecord{r[0].as<std::string>(), r[1].as<bool>(),
                                                 r[2].as<std::string>(), r[3].as<std::string>(),
                                                 TimeAt(r[4])});
    }
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<ManualBannerRecord> PgBannerStore::CreateBanner(ManualBannerRecord b,
                                                               const AdminCall& call) {
  b.content_version = 1;
  b.updated_at = call.now;
  b.updated_by = call.actor;
  RETURN_IF_ERROR(pool_.Run([&](pqxx::connection& c) -> absl::Status {
    pqxx::work w(c);
    b.id = w.exec_params1(kInsertBanner, b.text, static_cast<int>(b.level), b.link,
                          absl::StrJoin(b.target.apps, ","),
                          absl::StrJoin(b.target.path_patterns, ","),
                          absl::StrJoin(b.target.components, ","), NullableTimeParam(b.starts_at),
                          NullableTimeParam(b.ends_at), b.enabled, TimeParam(call.now),
                          call.actor)[0]
               .as<int64_t>();
    const RecordedChange change =
        RecordChange(w, BannerMutation("banner_created", absl::StrCat("created banner ", b.id),
                                       BannerSummary(b), call));
    w.commit();
    SequenceRecorded(c, change);
    return absl::OkStatus();
  }));
  return b;
}

absl::StatusOr<ManualBannerRecord> PgBannerStore::UpdateBanner(ManualBannerRecord b,
                                                               const AdminCall& call) {
  RETURN_IF_ERROR(pool_.Run([&](pqxx::connection& c) -> absl::Status {
    pqxx::work w(c);
    pqxx::result r = w.exec_params(
        absl::StrCat("SELECT ", kBannerColumns, " FROM manual_banners WHERE id = $1 FOR UPDATE"),
        b.id);
    if (r.empty()) {
      return absl::NotFoundError(absl::StrCat("no banner ", b.id,
                                              " (statuscastctl banner list shows them)"));
    }
    ManualBannerRecord old = BannerFromRow(r[0]);
    const bool material = old.level != b.level || IsMaterialTextChange(old.text, b.text);
    b.content_version = old.content_version + (material ? 1 : 0);
    b.updated_at = call.now;
    b.updated_by = call.actor;
    w.exec_params(kUpdateBanner, b.id, b.text, static_cast<int>(b.level), b.link,
                  absl::StrJoin(b.target.apps, ","), absl::StrJoin(b.target.path_patterns, ","),
                  absl::StrJoin(b.target.components, ","), NullableTimeParam(b.starts_at),
                  NullableTimeParam(b.ends_at), b.enabled, b.content_version,
                  TimeParam(call.now), call.actor);
    const RecordedChange change =
        RecordChange(w, BannerMutation("banner_updated",
                                       absl::StrCat("updated banner ", b.id,
                                                    material ? " (material change)" : ""),
                                       BannerSummary(b), call));
    w.commit();
    SequenceRecorded(c, change);
    return absl::OkStatus();
  }));
  return b;
}

absl::StatusOr<ManualBannerRecord> PgBannerStore::DisableBanner(int64_t id,
                                                                const AdminCall& call) {
  ManualBannerRecord b;
  RETURN_IF_ERROR(pool_.Run([&](pqxx::connection& c) -> absl::Status {
    pqxx::work w(c);
    pqxx::result r = w.exec_params(
        absl::StrCat("UPDATE manual_banners SET enabled = false, updated_at = $2::timestamptz, "
                     "updated_by = $3 WHERE id = $1 RETURNING ",
                     kBannerColumns),
        id, TimeParam(call.now), call.actor);
    if (r.empty()) {
      return absl::NotFoundError(
          absl::StrCat("no banner ", id, " (statuscastctl banner list shows them)"));
    }
    b = BannerFromRow(r[0]);
    const RecordedChange change =
        RecordChange(w, BannerMutation("banner_disabled", absl::StrCat("disabled banner ", id),
                                       BannerSummary(b), call));
    w.commit();
    SequenceRecorded(c, change);
    return absl::OkStatus();
  }));
  return b;
}

absl::StatusOr<std::vector<ManualBannerRecord>> PgBannerStore::ListBanners() {
  std::vector<ManualBannerRecord> out;
  RETURN_IF_ERROR(pool_.Read([&](pqxx::read_transaction& tx) -> absl::Status {
    for (const pqxx::row& r :
         tx.exec(absl::StrCat("SELECT ", kBannerColumns, " FROM manual_banners ORDER BY id"))) {
      out.push_back(BannerFromRow(r));
    }
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<std::vector<KillSwitchRecord>> PgBannerStore::ListKillSwitches() {
  std::vector<KillSwitchRecord> out;
  RETURN_IF_ERROR(pool_.Read([&](pqxx::read_transaction& tx) -> absl::Status {
    for (const pqxx::row& r : tx.exec(kKillSwitches)) {
      out.push_back(KillSwitchRecord{r[0].as<std::string>(), r[1].as<bool>(),
                                     r[2].as<std::string>(), r[3].as<std::string>(),
                                     TimeAt(r[4])});
    }
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<KillSwitchRecord> PgBannerStore::SetKillSwitch(KillSwitchRecord k,
                                                              const AdminCall& call) {
  k.set_by = call.actor;
  k.set_at = call.now;
  RETURN_IF_ERROR(pool_.Run([&](pqxx::connection& c) -> absl::Status {
    pqxx::work w(c);
    w.exec_params(kUpsertKillSwitch, k.scope, k.engaged, k.reason, k.set_by, TimeParam(k.set_at));
    const RecordedChange change =
        RecordChange(w, BannerMutation("kill_switch",
                                       absl::StrCat(k.engaged ? "engaged" : "released",
                                                    " kill switch ", k.scope,
                                                    k.reason.empty() ? "" : ": ", k.reason),
                                       absl::StrCat(k.engaged ? "ON" : "OFF", " for ",
                                                    k.scope == "*" ? "every app" : k.scope,
                                                    k.reason.empty() ? "" : ": ", k.reason),
                                       call));
    w.commit();
    SequenceRecorded(c, change);
    return absl::OkStatus();
  }));
  return k;
}

}  // namespace statuscast
