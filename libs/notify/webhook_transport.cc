#include "libs/notify/webhook_transport.h"

#include <arpa/inet.h>
#include <sys/socket.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "libs/notify/curl_support.h"

namespace statuscast {
namespace {

using notify_internal::Append;
using notify_internal::CurlSlist;

// State the libcurl callbacks share with Post.
struct Transfer {
  const std::vector<std::string>* allowed = nullptr;
  const DestinationPolicy* policy = nullptr;
  size_t limit = 0;
  DeliveryResult* result = nullptr;
  std::string refusal;  // why the open-socket callback said no
};

std::string NumericAddress(const curl_sockaddr* a) {
  char buf[INET6_ADDRSTRLEN] = {0};
  if (a->family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&a->addr)->sin_addr, buf, sizeof buf);
  } else if (a->family == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(&a->addr)->sin6_addr, buf,
              sizeof buf);
  }
  return buf;
}

// CURLOPT_OPENSOCKETFUNCTION: the last gate before connect().
curl_socket_t OpenSocket(void* clientp, curlsocktype purpose, curl_sockaddr* address) {
  Transfer* t = static_cast<Transfer*>(clientp);
  ++t->result->sockets_requested;
  const std::string a = NumericAddress(address);
  if (purpose != CURLSOCKTYPE_IPCXN || a.empty()) {
    t->refusal = "refused a socket that is not a TCP connection to a checked address";
    return CURL_SOCKET_BAD;
  }
  if (std::find(t->allowed->begin(), t->allowed->end(), a) == t->allowed->end()) {
    t->refusal = absl::StrCat("refused to connect to ", a, ", which was not the checked address");
    return CURL_SOCKET_BAD;
  }
  if (absl::Status s = CheckAddress(a, *t->policy); !s.ok()) {
    t->refusal = std::string(s.message());
    return CURL_SOCKET_BAD;
  }
  curl_socket_t fd = socket(address->family, address->socktype, address->protocol);
  if (fd != CURL_SOCKET_BAD) ++t->result->sockets_opened;
  return fd;
}

size_t ReadBody(char* data, size_t size, size_t nmemb, void* userdata) {
  Transfer* t = static_cast<Transfer*>(userdata);
  const size_t n = size * nmemb;
  DeliveryResult& r = *t->result;
  if (r.response_bytes + n > t->limit) {
    r.response_truncated = true;
    const size_t fits = t->limit - r.response_bytes;
    r.response_bytes += fits;
    return fits;  // short of n: libcurl aborts the transfer
  }
  r.response_bytes += n;
  return n;
}

DeliveryResult Failed(DeliveryOutcome outcome, std::string detail) {
  DeliveryResult r;
  r.outcome = outcome;
  r.detail = std::move(detail);
  return r;
}

std::string Seconds(absl::Duration d) { return absl::FormatDuration(d); }

}  // namespace

DeliveryOutcome ClassifyHttpStatus(int status) {
  if (status >= 200 && status < 300) return DeliveryOutcome::kDelivered;
  if (status == 410) return DeliveryOutcome::kGone;
  if (status == 408 || status == 429) return DeliveryOutcome::kRetry;
  if (status >= 400 && status < 500) return DeliveryOutcome::kRejected;
  return DeliveryOutcome::kRetry;  // 1xx left over, 3xx (not followed), 5xx
}

WebhookTransport::WebhookTransport(WebhookTransportOptions options, HostResolver* resolver)
    : options_(std::move(options)),
      resolver_(resolver),
      handles_(std::make_unique<notify_internal::CurlHandlePool>()) {
  notify_internal::EnsureCurlInitialized();
}

WebhookTransport::~WebhookTransport() = default;

