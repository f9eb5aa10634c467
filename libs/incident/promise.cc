#include "libs/incident/promise.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "libs/base/time_text.h"
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
  if (message.empty() || lint::MessageStatesTime(message, promise)) return message;
  std::string text(absl::StripTrailingAsciiWhitespace(message));
  if (!text.empty() && !absl::EndsWith(text, ".") && !absl::EndsWith(text, "!") &&
      !absl::EndsWith(text, "?")) {
    text += ".";
  }
  return absl::StrCat(text, " Next update by ", FormatUtcClock(promise), ".");
}

}  // namespace statuscast
