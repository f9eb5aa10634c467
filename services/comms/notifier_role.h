// The notifier role of statuscast-comms (--notify): the Notifier
// (libs/notify/notifier.h) with the real transports, link signing and
// Prometheus metrics, configured from the service's flags. Also what
// SubscriberService needs whether or not this replica sends: the subscriber
// directory with the same destination policy.
//
// Metrics: libs/metrics/notify_metrics.h, on the service's
// --metrics_address; the queue gauges are read from PostgreSQL every 5 s.
// Thread safety: Start and Stop from main.
#ifndef STATUSCAST_SERVICES_COMMS_NOTIFIER_ROLE_H_
#define STATUSCAST_SERVICES_COMMS_NOTIFIER_ROLE_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "libs/notify/notifier.h"
#include "libs/notify/smtp_transport.h"
#include "libs/notify/subscriber_directory.h"
#include "libs/pgstore/pg_notification_store.h"

namespace prometheus {
class Registry;
}

namespace statuscast {

struct NotifierConfig {
  bool enabled = false;  // --notify
  NotifierOptions notifier;
  absl::Duration stats_interval = absl::Seconds(5);
  std::string page_name;
  std::string status_page_url;   // normalized
  std::string link_secret_file;  // at least 32 bytes
  std::string smtp_host;         // empty: no mail is sent (it stays queued)
  int smtp_port = 587;
  std::string smtp_starttls = "required";  // required, optional, off
  std::string smtp_user;
  std::string smtp_password_file;
  std::string mail_from;
  bool allow_private_destinations = false;
  bool allow_http_webhooks = false;
};

// The destination policy both the directory and the transport use.
DirectoryOptions DirectoryOptionsFor(const NotifierConfig& config);

class NotifierRole {
 public:
  // Checks the flags (INVALID_ARGUMENT naming the flag at fault). REQUIRES:
  // store and registry outlive the role.
  static absl::StatusOr<std::unique_ptr<NotifierRole>> Create(const NotifierConfig& config,
                                                              PgNotificationStore* store,
                                                              prometheus::Registry* registry);
  ~NotifierRole();
  void Start();
  void Stop();

 private:
  struct Parts;
  explicit NotifierRole(std::unique_ptr<Parts> parts);
  std::unique_ptr<Parts> parts_;
};

}  // namespace statuscast

#endif  // STATUSCAST_SERVICES_COMMS_NOTIFIER_ROLE_H_
