// IncidentRules: what may happen to an incident, as pure functions.
//
// Each Apply* checks a request against the incident as it stands and the
// clock's `now`, and either changes `incident` in place (returning what to
// record) or returns an error and leaves it untouched:
//   INVALID_ARGUMENT     a field is wrong (with field violations);
//   FAILED_PRECONDITION  the incident is not in a state that allows it.
// Rules enforced (from the mission text):
//   - state moves forward: investigating -> identified -> monitoring ->
//     resolved, skipping allowed, monitoring -> identified allowed; a
//     resolved incident changes only by an explicit reopen (and postmortem);
//   - every state change is a customer-facing update with a message;
//   - SEV-1/SEV-2 updates that leave the incident open carry next_update_at,
//     in the future and within the severity's cadence; SEV-3 carries none
//     (the promise's rules are Promises, libs/incident/promise.h); a draft
//     that asks for the default gets the server's (Promises::Default), and
//     its message then states it (StatePromise);
//   - only an update on the status page (channels status_page or public)
//     keeps the standing promise or makes a new one; a banner-only update
//     neither keeps nor moves it (its next_update_at is optional and, when
//     given, checked but not a promise);
//   - the first update is the first communication; its time is recorded;
//   - escalation tightens the standing promise to the new cadence.
// Thread safety: immutable after construction; safe to share.
#ifndef STATUSCAST_LIBS_INCIDENT_INCIDENT_RULES_H_
#define STATUSCAST_LIBS_INCIDENT_INCIDENT_RULES_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "libs/incident/cadence_policy.h"
#include "libs/incident/model.h"
#include "libs/incident/promise.h"

namespace statuscast {

// Bounds on caller input; every string and list has one.
struct InputLimits {
  size_t title_bytes = 200;
  size_t message_bytes = 4000;
  size_t banner_text_bytes = 280;
  size_t reason_bytes = 1000;
  size_t author_bytes = 128;
  size_t idempotency_key_bytes = 128;
  size_t url_bytes = 2048;
  size_t postmortem_body_bytes = 100000;
  size_t component_name_bytes = 64;
  size_t component_group_bytes = 64;
  size_t component_description_bytes = 500;
  size_t component_display_name_bytes = 100;
  size_t affected_components = 50;
  size_t channels = 3;
  // How far back a confirmed start may be set.
  absl::Duration max_backdate = absl::Hours(24 * 30);
};

struct UpdateDraft {
  IncidentState state = IncidentState::kUnspecified;
  std::string message;
  std::string banner_text;
  std::vector<Channel> channels;
  absl::optional<absl::Time> next_update_at;
  // Asks for the default promise (Promises::Default) when one is required;
  // next_update_at must then be unset. The message is made to state it.
  bool use_default_next_update = false;
  bool no_progress = false;
  // A third party named in the message is confirmed at fault (for the linter).
  bool third_party_confirmed = false;
};

struct DeclareInput {
  std::string title;
  Severity severity = Severity::kUnspecified;
  std::vector<AffectedComponent> affected;
  absl::optional<absl::Time> confirmed_start;
  absl::optional<UpdateDraft> first_update;
  std::string author;
  // Posts the first update despite error-level lint findings; recorded.
  std::string lint_override_reason;
  // The incident's roles (token names); the commander defaults to the
  // declaring actor, the communications lead to none.
  std::string commander;
  std::string comms_lead;
};

class IncidentRules {
 public:
  IncidentRules(CadencePolicy policy, InputLimits limits)
      : policy_(policy), promises_(policy), limits_(limits) {}

  const CadencePolicy& policy() const { return policy_; }
  const Promises& promises() const { return promises_; }
  const InputLimits& limits() const { return limits_; }

  // Common checks for every write: author and idempotency key.
  absl::Status CheckWriteMeta(const std::string& author, const std::string& idempotency_key,
                              bool needs_version, int64_t expected_version) const;

  // Checks a new component.
  absl::Status CheckComponent(const Component& c) const;

  // A new incident (ref and id unset) and, when the input has one, its first
  // update in `first_update`. Component names are checked for shape here;
  // that they exist is the store's to check.
  absl::StatusOr<Incident> Declare(const DeclareInput& in, absl::Time now,
                                   absl::optional<Update>* first_update) const;

  // A customer-facing update (not a resolution: use Resolve). `affected`,
  // when non-empty, replaces the affected components.
  absl::StatusOr<Update> ApplyUpdate(Incident& incident, const UpdateDraft& draft,
                                     const std::vector<AffectedComponent>& affected,
                                     const std::string& author, absl::Time now) const;

  absl::StatusOr<SeverityChange> ApplySeverityChange(Incident& incident, Severity to,
                                                     const std::string& reason,
                                                     const std::string& author,
                                                     absl::Time now) const;

  absl::StatusOr<Update> ApplyResolve(Incident& incident, const std::string& message,
                                      const std::vector<Channel>& channels,
                                      const std::string& author, absl::Time now) const;

  // Reopens a resolved incident with a customer-facing update whose state is
  // investigating or identified (investigating when unspecified).
  absl::StatusOr<Update> ApplyReopen(Incident& incident, const std::string& reason,
                                     const UpdateDraft& draft, const std::string& author,
                                     absl::Time now) const;

  absl::StatusOr<Postmortem> ApplyPostmortem(Incident& incident, const std::string& url,
                                             const std::string& body, const std::string& author,
                                             absl::Time now) const;

  // Whether a state change from `from` to `to` is allowed by an update.
  static bool IsAllowedTransition(IncidentState from, IncidentState to);

 private:
  // Validates draft text, channels and promise for an update that leaves the
  // incident in `state_after` at severity `sev`; `prefix` names the field.
  // Fills the default promise into a draft that asks for it (and states it
  // in the message) when the update requires one; a draft that both asks and
  // carries a promise is a violation.
  void FillDefaultPromise(UpdateDraft& d, Severity sev, absl::Time now, const std::string& prefix,
                          class FieldViolations& v) const;
  void CheckDraft(const UpdateDraft& d, Severity sev, IncidentState state_after, absl::Time now,
                  const std::string& prefix, class FieldViolations& v) const;
  void CheckAffected(const std::vector<AffectedComponent>& affected, bool required,
                     const std::string& field, class FieldViolations& v) const;
  // Records `u` on `incident`: state, timestamps, promise, version.
  Update Post(Incident& incident, UpdateDraft d, UpdateKind kind, const std::string& author,
              absl::Time now) const;

  CadencePolicy policy_;
  Promises promises_;
  InputLimits limits_;
};

// The banner text an update gets when none is given: its first sentence,
// cut to `max_bytes` on a UTF-8 boundary.
std::string DefaultBannerText(const std::string& message, size_t max_bytes);

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_INCIDENT_INCIDENT_RULES_H_
