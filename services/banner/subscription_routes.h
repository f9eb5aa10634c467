// The public subscription pages on statuscast-banner (issue 11), plain HTML
// forms that work without JavaScript:
//   GET  /subscribe                       the email subscribe form, with a
//                                         checkbox per public component
//   POST /subscribe                       subscribe (double opt-in): always the
//                                         same answer, "check your inbox"
//   GET  /subscriptions/confirm?token=    a button that confirms
//   POST /subscriptions/confirm?token=    confirm
//   GET  /subscriptions/unsubscribe?token=  a button that unsubscribes
//   POST /subscriptions/unsubscribe?token=  unsubscribe; also RFC 8058
//                                         one-click (List-Unsubscribe-Post)
// GET never changes anything (mail scanners follow links). Confirm and
// unsubscribe links carry signed, expiring tokens (libs/notify/link_token.h):
// malformed 400, forged or for the other purpose 403, expired 410.
//
// CSRF: the form's POST must carry a signed token (a nonce, valid 2 hours)
// whose nonce equals the SameSite=Strict cookie the form set (double
// submit), and an Origin header, when sent, must be the status page's
// origin; otherwise 403 and nothing happens. Confirm and unsubscribe POSTs
// are authorised by their signed link token.
//
// Components: a watcher subscribes to everything (no box checked) or to the
// components checked (`component=<name>`, repeated), and then hears of an
// incident when any of them is affected. A name that is not one of the
// page's components now is 400 with the form again, and nothing is queued.
//
// Handlers never touch the database: they check, then queue the request on
// SubscriptionRequests (503 when its queue is full). Per-client-address
// request limits are the server's (--http_rate_per_ip), as for every public
// page, and POST /subscribe has its own, stricter one (below); mail to one
// address is limited by the directory (one confirmation per hour).
#ifndef STATUSCAST_SERVICES_BANNER_SUBSCRIPTION_ROUTES_H_
#define STATUSCAST_SERVICES_BANNER_SUBSCRIPTION_ROUTES_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "libs/base/clock.h"
#include "libs/notify/link_token.h"
#include "libs/notify/subscription_requests.h"

namespace statuscast {

class HttpServer;
struct StatusPageSnapshot;

// A component the form offers: its name (what is stored) and what
// customers read.
struct ComponentChoice {
  std::string name;
  std::string label;
};
// The page's components now, in page order (retired ones left out). Called
// on I/O threads: must not block.
using ComponentChoices = std::function<std::vector<ComponentChoice>()>;

struct SubscriptionPageOptions {
  std::string page_name = "Status";
  // The normalized public URL of the status page: the origin a form POST
  // may come from, and whether the cookie is Secure (https).
  std::string status_page_url;
  // POST /subscribe per client address (HttpRequest::limit_key), on top of
  // the server's limit for every page, since each accepted post may send a
  // confirmation mail: a bucket of `subscribe_burst_per_ip` refilled at
  // `subscribe_per_hour_per_ip`; beyond it 429 with Retry-After and nothing
  // is queued. 0 per hour: no limit of its own.
  double subscribe_per_hour_per_ip = 0;
  int subscribe_burst_per_ip = 1;
  // Unset or empty: no component choice (every subscription is to
  // everything).
  ComponentChoices components;
};

// The components the form offers from a status page snapshot (none before
// the first one).
std::vector<ComponentChoice> SubscribableComponents(
    const std::shared_ptr<const StatusPageSnapshot>& snapshot);

// REQUIRES: before server.Start(); signer, requests and clock outlive the
// server.
void AddSubscriptionRoutes(HttpServer& server, const LinkTokenSigner& signer,
                           SubscriptionRequests& requests, const Clock& clock,
                           SubscriptionPageOptions options);

}  // namespace statuscast

#endif  // STATUSCAST_SERVICES_BANNER_SUBSCRIPTION_ROUTES_H_
