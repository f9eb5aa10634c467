// PostPolicy: who may post customer-facing text for an incident (the
// server's --post_policy).
//
//   roles (default)  the incident's commander or communications lead, or an
//                    admin token; anyone else with write scope gets
//                    PERMISSION_DENIED naming who may post and can propose a
//                    draft (ProposeUpdate) for them to approve.
//   any              every writer (the behaviour before roles existed).
//
// Customer-facing text: an update (also the first, at declare), a
// resolution, a reopen, a postmortem and a correction of an update. A severity change carries no text
// and is not restricted. Changing the roles themselves needs the commander
// or an admin (any writer under `any`, or while an incident has no
// commander: rows written before roles existed).
// Without access control (--auth=disabled) every caller counts as admin: the
// server cannot tell people apart, so the policy cannot apply.
// Thread safety: plain functions.
#ifndef STATUSCAST_LIBS_INCIDENT_POST_POLICY_H_
#define STATUSCAST_LIBS_INCIDENT_POST_POLICY_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "libs/incident/model.h"

namespace statuscast {

enum class PostPolicy { kRoles = 1, kAny = 2 };
// "roles", "any".
const char* PostPolicyName(PostPolicy p);
// INVALID_ARGUMENT naming the values for anything else.
absl::StatusOr<PostPolicy> ParsePostPolicy(const std::string& name);

// Who asks, as the policy sees it.
struct Poster {
  std::string actor;
  bool admin = false;
};

// OK when `who` may post customer-facing text (`what`: "post an update",
// "resolve", ...) for `incident`; PERMISSION_DENIED naming its commander and
// communications lead otherwise (suggesting a draft when `suggest_draft`).
absl::Status CheckMayPost(PostPolicy policy, const Incident& incident, const Poster& who,
                          const std::string& what, bool suggest_draft = true);

// OK when `who` may change `incident`'s roles; PERMISSION_DENIED otherwise.
absl::Status CheckMaySetRoles(PostPolicy policy, const Incident& incident, const Poster& who);

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_INCIDENT_POST_POLICY_H_
