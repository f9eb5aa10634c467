// PgNotificationStore: SubscriberStore and OutboxStore
// (libs/notify/notification_store.h) on PostgreSQL (migrations/0020_*.sql).
//
// The claim is one statement: it picks due pending deliveries of live
// subscribers with FOR UPDATE SKIP LOCKED (replicas never wait for each
// other and never claim one row twice), leases them by setting
// claimed_until, and returns them with their subscriber and the snapshot of
// what to say. The lease, not a held lock, keeps a claimed row from other
// claims while it is sent, so no transaction stays open during a send.
// Unsubscribing marks the subscriber's pending rows `unsubscribed` in the same
// transaction, and an attempt is recorded only on a row still pending.
// Thread safety: safe to share.
#ifndef STATUSCAST_LIBS_PGSTORE_PG_NOTIFICATION_STORE_H_
#define STATUSCAST_LIBS_PGSTORE_PG_NOTIFICATION_STORE_H_

#include <string>
#include <vector>

#include "libs/notify/notification_store.h"
#include "libs/pgstore/pg_pool.h"

namespace statuscast {

class PgNotificationStore final : public SubscriberStore, public OutboxStore {
 public:
  // REQUIRES: `pool` outlives this store.
  explicit PgNotificationStore(PgPool& pool) : pool_(pool) {}

  absl::Status AddSubscriber(const SubscriberRecord& record,
                             const absl::optional<std::string>& confirmation_id) override;
  absl::StatusOr<SubscriberRecord> GetSubscriber(const std::string& id) override;
  absl::StatusOr<absl::optional<SubscriberRecord>> FindLive(
      SubscriberKind kind, const std::string& destination) override;
  absl::StatusOr<std::vector<SubscriberRecord>> ListSubscribers(
      bool include_unsubscribed) override;
  absl::StatusOr<bool> ResendConfirmation(const std::string& subscriber_id,
                                          const std::string& confirmation_id, absl::Time now,
                                          absl::Time not_after) override;
  absl::Status Confirm(const std::string& subscriber_id, absl::Time at) override;
  absl::StatusOr<bool> Unsubscribe(const std::string& subscriber_id, absl::Time at,
                                   const std::string& reason) override;
  absl::StatusOr<std::vector<DeliveryRecord>> ListDeliveries(const std::string& subscriber_id,
                                                             int limit) override;

  using OutboxStore::Claim;
  absl::StatusOr<std::vector<ClaimedDelivery>> Claim(int limit, absl::Time now,
                                                     absl::Duration lease,
                                                     const ClaimSkips& skip) override;
  absl::Status Defer(const std::vector<std::string>& delivery_ids, absl::Time due) override;
  absl::Status RecordAttempt(const AttemptOutcome& outcome) override;
  absl::Status RecordAttempts(const std::vector<AttemptOutcome>& outcomes) override;
  absl::StatusOr<QueueStats> Stats(absl::Time now) override;

 private:
  PgPool& pool_;
};

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_PGSTORE_PG_NOTIFICATION_STORE_H_
