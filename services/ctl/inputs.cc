#include "services/ctl/inputs.h"

#include <cstdint>
#include <random>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "libs/base/time_text.h"
#include "libs/incident/model.h"
#include "libs/proto_convert/vocabulary_proto.h"

namespace statuscast {
namespace ctl {
namespace {

constexpr char kStatusNames[] =
    "operational, degraded_performance, partial_outage, major_outage or under_maintenance";
constexpr char kChannelNames[] = "in_app_banner, status_page or public";
constexpr char kTimeForms[] =
    "RFC3339 like 2026-11-27T14:30:00Z, \"2026-11-27 14:30\" (UTC) or \"14:30\" (UTC)";

std::string Trimmed(const std::string& text) {
  return std::string(absl::StripAsciiWhitespace(text));
}

absl::Status Invalid(const std::string& message) { return absl::InvalidArgumentError(message); }

std::vector<std::string> SplitList(const std::string& text) {
  std::vector<std::string> out;
  for (absl::string_view part : absl::StrSplit(text, ',')) {
    std::string item(absl::StripAsciiWhitespace(part));
    if (!item.empty()) out.push_back(item);
  }
  return out;
}


// "14:30" -> minutes since midnight; false when it is not HH:MM.
bool ParseClock(const std::string& text, int* minutes) {
  std::vector<std::string> parts = absl::StrSplit(text, ':');
  if (parts.size() != 2 || parts[0].empty() || parts[0].size() > 2 || parts[1].size() != 2) {
    return false;
  }
  int h = 0, m = 0;
  for (char c : parts[0] + parts[1]) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  if (!absl::SimpleAtoi(parts[0], &h) || !absl::SimpleAtoi(parts[1], &m)) return false;
  if (h > 23 || m > 59) return false;
  *minutes = h * 60 + m;
  return true;
}

// A full date and time, with a zone or in UTC.
bool ParseAbsolute(const std::string& text, absl::Time* out) {
  std::string err;
  for (const char* fmt : {absl::RFC3339_full, "%Y-%m-%d%ET%H:%M%Ez"}) {
    if (absl::ParseTime(fmt, text, out, &err)) return true;
  }
  std::string bare = text;
  if (absl::EndsWithIgnoreCase(bare, "utc")) {
    bare = Trimmed(bare.substr(0, bare.size() - 3));
  } else if (absl::EndsWithIgnoreCase(bare, "z")) {
    bare = bare.substr(0, bare.size() - 1);
  }
  for (const char* fmt :
       {"%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M"}) {
    if (absl::ParseTime(fmt, bare, absl::UTCTimeZone(), out, &err)) return true;
  }
  return false;
}

// "14:30" or "14:30 UTC" -> minutes since midnight UTC.
bool ParseClockUtc(const std::string& text, int* minutes) {
  std::string bare = text;
  if (absl::EndsWithIgnoreCase(bare, "utc"))
    bare = Trimmed(bare.substr(0, bare.size() - 3));
  else if (absl::EndsWithIgnoreCase(bare, "z"))
    bare = bare.substr(0, bare.size() - 1);
  return ParseClock(bare, minutes);
}

absl::Time TodayAt(absl::Time now, int minutes) {
  absl::CivilDay day = absl::ToCivilDay(now, absl::UTCTimeZone());
  return absl::FromCivil(absl::CivilSecond(day), absl::UTCTimeZone()) + absl::Minutes(minutes);
}

template <typename Enum>
absl::StatusOr<std::vector<Enum>> ParseList(const std::string& text, const char* what,
                                            absl::StatusOr<Enum> (*parse_one)(const std::string&)) {
  std::vector<Enum> out;
  std::set<int> seen;
  for (const std::string& item : SplitList(text)) {
    absl::StatusOr<Enum> v = parse_one(item);
    if (!v.ok()) return v.status();
    if (seen.insert(static_cast<int>(*v)).second) out.push_back(*v);
  }
  if (out.empty()) return Invalid(absl::StrCat("no ", what, " given"));
  return out;
}

}  // namespace

absl::StatusOr<v1::Severity> ParseSeverityInput(const std::string& text) {
  Severity s;
  if (!ParseSeverity(Trimmed(text), &s)) {
    return Invalid(absl::StrCat("unknown severity \"", text, "\" (use SEV-1, SEV-2 or SEV-3)"));
  }
  return ToProto(s);
}

absl::StatusOr<v1::IncidentState> ParseStateInput(const std::string& text) {
  IncidentState s;
  if (!ParseState(Trimmed(text), &s)) {
    return Invalid(absl::StrCat("unknown state \"", text,
                                "\" (use investigating, identified, monitoring or resolved)"));
  }
  return ToProto(s);
}

absl::StatusOr<std::vector<v1::Severity>> ParseSeverityList(const std::string& text) {
  return ParseList<v1::Severity>(text, "severity", &ParseSeverityInput);
}

absl::StatusOr<std::vector<v1::IncidentState>> ParseStateList(const std::string& text) {
  return ParseList<v1::IncidentState>(text, "state", &ParseStateInput);
}

absl::StatusOr<std::vector<v1::AffectedComponent>> ParseComponentsInput(const std::string& text) {
  std::vector<v1::AffectedComponent> out;
  std::set<std::string> seen;
  for (const std::string& item : SplitList(text)) {
    std::vector<std::string> parts = absl::StrSplit(item, absl::MaxSplits(':', 1));
    std::string name = Trimmed(parts[0]);
    if (name.empty()) {
      return Invalid(
          absl::StrCat("\"", item, "\" has no component name (write NAME or NAME:STATUS)"));
    }
    if (!seen.insert(name).second) {
      return Invalid(absl::StrCat("component \"", name, "\" is listed twice"));
    }
    v1::AffectedComponent c;
    c.set_name(name);
    if (parts.size() == 2) {
      std::string status = absl::AsciiStrToLower(Trimmed(parts[1]));
      if (status == "degraded") status = "degraded_performance";
      if (status == "partial") status = "partial_outage";
      if (status == "major" || status == "outage") status = "major_outage";
      if (status == "maintenance") status = "under_maintenance";
      ComponentStatus st;
      if (status.empty() || !ParseComponentStatus(status, &st)) {
        return Invalid(absl::StrCat("component \"", name, "\": unknown status \"", parts[1],
                                    "\" (use ", kStatusNames, ")"));
      }
      c.set_status(ToProto(st));
    }
    out.push_back(std::move(c));
  }
  if (out.empty()) {
    return Invalid("no component given (write e.g. checkout:major_outage,payments)");
  }
  return out;
}

absl::StatusOr<std::vector<v1::Channel>> ParseChannelsInput(const std::string& text) {
  std::vector<v1::Channel> out;
  std::set<int> seen;
  for (const std::string& item : SplitList(text)) {
    std::string s = absl::AsciiStrToLower(item);
    if (s == "page" || s == "status") s = "status_page";
    Channel ch;
    if (!ParseChannel(s, &ch)) {
      return Invalid(absl::StrCat("unknown channel \"", item, "\" (use ", kChannelNames, ")"));
    }
    if (seen.insert(static_cast<int>(ch)).second) out.push_back(ToProto(ch));
  }
  if (out.empty()) return Invalid(absl::StrCat("no channel given (use ", kChannelNames, ")"));
  return out;
}

absl::StatusOr<std::string> ParseIncidentRef(const std::string& text) {
  std::string s = absl::AsciiStrToUpper(Trimmed(text));
  absl::string_view digits(s);
  if (!absl::ConsumePrefix(&digits, "INC-")) absl::ConsumePrefix(&digits, "#");
  int64_t n = 0;
  bool all_digits = !digits.empty() && digits.size() <= 18;
  for (char c : digits)
    all_digits = all_digits && absl::ascii_isdigit(static_cast<unsigned char>(c));
  if (!all_digits || !absl::SimpleAtoi(digits, &n) || n <= 0) {
    return Invalid(absl::StrCat("\"", text, "\" is not an incident reference (like INC-12)"));
  }
  return absl::StrCat("INC-", n);
}

absl::StatusOr<absl::Duration> ParseSpan(const std::string& text) {
  std::string s = absl::AsciiStrToLower(Trimmed(text));
  const std::string bad =
      absl::StrCat("\"", text, "\" is not a time span (write e.g. 20m, 1h30m, 90s or 2d)");
  if (s.empty()) return Invalid(bad);
  absl::Duration total = absl::ZeroDuration();
  size_t i = 0;
  while (i < s.size()) {
    size_t start = i;
    while (i < s.size() && absl::ascii_isdigit(static_cast<unsigned char>(s[i]))) ++i;
    if (i == start || i == s.size() || i - start > 9) return Invalid(bad);
    int64_t n = 0;
    if (!absl::SimpleAtoi(s.substr(start, i - start), &n)) return Invalid(bad);
    switch (s[i]) {
      case 's':
        total += absl::Seconds(n);
        break;
      case 'm':
        total += absl::Minutes(n);
        break;
      case 'h':
        total += absl::Hours(n);
        break;
      case 'd':
        total += absl::Hours(24 * n);
        break;
      default:
        return Invalid(bad);
    }
    ++i;
  }
  return total;
}

absl::StatusOr<absl::Time> ParseStartedInput(const std::string& raw, absl::Time now) {
  std::string text = Trimmed(raw);
  std::string lower = absl::AsciiStrToLower(text);
  const std::string forms = absl::StrCat("write -20m for 20 minutes ago, or ", kTimeForms);
  if (text.empty()) return Invalid(absl::StrCat("is empty (", forms, ")"));
  if (lower == "now") return now;
  absl::Time t;
  int minutes = 0;
  absl::string_view span(lower);
  bool relative = absl::ConsumePrefix(&span, "-");
  if (!relative && absl::ConsumeSuffix(&span, "ago")) {
    relative = true;
    span = absl::StripTrailingAsciiWhitespace(span);
  }
  if (relative) {
    absl::StatusOr<absl::Duration> d = ParseSpan(std::string(span));
    if (!d.ok()) return Invalid(absl::StrCat("\"", text, "\" is not understood (", forms, ")"));
    t = now - *d;
  } else if (ParseClockUtc(text, &minutes)) {
    t = TodayAt(now, minutes);
    if (t > now) t -= absl::Hours(24);  // the most recent such time
    return t;
  } else if (ParseAbsolute(text, &t)) {
    // checked below
  } else if (ParseSpan(text).ok()) {
    return Invalid(
        absl::StrCat("\"", text, "\" is ambiguous: write -", text, " for ", text, " ago"));
  } else {
    return Invalid(absl::StrCat("\"", text, "\" is not understood (", forms, ")"));
  }
  if (t > now) {
    return Invalid(absl::StrCat(FormatUtcMinute(t), " is in the future (now is ",
                                FormatUtcMinute(now), "); the confirmed start cannot be"));
  }
  return t;
}

absl::StatusOr<absl::Time> ParsePastInput(const std::string& raw, absl::Time now) {
  std::string text = Trimmed(raw);
  absl::Time t;
  std::string err;
  if (absl::ParseTime("%Y-%m-%d", text, absl::UTCTimeZone(), &t, &err)) {
    if (t > now) return Invalid(absl::StrCat(text, " is in the future"));
    return t;
  }
  absl::StatusOr<absl::Duration> span = ParseSpan(text);
  if (span.ok()) return now - *span;
  return ParseStartedInput(text, now);
}

absl::StatusOr<absl::Time> ParseNextInput(const std::string& raw, absl::Time now) {
  std::string text = Trimmed(raw);
  std::string lower = absl::AsciiStrToLower(text);
  const std::string forms = absl::StrCat("write 30m for 30 minutes from now, or ", kTimeForms);
  if (text.empty()) return Invalid(absl::StrCat("is empty (", forms, ")"));
  absl::Time t;
  int minutes = 0;
  absl::string_view span(lower);
  if (absl::ConsumePrefix(&span, "+") || absl::ConsumePrefix(&span, "in ") ||
      (!span.empty() && absl::ascii_isdigit(static_cast<unsigned char>(span[0])) &&
       ParseSpan(std::string(span)).ok())) {
    absl::StatusOr<absl::Duration> d = ParseSpan(std::string(absl::StripAsciiWhitespace(span)));
    if (!d.ok()) return Invalid(absl::StrCat("\"", text, "\" is not understood (", forms, ")"));
    if (*d <= absl::ZeroDuration()) {
      return Invalid(absl::StrCat("\"", text, "\" is not in the future"));
    }
    return now + *d;
  }
  if (absl::StartsWith(lower, "-")) {
    return Invalid(absl::StrCat(
        "\"", text, "\" is in the past; the next update is a promise about the future"));
  }
  if (ParseClockUtc(text, &minutes)) {
    t = TodayAt(now, minutes);
    if (t <= now) {
      if (now - t > absl::Hours(12)) {
        t += absl::Hours(24);  // e.g. "00:15" typed at 23:50
      } else {
        return Invalid(absl::StrCat(FormatUtcClock(t),
                                    " has already passed (now is ",
                                    FormatUtcClock(now), ")"));
      }
    }
    return t;
  }
  if (!ParseAbsolute(text, &t)) {
    return Invalid(absl::StrCat("\"", text, "\" is not understood (", forms, ")"));
  }
  if (t <= now) {
    return Invalid(absl::StrCat(FormatUtcMinute(t), " is not in the future (now is ",
                                FormatUtcMinute(now), ")"));
  }
  return t;
}

absl::StatusOr<v1::TemplateTone> ParseToneInput(const std::string& text) {
  std::string s = absl::AsciiStrToLower(Trimmed(text));
  for (char& c : s) {
    if (c == '-' || c == ' ') c = '_';
  }
  if (s == "acknowledging" || s == "acknowledge" || s == "first") {
    return v1::TEMPLATE_TONE_ACKNOWLEDGING;
  }
  if (s == "updating" || s == "update") return v1::TEMPLATE_TONE_UPDATING;
  if (s == "no_progress" || s == "noprogress") return v1::TEMPLATE_TONE_NO_PROGRESS;
  if (s == "resolving" || s == "resolve" || s == "resolution") return v1::TEMPLATE_TONE_RESOLVING;
  return Invalid(absl::StrCat("unknown tone \"", text,
                              "\" (use acknowledging, updating, no_progress or resolving)"));
}

absl::StatusOr<v1::LintPhase> ParseLintPhaseInput(const std::string& text) {
  std::string s = absl::AsciiStrToLower(Trimmed(text));
  if (s == "first" || s == "acknowledging") return v1::LINT_PHASE_FIRST;
  if (s == "update" || s == "updating") return v1::LINT_PHASE_UPDATE;
  if (s == "resolution" || s == "resolve" || s == "resolving") return v1::LINT_PHASE_RESOLUTION;
  if (s == "postmortem") return v1::LINT_PHASE_POSTMORTEM;
  return Invalid(
      absl::StrCat("unknown phase \"", text, "\" (use first, update, resolution or postmortem)"));
}

absl::StatusOr<v1::BannerLevel> ParseBannerLevelInput(const std::string& text) {
  std::string s = absl::AsciiStrToLower(Trimmed(text));
  if (s == "info") return v1::BANNER_LEVEL_INFO;
  if (s == "maintenance") return v1::BANNER_LEVEL_MAINTENANCE;
  if (s == "minor") return v1::BANNER_LEVEL_MINOR;
  if (s == "major") return v1::BANNER_LEVEL_MAJOR;
  if (s == "critical") return v1::BANNER_LEVEL_CRITICAL;
  return Invalid(absl::StrCat("unknown banner level \"", text,
                              "\" (use info, maintenance, minor, major or critical)"));
}

std::vector<std::string> ParseNameList(const std::string& text) { return SplitList(text); }

absl::StatusOr<absl::Time> ParseWhenInput(const std::string& text, absl::Time now) {
  if (absl::AsciiStrToLower(Trimmed(text)) == "now") return now;
  return ParseNextInput(text, now);
}

std::string NewIdempotencyKey() {
  std::random_device rd;
  uint64_t hi = (static_cast<uint64_t>(rd()) << 32) ^ rd();
  uint64_t lo = (static_cast<uint64_t>(rd()) << 32) ^ rd();
  return absl::StrFormat("%016x%016x", hi, lo);
}

}  // namespace ctl
}  // namespace statuscast
