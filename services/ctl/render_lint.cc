// Rendering lint findings with their spans marked.
#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/ctl/render.h"
#include "services/ctl/render_internal.h"

namespace statuscast {
namespace ctl {
namespace {

const char* LintLevelLabel(v1::LintLevel l) {
  switch (l) {
    case v1::LINT_LEVEL_ERROR:
      return "error";
    case v1::LINT_LEVEL_WARNING:
      return "warning";
    default:
      return "info";
  }
}

}  // namespace

MarkedSpan MarkSpan(const std::string& text, size_t begin, size_t end, size_t width) {
  begin = std::min(begin, text.size());
  end = std::min(std::max(end, begin), text.size());
  size_t line_start = begin == 0 ? 0 : text.rfind('\n', begin - 1);
  line_start = line_start == std::string::npos ? 0 : (begin == 0 ? 0 : line_start + 1);
  size_t line_end = text.find('\n', line_start);
  if (line_end == std::string::npos) line_end = text.size();
  if (begin > line_end) begin = line_end;  // a span starting at the newline itself
  end = std::min(end, line_end);
  MarkedSpan out;
  out.line = 1 + static_cast<size_t>(std::count(text.begin(), text.begin() + line_start, '\n'));
  // Code point starts of the line, as byte offsets, plus the end.
  std::vector<size_t> cps;
  for (size_t i = line_start; i < line_end; ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) cps.push_back(i);
  }
  const size_t total = cps.size();
  cps.push_back(line_end);
  auto cp_index = [&](size_t byte) {
    return static_cast<size_t>(std::lower_bound(cps.begin(), cps.end() - 1, byte) - cps.begin());
  };
  const size_t col = cp_index(begin);
  const size_t len = end > begin ? std::max<size_t>(1, cp_index(end) - col) : 1;
  out.column = col + 1;
  size_t ws = 0, we = total;
  if (total > width) {
    ws = col > 20 ? col - 20 : 0;
    we = std::min(total, ws + width);
  }
  std::string shown = text.substr(cps[ws], cps[we] - cps[ws]);
  for (char& c : shown) {
    if (c == '\t' || c == '\r') c = ' ';
  }
  const std::string lead = ws > 0 ? "..." : "";
  out.text_line = absl::StrCat(lead, shown, we < total ? "..." : "");
  size_t marks = std::max<size_t>(1, std::min(len, we > col ? we - col : 1));
  out.underline = std::string(lead.size() + (col - ws), ' ') + std::string(marks, '^');
  return out;
}

std::string RenderLintFindings(const std::string& message, const std::string& banner_text,
                               const v1::LintUpdateResponse& response) {
  std::string out;
  for (const v1::LintFinding& f : response.findings()) {
    const bool banner = f.field() == v1::LINT_FIELD_BANNER_TEXT;
    const std::string& text = banner ? banner_text : message;
    const bool missing = f.span_start() == f.span_end();
    MarkedSpan m = MarkSpan(text, static_cast<size_t>(std::max(0, f.span_start())),
                            static_cast<size_t>(std::max(0, f.span_end())));
    absl::StrAppend(
        &out, LintLevelLabel(f.level()), " [", f.rule_id(), "] ", banner ? "banner text, " : "",
        missing ? "missing from the text" : absl::StrCat("line ", m.line, ", column ", m.column),
        "\n");
    if (!text.empty()) absl::StrAppend(&out, "    ", m.text_line, "\n    ", m.underline, "\n");
    absl::StrAppend(&out, "  why: ", OneLine(f.explanation()), "\n");
    if (!f.suggestion().empty()) {
      absl::StrAppend(&out, "  ", missing ? "add" : "rewrite", ": ", OneLine(f.suggestion()), "\n");
    }
    absl::StrAppend(&out, "\n");
  }
  const int n = response.findings_size();
  if (n == 0) return "no problems found\n";
  std::vector<std::string> parts;
  auto count = [&parts](int k, const char* one, const char* many) {
    if (k > 0) parts.push_back(absl::StrCat(k, " ", k == 1 ? one : many));
  };
  count(response.error_count(), "error", "errors");
  count(response.warning_count(), "warning", "warnings");
  count(response.info_count(), "info", "infos");
  absl::StrAppend(&out, n, n == 1 ? " problem: " : " problems: ", absl::StrJoin(parts, ", "), "\n");
  return out;
}

std::string RenderLintNotes(const google::protobuf::RepeatedPtrField<v1::LintFinding>& findings) {
  if (findings.empty()) return "";
  std::string out = "  lint:\n";
  for (const v1::LintFinding& f : findings) {
    absl::StrAppend(&out, "    ", LintLevelLabel(f.level()), " [", f.rule_id(), "] ");
    if (f.span_start() != f.span_end()) {
      absl::StrAppend(&out, "\"", Truncate(OneLine(f.excerpt()), 60), "\"");
    } else {
      absl::StrAppend(&out, "(missing)");
    }
    if (!f.suggestion().empty()) {
      absl::StrAppend(&out, " -> ", Truncate(OneLine(f.suggestion()), 80));
    }
    absl::StrAppend(&out, "\n");
  }
  return out;
}

}  // namespace ctl
}  // namespace statuscast
