#include "libs/incident/lint_policy.h"

#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace statuscast {

absl::StatusOr<LintPolicy> LintPolicy::Parse(const std::string& text) {
  LintPolicy p;
  std::string all = absl::AsciiStrToLower(absl::StripAsciiWhitespace(text));
  if (all.empty() || all == "none") return p;
  if (all == "all") {
    p.reject_ = {Severity::kSev1, Severity::kSev2, Severity::kSev3};
    return p;
  }
  for (absl::string_view part : absl::StrSplit(text, ',')) {
    std::string item(absl::StripAsciiWhitespace(part));
    if (item.empty()) continue;
    Severity s;
    if (!ParseSeverity(item, &s) || s == Severity::kUnspecified) {
      return absl::InvalidArgumentError(absl::StrCat(
          "unknown severity \"", item, "\" (write e.g. SEV-1,SEV-2; \"all\" or \"none\")"));
    }
    p.reject_.insert(s);
  }
  return p;
}

std::string LintPolicy::Describe() const {
  if (reject_.empty()) return "none";
  std::vector<std::string> names;
  for (Severity s : reject_) names.push_back(SeverityName(s));
  return absl::StrJoin(names, ", ");
}

}  // namespace statuscast
