// Escaping text for HTML and XML: the status page, its Atom feed and the
// notification mails all go through these, so stored text can never become
// markup or reorder what surrounds it.
// Thread safety: pure functions.
#ifndef STATUSCAST_LIBS_BASE_MARKUP_ESCAPE_H_
#define STATUSCAST_LIBS_BASE_MARKUP_ESCAPE_H_

#include <string>

namespace statuscast {

// Text for HTML element content and double- or single-quoted attribute
// values: & < > " ' escaped; control characters other than \t \n \r,
// U+FFFE/U+FFFF and bidi formatting controls (U+200E/F, U+202A..E,
// U+2066..9) dropped, so stored text cannot reorder the page around it;
// bytes that are not UTF-8 become U+FFFD.
std::string HtmlEscape(const std::string& text);
// The same for XML 1.0 (Atom): every character XML 1.0 forbids is dropped.
std::string XmlEscape(const std::string& text);

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_BASE_MARKUP_ESCAPE_H_
