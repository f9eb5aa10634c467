#include "libs/base/text_limits.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace statuscast {

int DecodeUtf8(absl::string_view text, size_t* len) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  *len = 1;
  const unsigned char c = s[0];
  if (c < 0x80) return c;
  size_t need;
  int cp;
  if (c >= 0xC2 && c <= 0xDF) {
    need = 2;
    cp = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    need = 3;
    cp = c & 0x0F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    need = 4;
    cp = c & 0x07;
  } else {
    return -1;
  }
  if (need > n) return -1;
  for (size_t k = 1; k < need; ++k) {
    if ((s[k] & 0xC0) != 0x80) return -1;
    cp = (cp << 6) | (s[k] & 0x3F);
  }
  if ((need == 3 && cp < 0x800) || (need == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
      (cp >= 0xD800 && cp <= 0xDFFF)) {
    return -1;
  }
  *len = need;
  return cp;
}

bool IsValidUtf8(absl::string_view text) {
  while (!text.empty()) {
    size_t len;
    if (DecodeUtf8(text, &len) < 0) return false;
    text.remove_prefix(len);
  }
  return true;
}

bool IsXmlForbidden(int cp) {
  if (cp < 0x20) return cp != '\t' && cp != '\n' && cp != '\r';
  return (cp >= 0xD800 && cp <= 0xDFFF) || cp == 0xFFFE || cp == 0xFFFF || cp > 0x10FFFF;
}

bool IsBidiControl(int cp) {
  return cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) ||
         (cp >= 0x2066 && cp <= 0x2069);
}

std::string CheckText(absl::string_view text, size_t max_bytes, bool multiline) {
  if (text.size() > max_bytes) {
    return absl::StrCat("is ", text.size(), " bytes; the limit is ", max_bytes);
  }
  if (!IsValidUtf8(text)) return "is not valid UTF-8";
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) {
      if (multiline && (c == '\n' || c == '\t' || c == '\r')) continue;
      return multiline ? "contains a control character" : "must be a single line";
    }
  }
  for (absl::string_view rest = text; !rest.empty();) {
    size_t len;
    const int cp = DecodeUtf8(rest, &len);
    rest.remove_prefix(len);
    if (cp < 0x80) continue;
    if (IsXmlForbidden(cp)) {
      return absl::StrFormat(
          "contains U+%04X, which XML 1.0 forbids (it would break the Atom feed); remove it", cp);
    }
    if (IsBidiControl(cp)) {
      return absl::StrFormat(
          "contains the bidi control U+%04X, which can reorder the text around it; remove it", cp);
    }
  }
  return "";
}

}  // namespace statuscast
