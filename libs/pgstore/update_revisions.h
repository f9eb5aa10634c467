// The revisions of corrected updates (migration 0015, update_revisions),
// read and written inside the incident store's transactions. Internal to
// libs/pgstore.
#ifndef STATUSCAST_LIBS_PGSTORE_UPDATE_REVISIONS_H_
#define STATUSCAST_LIBS_PGSTORE_UPDATE_REVISIONS_H_

#include <pqxx/pqxx>
#include <vector>

#include "libs/incident/model.h"

namespace statuscast {
namespace pgstore_internal {

// Fills each update's revisions (oldest first), one query for all.
void LoadRevisions(pqxx::transaction_base& tx, const std::vector<Update*>& updates);
// Writes a corrected update's text, findings and the revisions not stored.
void WriteCorrection(pqxx::transaction_base& tx, const Update& u);

}  // namespace pgstore_internal
}  // namespace statuscast

#endif  // STATUSCAST_LIBS_PGSTORE_UPDATE_REVISIONS_H_
