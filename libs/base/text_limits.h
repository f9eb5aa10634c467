// Checks on caller-supplied text: valid UTF-8, no control characters other
// than newline and tab, and a bound on length (in bytes).
#ifndef STATUSCAST_LIBS_BASE_TEXT_LIMITS_H_
#define STATUSCAST_LIBS_BASE_TEXT_LIMITS_H_

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"

namespace statuscast {

// True when `text` is well-formed UTF-8 (no overlongs, no surrogates).
bool IsValidUtf8(absl::string_view text);

// Empty when `text` is acceptable; otherwise a description such as
// "is 5000 bytes; the limit is 4000" or "is not valid UTF-8".
// `multiline` allows '\n' and '\t'.
std::string CheckText(absl::string_view text, size_t max_bytes, bool multiline);

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_BASE_TEXT_LIMITS_H_
