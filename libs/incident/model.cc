#include "libs/incident/model.h"

namespace statuscast {

bool ReachesStatusPage(const std::vector<Channel>& channels) {
  for (Channel c : channels) {
    if (c == Channel::kStatusPage || c == Channel::kPublic) return true;
  }
  return false;
}

}  // namespace statuscast
