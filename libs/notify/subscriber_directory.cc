#include "libs/notify/subscriber_directory.h"

#include <openssl/rand.h>

#include "absl/random/random.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "libs/base/status_macros.h"
#include "libs/notify/webhook_signature.h"

namespace statuscast {

std::string NewRandomId(absl::string_view prefix) {
  static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
  unsigned char bytes[26];
  if (RAND_bytes(bytes, sizeof bytes) != 1) {
    // Ids need uniqueness, not secrecy: fall back to absl's generator.
    absl::BitGen gen;
    for (unsigned char& b : bytes) b = absl::Uniform<unsigned char>(gen);
  }
  std::string out(prefix);
  for (unsigned char b : bytes) out.push_back(kAlphabet[b % 32]);
  return out;
}

SubscriberDirectory::SubscriberDirectory(SubscriberStore* store, HostResolver* resolver,
                                         const Clock* clock, DirectoryOptions options)
    : store_(store), resolver_(resolver), clock_(clock), options_(options) {}

absl::Status SubscriberDirectory::Check(const Subscription& s, std::string* destination_host) {
  RETURN_IF_ERROR(ValidateSubscription(s, options_.url_policy));
  if (s.kind == SubscriberKind::kEmail) {
    *destination_host = absl::AsciiStrToLower(s.destination.substr(s.destination.find('@') + 1));
    return absl::OkStatus();
  }
  ASSIGN_OR_RETURN(WebhookUrl url, ParseWebhookUrl(s.destination, options_.url_policy));
  absl::StatusOr<std::vector<std::string>> addresses =
      CheckDestination(url.host, *resolver_, options_.destination_policy);
  if (!addresses.ok()) {
    const absl::Status& st = addresses.status();
    if (st.code() == absl::StatusCode::kUnavailable) {
      return absl::UnavailableError(absl::StrCat("webhook URL host ", url.host,
                                                 " could not be resolved now; try again: ",
                                                 st.message()));
    }
    return absl::InvalidArgumentError(
        absl::StrCat("webhook URL ", s.destination.size() > 200 ? url.host : s.destination,
                     " is refused: ", st.message()));
  }
  *destination_host = absl::AsciiStrToLower(url.host);
  return absl::OkStatus();
}

absl::StatusOr<SubscriberRecord> SubscriberDirectory::AddConfirmed(
    SubscriberKind kind, const std::string& destination, const ComponentScope& scope) {
  SubscriberRecord rec;
  rec.subscription.kind = kind;
  rec.subscription.destination = destination;
  rec.subscription.scope = scope;
  rec.subscription.confirmed = true;
  RETURN_IF_ERROR(Check(rec.subscription, &rec.destination_host));
  if (kind != SubscriberKind::kEmail) {
    ASSIGN_OR_RETURN(WebhookUrl url, ParseWebhookUrl(destination, options_.url_policy));
    rec.subscription.destination = url.url;
  }
  rec.subscription.id = NewRandomId("sub_");
  rec.source = kSourceAdmin;
  rec.created_at = clock_->Now();
  rec.confirmed_at = rec.created_at;
  if (kind == SubscriberKind::kWebhook) {
    ASSIGN_OR_RETURN(rec.webhook_secret, GenerateWebhookSecret());
  }
  absl::Status s = store_->AddSubscriber(rec, absl::nullopt);
  if (s.code() == absl::StatusCode::kAlreadyExists) {
    return absl::AlreadyExistsError(absl::StrCat(
        SubscriberKindName(kind), " subscriber ", rec.subscription.destination,
        " exists already; remove it first to subscribe it again (statuscastctl subscribers "
        "list shows its id)"));
  }
  RETURN_IF_ERROR(s);
  return rec;
}

absl::Status SubscriberDirectory::RequestEmailSubscription(const std::string& address,
                                                           const ComponentScope& scope) {
  SubscriberRecord rec;
  rec.subscription.kind = SubscriberKind::kEmail;
  rec.subscription.destination = address;
  rec.subscription.scope = scope;
  RETURN_IF_ERROR(Check(rec.subscription, &rec.destination_host));
  const absl::Time now = clock_->Now();
  ASSIGN_OR_RETURN(absl::optional<SubscriberRecord> existing,
                   store_->FindLive(SubscriberKind::kEmail, address));
  if (existing) {
    // Confirmed: nothing to do. Waiting: another mail, at most one per
    // resend_interval. Either way the same answer as for a new address.
    if (!existing->subscription.confirmed) {
      RETURN_IF_ERROR(store_->ResendConfirmation(existing->subscription.id,
                                                 NewRandomId("msg_conf_"), now,
                                                 now - options_.resend_interval)
                          .status());
    }
    return absl::OkStatus();
  }
  rec.subscription.id = NewRandomId("sub_");
  rec.source = kSourceForm;
  rec.created_at = now;
  absl::Status s = store_->AddSubscriber(rec, NewRandomId("msg_conf_"));
  // A concurrent request for the same address won the race: same answer.
  if (s.code() == absl::StatusCode::kAlreadyExists) return absl::OkStatus();
  return s;
}

absl::Status SubscriberDirectory::Confirm(const std::string& subscriber_id) {
  return store_->Confirm(subscriber_id, clock_->Now());
}

absl::StatusOr<bool> SubscriberDirectory::Unsubscribe(const std::string& subscriber_id,
                                                      const std::string& reason) {
  return store_->Unsubscribe(subscriber_id, clock_->Now(), reason);
}

absl::StatusOr<SubscriberRecord> SubscriberDirectory::Get(const std::string& subscriber_id) {
  return store_->GetSubscriber(subscriber_id);
}

absl::StatusOr<std::vector<SubscriberRecord>> SubscriberDirectory::List(
    bool include_unsubscribed) {
  return store_->ListSubscribers(include_unsubscribed);
}

absl::StatusOr<std::vector<DeliveryRecord>> SubscriberDirectory::Deliveries(
    const std::string& subscriber_id, int limit) {
  return store_->ListDeliveries(subscriber_id, limit);
}

}  // namespace statuscast
