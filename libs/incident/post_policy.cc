#include "libs/incident/post_policy.h"

#include "absl/strings/str_cat.h"

namespace statuscast {
namespace {

std::string Named(const std::string& name) { return name.empty() ? "none named" : name; }

}  // namespace

const char* PostPolicyName(PostPolicy p) { return p == PostPolicy::kAny ? "any" : "roles"; }

absl::StatusOr<PostPolicy> ParsePostPolicy(const std::string& name) {
  if (name == "roles") return PostPolicy::kRoles;
  if (name == "any") return PostPolicy::kAny;
  return absl::InvalidArgumentError(absl::StrCat(
      "\"", name,
      "\" is not a post policy: roles (only the incident's commander or communications lead, "
      "or an admin, posts customer-facing text) or any (every writer does)"));
}

absl::Status CheckMayPost(PostPolicy policy, const Incident& incident, const Poster& who,
                          const std::string& what, bool suggest_draft) {
  if (policy == PostPolicy::kAny || who.admin) return absl::OkStatus();
  if (!who.actor.empty() && (who.actor == incident.commander || who.actor == incident.comms_lead)) {
    return absl::OkStatus();
  }
  const std::string ref = incident.ref.empty() ? "the new incident" : incident.ref;
  return absl::PermissionDeniedError(absl::StrCat(
      who.actor, " may not ", what, " for ", ref, ": only its incident commander (",
      Named(incident.commander), ") or communications lead (", Named(incident.comms_lead),
      "), or an admin token, posts what customers read (--post_policy=roles)",
      suggest_draft ? absl::StrCat(". Propose it as a draft for them to review instead: "
                                   "statuscastctl draft ",
                                   incident.ref.empty() ? "INC-n" : incident.ref,
                                   " --message \"...\" (ProposeUpdate)")
                    : std::string(" and decides on drafts")));
}

absl::Status CheckMaySetRoles(PostPolicy policy, const Incident& incident, const Poster& who) {
  if (policy == PostPolicy::kAny || who.admin || incident.commander.empty() ||
      who.actor == incident.commander) {
    return absl::OkStatus();
  }
  return absl::PermissionDeniedError(absl::StrCat(
      who.actor, " may not change the roles of ", incident.ref, ": only its incident commander (",
      incident.commander, ") or an admin token does (--post_policy=roles)"));
}

}  // namespace statuscast
