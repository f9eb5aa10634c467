// TransportSender: the DeliverySender the notifier uses in production. It
// completes a claimed delivery's content (the page, the incident link, a
// signed one-click unsubscribe link; for a confirmation mail the signed
// confirm link) and sends it:
//   email   -> the notification or confirmation mail through SmtpTransport
//   webhook -> RenderWebhookJson, signed (Standard Webhooks) with the
//              subscriber's secret, through WebhookTransport
//   slack   -> RenderSlackJson through WebhookTransport
// Links: <base>/subscriptions/confirm?token=..., <base>/subscriptions/unsubscribe?token=...
// (served by statuscast-banner), <base>/incidents/<ref>.
// Thread safety: Send is safe from many threads (the transports are).
#ifndef STATUSCAST_LIBS_NOTIFY_DELIVERY_SENDER_H_
#define STATUSCAST_LIBS_NOTIFY_DELIVERY_SENDER_H_

#include <string>

#include "absl/time/time.h"
#include "libs/base/clock.h"
#include "libs/notify/email_message.h"
#include "libs/notify/link_token.h"
#include "libs/notify/notifier.h"
#include "libs/notify/smtp_transport.h"
#include "libs/notify/webhook_transport.h"

namespace statuscast {

struct SenderSettings {
  std::string page_name = "Status";
  std::string public_base_url;  // normalized (libs/base/public_url.h)
  MailSettings mail;
  absl::Duration confirm_link_ttl = absl::Hours(24 * 7);
  // Unsubscribe links live as long as mail is kept; a year.
  absl::Duration unsubscribe_link_ttl = absl::Hours(24 * 366);
};

// The public links (also used by the HTTP endpoints' tests).
std::string ConfirmLinkPath();      // "/subscriptions/confirm"
std::string UnsubscribeLinkPath();  // "/subscriptions/unsubscribe"

class TransportSender final : public DeliverySender {
 public:
  // REQUIRES: everything passed outlives the sender. `smtp` may be null (no
  // SMTP relay configured): mail then stays queued and is retried.
  TransportSender(SenderSettings settings, const LinkTokenSigner* signer,
                  const WebhookTransport* webhooks, const SmtpTransport* smtp, const Clock* clock);

  DeliveryResult Send(const ClaimedDelivery& delivery) override;

 private:
  std::string Link(const std::string& path, LinkPurpose purpose, const std::string& subscriber_id,
                   absl::Duration ttl) const;

  SenderSettings settings_;
  const LinkTokenSigner* signer_;
  const WebhookTransport* webhooks_;
  const SmtpTransport* smtp_;
  const Clock* clock_;
};

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_NOTIFY_DELIVERY_SENDER_H_
