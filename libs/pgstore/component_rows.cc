#include "libs/pgstore/component_rows.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "libs/pgstore/incident_rows.h"
#include "libs/pgstore/pg_pool.h"

namespace statuscast {
namespace pgstore_internal {
namespace {

// Columns of ComponentFromRow after the status (column 4).
constexpr char kComponentTail[] =
    "c.banner_apps, c.banner_paths, c.display_name, " PG_MICROS("c.retired_at") ", c.version "
    "FROM components c ";

constexpr char kSelectComponentsHead[] =
    "SELECT c.name, c.group_name, c.description, " PG_MICROS("c.created_at") ", "
    "coalesce((SELECT ic.status FROM incident_components ic JOIN incidents i ON i.id = "
    "ic.incident_id WHERE ic.component_id = c.id AND i.state <> 'resolved' ORDER BY CASE "
    "ic.status WHEN 'major_outage' THEN 5 WHEN 'partial_outage' THEN 4 WHEN "
    "'degraded_performance' THEN 3 WHEN 'under_maintenance' THEN 2 ELSE 1 END DESC LIMIT 1), "
    "'operational'), ";

constexpr char kLockComponentHead[] =
    "SELECT c.name, c.group_name, c.description, " PG_MICROS("c.created_at") ", 'operational', ";

Component ComponentFromRow(const pqxx::row& r) {
  Component c;
  c.name = r[0].as<std::string>();
  c.group = r[1].as<std::string>();
  c.description = r[2].as<std::string>();
  c.created_at = TimeAt(r[3]);
  c.status = ParseOr<ComponentStatus>(r[4].as<std::string>(), ParseComponentStatus);
  c.banner_apps = absl::StrSplit(r[5].as<std::string>(), ',', absl::SkipEmpty());
  c.banner_paths = absl::StrSplit(r[6].as<std::string>(), ',', absl::SkipEmpty());
  c.display_name = r[7].as<std::string>();
  c.retired_at = OptTimeAt(r[8]);
  c.version = r[9].as<int64_t>();
  return c;
}

constexpr char kOpenIncidentsAffecting[] =
    "SELECT i.ref FROM incident_components ic JOIN components c ON c.id = ic.component_id "
    "JOIN incidents i ON i.id = ic.incident_id WHERE c.name = $1 AND i.state <> 'resolved' "
    "ORDER BY i.id";

constexpr char kSaveComponent[] =
    "UPDATE components SET display_name = $2, description = $3, "
    "retired_at = NULLIF($4, '')::timestamptz, version = $5 WHERE name = $1";

}  // namespace

std::vector<Component> ReadComponents(pqxx::transaction_base& tx) {
  std::vector<Component> out;
  for (const pqxx::row& r : tx.exec(absl::StrCat(kSelectComponentsHead, kComponentTail,
                                                 "ORDER BY c.group_name, c.name"))) {
    out.push_back(ComponentFromRow(r));
  }
  return out;
}

absl::StatusOr<Component> LockComponentRow(pqxx::transaction_base& tx, const std::string& name) {
  pqxx::result r = tx.exec_params(
      absl::StrCat(kLockComponentHead, kComponentTail, "WHERE c.name = $1 FOR UPDATE"), name);
  if (r.empty()) {
    return absl::NotFoundError(
        absl::StrCat("no component named \"", name, "\" (statuscastctl components lists them)"));
  }
  return ComponentFromRow(r[0]);
}

std::vector<std::string> OpenIncidentRefsAffecting(pqxx::transaction_base& tx,
                                                   const std::string& name) {
  std::vector<std::string> refs;
  for (const pqxx::row& r : tx.exec_params(kOpenIncidentsAffecting, name)) {
    refs.push_back(r[0].as<std::string>());
  }
  return refs;
}

void SaveComponentRow(pqxx::transaction_base& tx, const Component& c) {
  tx.exec_params(kSaveComponent, c.name, c.display_name, c.description,
                 NullableTimeParam(c.retired_at), c.version);
}

}  // namespace pgstore_internal
}  // namespace statuscast
