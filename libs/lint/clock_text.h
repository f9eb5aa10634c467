// Clock times as customers read them in a status message, with their zone:
// "14:30 UTC", "2.30pm BST", "14h45 CET", "11.00am GMT", "12:30 PM ET".
//
// The linter uses this to decide whether a message states a promised time
// (next_update_at): a clock time with a zone states the instant when, read in
// that zone, it is the same time of day. Zone abbreviations are ambiguous
// (IST is India, Ireland or Israel; CST is US Central or China): a time is
// taken to state the instant when any reading of its zone does. A clock with
// no zone states nothing: customers are everywhere.
#ifndef STATUSCAST_LIBS_LINT_CLOCK_TEXT_H_
#define STATUSCAST_LIBS_LINT_CLOCK_TEXT_H_

#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace statuscast {
namespace lint {

struct ZonedClock {
  size_t begin = 0, end = 0;        // Byte span in the text, zone included.
  int local_minute_of_day = 0;      // 0..1439, in the written zone.
  std::vector<int> offsets_minutes;  // The zone's possible offsets from UTC.
};

// Every clock time in `text` followed by a known zone (optionally in
// parentheses), in order.
std::vector<ZonedClock> FindZonedClocks(absl::string_view text);

// True when `text` writes the time of day of `t` in some zone: "14:30 UTC"
// and "15:30 BST" both state 14:30Z (the date is not checked: a promise is
// at most an hour or so ahead).
bool StatesClockTime(absl::string_view text, absl::Time t);

// Whether `clock` read in some reading of its zone is the time of day of `t`
// (to the minute).
bool ClockIsTime(const ZonedClock& clock, absl::Time t);

// The clocks of FindZonedClocks that name when the next update comes: those
// whose sentence, before the clock, speaks of an update ("Next update by
// 23:55 UTC", "we'll update this page at 2.30pm BST"). Other times ("since
// 13:05 UTC") are not promises.
std::vector<ZonedClock> FindPromisedClocks(absl::string_view text);

}  // namespace lint
}  // namespace statuscast

#endif  // STATUSCAST_LIBS_LINT_CLOCK_TEXT_H_
