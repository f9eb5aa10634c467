// Corrections: fixing the text of an update already posted (a typo, a wrong
// figure) without rewriting history.
//
// ApplyCorrection is the rule, a pure function: the new text is checked like
// a post's, must differ from the text in force, and becomes a new revision
// (UpdateRevision in model.h); the first correction also records the text as
// posted as revision 1. What customers were promised and when they were told
// never changes: posting time, kind, state, next_update_at and kept_promise
// stay as they were. IncidentCommands::CorrectUpdate (corrections.cc) runs it
// in a store transaction, lints the new text like a post, and records the
// audit row ("update_corrected").
//
//   Correction c;
//   c.message = "Checkout fails for 5% of payments. Next update by 14:30 UTC.";
//   c.reason = "the figure was 50%";
//   ASSIGN_OR_RETURN(Update fixed, ApplyCorrection(limits, incident, old, c, "bob", now));
#ifndef STATUSCAST_LIBS_INCIDENT_CORRECTIONS_H_
#define STATUSCAST_LIBS_INCIDENT_CORRECTIONS_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/incident/incident_rules.h"
#include "libs/incident/model.h"

namespace statuscast {

// An update keeps at most this many revisions (the posted text included).
inline constexpr size_t kMaxRevisions = 20;

struct Correction {
  std::string message;
  // Empty: the banner text stays, unless it was the default taken from the
  // old message (its first sentence); then it follows the new message.
  std::string banner_text;
  // Why (optional): recorded on the revision and in the audit row.
  std::string reason;
  // As on a post: a third party named in the text is confirmed at fault.
  bool third_party_confirmed = false;
};

// `u` (an update of `incident`) with `c` applied as a new revision by
// `author` at `now`. INVALID_ARGUMENT (fields "message", "banner_text",
// "reason") for empty, oversized or unchanged text; FAILED_PRECONDITION when
// `u` already has kMaxRevisions revisions.
absl::StatusOr<Update> ApplyCorrection(const InputLimits& limits, const Incident& incident,
                                       Update u, const Correction& c, const std::string& author,
                                       absl::Time now);

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_INCIDENT_CORRECTIONS_H_
