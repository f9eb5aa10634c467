// A notification as the JSON body a webhook or Slack subscriber receives.
//
// Webhook JSON follows the shape of Atlassian Statuspage's incident webhook
// (so integrations written for it need little change), plus the Standard
// Webhooks fields "type" and "timestamp":
//
//   {
//     "id": "msg_2bX...",                         // == webhook-id header
//     "type": "incident.updated",
//     "timestamp": "2026-11-27T14:28:00Z",        // the update's time
//     "meta": {"unsubscribe": "https://status.example.com/unsubscribe?token=..."},
//     "page": {"name": "Example Status", "url": "https://status.example.com"},
//     "incident": {
//       "id": "INC-7", "name": "Checkout errors", "status": "investigating",
//       "impact": "SEV-1", "shortlink": "https://status.example.com/incidents/INC-7",
//       "created_at": "...", "updated_at": "...", "next_update_by": "..." | null,
//       "components": [{"name": "checkout", "status": "major_outage"}],
//       "incident_updates": [{"id": "u-41", "status": "investigating", "body": "...",
//                             "created_at": "...",
//                             "affected_components": [{"name": ..., "status": ...}]}]
//     }
//   }
//
// Slack: an incoming-webhook message with a plain "text" fallback and
// "blocks" (a header, the message, the affected components, links). Text in
// Slack mrkdwn has &, < and > escaped, so a message cannot forge a link or a
// mention.
//
// Thread safety: pure functions. Output is UTF-8 JSON (nlohmann::json).
#ifndef STATUSCAST_LIBS_NOTIFY_NOTIFICATION_PAYLOADS_H_
#define STATUSCAST_LIBS_NOTIFY_NOTIFICATION_PAYLOADS_H_

#include <string>

#include "libs/notify/notification.h"

namespace statuscast {

std::string RenderWebhookJson(const NotificationContent& n);
std::string RenderSlackJson(const NotificationContent& n);

// RFC 3339 in UTC with seconds ("2026-11-27T14:28:00Z").
std::string NotificationTime(absl::Time t);
// "by 14:58 UTC" style promise text shared by Slack and mail:
// "Next update by 2026-11-27 14:58 UTC".
std::string NextUpdateLine(const NotificationContent& n);

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_NOTIFY_NOTIFICATION_PAYLOADS_H_
