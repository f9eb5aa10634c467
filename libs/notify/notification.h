// What one notification says: the content the outbox row carries, rendered
// per kind by notification_payloads.h (webhook, Slack) and email_message.h.
//
// Plain values in the names users see ("investigating", "SEV-1",
// "major_outage"), so this library needs nothing from the incident model;
// the code that writes the outbox fills it from the committed update.
// Thread safety: plain values.
#ifndef STATUSCAST_LIBS_NOTIFY_NOTIFICATION_H_
#define STATUSCAST_LIBS_NOTIFY_NOTIFICATION_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/optional.h"

namespace statuscast {

// Why the notification is sent.
enum class NotificationEvent {
  kUpdate,               // an update that reaches the status page or the public channel
  kResolved,             // the resolving update
  kReopened,             // a reopen
  kPostmortemPublished,  // the postmortem went public
};

// "incident.updated", "incident.resolved", "incident.reopened",
// "incident.postmortem_published": the webhook's "event" field.
const char* NotificationEventName(NotificationEvent event);
// The names above; false when unknown.
bool ParseNotificationEvent(absl::string_view text, NotificationEvent* out);

struct NotifiedComponent {
  std::string name;
  std::string status;  // "operational", "degraded_performance", ..., "major_outage"
};

struct NotificationContent {
  // Stable across retries: the webhook-id header, the mail's Message-ID, the
  // key receivers deduplicate on. Made once when the outbox row is written.
  std::string notification_id;
  NotificationEvent event = NotificationEvent::kUpdate;

  // The status page.
  std::string page_name;  // "Example Status"
  std::string page_url;   // "https://status.example.com"

  // The incident as of this update.
  std::string incident_ref;  // "INC-7"
  std::string incident_title;
  std::string incident_state;  // "investigating", ..., "resolved"
  std::string severity;        // "SEV-1"
  std::string incident_url;    // the incident's page
  absl::Time incident_created_at;
  std::vector<NotifiedComponent> affected_components;

  // The update that caused it.
  std::string update_id;
  std::string message;  // the update's text, plain
  absl::Time update_created_at;
  // The "next update by" promise; absent when none was made (e.g. resolved).
  absl::optional<absl::Time> next_update_by;

  // One-click unsubscribe for this subscriber (a signed link).
  std::string unsubscribe_url;
};

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_NOTIFY_NOTIFICATION_H_
