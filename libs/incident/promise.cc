#include "libs/incident/promise.h"

#include <set>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "libs/base/time_text.h"
#include "libs/lint/clock_text.h"
#include "libs/lint/linter.h"

namespace statuscast {

bool Promises::Allowed(Severity sev, IncidentState state_after) const {
  return state_after != IncidentState::kResolved && policy_.IntervalFor(sev).has_value();
}

bool Promises::Required(Severity sev, IncidentState state_after,
                        const std::vector<Channel>& channels) const {
  return Allowed(sev, state_after) && ReachesStatusPage(channels);
}

absl::optional<absl::Time> Promises::Default(Severity sev, absl::Time now,
                                             absl::Duration headroom) const {
  absl::optional<absl::Duration> cadence = policy_.IntervalFor(sev);
  if (!cadence) return absl::nullopt;
  // The message states it to the minute; promise exactly what it says.
  return ToMinute(now + *cadence - headroom, now);
}

absl::Time Promises::ToMinute(absl::Time t, absl::Time now) {
  t = absl::FromUnixSeconds(absl::ToUnixSeconds(t) / 60 * 60);
  if (t <= now) t += absl::Minutes(1);
  return t;
}

std::string Promises::Check(Severity sev, IncidentState state_after,
                            const std::vector<Channel>& channels,
                            const absl::optional<absl::Time>& next, absl::Time now) const {
  if (state_after == IncidentState::kResolved) {
    return next ? "must be unset on a resolution: nothing more is promised" : "";
  }
  absl::optional<absl::Duration> interval = policy_.IntervalFor(sev);
  if (!interval) {
    return next ? "must be unset for SEV-3: it has no fixed cadence (updates come on state change)"
                : "";
  }
  if (!next) {
    // A banner-only update cannot make a promise (it is not on the status
    // page), so it need not state one.
    if (!ReachesStatusPage(channels)) return "";
    return absl::StrCat("is required for ", SeverityName(sev), ": promise the next update within ",
                        absl::FormatDuration(*interval),
                        ", or set use_default_next_update to have the server promise it");
  }
  if (*next <= now) {
    return absl::StrCat("must be in the future (it is ", FormatUtc(*next), ", now is ",
                        FormatUtc(now), ")");
  }
  if (*next > now + *interval) {
    return absl::StrCat("is beyond the ", SeverityName(sev), " cadence of ",
                        absl::FormatDuration(*interval), ": promise ", FormatUtc(now + *interval),
                        " or earlier");
  }
  return "";
}

absl::optional<absl::Time> Promises::Tightened(Severity to,
                                               const absl::optional<absl::Time>& standing,
                                               bool communicated, absl::Time now) const {
  absl::optional<absl::Duration> interval = policy_.IntervalFor(to);
  if (!interval || !communicated) return standing;
  const absl::Time latest = now + *interval;
  if (!standing || *standing > latest) return latest;
  return standing;
}

bool Promises::KeptBy(absl::Time due, absl::Time posted) const {
  return posted <= due + policy_.promise_grace;
}

bool Promises::Overdue(absl::Time due, absl::Time now) const {
  return now > due + policy_.promise_grace;
}

absl::optional<lint::Finding> BannerOnlyUpdateNote(const absl::optional<absl::Time>& standing,
                                                   const std::vector<Channel>& channels,
                                                   size_t message_bytes) {
  if (!standing || ReachesStatusPage(channels)) return absl::nullopt;
  lint::Finding f;
  f.rule_id = kBannerOnlyPromiseRule;
  f.level = lint::Level::kWarning;
  f.field = lint::TextField::kMessage;
  f.begin = f.end = message_bytes;
  f.explanation = absl::StrCat(
      "the next update promised by ", FormatUtcClock(*standing),
      " is still due: this update goes only to the in-app banner, and only a status-page update "
      "(channel status_page or public) keeps the promise");
  f.suggestion = absl::StrCat("post a status-page update by ", FormatUtcClock(*standing));
  return f;
}

std::string StatePromise(const std::string& message, absl::Time promise) {
  if (message.empty() || lint::MessageStatesTime(message, promise) ||
      !lint::FindPromisedClocks(message).empty()) {
    return message;
  }
  std::string text(absl::StripTrailingAsciiWhitespace(message));
  if (!text.empty() && !absl::EndsWith(text, ".") && !absl::EndsWith(text, "!") &&
      !absl::EndsWith(text, "?")) {
    text += ".";
  }
  return absl::StrCat(text, " Next update by ", FormatUtcClock(promise), ".");
}

namespace {
// The clock as the message wrote it ("23:55 UTC").
std::string Written(const std::string& message, const lint::ZonedClock& clock) {
  return message.substr(clock.begin, clock.end - clock.begin);
}
}  // namespace

std::string TextPromiseProblem(const std::string& message,
                               const absl::optional<absl::Time>& promise) {
  for (const lint::ZonedClock& clock : lint::FindPromisedClocks(message)) {
    if (promise && lint::ClockIsTime(clock, *promise)) continue;
    if (!promise) {
      return absl::StrCat("names the next update at ", Written(message, clock),
                          ", but this update promises none (no next_update_at): one promise, on "
                          "the record and in the text; remove the time or promise it");
    }
    return absl::StrCat("names the next update at ", Written(message, clock),
                        ", but next_update_at is ", FormatUtcClock(*promise),
                        ": one promise, on the record and in the text; make them the same "
                        "(statuscastctl: leave out --next and the time in the text sets it)");
  }
  return "";
}

absl::StatusOr<absl::optional<absl::Time>> PromiseInText(const std::string& message,
                                                         absl::Time now) {
  std::set<absl::Time> instants;
  std::vector<std::string> written;
  const absl::Time minute = absl::FromUnixSeconds(absl::ToUnixSeconds(now) / 60 * 60);
  const absl::CivilMinute m = absl::ToCivilMinute(minute, absl::UTCTimeZone());
  const int now_minute = static_cast<int>(m.hour()) * 60 + static_cast<int>(m.minute());
  for (const lint::ZonedClock& clock : lint::FindPromisedClocks(message)) {
    written.push_back(Written(message, clock));
    for (int offset : clock.offsets_minutes) {
      const int utc = ((clock.local_minute_of_day - offset) % 1440 + 1440) % 1440;
      int ahead = (utc - now_minute + 1440) % 1440;
      if (ahead == 0) ahead = 1440;  // this very minute has begun: tomorrow's
      instants.insert(minute + absl::Minutes(ahead));
    }
  }
  if (instants.empty()) return absl::optional<absl::Time>();
  if (instants.size() > 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the message names the next update as \"", absl::StrJoin(written, "\", \""),
        "\", which reads as more than one time; write it in UTC (e.g. \"Next update by ",
        FormatUtcClock(*instants.begin()), ".\") or give next_update_at"));
  }
  return absl::optional<absl::Time>(*instants.begin());
}

}  // namespace statuscast
