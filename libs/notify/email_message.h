// Mail messages: a notification (or a subscription confirmation) as the
// headers and the two bodies (plain text and HTML) that SmtpTransport sends
// as multipart/alternative.
//
// Headers are ready for the wire: non-ASCII text is RFC 2047 encoded-words
// (UTF-8, base64), long values are folded so no line exceeds 78 characters
// where a break is possible, and CR, LF and other control characters in the
// inputs become spaces (no header injection). Every notification carries
//   Subject: [SEV-1] Investigating: <title>
//   Message-ID: <notification id @ sender's domain>   (stable across retries)
//   Date (the `now` passed in), From, To, Auto-Submitted: auto-generated,
//   List-Unsubscribe: <https unsubscribe URL>[, <mailto:...>]
//   List-Unsubscribe-Post: List-Unsubscribe=One-Click      (RFC 8058)
// The HTML body escapes every piece of text it includes (HtmlEscape,
// libs/base/markup_escape.h: also drops bidi controls and invalid UTF-8).
//
// Thread safety: pure functions and plain values.
#ifndef STATUSCAST_LIBS_NOTIFY_EMAIL_MESSAGE_H_
#define STATUSCAST_LIBS_NOTIFY_EMAIL_MESSAGE_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "libs/notify/notification.h"

namespace statuscast {

struct MailSettings {
  std::string from_address;  // "status@example.com": also the envelope sender
  std::string from_name;     // "Example Status"
  // Optional mailto: unsubscribe address for List-Unsubscribe
  // ("unsubscribe@example.com"); the https link is always there.
  std::string unsubscribe_mailto;
};

struct EmailMessage {
  std::string envelope_from;
  std::string recipient;
  // "Name: value" lines, encoded and folded (continuation lines start with a
  // space; lines end without CRLF).
  std::vector<std::string> headers;
  std::string text_body;  // UTF-8
  std::string html_body;  // UTF-8

  // The (still encoded) value of header `name`, "" when absent. For tests
  // and logs.
  std::string Header(absl::string_view name) const;
};

EmailMessage RenderNotificationEmail(const NotificationContent& n, const MailSettings& settings,
                                     const std::string& recipient, absl::Time now);

// The double opt-in mail: one link that confirms the subscription.
struct ConfirmationContent {
  std::string message_id;  // stable per confirmation request
  std::string page_name;
  std::string page_url;
  std::string confirm_url;
  absl::Time expires_at;
};
EmailMessage RenderConfirmationEmail(const ConfirmationContent& c, const MailSettings& settings,
                                     const std::string& recipient, absl::Time now);

// "Name: value" as it goes on the wire: `value` as is when it is printable
// ASCII, else as RFC 2047 encoded-words; folded at spaces or between words
// so lines stay within 78 characters where a break is possible.
std::string EncodeHeader(absl::string_view name, absl::string_view value);

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_NOTIFY_EMAIL_MESSAGE_H_
