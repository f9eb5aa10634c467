// CadencePolicy: how often each severity must be told something new.
//
// SEV-1 every 30 minutes, SEV-2 every 60, SEV-3 on state change only; the
// first communication within 15 minutes of the confirmed start. These are
// configuration (flags of statuscast-comms), not code.
#ifndef STATUSCAST_LIBS_INCIDENT_CADENCE_POLICY_H_
#define STATUSCAST_LIBS_INCIDENT_CADENCE_POLICY_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "libs/incident/model.h"

namespace statuscast {

struct CadencePolicy {
  absl::Duration sev1_interval = absl::Minutes(30);
  absl::Duration sev2_interval = absl::Minutes(60);
  absl::Duration first_communication_target = absl::Minutes(15);
  // An update this late after a promise still counts as kept.
  absl::Duration promise_grace = absl::Seconds(60);

  // The longest a promise may reach ahead for `s`; nullopt for SEV-3.
  absl::optional<absl::Duration> IntervalFor(Severity s) const;

  // Parses "SEV-1=30m,SEV-2=60m" (absl duration syntax); values must be
  // between 1m and 24h.
  static absl::StatusOr<CadencePolicy> Parse(const std::string& intervals,
                                             absl::Duration first_communication_target,
                                             absl::Duration promise_grace);
};

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_INCIDENT_CADENCE_POLICY_H_
