#include "libs/incident/draft.h"

namespace statuscast {

const char* DraftStatusName(DraftStatus s) {
  switch (s) {
    case DraftStatus::kApproved:
      return "approved";
    case DraftStatus::kRejected:
      return "rejected";
    default:
      return "pending";
  }
}

bool ParseDraftStatus(const std::string& name, DraftStatus* out) {
  for (DraftStatus s : {DraftStatus::kPending, DraftStatus::kApproved, DraftStatus::kRejected}) {
    if (name == DraftStatusName(s)) {
      *out = s;
      return true;
    }
  }
  return false;
}

}  // namespace statuscast
