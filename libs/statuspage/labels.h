// The words the status page's renderers show for states, component statuses
// and impact ("Identified", "Partial outage", "Major impact"). Internal to
// libs/statuspage. Thread safety: pure functions.
#ifndef STATUSCAST_LIBS_STATUSPAGE_LABELS_H_
#define STATUSCAST_LIBS_STATUSPAGE_LABELS_H_

#include <string>

#include "libs/statuspage/status_page_model.h"

namespace statuscast {

std::string StateLabel(IncidentState s);
std::string ComponentStatusLabel(ComponentStatus s);
// "Critical impact", "Major impact", "Minor impact", "No impact".
std::string ImpactLabel(Indicator i);
// "Major impact (worst reached)": how an incident's impact reads on the page, which
// takes the worst severity the incident reached (see PublicIncident::impact),
// so the words say so when it differs from the severity now.
std::string WorstImpactLabel(Indicator i);

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_STATUSPAGE_LABELS_H_
