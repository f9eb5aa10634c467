// The Server-Sent Events wire text (WHATWG HTML, "Server-sent events"), apart
// from the I/O. Each piece ends with the blank line that dispatches it.
// Thread safety: pure functions.
#ifndef STATUSCAST_LIBS_HTTP_SSE_FORMAT_H_
#define STATUSCAST_LIBS_HTTP_SSE_FORMAT_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace statuscast {

struct SseEvent;

// "retry: <millis>\n\n": how long a client waits before reconnecting.
std::string SseRetryText(int64_t millis);
// Whether `data` fits one `data:` line (no CR or LF), so it can be written
// between SseEventHead and kSseEventTail without a copy.
bool SseIsOneLine(absl::string_view data);
// "id: ..\nevent: ..\ndata: " (id and event lines only when set).
std::string SseEventHead(const SseEvent& event);
inline constexpr char kSseEventTail[] = "\n\n";
// The whole event, with one `data:` line per line of its data.
std::string SseEventText(const SseEvent& event);
// ": heartbeat <last_id>\n\n", a comment that keeps proxies from timing out.
std::string SseHeartbeatText(absl::string_view last_id);

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_HTTP_SSE_FORMAT_H_
