// The change log's write side: the one way a mutation reaches the audit log,
// the change log and the idempotency table, and gets its sequence.
//
// Two steps (migrations/0008_change_log_sequenced_after_commit.sql):
//   1. RecordChange, inside the writing transaction: one statement writes the
//      audit row, the idempotency row and a pending change-log row (no
//      sequence yet; followers do not see it). It takes no shared lock, so
//      concurrent writers commit in parallel (their fsyncs group-commit).
//   2. SequenceChange, after that transaction committed: numbers every
//      committed pending change under one lock (gapless, each batch committed
//      above the previous), NOTIFYs statuscast_changes with the new head, and
//      returns the sequence of this change.
// A write whose step 2 never ran (connection lost, crash) stays pending and
// is numbered by the next SequenceChange of any writer, or when its
// idempotency key is replayed.
#ifndef STATUSCAST_LIBS_PGSTORE_CHANGE_LOG_H_
#define STATUSCAST_LIBS_PGSTORE_CHANGE_LOG_H_

#include <cstdint>
#include <pqxx/connection>
#include <pqxx/transaction>

#include "libs/incident/incident_store.h"

namespace statuscast {

// Step 1, inside `w`: returns the pending change's id (not its sequence).
int64_t RecordChange(pqxx::work& w, const MutationRecord& m);

// Step 2: call with no transaction open on `c`, after the one that recorded
// `change_id` committed. Returns its sequence. Throws what libpqxx throws.
int64_t SequenceChange(pqxx::connection& c, int64_t change_id);

// Step 2 inside an open transaction (for a replay that found its change
// still pending): the numbering commits with `w`.
int64_t SequenceChangeIn(pqxx::transaction_base& w, int64_t change_id);

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_PGSTORE_CHANGE_LOG_H_
