#include "libs/proto_convert/vocabulary_proto.h"

namespace statuscast {
namespace {

// Every value of both sides, so that a value added to one but not the other
// fails the build here instead of changing meaning on the wire.
static_assert(static_cast<int>(Severity::kUnspecified) == v1::SEVERITY_UNSPECIFIED);
static_assert(static_cast<int>(Severity::kSev1) == v1::SEVERITY_SEV1);
static_assert(static_cast<int>(Severity::kSev2) == v1::SEVERITY_SEV2);
static_assert(static_cast<int>(Severity::kSev3) == v1::SEVERITY_SEV3);
static_assert(v1::Severity_MAX == v1::SEVERITY_SEV3);

static_assert(static_cast<int>(IncidentState::kUnspecified) == v1::INCIDENT_STATE_UNSPECIFIED);
static_assert(static_cast<int>(IncidentState::kInvestigating) == v1::INCIDENT_STATE_INVESTIGATING);
static_assert(static_cast<int>(IncidentState::kIdentified) == v1::INCIDENT_STATE_IDENTIFIED);
static_assert(static_cast<int>(IncidentState::kMonitoring) == v1::INCIDENT_STATE_MONITORING);
static_assert(static_cast<int>(IncidentState::kResolved) == v1::INCIDENT_STATE_RESOLVED);
static_assert(v1::IncidentState_MAX == v1::INCIDENT_STATE_RESOLVED);

static_assert(static_cast<int>(ComponentStatus::kUnspecified) == v1::COMPONENT_STATUS_UNSPECIFIED);
static_assert(static_cast<int>(ComponentStatus::kOperational) == v1::COMPONENT_STATUS_OPERATIONAL);
static_assert(static_cast<int>(ComponentStatus::kDegradedPerformance) ==
              v1::COMPONENT_STATUS_DEGRADED_PERFORMANCE);
static_assert(static_cast<int>(ComponentStatus::kPartialOutage) ==
              v1::COMPONENT_STATUS_PARTIAL_OUTAGE);
static_assert(static_cast<int>(ComponentStatus::kMajorOutage) == v1::COMPONENT_STATUS_MAJOR_OUTAGE);
static_assert(static_cast<int>(ComponentStatus::kUnderMaintenance) ==
              v1::COMPONENT_STATUS_UNDER_MAINTENANCE);
static_assert(v1::ComponentStatus_MAX == v1::COMPONENT_STATUS_UNDER_MAINTENANCE);

static_assert(static_cast<int>(Channel::kUnspecified) == v1::CHANNEL_UNSPECIFIED);
static_assert(static_cast<int>(Channel::kInAppBanner) == v1::CHANNEL_IN_APP_BANNER);
static_assert(static_cast<int>(Channel::kStatusPage) == v1::CHANNEL_STATUS_PAGE);
static_assert(static_cast<int>(Channel::kPublic) == v1::CHANNEL_PUBLIC);
static_assert(v1::Channel_MAX == v1::CHANNEL_PUBLIC);

static_assert(static_cast<int>(UpdateKind::kUnspecified) == v1::UPDATE_KIND_UNSPECIFIED);
static_assert(static_cast<int>(UpdateKind::kFirst) == v1::UPDATE_KIND_FIRST);
static_assert(static_cast<int>(UpdateKind::kProgress) == v1::UPDATE_KIND_PROGRESS);
static_assert(static_cast<int>(UpdateKind::kNoProgress) == v1::UPDATE_KIND_NO_PROGRESS);
static_assert(static_cast<int>(UpdateKind::kResolution) == v1::UPDATE_KIND_RESOLUTION);
static_assert(static_cast<int>(UpdateKind::kReopen) == v1::UPDATE_KIND_REOPEN);
static_assert(v1::UpdateKind_MAX == v1::UPDATE_KIND_REOPEN);

}  // namespace

Severity FromProto(v1::Severity s) { return static_cast<Severity>(s); }
IncidentState FromProto(v1::IncidentState s) { return static_cast<IncidentState>(s); }
ComponentStatus FromProto(v1::ComponentStatus s) { return static_cast<ComponentStatus>(s); }
Channel FromProto(v1::Channel c) { return static_cast<Channel>(c); }
UpdateKind FromProto(v1::UpdateKind k) { return static_cast<UpdateKind>(k); }

std::vector<Channel> ChannelsFromProto(const google::protobuf::RepeatedField<int>& in) {
  std::vector<Channel> out;
  for (int c : in) out.push_back(FromProto(static_cast<v1::Channel>(c)));
  return out;
}

v1::Severity ToProto(Severity s) { return static_cast<v1::Severity>(s); }
v1::IncidentState ToProto(IncidentState s) { return static_cast<v1::IncidentState>(s); }
v1::ComponentStatus ToProto(ComponentStatus s) { return static_cast<v1::ComponentStatus>(s); }
v1::Channel ToProto(Channel c) { return static_cast<v1::Channel>(c); }
v1::UpdateKind ToProto(UpdateKind k) { return static_cast<v1::UpdateKind>(k); }

}  // namespace statuscast
