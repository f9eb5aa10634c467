#include "libs/notify/email_message.h"

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "libs/base/markup_escape.h"
#include "libs/notify/notification_payloads.h"

namespace statuscast {
namespace {

constexpr size_t kLineLimit = 78;
// An encoded-word "=?UTF-8?B?<base64>?=" carries at most this many bytes so
// that "Subject: " plus one word stays within 78 characters.
constexpr size_t kEncodedWordBytes = 39;

std::string WithoutControls(absl::string_view value) {
  std::string out(value);
  for (char& c : out) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) c = ' ';
  }
  return out;
}

bool IsPrintableAscii(absl::string_view s) {
  for (char c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7f) return false;
  }
  return true;
}

// Joins `words` with single spaces, breaking lines (CRLF + space) before a
// word that would pass the limit; `used` is what the line already holds.
std::string Fold(const std::vector<std::string>& words, size_t used) {
  std::string out;
  size_t line = used;
  for (size_t i = 0; i < words.size(); ++i) {
    if (i > 0) {
      if (line + 1 + words[i].size() > kLineLimit) {
        out += "\r\n ";
        line = 1;
      } else {
        out += ' ';
        ++line;
      }
    }
    out += words[i];
    line += words[i].size();
  }
  return out;
}

// Encoded-words for `text`, each whole UTF-8 characters only.
std::vector<std::string> EncodedWords(absl::string_view text) {
  std::vector<std::string> words;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = std::min(text.size(), start + kEncodedWordBytes);
    if (end < text.size()) {
      size_t cut = end;
      while (cut > start && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
      if (cut > start) end = cut;
    }
    words.push_back(
        absl::StrCat("=?UTF-8?B?", absl::Base64Escape(text.substr(start, end - start)), "?="));
    start = end;
  }
  return words;
}

std::string Capitalized(std::string s) {
  if (!s.empty()) s[0] = absl::ascii_toupper(static_cast<unsigned char>(s[0]));
  return s;
}

// The domain part of `address` for Message-IDs ("example.com").
std::string DomainOf(const std::string& address) {
  size_t at = address.rfind('@');
  return at == std::string::npos ? "statuscast.invalid" : address.substr(at + 1);
}

// A Message-ID's left part: only characters a dot-atom allows.
std::string IdAtom(absl::string_view id) {
  std::string out;
  for (char c : id)
    out += (absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_')
               ? c
               : '-';
  return out.empty() ? "message" : out;
}

std::string FromHeaderValue(const MailSettings& s) {
  if (s.from_name.empty()) return s.from_address;
  const std::string name = WithoutControls(s.from_name);
  if (IsPrintableAscii(name)) {
    std::string quoted = "\"";
    for (char c : name) {
      if (c == '"' || c == '\\') quoted += '\\';
      quoted += c;
    }
    return absl::StrCat(quoted, "\" <", s.from_address, ">");
  }
  // EncodeHeader would encode the address too; encode only the name.
  std::vector<std::string> words = EncodedWords(name);
  words.push_back(absl::StrCat("<", s.from_address, ">"));
  return Fold(words, sizeof("From: ") - 1);
}

std::vector<std::string> CommonHeaders(const MailSettings& settings, const std::string& recipient,
                                       const std::string& subject, const std::string& message_id,
                                       absl::Time now) {
  std::vector<std::string> h;
  const std::string from = FromHeaderValue(settings);
  h.push_back(IsPrintableAscii(from) ? EncodeHeader("From", from) : absl::StrCat("From: ", from));
  h.push_back(EncodeHeader("To", recipient));
  h.push_back(EncodeHeader("Subject", subject));
  h.push_back(EncodeHeader(
      "Date", absl::FormatTime("%a, %d %b %Y %H:%M:%S +0000", now, absl::UTCTimeZone())));
  h.push_back(EncodeHeader("Message-ID", absl::StrCat("<", IdAtom(message_id), "@",
                                                      DomainOf(settings.from_address), ">")));
  h.push_back(EncodeHeader("Auto-Submitted", "auto-generated"));
  return h;
}

}  // namespace

std::string EncodeHeader(absl::string_view name, absl::string_view value) {
  const std::string clean = WithoutControls(value);
  const size_t used = name.size() + 2;
  std::vector<std::string> words;
  if (IsPrintableAscii(clean)) {
    words = absl::StrSplit(clean, ' ', absl::SkipEmpty());
  } else {
    words = EncodedWords(clean);
  }
  return absl::StrCat(name, ": ", Fold(words, used));
}

std::string EmailMessage::Header(absl::string_view name) const {
  const std::string prefix = absl::StrCat(name, ": ");
  for (const std::string& h : headers) {
    if (absl::StartsWithIgnoreCase(h, prefix)) return h.substr(prefix.size());
  }
  return "";
}

