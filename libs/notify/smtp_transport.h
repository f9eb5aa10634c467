// Sends an EmailMessage through an SMTP server with libcurl (smtp:// or
// smtps://), as multipart/alternative (text, then HTML; each part UTF-8,
// quoted-printable so no line is longer than 76 characters).
//
// STARTTLS by option: kRequired fails the attempt when the server does not
// offer it (nothing is sent in clear), kOptional uses it when offered, kOff
// never asks. AUTH with user name and password when a user name is set.
//
// Outcome: the server accepted the message: kDelivered; a permanent 5xx
// reply to the sender or recipient: kRejected; everything else (4xx, no
// connection, timeout, TLS or login failure, which are the operator's to fix
// and must not drop mail): kRetry, with the reason in `detail`.
//
// Connections: the transport keeps the connections it opened (a pool of
// libcurl handles, curl_support.h), and the next mail goes over an open one
// (a new MAIL FROM on the same session) instead of a new connection, EHLO,
// STARTTLS and AUTH per mail. A mail that fails on a reused connection
// before the server said anything (it closed an idle connection) is tried
// once more on a new one; every other failure is the outcome above.
//
// Thread safety: Send may be called from many threads at once.
#ifndef STATUSCAST_LIBS_NOTIFY_SMTP_TRANSPORT_H_
#define STATUSCAST_LIBS_NOTIFY_SMTP_TRANSPORT_H_

#include <memory>
#include <string>

#include "absl/time/time.h"
#include "libs/notify/delivery_result.h"
#include "libs/notify/email_message.h"

namespace statuscast {
namespace notify_internal {
class CurlHandlePool;
}

enum class StartTls { kOff, kOptional, kRequired };

struct SmtpOptions {
  std::string url = "smtp://127.0.0.1:25";  // smtp://host:port or smtps://host:port
  StartTls starttls = StartTls::kRequired;
  std::string username;  // AUTH when not empty
  std::string password;
  absl::Duration timeout = absl::Seconds(30);
  std::string ca_file;  // trust this CA bundle instead of the system's
};

class SmtpTransport {
 public:
  explicit SmtpTransport(SmtpOptions options);
  ~SmtpTransport();
  DeliveryResult Send(const EmailMessage& message) const;

 private:
  SmtpOptions options_;
  std::unique_ptr<notify_internal::CurlHandlePool> handles_;
};

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_NOTIFY_SMTP_TRANSPORT_H_
