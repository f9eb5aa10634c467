#include "libs/notify/subscription.h"

#include <curl/curl.h>

#include <algorithm>
#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace statuscast {
namespace {

bool IsControlOrSpace(unsigned char c) { return c <= 0x20 || c == 0x7f; }

absl::Status EmailError(absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("email address ", why));
}

absl::Status UrlError(absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("webhook URL ", why));
}

absl::Status CheckDomainLabels(absl::string_view domain) {
  std::vector<absl::string_view> labels = absl::StrSplit(domain, '.');
  if (labels.size() < 2) {
    return EmailError("needs a domain with at least one dot after the '@' (e.g. example.com)");
  }
  for (absl::string_view label : labels) {
    if (label.empty())
      return EmailError("has an empty label in its domain (\"..\" or a dot at an end)");
    if (label.size() > 63) return EmailError("has a domain label longer than 63 characters");
    if (label.front() == '-' || label.back() == '-') {
      return EmailError("has a domain label that starts or ends with '-'");
    }
    for (char c : label) {
      if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-') {
        return EmailError(absl::StrCat("has '", std::string(1, c),
                                       "' in its domain; only letters, digits, '-' and '.' "
                                       "are allowed there"));
      }
    }
  }
  return absl::OkStatus();
}

struct CurlUrlDeleter {
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
};
struct CurlStringDeleter {
  void operator()(char* s) const { curl_free(s); }
};
using CurlString = std::unique_ptr<char, CurlStringDeleter>;

// The part, or nullopt-like empty unique_ptr when absent.
CurlString GetPart(CURLU* u, CURLUPart part, unsigned flags = 0) {
  char* out = nullptr;
  if (curl_url_get(u, part, &out, flags) != CURLUE_OK) return nullptr;
  return CurlString(out);
}

}  // namespace

const char* SubscriberKindName(SubscriberKind kind) {
  switch (kind) {
    case SubscriberKind::kEmail:
      return "email";
    case SubscriberKind::kWebhook:
      return "webhook";
    case SubscriberKind::kSlack:
      return "slack";
  }
  return "unknown";
}

bool ParseSubscriberKind(absl::string_view text, SubscriberKind* out) {
  for (SubscriberKind k :
       {SubscriberKind::kEmail, SubscriberKind::kWebhook, SubscriberKind::kSlack}) {
    if (text == SubscriberKindName(k)) {
      *out = k;
      return true;
    }
  }
  return false;
}

bool ScopeMatches(const ComponentScope& scope, const std::vector<std::string>& affected) {
  if (scope.all) return true;
  return std::any_of(scope.components.begin(), scope.components.end(), [&](const std::string& c) {
    return std::find(affected.begin(), affected.end(), c) != affected.end();
  });
}

bool ShouldNotify(const Subscription& subscription, const std::vector<std::string>& affected) {
  return subscription.confirmed && ScopeMatches(subscription.scope, affected);
}

absl::Status ValidateEmailAddress(absl::string_view address) {
  if (address.empty()) return EmailError("is empty");
  if (address.size() > kMaxEmailAddressBytes) {
    return EmailError(
        absl::StrCat("is ", address.size(), " characters; the limit is ", kMaxEmailAddressBytes));
  }
  for (char ch : address) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (c >= 0x80) return EmailError("has non-ASCII characters, which are not supported");
    if (IsControlOrSpace(c)) return EmailError("contains a space or a control character");
  }
  size_t at = address.find('@');
  if (at == absl::string_view::npos) return EmailError("needs an '@' (name@example.com)");
  if (address.find('@', at + 1) != absl::string_view::npos)
    return EmailError("has more than one '@'");
  absl::string_view local = address.substr(0, at);
  absl::string_view domain = address.substr(at + 1);
  if (local.empty()) return EmailError("has nothing before the '@'");
  if (local.size() > 64) return EmailError("has more than 64 characters before the '@'");
  if (local.front() == '.' || local.back() == '.' || local.find("..") != absl::string_view::npos) {
    return EmailError("has a dot at the start or end of its name, or two dots in a row");
  }
  for (char c : local) {
    if (absl::string_view("()<>[]:;,\\\"").find(c) != absl::string_view::npos) {
      return EmailError(absl::StrCat("has '", std::string(1, c), "' before the '@'"));
    }
  }
  if (domain.empty()) return EmailError("has nothing after the '@'");
  return CheckDomainLabels(domain);
}