EmailMessage RenderNotificationEmail(const NotificationContent& n, const MailSettings& settings,
                                     const std::string& recipient, absl::Time now) {
  EmailMessage m;
  m.envelope_from = settings.from_address;
  m.recipient = recipient;
  const std::string subject =
      absl::StrCat("[", n.severity, "] ", Capitalized(n.incident_state), ": ", n.incident_title);
  m.headers = CommonHeaders(settings, recipient, subject, n.notification_id, now);
  std::string unsubscribe = absl::StrCat("<", n.unsubscribe_url, ">");
  if (!settings.unsubscribe_mailto.empty()) {
    absl::StrAppend(&unsubscribe, ", <mailto:", settings.unsubscribe_mailto,
                    "?subject=unsubscribe>");
  }
  m.headers.push_back(EncodeHeader("List-Unsubscribe", unsubscribe));
  m.headers.push_back(EncodeHeader("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"));

  std::vector<std::string> components;
  for (const NotifiedComponent& c : n.affected_components) {
    components.push_back(
        absl::StrCat(c.name, " (", absl::StrReplaceAll(c.status, {{"_", " "}}), ")"));
  }
  const std::string affected =
      components.empty() ? "" : absl::StrCat("Affected: ", absl::StrJoin(components, ", "));
  const std::string status_line = absl::StrCat(n.severity, " · ", n.incident_state);
  const std::string next = NextUpdateLine(n);

  m.text_body = absl::StrCat(n.incident_title, "\n", status_line, "\n");
  if (!affected.empty()) absl::StrAppend(&m.text_body, affected, "\n");
  absl::StrAppend(&m.text_body, "\n", n.message, "\n\n");
  if (!next.empty()) absl::StrAppend(&m.text_body, next, "\n\n");
  absl::StrAppend(&m.text_body, "Incident page: ", n.incident_url, "\n\n-- \n",
                  "You receive this because you subscribed to ", n.page_name, " (", n.page_url,
                  ").\nUnsubscribe: ", n.unsubscribe_url, "\n");

  std::string html = absl::StrCat("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>",
                                  HtmlEscape(subject), "</title></head>\n<body>\n<h1>",
                                  HtmlEscape(n.incident_title), "</h1>\n<p><strong>",
                                  HtmlEscape(status_line), "</strong></p>\n");
  if (!affected.empty()) absl::StrAppend(&html, "<p>", HtmlEscape(affected), "</p>\n");
  std::string paragraphs;
  for (const std::string& para : std::vector<std::string>(absl::StrSplit(n.message, '\n'))) {
    absl::StrAppend(&paragraphs, "<p>", HtmlEscape(para), "</p>\n");
  }
  absl::StrAppend(&html, paragraphs);
  if (!next.empty()) absl::StrAppend(&html, "<p>", HtmlEscape(next), "</p>\n");
  absl::StrAppend(&html, "<p><a href=\"", HtmlEscape(n.incident_url), "\">Incident page</a></p>\n",
                  "<hr>\n<p>You receive this because you subscribed to <a href=\"",
                  HtmlEscape(n.page_url), "\">", HtmlEscape(n.page_name), "</a>. <a href=\"",
                  HtmlEscape(n.unsubscribe_url), "\">Unsubscribe</a></p>\n</body></html>\n");
  m.html_body = std::move(html);
  return m;
}

EmailMessage RenderConfirmationEmail(const ConfirmationContent& c, const MailSettings& settings,
                                     const std::string& recipient, absl::Time now) {
  EmailMessage m;
  m.envelope_from = settings.from_address;
  m.recipient = recipient;
  const std::string subject = absl::StrCat("Confirm your subscription to ", c.page_name);
  m.headers = CommonHeaders(settings, recipient, subject, c.message_id, now);
  const std::string expiry =
      absl::FormatTime("%Y-%m-%d %H:%M UTC", c.expires_at, absl::UTCTimeZone());
  m.text_body = absl::StrCat(
      "Someone (we hope you) asked to receive incident updates from ", c.page_name, " (",
      c.page_url, ") at this address.\n\nConfirm by opening this link before ", expiry, ":\n",
      c.confirm_url, "\n\nIf it was not you, ignore this mail: nothing more will be sent.\n");
  m.html_body = absl::StrCat(
      "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>", HtmlEscape(subject),
      "</title></head>\n<body>\n<p>Someone (we hope you) asked to receive incident updates from "
      "<a href=\"",
      HtmlEscape(c.page_url), "\">", HtmlEscape(c.page_name),
      "</a> at this address.</p>\n<p><a href=\"", HtmlEscape(c.confirm_url),
      "\">Confirm the subscription</a> (before ", HtmlEscape(expiry),
      ").</p>\n<p>If it was not you, ignore this mail: nothing more will be sent.</p>\n"
      "</body></html>\n");
  return m;
}

}  // namespace statuscast
