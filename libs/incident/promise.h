// The "next update at" promise: the one place its rules live.
//
// A SEV-1 or SEV-2 incident that stays open promises when customers hear
// next. Only an update that reaches the status page (ReachesStatusPage in
// model.h) keeps the standing promise or makes a new one; a banner-only update
// does neither. This class answers every question about that promise:
//   Required   whether an update must carry one (SEV-1/SEV-2, open after the
//              update, on the status page);
//   Default    the promise the server fills when the client asks for it: the
//              severity's cadence from now, to the minute (the text states
//              "HH:MM UTC"), never beyond the cadence;
//   Check      what is wrong with a promise: not allowed on a resolution or a
//              SEV-3, missing, in the past, beyond the cadence;
//   Tightened  the standing promise after a severity change (escalation
//              brings it within the new cadence; de-escalation keeps it);
//   KeptBy / Overdue  whether an update posted at a time keeps a promise and
//              whether it is overdue at a time, both allowing the grace.
// StatePromise makes a status-page message state the promised time, so the
// text customers read and the record agree.
//
// Example (cadence SEV-1=20m, now 14:03:30 UTC):
//   Promises p(policy);
//   p.Default(Severity::kSev1, now)       -> 14:23:00 UTC
//   p.Check(Severity::kSev1, IncidentState::kInvestigating, {kStatusPage},
//           now + absl::Minutes(45), now) -> "is beyond the SEV-1 cadence of 20m: ..."
//   p.Overdue(due, due + absl::Seconds(30)) -> false (grace 60s)
// Thread safety: immutable; safe to share.
#ifndef STATUSCAST_LIBS_INCIDENT_PROMISE_H_
#define STATUSCAST_LIBS_INCIDENT_PROMISE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "libs/incident/cadence_policy.h"
#include "libs/incident/model.h"
#include "libs/lint/linter.h"

namespace statuscast {

class Promises {
 public:
  explicit Promises(const CadencePolicy& policy) : policy_(policy) {}

  // Whether an update at `sev` may carry a promise at all: SEV-1/SEV-2 that
  // stays open (`state_after` not resolved).
  bool Allowed(Severity sev, IncidentState state_after) const;

  // Whether such an update must carry one: Allowed, and on the status page.
  bool Required(Severity sev, IncidentState state_after,
                const std::vector<Channel>& channels) const;

  // The default promise at `sev` from `now`: now + cadence - `headroom`, cut
  // to the minute (and never at or before `now`). nullopt for SEV-3. A
  // template filled now and posted later passes a minute of headroom so it
  // still fits the cadence when posted.
  absl::optional<absl::Time> Default(Severity sev, absl::Time now,
                                     absl::Duration headroom = absl::ZeroDuration()) const;

  // Empty when `next` is right for an update leaving the incident in
  // `state_after` at `sev` on `channels`; otherwise what is wrong with it,
  // worded as a field violation of next_update_at ("must be in the future
  // (...)"). A banner-only update need not carry one; when it does, it is
  // checked all the same.
  std::string Check(Severity sev, IncidentState state_after, const std::vector<Channel>& channels,
                    const absl::optional<absl::Time>& next, absl::Time now) const;

  // The standing promise after the severity becomes `to` at `now`: an
  // escalation brings it within the new cadence (and makes one when none
  // stands but customers have been told something); a promise already made
  // is binding, so a de-escalation keeps it.
  absl::optional<absl::Time> Tightened(Severity to, const absl::optional<absl::Time>& standing,
                                       bool communicated, absl::Time now) const;

  // Whether something posted at `posted` keeps a promise due at `due`
  // (grace allowed).
  bool KeptBy(absl::Time due, absl::Time posted) const;
  // Whether a promise due at `due` is overdue at `now`: past due plus grace.
  bool Overdue(absl::Time due, absl::Time now) const;

  // `t` as a message states it: cut to the minute, and a minute later when
  // that is not after `now` (a promise is about the future).
  static absl::Time ToMinute(absl::Time t, absl::Time now);

  absl::Duration grace() const { return policy_.promise_grace; }
  const CadencePolicy& policy() const { return policy_; }

 private:
  CadencePolicy policy_;
};

// The rule id of the note below.
inline constexpr char kBannerOnlyPromiseRule[] = "promise-needs-status-page";

// A banner-only update posted while a promise stands (`standing`) neither
// keeps nor moves it: the warning finding that says so, with the deadline,
// placed at the end of the message (`message_bytes`); nullopt when
// `channels` reach the status page or no promise stands.
absl::optional<lint::Finding> BannerOnlyUpdateNote(const absl::optional<absl::Time>& standing,
                                                   const std::vector<Channel>& channels,
                                                   size_t message_bytes);

// `message` stating `promise`: unchanged when it already names a next-update
// time (lint::FindPromisedClocks; whether it is the right one is
// TextPromiseProblem's) or states the time, else with " Next update by HH:MM
// UTC." appended (and a full stop ending the text before it). An empty
// message stays empty.
std::string StatePromise(const std::string& message, absl::Time promise);

// One promise: empty when every next-update time `message` names
// (lint::FindPromisedClocks: "Next update by 23:55 UTC") is `promise` to the
// minute (in some reading of its zone), or it names none; otherwise what is
// wrong, naming both times ("names the next update at 23:55 UTC, but
// next_update_at is 22:57 UTC: ..."). With no promise, any time named is
// wrong: the record promises nothing.
std::string TextPromiseProblem(const std::string& message,
                               const absl::optional<absl::Time>& promise);

// The instant the next-update time `message` names stands for: the first
// time after `now` (within a day) at that clock time. nullopt when it names
// none; INVALID_ARGUMENT when its times disagree or its zone reads as
// several instants ("IST" is India, Ireland or Israel), asking for UTC.
absl::StatusOr<absl::optional<absl::Time>> PromiseInText(const std::string& message,
                                                         absl::Time now);

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_INCIDENT_PROMISE_H_
