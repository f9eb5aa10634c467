#include "libs/incident/cadence_policy.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace statuscast {

absl::optional<absl::Duration> CadencePolicy::IntervalFor(Severity s) const {
  switch (s) {
    case Severity::kSev1: return sev1_interval;
    case Severity::kSev2: return sev2_interval;
    default: return absl::nullopt;
  }
}

absl::StatusOr<CadencePolicy> CadencePolicy::Parse(const std::string& intervals,
                                                   absl::Duration first_communication_target,
                                                   absl::Duration promise_grace) {
  CadencePolicy p;
  p.first_communication_target = first_communication_target;
  p.promise_grace = promise_grace;
  for (absl::string_view item : absl::StrSplit(intervals, ',', absl::SkipWhitespace())) {
    std::vector<std::string> kv = absl::StrSplit(item, absl::MaxSplits('=', 1));
    Severity sev;
    absl::Duration d;
    if (kv.size() != 2 || !ParseSeverity(std::string(absl::StripAsciiWhitespace(kv[0])), &sev) ||
        !absl::ParseDuration(std::string(absl::StripAsciiWhitespace(kv[1])), &d)) {
      return absl::InvalidArgumentError(
          absl::StrCat("cadence entry \"", std::string(item),
                       "\" is not of the form SEV-1=30m (SEV-1 or SEV-2, a duration)"));
    }
    if (d < absl::Minutes(1) || d > absl::Hours(24)) {
      return absl::InvalidArgumentError(
          absl::StrCat("cadence for ", SeverityName(sev), " must be between 1m and 24h"));
    }
    if (sev == Severity::kSev1) p.sev1_interval = d;
    else if (sev == Severity::kSev2) p.sev2_interval = d;
    else return absl::InvalidArgumentError("SEV-3 has no fixed cadence; remove it from the list");
  }
  if (first_communication_target <= absl::ZeroDuration() || promise_grace < absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        "first-communication target must be positive and promise grace not negative");
  }
  return p;
}

}  // namespace statuscast
