// The write side of the notification outbox (migrations/0020_*.sql): the
// notifications of a mutation, written in the mutation's own transaction, so
// there is no notification without its committed change and no committed
// public change without its notifications.
//
// Which mutations notify (MutationRecord::kind):
//   "declared" with a first update, "updated"  -> incident.updated, only when
//                                                 the update reaches the status
//                                                 page or the public channel
//   "resolved"                                 -> incident.resolved
//   "reopened"                                 -> incident.reopened
//   "postmortem_published"                     -> incident.postmortem_published
// Anything else writes nothing and costs no round trip. A notifying mutation
// costs one statement: the `notifications` row (a snapshot of the incident,
// the update and the affected components as of this transaction) and, in the
// same INSERT ... SELECT, one `notification_deliveries` row per confirmed,
// live subscriber whose scope matches (everything, or any of the incident's
// components). The delivery id "msg_<notification>_<subscriber>" is the
// webhook-id every attempt carries.
//
// Thread safety: uses only the transaction it is given.
#ifndef STATUSCAST_LIBS_PGSTORE_NOTIFICATION_OUTBOX_H_
#define STATUSCAST_LIBS_PGSTORE_NOTIFICATION_OUTBOX_H_

#include <cstdint>
#include <pqxx/transaction>

#include "libs/incident/incident_store.h"

namespace statuscast {

// "incident.updated", ... for a notifying mutation kind; nullptr otherwise.
const char* NotificationEventFor(const MutationRecord& m);

// Inside the mutation's transaction, after its incident, update and change
// rows are written (`change_id` from RecordChange). Returns the number of
// deliveries queued.
int64_t EnqueueNotifications(pqxx::transaction_base& w, const MutationRecord& m,
                             int64_t change_id);

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_PGSTORE_NOTIFICATION_OUTBOX_H_
