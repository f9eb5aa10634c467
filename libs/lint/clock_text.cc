#include "libs/lint/clock_text.h"

#include <map>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "re2/re2.h"

namespace statuscast {
namespace lint {
namespace {

// Zone names people write on status pages (abbreviations and a few in
// words, lower case, single spaces), with every offset (in minutes east of
// UTC) the name is used for.
const std::map<std::string, std::vector<int>>& Zones() {
  static const auto* zones = new std::map<std::string, std::vector<int>>{
      {"utc", {0}},         {"gmt", {0}},          {"z", {0}},
      {"wet", {0}},         {"west", {60}},        {"bst", {60}},
      {"ist", {330, 60, 120}},                     {"cet", {60}},
      {"cest", {120}},      {"eet", {120}},
      {"eest", {180}},      {"msk", {180}},        {"wat", {60}},
      {"cat", {120}},       {"sast", {120}},       {"eat", {180}},
      {"gst", {240}},       {"pkt", {300}},        {"npt", {345}},
      {"ict", {420}},       {"wib", {420}},        {"sgt", {480}},
      {"hkt", {480}},       {"pht", {480}},        {"awst", {480}},
      {"jst", {540}},       {"kst", {540}},        {"acst", {570}},
      {"acdt", {630}},      {"aest", {600}},       {"aedt", {660}},
      {"nzst", {720}},      {"nzdt", {780}},       {"brt", {-180}},
      {"art", {-180}},      {"nst", {-210}},       {"ndt", {-150}},
      {"ast", {-240}},      {"adt", {-180}},       {"et", {-300, -240}},
      {"est", {-300}},      {"edt", {-240}},       {"ct", {-360, -300}},
      {"cst", {-360, 480}}, {"cdt", {-300}},       {"mt", {-420, -360}},
      {"mst", {-420}},      {"mdt", {-360}},       {"pt", {-480, -420}},
      {"pst", {-480}},      {"pdt", {-420}},       {"akst", {-540}},
      {"akdt", {-480}},     {"hst", {-600}},
      {"uk time", {0, 60}}, {"london time", {0, 60}}, {"irish time", {0, 60}},
      {"eastern time", {-300, -240}}, {"central time", {-360, -300}},
      {"mountain time", {-420, -360}}, {"pacific time", {-480, -420}},
      {"central european time", {60, 120}}, {"central european summer time", {120}},
      // "15:30 Paris time": a city's local time, standard and summer.
      {"paris time", {60, 120}},      {"berlin time", {60, 120}},
      {"amsterdam time", {60, 120}},  {"madrid time", {60, 120}},
      {"rome time", {60, 120}},       {"brussels time", {60, 120}},
      {"stockholm time", {60, 120}},  {"vienna time", {60, 120}},
      {"zurich time", {60, 120}},     {"warsaw time", {60, 120}},
      {"dublin time", {0, 60}},       {"lisbon time", {0, 60}},
      {"athens time", {120, 180}},    {"helsinki time", {120, 180}},
      {"istanbul time", {180}},       {"moscow time", {180}},
      {"dubai time", {240}},          {"india time", {330}},
      {"singapore time", {480}},      {"hong kong time", {480}},
      {"tokyo time", {540}},          {"sydney time", {600, 660}},
      {"melbourne time", {600, 660}}, {"auckland time", {720, 780}},
      {"new york time", {-300, -240}}, {"toronto time", {-300, -240}},
      {"chicago time", {-360, -300}}, {"denver time", {-420, -360}},
      {"los angeles time", {-480, -420}}, {"san francisco time", {-480, -420}},
      {"seattle time", {-480, -420}}, {"vancouver time", {-480, -420}},
      {"sao paulo time", {-180}},     {"mexico city time", {-360, -300}},
      {"johannesburg time", {120}},   {"lagos time", {60}},
      {"nairobi time", {180}},
  };
  return *zones;
}

// "ten" or "10" as an hour of a 12-hour clock.
bool HourWord(const std::string& word, int* hour) {
  static const char* kWords[] = {"one", "two",   "three", "four",   "five",   "six",
                                 "seven", "eight", "nine", "ten", "eleven", "twelve"};
  for (int i = 0; i < 12; ++i) {
    if (word == kWords[i]) {
      *hour = i + 1;
      return true;
    }
  }
  return absl::SimpleAtoi(word, hour) && *hour >= 1 && *hour <= 12;
}

// Applies "am"/"pm" (any spelling) to an hour; no suffix leaves a 24-hour
// hour as it is (a word-clock hour without am/pm is read as written, 1-12).
bool ApplyAmPm(absl::string_view suffix, int* hour) {
  if (suffix.empty()) return true;
  if (*hour < 1 || *hour > 12) return false;
  const bool pm = suffix[0] == 'p' || suffix[0] == 'P';
  *hour = *hour % 12 + (pm ? 12 : 0);
  return true;
}

// A clock: hour with optional minutes after ":", "." or "h" and optional
// am/pm, or noon/midday/midnight; then the zone, optionally in parentheses,
// optionally with an explicit offset ("UTC+2", "GMT-05:00").
const RE2& ClockPattern() {
  static const RE2* re = new RE2(
      "(?i)\\b(?:(?:12\\s+)?(noon|midday|midnight)"
      "|(half\\s+past|quarter\\s+past|quarter\\s+to)\\s+(one|two|three|four|five|six|seven|eight|nine"
      "|ten|eleven|twelve|[1-9]|1[0-2])(?:\\s*(a\\.?m\\.?|p\\.?m\\.?))?"
      "|([01]?\\d|2[0-3])(?:(?:[:.h]|\\B)([0-5]\\d))?\\s*(a\\.?m\\.?|p\\.?m\\.?)?)"
      "\\s*\\(?\\s*((?:[a-z]+\\s+){1,3}time|[a-z]{1,4})\\b"
      "(?:\\s*([+-])\\s*(\\d{1,2})(?::?([0-5]\\d))?\\b)?");
  return *re;
}

// What a sentence says before a clock time when that time is when the next
// update comes: a future update ("next update by", "we'll update this page
// at", "another update around") or "updates by".
const RE2& PromisePattern() {
  static const RE2* re = new RE2(
      "(?i)(?:\\b(?:next|another|further|will)|'ll|\xE2\x80\x99ll)\\b[^.!?]{0,80}\\bupdat"
      "|\\bupdates?\\s+(?:by|before)\\s*$"
      // "We'll post again by", "we'll share more at", "next check-in at".
      "|(?:\\b(?:will|shall)|'ll|\xE2\x80\x99ll)\\s+(?:[\\w-]+\\s+){0,10}?(?:post|share|report|confirm|"
      "publish|write|check\\s+in|be\\s+back\\s+(?:here\\s+)?with|get\\s+back\\s+to\\s+you|let\\s+you\\s+know|"
      "tell\\s+you|come\\s+back\\s+to\\s+you)\\b[^.!?]{0,60}$"
      "|\\bnext\\s+(?:check-?\\s?in|post|message|report|bulletin|notice)\\b[^.!?]{0,40}$");
  return *re;
}

}  // namespace

std::vector<ZonedClock> FindZonedClocks(absl::string_view text) {
  auto str = [](const re2::StringPiece& p) { return absl::string_view(p.data(), p.size()); };
  std::vector<ZonedClock> out;
  const re2::StringPiece input(text.data(), text.size());
  // [0] whole, [1] noon/midday/midnight, [2] "half past" etc., [3] its hour
  // word, [4] its am/pm, [5] hour, [6] minutes, [7] am/pm, [8] zone, [9]
  // offset sign, [10] offset hours, [11] offset minutes.
  re2::StringPiece g[12];
  size_t pos = 0;
  while (pos < text.size() &&
         ClockPattern().Match(input, pos, input.size(), RE2::UNANCHORED, g, 12)) {
    const size_t begin = static_cast<size_t>(g[0].data() - text.data());
    const size_t end = begin + g[0].size();
    pos = end > pos ? end : pos + 1;
    // A bare hour ("3 UTC") is too easily a count: it needs minutes or am/pm.
    if (g[1].empty() && g[2].empty() && g[6].empty() && g[7].empty()) continue;
    std::string zone_name = absl::AsciiStrToLower(str(g[8]));
    zone_name = absl::StrJoin(absl::StrSplit(zone_name, absl::ByAnyChar(" \t\r\n"), absl::SkipEmpty()), " ");
    auto zone = Zones().find(zone_name);
    // "15:30 UTC time": the zone with "time" after it.
    if (zone == Zones().end() && absl::EndsWith(zone_name, " time")) {
      zone = Zones().find(zone_name.substr(0, zone_name.size() - 5));
    }
    if (zone == Zones().end()) continue;
    // "1530 UTC": hour and minutes run together, four digits, only before a
    // zone written in capitals, so that a year or count ("2024 et al") is not
    // one.
    if (!g[6].empty() && g[6].data() == g[5].data() + g[5].size() &&
        (g[5].size() != 2 || str(g[8]) != absl::AsciiStrToUpper(str(g[8])))) {
      continue;
    }
    int hour = 0, minute = 0;
    if (!g[1].empty()) {
      hour = absl::AsciiStrToLower(str(g[1])) == "midnight" ? 0 : 12;
    } else if (!g[2].empty()) {
      // "half past ten", "quarter to three pm": a 12-hour clock in words.
      if (!HourWord(absl::AsciiStrToLower(str(g[3])), &hour)) continue;
      const std::string how = absl::AsciiStrToLower(str(g[2]));
      if (absl::StartsWith(how, "half")) {
        minute = 30;
      } else if (absl::EndsWith(how, "past")) {
        minute = 15;
      } else {
        minute = 45;
        hour = hour == 1 ? 12 : hour - 1;
      }
      if (!ApplyAmPm(str(g[4]), &hour)) continue;
    } else {
      if (!absl::SimpleAtoi(str(g[5]), &hour)) continue;
      if (!g[6].empty() && !absl::SimpleAtoi(str(g[6]), &minute)) continue;
      if (!ApplyAmPm(str(g[7]), &hour)) continue;
    }
    ZonedClock clock;
    clock.begin = begin;
    clock.end = end;
    clock.local_minute_of_day = hour * 60 + minute;
    clock.offsets_minutes = zone->second;
    if (!g[9].empty() && (zone_name == "utc" || zone_name == "gmt")) {
      int oh = 0, om = 0;
      absl::SimpleAtoi(str(g[10]), &oh);
      if (!g[11].empty()) absl::SimpleAtoi(str(g[11]), &om);
      clock.offsets_minutes = {(oh * 60 + om) * (g[9][0] == '-' ? -1 : 1)};
    }
    // "half past ten" without am/pm may be 10:30 or 22:30.
    const bool either_half_of_day = !g[2].empty() && g[4].empty() && hour < 12;
    out.push_back(clock);
    if (either_half_of_day) {
      clock.local_minute_of_day += 12 * 60;
      out.push_back(std::move(clock));
    }
  }
  return out;
}

bool ClockIsTime(const ZonedClock& clock, absl::Time t) {
  const absl::CivilMinute m = absl::ToCivilMinute(t, absl::UTCTimeZone());
  const int want = static_cast<int>(m.hour()) * 60 + static_cast<int>(m.minute());
  for (int offset : clock.offsets_minutes) {
    const int utc = ((clock.local_minute_of_day - offset) % 1440 + 1440) % 1440;
    if (utc == want) return true;
  }
  return false;
}

bool StatesClockTime(absl::string_view text, absl::Time t) {
  for (const ZonedClock& clock : FindZonedClocks(text)) {
    if (ClockIsTime(clock, t)) return true;
  }
  return false;
}

std::vector<ZonedClock> FindPromisedClocks(absl::string_view text) {
  std::vector<ZonedClock> out;
  for (ZonedClock& clock : FindZonedClocks(text)) {
    // The sentence before the clock: back to the last sentence end (a full
    // stop followed by a space, "!", "?" or a line break).
    size_t start = clock.begin;
    while (start > 0) {
      const char c = text[start - 1];
      if (c == '!' || c == '?' || c == '\n' ||
          (c == '.' && start < text.size() && text[start] == ' ')) {
        break;
      }
      --start;
    }
    const absl::string_view before = text.substr(start, clock.begin - start);
    if (RE2::PartialMatch(re2::StringPiece(before.data(), before.size()), PromisePattern())) {
      out.push_back(std::move(clock));
    }
  }
  return out;
}

}  // namespace lint
}  // namespace statuscast
