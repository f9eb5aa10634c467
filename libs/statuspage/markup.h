// Escaping for the status page's outputs. Every piece of text that reaches
// HTML, XML or JSON goes through one of these; nothing is ever inserted raw.
// Thread safety: pure functions.
#ifndef STATUSCAST_LIBS_STATUSPAGE_MARKUP_H_
#define STATUSCAST_LIBS_STATUSPAGE_MARKUP_H_

#include <string>

#include "absl/time/time.h"
#include "libs/base/markup_escape.h"  // HtmlEscape, XmlEscape

namespace statuscast {

// A JSON string literal with its quotes; '<', '>' and '&' as \u escapes so the
// output is also safe inside HTML.
std::string JsonString(const std::string& text);
// `url` when it is an absolute http(s) URL without spaces or control
// characters, else "" (so a "javascript:" link never reaches an href).
std::string SafeHttpUrl(const std::string& url);
}  // namespace statuscast

#endif  // STATUSCAST_LIBS_STATUSPAGE_MARKUP_H_
