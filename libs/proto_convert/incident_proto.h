// Conversions between statuscast.v1 messages and the incident record
// (libs/incident/model.h); enums convert through vocabulary_proto.h.
#ifndef STATUSCAST_LIBS_PROTO_CONVERT_INCIDENT_PROTO_H_
#define STATUSCAST_LIBS_PROTO_CONVERT_INCIDENT_PROTO_H_

#include <vector>

#include "libs/base/proto_time.h"
#include "libs/incident/draft.h"
#include "libs/incident/incident_rules.h"
#include "libs/incident/incident_store.h"
#include "libs/incident/model.h"
#include "libs/proto_convert/vocabulary_proto.h"
#include "statuscast/v1/incident.pb.h"

namespace statuscast {

void ToProto(const Incident& in, bool with_timeline, v1::Incident* out);
void ToProto(const Update& in, v1::Update* out);
void ToProto(const Component& in, v1::Component* out);
void ToProto(const Postmortem& in, v1::Postmortem* out);
void ToProto(const UpdateDraft& in, v1::UpdateDraft* out);
void ToProto(const Draft& in, v1::Draft* out);
void ToProto(const AuditEvent& in, v1::AuditEvent* out);

UpdateDraft FromProto(const v1::UpdateDraft& in);
std::vector<AffectedComponent> FromProto(
    const google::protobuf::RepeatedPtrField<v1::AffectedComponent>& in);

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_PROTO_CONVERT_INCIDENT_PROTO_H_
