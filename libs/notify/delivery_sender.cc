#include "libs/notify/delivery_sender.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "libs/base/public_url.h"
#include "libs/notify/notification_payloads.h"
#include "libs/notify/webhook_signature.h"

namespace statuscast {

std::string ConfirmLinkPath() { return "/subscriptions/confirm"; }
std::string UnsubscribeLinkPath() { return "/subscriptions/unsubscribe"; }

TransportSender::TransportSender(SenderSettings settings, const LinkTokenSigner* signer,
                                 const WebhookTransport* webhooks, const SmtpTransport* smtp,
                                 const Clock* clock)
    : settings_(std::move(settings)),
      signer_(signer),
      webhooks_(webhooks),
      smtp_(smtp),
      clock_(clock) {}

std::string TransportSender::Link(const std::string& path, LinkPurpose purpose,
                                  const std::string& subscriber_id, absl::Duration ttl) const {
  return absl::StrCat(JoinPublicUrl(settings_.public_base_url, path), "?token=",
                      signer_->Issue(purpose, subscriber_id, clock_->Now() + ttl));
}

DeliveryResult TransportSender::Send(const ClaimedDelivery& d) {
  const SubscriberRecord& s = d.subscriber;
  const std::string& sub_id = s.subscription.id;
  const absl::Time now = clock_->Now();
  if (s.subscription.kind == SubscriberKind::kEmail) {
    if (smtp_ == nullptr) {
      DeliveryResult r;
      r.outcome = DeliveryOutcome::kRetry;
      r.detail = "no SMTP relay configured (--smtp_host); the mail stays queued";
      return r;
    }
    if (d.purpose == kPurposeConfirmation) {
      ConfirmationContent c;
      c.message_id = d.id;
      c.page_name = settings_.page_name;
      c.page_url = settings_.public_base_url;
      c.expires_at = now + settings_.confirm_link_ttl;
      c.confirm_url = Link(ConfirmLinkPath(), LinkPurpose::kConfirm, sub_id,
                           settings_.confirm_link_ttl);
      return smtp_->Send(RenderConfirmationEmail(c, settings_.mail, s.subscription.destination, now));
    }
  }
  NotificationContent n = d.content;
  n.notification_id = d.id;
  n.page_name = settings_.page_name;
  n.page_url = settings_.public_base_url;
  n.incident_url = IncidentPageUrl(settings_.public_base_url, n.incident_ref);
  n.unsubscribe_url = Link(UnsubscribeLinkPath(), LinkPurpose::kUnsubscribe, sub_id,
                           settings_.unsubscribe_link_ttl);
  switch (s.subscription.kind) {
    case SubscriberKind::kEmail:
      return smtp_->Send(RenderNotificationEmail(n, settings_.mail, s.subscription.destination, now));
    case SubscriberKind::kSlack:
      return webhooks_->Post(s.subscription.destination, RenderSlackJson(n), {});
    case SubscriberKind::kWebhook:
      break;
  }
  const std::string body = RenderWebhookJson(n);
  absl::StatusOr<std::vector<std::pair<std::string, std::string>>> headers =
      WebhookHeaders(s.webhook_secret, d.id, now, body);
  if (!headers.ok()) {
    DeliveryResult r;
    r.outcome = DeliveryOutcome::kRejected;
    r.detail = absl::StrCat("cannot sign: ", headers.status().message());
    return r;
  }
  return webhooks_->Post(s.subscription.destination, body, *headers);
}

}  // namespace statuscast
