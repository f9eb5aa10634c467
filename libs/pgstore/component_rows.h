// The component catalog's edits (display name, description, retire;
// migration 0016) inside the incident store's transactions. Internal to
// libs/pgstore.
#ifndef STATUSCAST_LIBS_PGSTORE_COMPONENT_ROWS_H_
#define STATUSCAST_LIBS_PGSTORE_COMPONENT_ROWS_H_

#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "libs/incident/model.h"

namespace statuscast {
namespace pgstore_internal {

// Every component (retired ones too) with its status from open incidents,
// by group then name.
std::vector<Component> ReadComponents(pqxx::transaction_base& tx);
// The component `name`, row-locked (status not filled); NOT_FOUND when there is none.
absl::StatusOr<Component> LockComponentRow(pqxx::transaction_base& tx, const std::string& name);
// Refs of open incidents naming component `name`, oldest first.
std::vector<std::string> OpenIncidentRefsAffecting(pqxx::transaction_base& tx,
                                                   const std::string& name);
// Writes display name, description, retired_at and version.
void SaveComponentRow(pqxx::transaction_base& tx, const Component& c);

}  // namespace pgstore_internal
}  // namespace statuscast

#endif  // STATUSCAST_LIBS_PGSTORE_COMPONENT_ROWS_H_
