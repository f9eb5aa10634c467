#include "libs/base/log.h"

#include <atomic>
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "libs/base/text_limits.h"

namespace statuscast {
namespace {
std::atomic<LogFormat> g_format{LogFormat::kText};

bool NeedsQuotes(absl::string_view v) {
  if (v.empty()) return true;
  for (char c : v) {
    if (c == ' ' || c == '"' || c == '=' || static_cast<unsigned char>(c) < 0x20) return true;
  }
  return !IsValidUtf8(v);
}
}  // namespace

void SetLogFormat(LogFormat format) { g_format = format; }

bool ParseLogFormat(const std::string& text, LogFormat* out) {
  if (text == "text") *out = LogFormat::kText;
  else if (text == "json") *out = LogFormat::kJson;
  else return false;
  return true;
}

std::string JsonQuote(absl::string_view text) {
  std::string out = "\"";
  for (size_t i = 0; i < text.size();) {
    const char c = text[i];
    if (static_cast<unsigned char>(c) >= 0x80) {
      // Copied when well-formed UTF-8; each byte that is not becomes the
      // escape for U+FFFD, so the line is valid JSON whatever the input.
      size_t len;
      if (DecodeUtf8(text.substr(i), &len) < 0) {
        out += "\\ufffd";
      } else {
        out.append(text.data() + i, len);
      }
      i += len;
      continue;
    }
    ++i;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          absl::StrAppendFormat(&out, "\\u%04x", static_cast<int>(c));
        } else {
          out += c;
        }
    }
  }
  out += "\"";
  return out;
}

std::string FormatLogLine(LogFormat format, absl::string_view timestamp, absl::string_view event,
                          const LogFields& fields) {
  std::string line;
  if (format == LogFormat::kJson) {
    absl::StrAppend(&line, "{\"ts\":", JsonQuote(timestamp), ",\"event\":", JsonQuote(event));
    for (const auto& [k, v] : fields) absl::StrAppend(&line, ",", JsonQuote(k), ":", JsonQuote(v));
    line += "}";
  } else {
    absl::StrAppend(&line, timestamp, " ", event);
    for (const auto& [k, v] : fields) {
      absl::StrAppend(&line, " ", k, "=", NeedsQuotes(v) ? JsonQuote(v) : v);
    }
  }
  return line;
}

void LogEvent(absl::string_view event, const LogFields& fields) {
  std::string ts = absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone());
  std::string line = FormatLogLine(g_format.load(), ts, event, fields);
  line += "\n";
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace statuscast
