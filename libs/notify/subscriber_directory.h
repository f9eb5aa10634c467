// SubscriberDirectory: the rules for adding, confirming and ending
// subscriptions, shared by the admin gRPC service and the public subscribe
// form, over a SubscriberStore.
//
//   - Every destination is checked before anything is stored
//     (ValidateSubscription: email syntax, https URLs without credentials,
//     2 kB at most), and a webhook or Slack URL's host is resolved and
//     refused when any address is loopback, private, link-local (the
//     metadata service) or otherwise not public (destination_guard.h),
//     unless the policy allows it. Refusals are INVALID_ARGUMENT naming what
//     is wrong; nothing is stored.
//   - Admin imports are confirmed at once; a webhook gets a fresh whsec_
//     secret, returned only by that call.
//   - The form (email only) is double opt-in: a new address is stored
//     unconfirmed with its confirmation mail queued in the same transaction;
//     an address that is already subscribed gets the same answer, and an
//     unconfirmed one gets its confirmation mail again at most once per
//     `resend_interval`. The caller cannot tell the cases apart.
//   - Unsubscribing drops every queued delivery (notification_store.h).
//
// Thread safety: safe to share when the store and resolver are.
#ifndef STATUSCAST_LIBS_NOTIFY_SUBSCRIBER_DIRECTORY_H_
#define STATUSCAST_LIBS_NOTIFY_SUBSCRIBER_DIRECTORY_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/base/clock.h"
#include "libs/notify/destination_guard.h"
#include "libs/notify/notification_store.h"
#include "libs/notify/subscription.h"

namespace statuscast {

struct DirectoryOptions {
  UrlPolicy url_policy;
  DestinationPolicy destination_policy;
  absl::Duration resend_interval = absl::Hours(1);
};

// A random id: `prefix` followed by 26 lower-case base32 characters (130
// bits from RAND_bytes).
std::string NewRandomId(absl::string_view prefix);

class SubscriberDirectory {
 public:
  // REQUIRES: store, resolver and clock outlive the directory.
  SubscriberDirectory(SubscriberStore* store, HostResolver* resolver, const Clock* clock,
                      DirectoryOptions options);

  // An admin import, confirmed. ALREADY_EXISTS when the destination is
  // subscribed already.
  absl::StatusOr<SubscriberRecord> AddConfirmed(SubscriberKind kind, const std::string& destination,
                                                const ComponentScope& scope);

  // The subscribe form: OK for a valid address whether it is new, waiting
  // for confirmation or confirmed; INVALID_ARGUMENT for an invalid one.
  absl::Status RequestEmailSubscription(const std::string& address, const ComponentScope& scope);

  absl::Status Confirm(const std::string& subscriber_id);
  // True when this call ended the subscription (false: it had ended).
  absl::StatusOr<bool> Unsubscribe(const std::string& subscriber_id, const std::string& reason);

  absl::StatusOr<SubscriberRecord> Get(const std::string& subscriber_id);
  absl::StatusOr<std::vector<SubscriberRecord>> List(bool include_unsubscribed);
  absl::StatusOr<std::vector<DeliveryRecord>> Deliveries(const std::string& subscriber_id,
                                                         int limit);

 private:
  // The checks above; fills destination_host.
  absl::Status Check(const Subscription& s, std::string* destination_host);

  SubscriberStore* store_;
  HostResolver* resolver_;
  const Clock* clock_;
  DirectoryOptions options_;
};

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_NOTIFY_SUBSCRIBER_DIRECTORY_H_
