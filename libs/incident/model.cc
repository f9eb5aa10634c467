#include "libs/incident/model.h"

namespace statuscast {

bool ReachesStatusPage(const std::vector<Channel>& channels) {
  for (Channel c : channels) {
    if (c == Channel::kStatusPage || c == Channel::kPublic) return true;
  }
  return false;
}

const char* IncidentRoleName(IncidentRole role) {
  return role == IncidentRole::kCommander ? "commander" : "comms_lead";
}

const char* IncidentRoleWords(IncidentRole role) {
  return role == IncidentRole::kCommander ? "incident commander" : "communications lead";
}

}  // namespace statuscast
