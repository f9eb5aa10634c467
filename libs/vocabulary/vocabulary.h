// The words incidents are told in: severity, state, channel, component status
// and update kind, with the names users read and the parsers for them.
//
// Defined once, below libs/incident (the record) and libs/lint (the checks on
// its text), which both use these types. The numbers equal those of the
// statuscast.v1 enums of the same names; the one conversion between them is
// libs/proto_convert/vocabulary_proto.h. No I/O, no protobuf.
#ifndef STATUSCAST_LIBS_VOCABULARY_VOCABULARY_H_
#define STATUSCAST_LIBS_VOCABULARY_VOCABULARY_H_

#include <string>

namespace statuscast {

enum class Severity { kUnspecified = 0, kSev1 = 1, kSev2 = 2, kSev3 = 3 };
enum class IncidentState {
  kUnspecified = 0,
  kInvestigating = 1,
  kIdentified = 2,
  kMonitoring = 3,
  kResolved = 4
};
enum class ComponentStatus {
  kUnspecified = 0,
  kOperational = 1,
  kDegradedPerformance = 2,
  kPartialOutage = 3,
  kMajorOutage = 4,
  kUnderMaintenance = 5
};
enum class Channel { kUnspecified = 0, kInAppBanner = 1, kStatusPage = 2, kPublic = 3 };
enum class UpdateKind {
  kUnspecified = 0,
  kFirst = 1,
  kProgress = 2,
  kNoProgress = 3,
  kResolution = 4,
  kReopen = 5
};

// Whether the value is one this release knows, kUnspecified included (a
// value from the wire may be any number).
bool IsKnown(Severity s);
bool IsKnown(IncidentState s);
bool IsKnown(Channel c);

// "SEV-1", "investigating", "major_outage", "in_app_banner": the names users see.
const char* SeverityName(Severity s);
const char* StateName(IncidentState s);
const char* ComponentStatusName(ComponentStatus s);
const char* ChannelName(Channel c);
const char* UpdateKindName(UpdateKind k);
// Parse the names above (also "sev1", "1"; "banner" for in_app_banner; any
// case, '-' or ' ' for '_'); false when unknown.
bool ParseSeverity(const std::string& text, Severity* out);
bool ParseState(const std::string& text, IncidentState* out);
bool ParseComponentStatus(const std::string& text, ComponentStatus* out);
bool ParseChannel(const std::string& text, Channel* out);

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_VOCABULARY_VOCABULARY_H_
