#include "libs/base/time_text.h"

#include <cstdint>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace statuscast {

std::string FormatUtc(absl::Time t) {
  return absl::FormatTime("%Y-%m-%d %H:%M:%S UTC", t, absl::UTCTimeZone());
}

std::string FormatUtcMinute(absl::Time t) {
  return absl::FormatTime("%Y-%m-%d %H:%M UTC", t, absl::UTCTimeZone());
}

std::string FormatUtcClock(absl::Time t) {
  return absl::FormatTime("%H:%M UTC", t, absl::UTCTimeZone());
}

std::string FormatUtcNear(absl::Time t, absl::Time now) {
  const absl::TimeZone utc = absl::UTCTimeZone();
  if (absl::ToCivilDay(t, utc) == absl::ToCivilDay(now, utc)) return FormatUtcClock(t);
  return FormatUtcMinute(t);
}

std::string FormatRfc3339(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone());
}

std::string ShortDuration(absl::Duration d) {
  if (d < absl::ZeroDuration()) d = -d;
  int64_t minutes = absl::ToInt64Minutes(d + absl::Seconds(30));
  if (minutes < 1) return absl::StrCat(absl::ToInt64Seconds(d), "s");
  if (minutes < 60) return absl::StrCat(minutes, "m");
  return absl::StrCat(minutes / 60, "h", minutes % 60 == 0 ? "" : absl::StrCat(minutes % 60, "m"));
}

std::string FormatSpan(absl::Duration d) {
  if (d < absl::ZeroDuration()) return absl::StrCat("-", FormatSpan(-d));
  int64_t s = absl::ToInt64Seconds(d);
  if (s < 60) return absl::StrFormat("%ds", s);
  int64_t m = (s + 30) / 60;  // nearest minute: 58m59s reads as 59m
  if (m < 60) return absl::StrFormat("%dm", m);
  int64_t h = m / 60;
  if (h < 48) return absl::StrFormat("%dh%02dm", h, m % 60);
  return absl::StrFormat("%dd%02dh", h / 24, h % 24);
}

}  // namespace statuscast
