// A stable fingerprint of a list of fields: 16 hex digits of FNV-1a over the
// length-prefixed fields, the same across processes, builds and releases.
//
// It tells a material change from none: an idempotent retry from a different
// request under the same key (libs/incident/incident_commands.cc), a banner
// set that changed from one that did not (libs/banner/banner_hub.cc). Not a
// cryptographic hash: never use it where someone may choose colliding input
// to gain something.
#ifndef STATUSCAST_LIBS_BASE_FINGERPRINT_H_
#define STATUSCAST_LIBS_BASE_FINGERPRINT_H_

#include <string>
#include <vector>

namespace statuscast {

// {"a", "bc"} and {"ab", "c"} differ (each field is prefixed by its length).
std::string Fingerprint(const std::vector<std::string>& fields);

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_BASE_FINGERPRINT_H_
