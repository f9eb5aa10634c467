// Conversions between statuscast.v1 messages and the domain model.
// Enum values match one to one (see libs/incident/model.h).
#ifndef STATUSCAST_SERVICES_COMMS_PROTO_CONVERT_H_
#define STATUSCAST_SERVICES_COMMS_PROTO_CONVERT_H_

#include <vector>

#include "libs/base/proto_time.h"
#include "libs/incident/incident_rules.h"
#include "libs/incident/model.h"
#include "statuscast/v1/incident.pb.h"

namespace statuscast {

void ToProto(const Incident& in, bool with_timeline, v1::Incident* out);
void ToProto(const Update& in, v1::Update* out);
void ToProto(const Component& in, v1::Component* out);

UpdateDraft FromProto(const v1::UpdateDraft& in);
std::vector<AffectedComponent> FromProto(
    const google::protobuf::RepeatedPtrField<v1::AffectedComponent>& in);
std::vector<Channel> ChannelsFromProto(const google::protobuf::RepeatedField<int>& in);

}  // namespace statuscast

#endif  // STATUSCAST_SERVICES_COMMS_PROTO_CONVERT_H_
