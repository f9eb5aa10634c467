// TransportMetrics: what the banner transports (gRPC, SSE) report. HTTP
// request counts are libs/http's (HttpMetrics).
//
// An interface so transports stay free of the metrics library; the service
// implements it with prometheus-cpp. Every method must be cheap and
// thread-safe; a null TransportMetrics* means "not measured".
#ifndef STATUSCAST_LIBS_BANNER_TRANSPORT_METRICS_H_
#define STATUSCAST_LIBS_BANNER_TRANSPORT_METRICS_H_

#include "absl/time/time.h"
#include "absl/types/optional.h"

namespace statuscast {

enum class Transport { kGrpc, kSse };

class TransportMetrics {
 public:
  virtual ~TransportMetrics() = default;
  virtual void SubscriberAdded(Transport t) = 0;
  virtual void SubscriberRemoved(Transport t) = 0;
  // A set was written to a subscriber; `commit_to_send` when known.
  virtual void SetSent(Transport t, absl::optional<absl::Duration> commit_to_send) = 0;
  // A pending set was replaced by a newer one before it could be written.
  virtual void SetConflated(Transport t) = 0;
};

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_BANNER_TRANSPORT_METRICS_H_
