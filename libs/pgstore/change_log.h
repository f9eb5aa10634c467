// The change log's write side: the one way a mutation reaches the audit log,
// the change log and the idempotency table, and gets its sequence.
//
// Two steps (migrations/0008_change_log_sequenced_after_commit.sql):
//   1. RecordChange, inside the writing transaction: one statement writes the
//      audit row, the idempotency row and a pending change-log row (no
//      sequence yet; followers do not see it). When no numbering is under way
//      it numbers the change too, in this transaction; it never waits for the
//      numbering lock, so concurrent writers commit in parallel (their
//      fsyncs group-commit).
//   2. SequenceChange, after that transaction committed (only when step 1
//      did not number it): numbers every committed pending change under one
//      lock, NOTIFYs statuscast_changes with the new head, and returns the
//      sequence of this change.
// Sequences are gapless and each numbering commits above the previous one:
// a follower that has read N has everything up to N, and a change's write is
// committed by the time its sequence is visible. A write whose step 2 never
// ran (connection lost, crash) stays pending and is numbered by the next
// write of anyone, or when its idempotency key is replayed.
#ifndef STATUSCAST_LIBS_PGSTORE_CHANGE_LOG_H_
#define STATUSCAST_LIBS_PGSTORE_CHANGE_LOG_H_

#include <cstdint>
#include <pqxx/connection>
#include <pqxx/transaction>

#include "libs/incident/incident_store.h"

namespace statuscast {

struct RecordedChange {
  int64_t change_id;
  int64_t sequence;  // 0: not numbered yet (step 2 does it)
};

// Step 1, inside `w`.
RecordedChange RecordChange(pqxx::work& w, const MutationRecord& m);

// Step 2: call with no transaction open on `c`, after the one that recorded
// `change_id` committed. Returns its sequence. Throws what libpqxx throws.
int64_t SequenceChange(pqxx::connection& c, int64_t change_id);

// Step 2 when step 1 did not number the change; its sequence either way.
int64_t SequenceRecorded(pqxx::connection& c, const RecordedChange& change);

// Step 2 inside an open transaction (for a replay that found its change
// still pending): the numbering commits with `w`.
int64_t SequenceChangeIn(pqxx::transaction_base& w, int64_t change_id);

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_PGSTORE_CHANGE_LOG_H_