absl::StatusOr<WebhookUrl> ParseWebhookUrl(absl::string_view url, const UrlPolicy& policy) {
  if (url.empty()) return UrlError("is empty");
  if (url.size() > kMaxWebhookUrlBytes) {
    return UrlError(absl::StrCat("is ", url.size(), " bytes; the limit is ", kMaxWebhookUrlBytes));
  }
  for (char ch : url) {
    if (IsControlOrSpace(static_cast<unsigned char>(ch))) {
      return UrlError("contains a space or a control character");
    }
  }
  std::unique_ptr<CURLU, CurlUrlDeleter> u(curl_url());
  if (u == nullptr) return absl::ResourceExhaustedError("webhook URL: out of memory parsing it");
  const std::string text(url);
  // CURLU_NON_SUPPORT_SCHEME: parse any scheme, so an unwanted one gets our
  // message below rather than curl's.
  CURLUcode rc = curl_url_set(u.get(), CURLUPART_URL, text.c_str(), CURLU_NON_SUPPORT_SCHEME);
  if (rc != CURLUE_OK) {
    return UrlError(absl::StrCat("is not a valid absolute URL (", curl_url_strerror(rc), ")"));
  }
  CurlString scheme = GetPart(u.get(), CURLUPART_SCHEME);
  std::string scheme_text = scheme ? absl::AsciiStrToLower(scheme.get()) : "";
  if (scheme_text == "http" && !policy.allow_http) {
    return UrlError("must use https:// (plain http:// is not allowed on this server)");
  }
  if (scheme_text != "https" && scheme_text != "http") {
    return UrlError(absl::StrCat("must use https://; \"", scheme_text, "\" URLs are not allowed"));
  }
  if (GetPart(u.get(), CURLUPART_USER) || GetPart(u.get(), CURLUPART_PASSWORD) ||
      GetPart(u.get(), CURLUPART_OPTIONS)) {
    return UrlError(
        "must not contain a user name or password (user:pass@host); put credentials in the path "
        "or rely on the webhook signature");
  }
  CurlString host = GetPart(u.get(), CURLUPART_HOST);
  if (!host || host.get()[0] == '\0') return UrlError("has no host");
  CurlString port = GetPart(u.get(), CURLUPART_PORT, CURLU_DEFAULT_PORT);
  CurlString normalized = GetPart(u.get(), CURLUPART_URL);
  if (!port || !normalized) return UrlError("could not be normalized");

  WebhookUrl out;
  out.url = normalized.get();
  out.scheme = scheme_text;
  out.host = host.get();
  if (out.host.size() >= 2 && out.host.front() == '[' && out.host.back() == ']') {
    out.host = out.host.substr(1, out.host.size() - 2);
  }
  out.port = std::atoi(port.get());
  if (out.url.size() > kMaxWebhookUrlBytes) {
    return UrlError(absl::StrCat("is over ", kMaxWebhookUrlBytes, " bytes once normalized"));
  }
  return out;
}

absl::Status ValidateSubscription(const Subscription& subscription, const UrlPolicy& policy) {
  if (subscription.kind == SubscriberKind::kEmail) {
    if (absl::Status s = ValidateEmailAddress(subscription.destination); !s.ok()) return s;
  } else if (absl::StatusOr<WebhookUrl> u = ParseWebhookUrl(subscription.destination, policy);
             !u.ok()) {
    return u.status();
  }
  if (!subscription.scope.all) {
    if (subscription.scope.components.empty()) {
      return absl::InvalidArgumentError(
          "components: choose at least one component, or subscribe to everything");
    }
    for (const std::string& c : subscription.scope.components) {
      if (c.empty()) return absl::InvalidArgumentError("components: a component name is empty");
    }
  }
  return absl::OkStatus();
}

}  // namespace statuscast
