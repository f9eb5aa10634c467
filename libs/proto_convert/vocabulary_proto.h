// The one conversion between the domain's vocabulary
// (libs/vocabulary/vocabulary.h) and the statuscast.v1 enums of the same
// names. The numbers are equal (checked at compile time in the .cc), so a
// conversion keeps any number: a value from the wire this release does not
// know stays unknown, and the domain refuses it with the field's name
// (IsKnown says whether it is known).
#ifndef STATUSCAST_LIBS_PROTO_CONVERT_VOCABULARY_PROTO_H_
#define STATUSCAST_LIBS_PROTO_CONVERT_VOCABULARY_PROTO_H_

#include <google/protobuf/repeated_field.h>

#include <vector>

#include "libs/vocabulary/vocabulary.h"
#include "statuscast/v1/incident.pb.h"

namespace statuscast {

Severity FromProto(v1::Severity s);
IncidentState FromProto(v1::IncidentState s);
ComponentStatus FromProto(v1::ComponentStatus s);
Channel FromProto(v1::Channel c);
UpdateKind FromProto(v1::UpdateKind k);
// A repeated Channel field (protobuf keeps repeated enums as int).
std::vector<Channel> ChannelsFromProto(const google::protobuf::RepeatedField<int>& in);

v1::Severity ToProto(Severity s);
v1::IncidentState ToProto(IncidentState s);
v1::ComponentStatus ToProto(ComponentStatus s);
v1::Channel ToProto(Channel c);
v1::UpdateKind ToProto(UpdateKind k);

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_PROTO_CONVERT_VOCABULARY_PROTO_H_
