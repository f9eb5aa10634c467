#include "libs/notify/smtp_transport.h"

#include "absl/strings/str_cat.h"
#include "libs/notify/curl_support.h"

namespace statuscast {
namespace {

using notify_internal::Append;
using notify_internal::CurlMime;
using notify_internal::CurlSlist;

void AddTextPart(curl_mime* mime, const std::string& body, const char* type) {
  curl_mimepart* part = curl_mime_addpart(mime);
  curl_mime_data(part, body.data(), body.size());
  curl_mime_type(part, type);
  curl_mime_encoder(part, "quoted-printable");
}

// One SMTP transaction on `c` (a pooled handle, options at their defaults).
struct Transaction {
  CURLcode rc = CURLE_OK;
  long reply = 0;
  long new_connections = 0;  // 0: it went over a kept connection
};

Transaction RunTransaction(CURL* c, const SmtpOptions& options, const EmailMessage& message,
                           bool fresh_connection) {
  // The root is multipart/mixed (libcurl's default for mail) holding one
  // multipart/alternative part with the two bodies.
  CurlMime root(curl_mime_init(c));
  curl_mime* alternative = curl_mime_init(c);
  AddTextPart(alternative, message.text_body, "text/plain; charset=utf-8");
  AddTextPart(alternative, message.html_body, "text/html; charset=utf-8");
  curl_mimepart* holder = curl_mime_addpart(root.get());
  curl_mime_subparts(holder, alternative);  // root now owns `alternative`
  curl_mime_type(holder, "multipart/alternative");

  CurlSlist headers;
  for (const std::string& h : message.headers) Append(headers, h.c_str());
  CurlSlist recipients;
  Append(recipients, absl::StrCat("<", message.recipient, ">").c_str());
  const std::string from = absl::StrCat("<", message.envelope_from, ">");

  curl_easy_setopt(c, CURLOPT_URL, options.url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_PROXY, "");
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS,
                   static_cast<long>(absl::ToInt64Milliseconds(options.timeout)));
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, recipients.get());
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(c, CURLOPT_MIMEPOST, root.get());
  const long use_ssl = options.starttls == StartTls::kRequired   ? CURLUSESSL_ALL
                       : options.starttls == StartTls::kOptional ? CURLUSESSL_TRY
                                                                 : CURLUSESSL_NONE;
  curl_easy_setopt(c, CURLOPT_USE_SSL, use_ssl);
  if (!options.username.empty()) {
    curl_easy_setopt(c, CURLOPT_USERNAME, options.username.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, options.password.c_str());
  }
  if (!options.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, options.ca_file.c_str());
  if (fresh_connection) curl_easy_setopt(c, CURLOPT_FRESH_CONNECT, 1L);

  Transaction t;
  t.rc = curl_easy_perform(c);
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &t.reply);
  curl_easy_getinfo(c, CURLINFO_NUM_CONNECTS, &t.new_connections);
  // Nothing set on the handle may point at this transaction's buffers once
  // they are freed: the pool resets the handle when the lease ends, and a
  // second try sets everything again.
  curl_easy_setopt(c, CURLOPT_MIMEPOST, nullptr);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, nullptr);
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, nullptr);
  return t;
}

// A kept connection the server had closed (or that broke) before it
// answered anything: the mail was not taken, so a new connection may try it.
bool DiedOnAKeptConnection(const Transaction& t) {
  return t.new_connections == 0 && t.reply == 0 &&
         (t.rc == CURLE_SEND_ERROR || t.rc == CURLE_RECV_ERROR || t.rc == CURLE_GOT_NOTHING);
}

}  // namespace

SmtpTransport::SmtpTransport(SmtpOptions options)
    : options_(std::move(options)), handles_(std::make_unique<notify_internal::CurlHandlePool>()) {
  notify_internal::EnsureCurlInitialized();
}

SmtpTransport::~SmtpTransport() = default;

DeliveryResult SmtpTransport::Send(const EmailMessage& message) const {
  DeliveryResult result;
  notify_internal::CurlHandlePool::Lease curl = handles_->Acquire(options_.url);
  if (curl.get() == nullptr) {
    result.detail = "libcurl could not make a handle";
    return result;
  }
  Transaction t = RunTransaction(curl.get(), options_, message, /*fresh_connection=*/false);
  if (DiedOnAKeptConnection(t)) {
    t = RunTransaction(curl.get(), options_, message, /*fresh_connection=*/true);
  }
  const CURLcode rc = t.rc;
  const long reply = t.reply;
  result.status_code = static_cast<int>(reply);
  if (rc == CURLE_OK) {
    result.outcome = DeliveryOutcome::kDelivered;
    result.detail = absl::StrCat("accepted (SMTP ", reply, ")");
    return result;
  }
  const bool configuration = rc == CURLE_LOGIN_DENIED || rc == CURLE_USE_SSL_FAILED ||
                             rc == CURLE_SSL_CONNECT_ERROR || rc == CURLE_PEER_FAILED_VERIFICATION;
  const bool permanent = !configuration && reply >= 500 && reply < 600;
  result.outcome = permanent ? DeliveryOutcome::kRejected : DeliveryOutcome::kRetry;
  result.detail =
      absl::StrCat(curl_easy_strerror(rc), reply != 0 ? absl::StrCat(" (SMTP ", reply, ")") : "");
  if (rc == CURLE_USE_SSL_FAILED) {
    absl::StrAppend(&result.detail, "; the server does not offer STARTTLS, which is required");
  }
  return result;
}

}  // namespace statuscast
