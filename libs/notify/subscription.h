// Subscriptions: who hears about which incidents, and the checks on what a
// watcher types into the subscribe form or an admin imports.
//
// Rules (each check returns INVALID_ARGUMENT with a message a person can act
// on, naming what is wrong):
//   - An email address has exactly one '@', an ASCII local part of at most 64
//     bytes without spaces, control characters or the specials ()<>[]:;,\"
//     (no leading, trailing or doubled dot), a domain of dot-separated
//     letter/digit/hyphen labels (at least two, each at most 63 bytes, not
//     starting or ending with '-'), and at most 254 bytes in all. Not RFC 5322
//     complete on purpose: quoted local parts and address literals are refused.
//   - A webhook or Slack URL is parsed by libcurl's URL parser (curl_url), is
//     at most 2048 bytes, https (http only when UrlPolicy::allow_http), has a
//     host, and carries no user name or password. Other schemes (file://,
//     ftp://, gopher://, ...) are refused.
//   - Matching: a subscriber scoped to everything gets every incident; one
//     scoped to chosen components gets an incident when any of its components
//     is among the incident's affected components. An incident that names no
//     component reaches only subscribers to everything.
//
// Thread safety: pure functions and plain values.
#ifndef STATUSCAST_LIBS_NOTIFY_SUBSCRIPTION_H_
#define STATUSCAST_LIBS_NOTIFY_SUBSCRIPTION_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace statuscast {

enum class SubscriberKind { kEmail, kWebhook, kSlack };

// "email", "webhook", "slack".
const char* SubscriberKindName(SubscriberKind kind);
// The names above; false when unknown.
bool ParseSubscriberKind(absl::string_view text, SubscriberKind* out);

// Everything, or the named components (component names as in the incident
// record). An empty `components` with all == false matches nothing.
struct ComponentScope {
  bool all = true;
  std::vector<std::string> components;

  static ComponentScope Everything() { return ComponentScope{}; }
  static ComponentScope Only(std::vector<std::string> components) {
    return ComponentScope{false, std::move(components)};
  }
};

struct Subscription {
  std::string id;
  SubscriberKind kind = SubscriberKind::kEmail;
  // An email address (kEmail) or an https URL (kWebhook, kSlack).
  std::string destination;
  ComponentScope scope;
  // Email is double opt-in: nothing but the confirmation mail is sent before
  // this is true. Webhooks are confirmed at creation.
  bool confirmed = false;
};

// True when a subscriber with `scope` gets the notifications of an incident
// that affects `affected` (component names).
bool ScopeMatches(const ComponentScope& scope, const std::vector<std::string>& affected);
// ScopeMatches for a confirmed subscription; false before confirmation.
bool ShouldNotify(const Subscription& subscription, const std::vector<std::string>& affected);

inline constexpr size_t kMaxEmailAddressBytes = 254;
inline constexpr size_t kMaxWebhookUrlBytes = 2048;

// OK or INVALID_ARGUMENT "email address ...".
absl::Status ValidateEmailAddress(absl::string_view address);

struct UrlPolicy {
  // Accept http:// as well as https:// (tests, receivers on a private network).
  bool allow_http = false;
};

// A webhook URL as libcurl parsed it.
struct WebhookUrl {
  std::string url;     // normalized by curl_url ("https://hooks.example.com/x")
  std::string scheme;  // "https" or "http"
  std::string host;    // without brackets for IPv6 literals
  int port = 0;        // the explicit port or the scheme's default
};

// The parsed URL, or INVALID_ARGUMENT "webhook URL ...".
absl::StatusOr<WebhookUrl> ParseWebhookUrl(absl::string_view url, const UrlPolicy& policy);

// The checks above for `subscription.destination` by kind, plus: a chosen
// scope names at least one component, none empty. Destinations are checked
// for reachability separately (destination_guard.h): that needs DNS.
absl::Status ValidateSubscription(const Subscription& subscription, const UrlPolicy& policy);

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_NOTIFY_SUBSCRIPTION_H_
