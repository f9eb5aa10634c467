#include "libs/http/sse_format.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "libs/http/sse_route.h"

namespace statuscast {
namespace {

std::string IdAndEventLines(const SseEvent& event) {
  std::string out;
  if (!event.id.empty()) absl::StrAppend(&out, "id: ", event.id, "\n");
  if (!event.event.empty()) absl::StrAppend(&out, "event: ", event.event, "\n");
  return out;
}

}  // namespace

std::string SseRetryText(int64_t millis) { return absl::StrCat("retry: ", millis, "\n\n"); }

bool SseIsOneLine(absl::string_view data) {
  return data.find_first_of("\r\n") == absl::string_view::npos;
}

std::string SseEventHead(const SseEvent& event) { return IdAndEventLines(event) + "data: "; }

std::string SseEventText(const SseEvent& event) {
  std::string out = IdAndEventLines(event);
  const absl::string_view data = event.data != nullptr ? *event.data : absl::string_view();
  for (absl::string_view line : absl::StrSplit(data, '\n')) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    absl::StrAppend(&out, "data: ", line, "\n");
  }
  out += "\n";
  return out;
}

std::shared_ptr<const SseFrame> SseFrameEvent(const SseEvent& event) {
  const std::string text = SseEventText(event);
  auto frame = std::make_shared<SseFrame>();
  absl::StrAppend(&frame->chunk, absl::Hex(text.size()), "\r\n");
  frame->text_offset = frame->chunk.size();
  frame->text_size = text.size();
  absl::StrAppend(&frame->chunk, text, "\r\n");
  return frame;
}

std::string SseHeartbeatText(absl::string_view last_id) {
  return absl::StrCat(": heartbeat ", last_id, "\n\n");
}

std::string SseIdText(absl::string_view id) { return absl::StrCat("id: ", id, "\n\n"); }

}  // namespace statuscast
