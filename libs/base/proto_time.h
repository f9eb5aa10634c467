// Conversions between absl::Time/Duration and google.protobuf.Timestamp/
// Duration, at the microsecond precision PostgreSQL keeps.
#ifndef STATUSCAST_LIBS_BASE_PROTO_TIME_H_
#define STATUSCAST_LIBS_BASE_PROTO_TIME_H_

#include <google/protobuf/duration.pb.h>
#include <google/protobuf/timestamp.pb.h>

#include <cstdint>

#include "absl/time/time.h"
#include "absl/types/optional.h"

namespace statuscast {

inline void SetTime(absl::Time t, google::protobuf::Timestamp* out) {
  const int64_t micros = absl::ToUnixMicros(t);
  int64_t seconds = micros / 1000000;
  int64_t rest = micros % 1000000;
  if (rest < 0) {  // Timestamp nanos are never negative
    rest += 1000000;
    seconds -= 1;
  }
  out->set_seconds(seconds);
  out->set_nanos(static_cast<int32_t>(rest * 1000));
}

inline void SetDuration(absl::Duration d, google::protobuf::Duration* out) {
  const int64_t micros = absl::ToInt64Microseconds(d);
  out->set_seconds(micros / 1000000);
  out->set_nanos(static_cast<int32_t>((micros % 1000000) * 1000));  // same sign as seconds
}

// The time `ts` holds, or nullopt when the field is not `present`.
inline absl::optional<absl::Time> TimeFromProto(const google::protobuf::Timestamp& ts,
                                                bool present) {
  if (!present) return absl::nullopt;
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

// The time `ts` holds (an unset field holds the Unix epoch).
inline absl::Time TimeFromProto(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

inline absl::Duration DurationFromProto(const google::protobuf::Duration& d) {
  return absl::Seconds(d.seconds()) + absl::Nanoseconds(d.nanos());
}

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_BASE_PROTO_TIME_H_
