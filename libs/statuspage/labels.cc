#include "libs/statuspage/labels.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace statuscast {
namespace {

std::string Capitalized(std::string s) {
  for (char& c : s) {
    if (c == '_') c = ' ';
  }
  if (!s.empty()) s[0] = absl::ascii_toupper(static_cast<unsigned char>(s[0]));
  return s;
}

}  // namespace

std::string StateLabel(IncidentState s) { return Capitalized(StateName(s)); }
std::string ComponentStatusLabel(ComponentStatus s) { return Capitalized(ComponentStatusName(s)); }

std::string ImpactLabel(Indicator i) {
  switch (i) {
    case Indicator::kCritical:
      return "Critical impact";
    case Indicator::kMajor:
      return "Major impact";
    case Indicator::kMinor:
      return "Minor impact";
    default:
      return "No impact";
  }
}

std::string WorstImpactLabel(Indicator i) {
  return i == Indicator::kNone ? ImpactLabel(i) : absl::StrCat(ImpactLabel(i), " (worst reached)");
}

}  // namespace statuscast
