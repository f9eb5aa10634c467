// RecordChange: the one way a mutation reaches the audit log, the change log
// and the idempotency table, with NOTIFY after commit. Every store's writes
// call it inside their transaction.
#ifndef STATUSCAST_LIBS_PGSTORE_CHANGE_LOG_H_
#define STATUSCAST_LIBS_PGSTORE_CHANGE_LOG_H_

#include <pqxx/transaction>

#include "libs/incident/incident_store.h"

namespace statuscast {

// Takes the next sequence (the single change_sequence row stays locked until
// commit, so sequences are gapless and in commit order); returns it.
int64_t RecordChange(pqxx::work& w, const MutationRecord& m);

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_PGSTORE_CHANGE_LOG_H_
