// One notification with every field set, shared by the payload tests and
// notify_send_tool.
#ifndef STATUSCAST_TESTS_NOTIFY_SAMPLE_NOTIFICATION_H_
#define STATUSCAST_TESTS_NOTIFY_SAMPLE_NOTIFICATION_H_

#include "libs/notify/notification.h"

namespace statuscast {

inline NotificationContent SampleNotification() {
  NotificationContent n;
  n.notification_id = "msg_2bXkq9TfJ3";
  n.event = NotificationEvent::kUpdate;
  n.page_name = "Example Status";
  n.page_url = "https://status.example.com";
  n.incident_ref = "INC-7";
  n.incident_title = "Checkout errors <b>& \"timeouts\"</b>";
  n.incident_state = "investigating";
  n.severity = "SEV-1";
  n.incident_url = "https://status.example.com/incidents/INC-7";
  n.incident_created_at = absl::FromUnixSeconds(1795000000);
  n.affected_components = {{"checkout", "major_outage"}, {"payments api", "degraded_performance"}};
  n.update_id = "u-41";
  n.message = "Card payments fail for about 30% of customers.\nWe are rolling back the release.";
  n.update_created_at = absl::FromUnixSeconds(1795000600);
  n.next_update_by = absl::FromUnixSeconds(1795002400);
  n.unsubscribe_url = "https://status.example.com/unsubscribe?token=abc.def";
  return n;
}

}  // namespace statuscast

#endif  // STATUSCAST_TESTS_NOTIFY_SAMPLE_NOTIFICATION_H_
