// Draft: a customer-facing update proposed for review (ProposeUpdate) by
// someone the post policy does not let post, kept private until the
// incident's commander or communications lead approves it (then it is posted
// as an update under every rule an update follows) or rejects it with a
// reason. A draft is never on a public surface and never keeps a promise.
#ifndef STATUSCAST_LIBS_INCIDENT_DRAFT_H_
#define STATUSCAST_LIBS_INCIDENT_DRAFT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "libs/incident/incident_rules.h"
#include "libs/lint/linter.h"

namespace statuscast {

enum class DraftStatus { kPending = 1, kApproved = 2, kRejected = 3 };
// "pending", "approved", "rejected".
const char* DraftStatusName(DraftStatus s);
// The status named `name` (as DraftStatusName spells it); false otherwise.
bool ParseDraftStatus(const std::string& name, DraftStatus* out);

struct Draft {
  int64_t id = 0;
  int64_t incident_id = 0;
  std::string incident_ref;
  DraftStatus status = DraftStatus::kPending;
  UpdateDraft update;
  std::string author;
  absl::Time proposed_at;
  // The incident's version the author wrote it against.
  int64_t based_on_version = 0;
  // The linter's findings in the incident's context when it was proposed.
  std::vector<lint::Finding> lint_findings;
  std::string idempotency_key;
  // Set once decided.
  std::string decided_by;
  absl::optional<absl::Time> decided_at;
  std::string reject_reason;
  int64_t update_id = 0;  // the update approval posted
};

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_INCIDENT_DRAFT_H_
