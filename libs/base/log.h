// One line per meaningful event, as text or JSON (--log_format).
//
//   LogEvent("rpc", {{"method", "PostUpdate"}, {"request_id", id}, {"code", "OK"}});
// text: 2026-11-27T14:02:00.123Z rpc method=PostUpdate request_id=ab12 code=OK
// json: {"ts":"2026-11-27T14:02:00.123Z","event":"rpc","method":"PostUpdate",...}
// Thread safety: safe from any thread; each line is written whole to stderr.
#ifndef STATUSCAST_LIBS_BASE_LOG_H_
#define STATUSCAST_LIBS_BASE_LOG_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace statuscast {

enum class LogFormat { kText, kJson };
void SetLogFormat(LogFormat format);
// "text" or "json"; false otherwise.
bool ParseLogFormat(const std::string& text, LogFormat* out);

using LogFields = std::vector<std::pair<std::string, std::string>>;
void LogEvent(absl::string_view event, const LogFields& fields);
// The line LogEvent would write (without the newline), for tests.
std::string FormatLogLine(LogFormat format, absl::string_view timestamp, absl::string_view event,
                          const LogFields& fields);

// A JSON string literal for `text` (quotes included).
std::string JsonQuote(absl::string_view text);

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_BASE_LOG_H_
