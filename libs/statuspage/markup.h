// Escaping for the status page's outputs. Every piece of text that reaches
// HTML, XML or JSON goes through one of these; nothing is ever inserted raw.
// Thread safety: pure functions.
#ifndef STATUSCAST_LIBS_STATUSPAGE_MARKUP_H_
#define STATUSCAST_LIBS_STATUSPAGE_MARKUP_H_

#include <string>

#include "absl/time/time.h"

namespace statuscast {

// Text for HTML element content and double- or single-quoted attribute
// values: & < > " ' escaped; control characters other than \t \n \r,
// U+FFFE/U+FFFF and bidi formatting controls (U+200E/F, U+202A..E,
// U+2066..9) dropped, so stored text cannot reorder the page around it;
// bytes that are not UTF-8 become U+FFFD.
std::string HtmlEscape(const std::string& text);
// The same for XML 1.0 (Atom): every character XML 1.0 forbids is dropped.
std::string XmlEscape(const std::string& text);
// A JSON string literal with its quotes; '<', '>' and '&' as \u escapes so the
// output is also safe inside HTML.
std::string JsonString(const std::string& text);
// `url` when it is an absolute http(s) URL without spaces or control
// characters, else "" (so a "javascript:" link never reaches an href).
std::string SafeHttpUrl(const std::string& url);
}  // namespace statuscast

#endif  // STATUSCAST_LIBS_STATUSPAGE_MARKUP_H_
