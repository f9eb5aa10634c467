// One webhook (or Slack) delivery attempt: an HTTP POST with libcurl that
// cannot be turned against our own network.
//
// Post() does, in order:
//   1. parses the URL (subscription.h rules: https unless allowed, no
//      credentials, at most 2 kB); a bad URL is kRejected;
//   2. resolves the host once through the injected HostResolver and checks
//      every address (destination_guard.h); a refused address is kRejected
//      and libcurl is never started, so no socket is asked for or opened;
//   3. pins libcurl to exactly those addresses (CURLOPT_RESOLVE) and refuses,
//      in CURLOPT_OPENSOCKETFUNCTION, any address that is not one of them or
//      fails the check, so no connect() can reach anything else;
//   4. POSTs the body with the given headers; no proxy from the environment,
//      no redirects followed, no "Expect: 100-continue", at most `timeout`
//      in all;
//   5. reads at most max_response_bytes of the answer, then aborts the
//      transfer (a receiver streaming 50 MB costs us nothing more).
// Outcome: 2xx kDelivered; 410 kGone; 3xx, 408, 429, 5xx, timeouts and
// connection errors kRetry; other 4xx kRejected. When the transfer is cut
// (body limit, or a timeout after the status line) the status decides.
//
// Connections: kept open between posts (HTTP/1.1 keep-alive) in a pool of
// libcurl handles (curl_support.h) that prefers, for each post, a handle that
// last posted to the same host. Steps 1 and 2 run for every post; a kept
// connection is reused only for the same scheme, host and port, and was
// opened through step 3's checks. So a name that now resolves to a refused
// address is refused before any connection is used.
//
// Thread safety: Post may be called from many threads at once (each call
// leases its own libcurl handle); the resolver must be thread-safe too.
#ifndef STATUSCAST_LIBS_NOTIFY_WEBHOOK_TRANSPORT_H_
#define STATUSCAST_LIBS_NOTIFY_WEBHOOK_TRANSPORT_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "libs/notify/delivery_result.h"
#include "libs/notify/destination_guard.h"
#include "libs/notify/subscription.h"

namespace statuscast {
namespace notify_internal {
class CurlHandlePool;
}

struct WebhookTransportOptions {
  UrlPolicy url_policy;
  DestinationPolicy destination_policy;
  absl::Duration timeout = absl::Seconds(10);
  size_t max_response_bytes = 16 * 1024;
  // A CA bundle to trust instead of the system's (a test receiver's own CA).
  std::string ca_file;
  std::string user_agent = "statuscast-notifier/1";
};

class WebhookTransport {
 public:
  // REQUIRES: `resolver` outlives the transport.
  WebhookTransport(WebhookTransportOptions options, HostResolver* resolver);
  ~WebhookTransport();

  DeliveryResult Post(const std::string& url, const std::string& body,
                      const std::vector<std::pair<std::string, std::string>>& headers) const;

  const WebhookTransportOptions& options() const { return options_; }

 private:
  WebhookTransportOptions options_;
  HostResolver* resolver_;
  std::unique_ptr<notify_internal::CurlHandlePool> handles_;
};

// The outcome an HTTP status stands for (the rule above).
DeliveryOutcome ClassifyHttpStatus(int status);

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_NOTIFY_WEBHOOK_TRANSPORT_H_
