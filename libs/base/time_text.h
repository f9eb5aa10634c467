// Times and durations as people read them, always in UTC. Every message,
// page and log line that shows a time or a span uses these, so the same
// moment reads the same everywhere.
//
//   FormatUtc(t)          "2026-11-27 14:30:05 UTC"  errors, audit notes
//   FormatUtcMinute(t)    "2026-11-27 14:30 UTC"     listings, the status page
//   FormatUtcClock(t)     "14:30 UTC"                promises stated in updates
//   FormatUtcNear(t, now) the clock alone on now's UTC day, else with the date
//   FormatRfc3339(t)      "2026-11-27T14:30:05Z"     machine-readable (Atom, JSON)
//   ShortDuration(d)      "45s", "12m", "1h", "1h30m" (no sign)
//   FormatSpan(d)         "45s", "12m", "2h05m", "3d04h", "-12m" (signed)
#ifndef STATUSCAST_LIBS_BASE_TIME_TEXT_H_
#define STATUSCAST_LIBS_BASE_TIME_TEXT_H_

#include <string>

#include "absl/time/time.h"

namespace statuscast {

// Seconds are truncated, not rounded, in every time format.
std::string FormatUtc(absl::Time t);
std::string FormatUtcMinute(absl::Time t);
std::string FormatUtcClock(absl::Time t);
std::string FormatUtcNear(absl::Time t, absl::Time now);
std::string FormatRfc3339(absl::Time t);

// The magnitude of `d` to the nearest minute ("1h" for a whole hour), or in
// whole seconds below half a minute.
std::string ShortDuration(absl::Duration d);

// `d` to the nearest minute from a minute up ("59m", "2h05m"), whole seconds
// below; from 48 hours in days and hours ("3d04h"); "-" before a negative span.
std::string FormatSpan(absl::Duration d);

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_BASE_TIME_TEXT_H_
