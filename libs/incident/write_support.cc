#include "libs/incident/write_support.h"

#include "libs/base/status_macros.h"

#include "absl/strings/str_cat.h"

namespace statuscast {

std::string TimeField(const absl::optional<absl::Time>& t) {
  return t ? absl::StrCat(absl::ToUnixMicros(*t)) : "-";
}

void AddDraftFields(std::vector<std::string>& f, const UpdateDraft& d) {
  f.push_back(absl::StrCat(static_cast<int>(d.state)));
  f.push_back(d.message);
  f.push_back(d.banner_text);
  std::string ch;
  for (Channel c : d.channels) absl::StrAppend(&ch, static_cast<int>(c), ",");
  f.push_back(ch);
  f.push_back(TimeField(d.next_update_at));
  f.push_back(d.no_progress ? "np" : "");
  // Appended only when set, so fingerprints of older requests stay the same.
  if (d.third_party_confirmed) f.push_back("tp");
  if (d.use_default_next_update) f.push_back("default-next");
}

absl::Status CheckExpectedVersion(const Incident& inc, int64_t expected_version) {
  if (inc.version == expected_version) return absl::OkStatus();
  return absl::AbortedError(absl::StrCat(
      inc.ref, " has changed since version ", expected_version, " (it is now version ", inc.version,
      "); read it again, then retry with expected_version ", inc.version));
}

absl::StatusOr<absl::optional<Incident>> LockGuarded(StoreTransaction& tx, const WriteGuard& guard,
                                                     absl::optional<IdempotentResult>& earlier) {
  ASSIGN_OR_RETURN(earlier, tx.FindIdempotent(guard.idempotency_key));
  if (earlier) return absl::optional<Incident>();
  ASSIGN_OR_RETURN(Incident inc, tx.LockIncident(guard.incident_ref));
  RETURN_IF_ERROR(CheckExpectedVersion(inc, guard.expected_version));
  return absl::optional<Incident>(std::move(inc));
}

void FillRecord(MutationRecord& m, const Incident& inc, const std::string& actor,
                const std::string& request_id, const std::string& idempotency_key,
                const std::string& fingerprint, absl::Time at) {
  m.incident_id = inc.id;
  m.incident_ref = inc.ref;
  m.incident_version = inc.version;
  m.actor = actor;
  m.request_id = request_id;
  m.idempotency_key = idempotency_key;
  m.fingerprint = fingerprint;
  m.at = at;
}

absl::Status CheckSameRequest(const IdempotentResult& earlier, const std::string& operation,
                              const std::string& fingerprint) {
  if (earlier.operation == operation && earlier.fingerprint == fingerprint) {
    return absl::OkStatus();
  }
  return absl::AlreadyExistsError(
      absl::StrCat("idempotency_key was already used for a different request (", earlier.operation,
                   " on ", earlier.incident_ref, "); use a new key for a new write"));
}

}  // namespace statuscast
