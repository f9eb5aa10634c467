// Checks on caller-supplied text: valid UTF-8, no control characters other
// than newline and tab, no character XML 1.0 forbids (U+FFFE, U+FFFF: they
// would make the Atom feed ill-formed for every reader), no Unicode bidi
// formatting controls (an unclosed override reverses the text after it, on
// the status page up to the page title), and a bound on length (in bytes).
// Such text is refused when written; the renderers also drop it, for rows
// stored before these checks.
#ifndef STATUSCAST_LIBS_BASE_TEXT_LIMITS_H_
#define STATUSCAST_LIBS_BASE_TEXT_LIMITS_H_

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"

namespace statuscast {

// True when `text` is well-formed UTF-8 (no overlongs, no surrogates).
bool IsValidUtf8(absl::string_view text);

// The code point of the well-formed UTF-8 character that starts `text`, its
// length in *len; -1 with *len = 1 when the first byte starts none.
// REQUIRES: !text.empty().
int DecodeUtf8(absl::string_view text, size_t* len);

// XML 1.0 forbids it: C0 controls other than tab, LF and CR, surrogates,
// U+FFFE and U+FFFF.
bool IsXmlForbidden(int code_point);

// A Unicode bidi formatting control: U+200E, U+200F (marks), U+202A..U+202E
// (embeddings, overrides, pop), U+2066..U+2069 (isolates).
bool IsBidiControl(int code_point);

// Empty when `text` is acceptable; otherwise a description such as
// "is 5000 bytes; the limit is 4000", "is not valid UTF-8" or "contains
// U+FFFF, which XML 1.0 forbids".
// `multiline` allows '\n' and '\t'.
std::string CheckText(absl::string_view text, size_t max_bytes, bool multiline);

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_BASE_TEXT_LIMITS_H_
