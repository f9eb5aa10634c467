// Where subscribers and the outbox live, as the notifier and the subscriber
// directory see them. PgNotificationStore (libs/pgstore) is the real one,
// over migrations/0020_*.sql; the rows an outbox holds are written by the
// incident store's own transactions (libs/pgstore/notification_outbox.h).
//
// Every time is passed in (the caller's injected clock), never taken from
// the database. Errors: UNAVAILABLE when the database cannot be reached,
// NOT_FOUND for an unknown subscriber, ALREADY_EXISTS for a second live
// subscription of one destination and kind.
// Thread safety: implementations are safe to share.
#ifndef STATUSCAST_LIBS_NOTIFY_NOTIFICATION_STORE_H_
#define STATUSCAST_LIBS_NOTIFY_NOTIFICATION_STORE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "libs/notify/notification.h"
#include "libs/notify/subscription.h"

namespace statuscast {

// "form" (the status page, double opt-in) or "admin" (SubscriberService).
inline constexpr char kSourceForm[] = "form";
inline constexpr char kSourceAdmin[] = "admin";

struct SubscriberRecord {
  Subscription subscription;  // id, kind, destination, scope, confirmed
  // The URL's host or the address's domain, lower case: the per-host limit.
  std::string destination_host;
  std::string webhook_secret;  // "whsec_..." for webhooks, "" otherwise
  std::string source = kSourceAdmin;
  absl::Time created_at;
  absl::optional<absl::Time> confirmed_at;
  absl::optional<absl::Time> confirmation_sent_at;
  absl::optional<absl::Time> unsubscribed_at;
  std::string unsubscribe_reason;
};

// Delivery row states.
inline constexpr char kStatePending[] = "pending";
inline constexpr char kStateDelivered[] = "delivered";
inline constexpr char kStateRejected[] = "rejected";
inline constexpr char kStateGivenUp[] = "given_up";
inline constexpr char kStateUnsubscribed[] = "unsubscribed";

// Delivery purposes.
inline constexpr char kPurposeNotification[] = "notification";
inline constexpr char kPurposeConfirmation[] = "confirmation";

// One row of a subscriber's delivery history.
struct DeliveryRecord {
  std::string id;       // the webhook-id
  std::string purpose;  // kPurpose*
  std::string event;    // "incident.updated", ...; "" for a confirmation
  std::string incident_ref;
  std::string state;  // kState*
  int attempts = 0;
  absl::Time created_at;
  absl::Time next_attempt_at;
  absl::optional<absl::Time> last_attempt_at;
  absl::optional<absl::Time> finished_at;
  int last_status = 0;
  std::string last_detail;
};

// A delivery the notifier has claimed: who to, and what to say.
struct ClaimedDelivery {
  std::string id;  // the webhook-id / Message-ID
  std::string purpose;
  SubscriberRecord subscriber;
  // The incident fields, from the snapshot written with the update; the
  // notifier adds the page, links and the notification id. Empty for a
  // confirmation.
  NotificationContent content;
  absl::Time created_at;  // when the causing change was written
  int attempts = 0;       // attempts made before this claim
};

// What one attempt leaves in the row.
struct AttemptOutcome {
  std::string delivery_id;
  std::string state;  // kStatePending (retry later) or a final state
  int attempts = 0;   // including this one
  absl::Time attempted_at;
  absl::Time next_attempt_at;  // kStatePending only
  int status_code = 0;
  std::string detail;
};

struct QueueStats {
  int64_t pending = 0;
  // The age of the oldest pending delivery at `now`; zero when none.
  absl::Duration oldest_pending_age;
};

class SubscriberStore {
 public:
  virtual ~SubscriberStore() = default;
  // Stores a new subscriber; `confirmation` (when set) queues its double
  // opt-in mail, with that delivery id, in the same transaction.
  virtual absl::Status AddSubscriber(const SubscriberRecord& record,
                                     const absl::optional<std::string>& confirmation_id) = 0;
  virtual absl::StatusOr<SubscriberRecord> GetSubscriber(const std::string& id) = 0;
  // The live subscription of `destination` (compared case-insensitively).
  virtual absl::StatusOr<absl::optional<SubscriberRecord>> FindLive(
      SubscriberKind kind, const std::string& destination) = 0;
  // Oldest first; unsubscribed ones too when asked.
  virtual absl::StatusOr<std::vector<SubscriberRecord>> ListSubscribers(
      bool include_unsubscribed) = 0;
  // Queues another confirmation mail for an unconfirmed subscriber, unless
  // one was queued after `not_after`. True when it queued one.
  virtual absl::StatusOr<bool> ResendConfirmation(const std::string& subscriber_id,
                                                  const std::string& confirmation_id,
                                                  absl::Time now, absl::Time not_after) = 0;
  // Confirms; a no-op for one already confirmed. NOT_FOUND also for one
  // that has unsubscribed.
  virtual absl::Status Confirm(const std::string& subscriber_id, absl::Time at) = 0;
  // Ends the subscription and drops every delivery still queued for it (in
  // one transaction). Idempotent: true when this call ended it.
  virtual absl::StatusOr<bool> Unsubscribe(const std::string& subscriber_id, absl::Time at,
                                           const std::string& reason) = 0;
  // Newest first.
  virtual absl::StatusOr<std::vector<DeliveryRecord>> ListDeliveries(
      const std::string& subscriber_id, int limit) = 0;
};

// Deliveries a claim leaves pending for later because the notifier could
// not start them now (their destination is at its limit of sends in flight).
struct ClaimSkips {
  bool email = false;              // every mail (the SMTP relay is busy)
  int most_mail = 1 << 30;         // otherwise at most this many mails
  std::vector<std::string> hosts;  // webhook and Slack destination hosts, lower case
};

class OutboxStore {
 public:
  virtual ~OutboxStore() = default;
  // Claims up to `limit` pending deliveries due at `now` whose subscriber is
  // still subscribed and not in `skip`, with FOR UPDATE SKIP LOCKED, and
  // leases them until now + lease (another claim skips them until then).
  // Mails first (up to skip.most_mail), then the rest; each oldest due first.
  virtual absl::StatusOr<std::vector<ClaimedDelivery>> Claim(int limit, absl::Time now,
                                                             absl::Duration lease,
                                                             const ClaimSkips& skip) = 0;
  absl::StatusOr<std::vector<ClaimedDelivery>> Claim(int limit, absl::Time now,
                                                     absl::Duration lease) {
    return Claim(limit, now, lease, ClaimSkips());
  }
  // Gives claimed deliveries back unattempted, due again at `due`.
  virtual absl::Status Defer(const std::vector<std::string>& delivery_ids, absl::Time due) = 0;
  // Records an attempt (and ends the lease).
  virtual absl::Status RecordAttempt(const AttemptOutcome& outcome) = 0;
  // Records several attempts (of different deliveries) at once, as
  // RecordAttempt does each: one round trip instead of one per delivery.
  virtual absl::Status RecordAttempts(const std::vector<AttemptOutcome>& outcomes) = 0;
  virtual absl::StatusOr<QueueStats> Stats(absl::Time now) = 0;
};

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_NOTIFY_NOTIFICATION_STORE_H_
