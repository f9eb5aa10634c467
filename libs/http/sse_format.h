// The Server-Sent Events wire text (WHATWG HTML, "Server-sent events"), apart
// from the I/O. Each piece ends with the blank line that dispatches it.
// Thread safety: pure functions.
#ifndef STATUSCAST_LIBS_HTTP_SSE_FORMAT_H_
#define STATUSCAST_LIBS_HTTP_SSE_FORMAT_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/strings/string_view.h"

namespace statuscast {

struct SseEvent;

// "retry: <millis>\n\n": how long a client waits before reconnecting.
std::string SseRetryText(int64_t millis);
// Whether `data` fits one `data:` line (no CR or LF), so it can be written
// between SseEventHead and kSseEventTail without a copy.
bool SseIsOneLine(absl::string_view data);
// One event's bytes as every stream writes them: an HTTP/1.1 chunk whose
// payload is the event's text (which an HTTP/1.0 stream writes alone).
struct SseFrame {
  std::string chunk;  // "<hex size>\r\n" text "\r\n"
  size_t text_offset = 0;
  size_t text_size = 0;
};
// Frames `event` (its id, event and data; not its frame or context).
std::shared_ptr<const SseFrame> SseFrameEvent(const SseEvent& event);
// "id: ..\nevent: ..\ndata: " (id and event lines only when set).
std::string SseEventHead(const SseEvent& event);
inline constexpr char kSseEventTail[] = "\n\n";
// The whole event, with one `data:` line per line of its data.
std::string SseEventText(const SseEvent& event);
// ": heartbeat <last_id>\n\n", a comment that keeps proxies from timing out.
std::string SseHeartbeatText(absl::string_view last_id);
// "id: <id>\n\n": an event without data. The client dispatches nothing but
// resumes from `id` (its Last-Event-ID) when it reconnects.
std::string SseIdText(absl::string_view id);

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_HTTP_SSE_FORMAT_H_
