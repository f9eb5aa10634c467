#include "libs/statuspage/markup.h"

#include <cstdio>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "libs/base/text_limits.h"

namespace statuscast {
namespace {

bool DroppedControl(unsigned char c) { return c < 0x20 && c != '\t' && c != '\n' && c != '\r'; }

std::string EscapeMarkup(const std::string& text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (char ch : text) {
    unsigned char c = static_cast<unsigned char>(ch);
    switch (ch) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        if (DroppedControl(c) || c == 0x7f) break;
        out += ch;
    }
  }
  return out;
}

// Drops what XML 1.0 forbids and bidi formatting controls (refused at write
// time; this covers rows stored before), and replaces bytes that are not
// UTF-8 with U+FFFD, so every output is well-formed whatever is stored.
std::string DropUnrenderable(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  absl::string_view rest = text;
  while (!rest.empty()) {
    size_t len;
    const int cp = DecodeUtf8(rest, &len);
    if (cp < 0) {
      out += "\xEF\xBF\xBD";
    } else if (!IsXmlForbidden(cp) && !IsBidiControl(cp)) {
      out.append(rest.data(), len);
    }
    rest.remove_prefix(len);
  }
  return out;
}

}  // namespace

std::string HtmlEscape(const std::string& text) { return EscapeMarkup(DropUnrenderable(text)); }

std::string XmlEscape(const std::string& text) { return EscapeMarkup(DropUnrenderable(text)); }

std::string JsonString(const std::string& text) {
  std::string out = "\"";
  out.reserve(text.size() + 2);
  for (char ch : text) {
    unsigned char c = static_cast<unsigned char>(ch);
    switch (ch) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '<':
        out += "\\u003c";
        break;
      case '>':
        out += "\\u003e";
        break;
      case '&':
        out += "\\u0026";
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += ch;
        }
    }
  }
  out += '"';
  return out;
}

std::string SafeHttpUrl(const std::string& url) {
  const std::string lower = absl::AsciiStrToLower(url);
  if (!absl::StartsWith(lower, "https://") && !absl::StartsWith(lower, "http://")) return "";
  for (char ch : url) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (c <= 0x20 || c == 0x7f || ch == '"' || ch == '\'' || ch == '<' || ch == '>' || ch == '\\') {
      return "";
    }
  }
  return url;
}

}  // namespace statuscast
