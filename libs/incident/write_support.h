// What the IncidentCommands source files share about writes: the fields of a
// request that go into its idempotency fingerprint (libs/base/fingerprint.h)
// and the checks every write of an existing incident makes. Internal to
// libs/incident.
#ifndef STATUSCAST_LIBS_INCIDENT_WRITE_SUPPORT_H_
#define STATUSCAST_LIBS_INCIDENT_WRITE_SUPPORT_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "libs/incident/incident_commands.h"
#include "libs/incident/incident_rules.h"
#include "libs/incident/incident_store.h"

namespace statuscast {

// Microseconds since the epoch, "-" when unset.
std::string TimeField(const absl::optional<absl::Time>& t);

// Appends the fields of `d`.
void AddDraftFields(std::vector<std::string>& f, const UpdateDraft& d);

// ABORTED, saying how to retry, unless `inc` is at `expected_version`.
absl::Status CheckExpectedVersion(const Incident& inc, int64_t expected_version);

// The start of a write under `guard` in `tx`: the earlier result under its
// idempotency key goes into `earlier` (a replay: the write does nothing more,
// and this returns nullopt); else the incident the guard names, locked, at
// guard.expected_version.
absl::StatusOr<absl::optional<Incident>> LockGuarded(StoreTransaction& tx, const WriteGuard& guard,
                                                     absl::optional<IdempotentResult>& earlier);

// Fills the fields of `m` that name a write on `inc` (its id, ref and
// version as they are now) by `actor` under `idempotency_key`; the caller
// fills kind, details and the update's fields.
void FillRecord(MutationRecord& m, const Incident& inc, const std::string& actor,
                const std::string& request_id, const std::string& idempotency_key,
                const std::string& fingerprint, absl::Time at);

// ALREADY_EXISTS unless the earlier write under an idempotency key was this
// request (same operation and fingerprint).
absl::Status CheckSameRequest(const IdempotentResult& earlier, const std::string& operation,
                              const std::string& fingerprint);

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_INCIDENT_WRITE_SUPPORT_H_