DeliveryResult WebhookTransport::Post(
    const std::string& url, const std::string& body,
    const std::vector<std::pair<std::string, std::string>>& headers) const {
  absl::StatusOr<WebhookUrl> target = ParseWebhookUrl(url, options_.url_policy);
  if (!target.ok())
    return Failed(DeliveryOutcome::kRejected, std::string(target.status().message()));
  absl::StatusOr<std::vector<std::string>> addresses =
      CheckDestination(target->host, *resolver_, options_.destination_policy);
  if (!addresses.ok()) {
    const bool refused = addresses.status().code() == absl::StatusCode::kPermissionDenied;
    return Failed(refused ? DeliveryOutcome::kRejected : DeliveryOutcome::kRetry,
                  std::string(addresses.status().message()));
  }

  notify_internal::CurlHandlePool::Lease curl =
      handles_->Acquire(absl::StrCat(target->host, ":", target->port));
  if (curl.get() == nullptr) return Failed(DeliveryOutcome::kRetry, "libcurl could not make a handle");
  CURL* c = curl.get();
  DeliveryResult result;
  Transfer transfer;
  transfer.allowed = &*addresses;
  transfer.policy = &options_.destination_policy;
  transfer.limit = options_.max_response_bytes;
  transfer.result = &result;

  // Pin a name to the checked addresses: libcurl does not resolve it again.
  // (A numeric host needs no pinning; the socket callback still checks it.)
  CurlSlist resolve;
  if (!ClassifyAddress(target->host).ok()) {
    std::vector<std::string> pinned;
    for (const std::string& a : *addresses) {
      pinned.push_back(a.find(':') == std::string::npos ? a : absl::StrCat("[", a, "]"));
    }
    const std::string entry =
        absl::StrCat(target->host, ":", target->port, ":", absl::StrJoin(pinned, ","));
    Append(resolve, entry.c_str());
  }

  CurlSlist request_headers;
  Append(request_headers, "Content-Type: application/json");
  Append(request_headers, "Expect:");
  for (const auto& [name, value] : headers) {
    Append(request_headers, absl::StrCat(name, ": ", value).c_str());
  }

  curl_easy_setopt(c, CURLOPT_URL, target->url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR,
                   options_.url_policy.allow_http ? "http,https" : "https");
  curl_easy_setopt(c, CURLOPT_RESOLVE, resolve.get());
  curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, &OpenSocket);
  curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, &transfer);
  curl_easy_setopt(c, CURLOPT_PROXY, "");  // never a proxy from the environment
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS,
                   static_cast<long>(absl::ToInt64Milliseconds(options_.timeout)));
  curl_easy_setopt(c, CURLOPT_POST, 1L);
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, request_headers.get());
  curl_easy_setopt(c, CURLOPT_USERAGENT, options_.user_agent.c_str());
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &ReadBody);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &transfer);
  if (!options_.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, options_.ca_file.c_str());

  const CURLcode rc = curl_easy_perform(c);
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  result.status_code = static_cast<int>(status);
  // Nothing left set may point into this call's buffers (the pool resets
  // the handle when the lease ends; this is belt and braces).
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, nullptr);
  curl_easy_setopt(c, CURLOPT_RESOLVE, nullptr);
  curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, nullptr);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, nullptr);

  if (!transfer.refusal.empty()) {
    result.outcome = DeliveryOutcome::kRejected;
    result.detail = transfer.refusal;
    return result;
  }
  if (status != 0) {
    // The status line arrived: it decides, even if we cut the body short.
    result.outcome = ClassifyHttpStatus(result.status_code);
    result.detail = absl::StrCat("HTTP ", status);
    if (result.response_truncated) {
      absl::StrAppend(&result.detail, "; response cut at ", options_.max_response_bytes, " bytes");
    } else if (rc != CURLE_OK) {
      absl::StrAppend(&result.detail, "; then ", curl_easy_strerror(rc));
    }
    if (status >= 300 && status < 400)
      absl::StrAppend(&result.detail, " (redirects are not followed)");
    return result;
  }
  result.outcome = DeliveryOutcome::kRetry;
  if (rc == CURLE_OPERATION_TIMEDOUT) {
    result.detail = absl::StrCat("no answer within ", Seconds(options_.timeout));
  } else {
    result.detail = curl_easy_strerror(rc);
  }
  return result;
}

}  // namespace statuscast
