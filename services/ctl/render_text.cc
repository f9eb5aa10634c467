// Shared text helpers and the formatters of render.h (times, spans, labels).
#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/types/optional.h"
#include "libs/incident/model.h"
#include "libs/proto_convert/vocabulary_proto.h"
#include "services/ctl/render.h"
#include "services/ctl/render_internal.h"

namespace statuscast {
namespace ctl {

size_t Utf8Length(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// Left-aligns `s` in `width` columns (counting code points, not bytes).
std::string Pad(const std::string& s, size_t width) {
  size_t len = Utf8Length(s);
  return len >= width ? s : s + std::string(width - len, ' ');
}

// At most `max` code points, ending in "..." when cut.
std::string Truncate(const std::string& s, size_t max) {
  if (Utf8Length(s) <= max) return s;
  size_t keep = max > 3 ? max - 3 : 0, n = 0, i = 0;
  for (; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
      if (n == keep) break;
      ++n;
    }
  }
  return s.substr(0, i) + "...";
}

// One line of text (newlines become spaces), for single-line output.
std::string OneLine(const std::string& s) {
  std::string out;
  for (char c : s) out.push_back(c == '\n' || c == '\r' || c == '\t' ? ' ' : c);
  return out;
}

// Splits text into lines of at most `width` code points, breaking at spaces
// (a longer word gets a line of its own); newlines start a new line.
std::vector<std::string> Wrap(const std::string& text, size_t width) {
  std::vector<std::string> lines;
  for (absl::string_view para : absl::StrSplit(text, '\n')) {
    std::string line;
    for (absl::string_view word : absl::StrSplit(para, ' ', absl::SkipEmpty())) {
      std::string w(word);
      if (!line.empty() && Utf8Length(line) + 1 + Utf8Length(w) > width) {
        lines.push_back(line);
        line.clear();
      }
      absl::StrAppend(&line, line.empty() ? "" : " ", w);
    }
    lines.push_back(line);
  }
  while (lines.size() > 1 && lines.back().empty()) lines.pop_back();
  return lines;
}

absl::optional<absl::Time> OptTime(bool has, const google::protobuf::Timestamp& ts) {
  if (!has) return absl::nullopt;
  return TimeFromProto(ts);
}

std::string ChannelList(const google::protobuf::RepeatedField<int>& channels) {
  std::vector<std::string> names;
  for (int c : channels) names.push_back(ChannelLabel(static_cast<v1::Channel>(c)));
  return absl::StrJoin(names, ", ");
}

bool HasChannel(const google::protobuf::RepeatedField<int>& channels, v1::Channel c) {
  return std::find(channels.begin(), channels.end(), c) != channels.end();
}

bool IsOpen(const v1::Incident& inc) { return inc.state() != v1::INCIDENT_STATE_RESOLVED; }

// Appends a timeline entry: time, label, text wrapped in the third column,
// `tail` after the text when it fits on the last line (else on its own),
// then `meta` lines, indented under the text.
void AppendEntry(std::string* out, absl::Time at, const std::string& label, const std::string& text,
                 const std::string& tail, const std::vector<std::string>& meta) {
  const size_t indent = 2 + kTimeWidth + 2 + kLabelWidth + 2;
  const size_t text_width = kWidth - indent;
  const std::string pad(indent, ' ');
  std::vector<std::string> lines = Wrap(text, text_width);
  if (!tail.empty()) {
    if (Utf8Length(lines.back()) + 2 + Utf8Length(tail) <= text_width && !lines.back().empty()) {
      absl::StrAppend(&lines.back(), "  ", tail);
    } else if (lines.back().empty()) {
      lines.back() = tail;
    } else {
      lines.push_back(tail);
    }
  }
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i == 0) {
      absl::StrAppend(out, "  ", FormatUtcMinute(at), "  ", Pad(label, kLabelWidth), "  ", lines[i],
                      "\n");
    } else {
      absl::StrAppend(out, pad, lines[i], "\n");
    }
  }
  for (const std::string& m : meta) absl::StrAppend(out, pad, m, "\n");
}

void AppendHeader(std::string* out, const std::string& label, const std::string& value) {
  absl::StrAppend(out, "  ", Pad(label, kHeaderLabel), " ", value, "\n");
}

std::string Table(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> widths;
  for (const auto& row : rows) {
    if (widths.size() < row.size()) widths.resize(row.size(), 0);
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], Utf8Length(row[i]));
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      absl::StrAppend(&line, i + 1 == row.size() ? row[i] : Pad(row[i], widths[i] + 2));
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    absl::StrAppend(&out, line, "\n");
  }
  return out;
}

// The due time of the promise an overdue incident broke: the last ledger
// entry still unanswered.
absl::optional<absl::Time> OverduePromise(const v1::IncidentCompliance& c) {
  for (int i = c.ledger_size() - 1; i >= 0; --i) {
    const v1::PromiseEntry& p = c.ledger(i);
    if (p.status() == v1::PROMISE_STATUS_MISSED && !p.has_kept_at()) return TimeFromProto(p.due());
  }
  return absl::nullopt;
}

const char* SeverityLabel(v1::Severity s) { return SeverityName(FromProto(s)); }

const char* StateLabel(v1::IncidentState s) { return StateName(FromProto(s)); }

const char* ComponentStatusLabel(v1::ComponentStatus s) {
  return ComponentStatusName(FromProto(s));
}

const char* ChannelLabel(v1::Channel c) { return ChannelName(FromProto(c)); }

}  // namespace ctl
}  // namespace statuscast
