// Prometheus metrics of the notifier (statuscast-comms --notify):
//   statuscast_notify_commit_to_delivery_seconds{kind}  histogram: from the
//       commit of the public change to the delivery of its notification
//   statuscast_notify_deliveries_total{kind,outcome}    counter per attempt;
//       outcome: delivered, retry, rejected, given_up, unsubscribed
//   statuscast_notify_queue_depth                       gauge: pending deliveries
//   statuscast_notify_oldest_pending_seconds            gauge: age of the oldest
// The gauges come from PostgreSQL (SetQueue), so every replica reports the
// same values: aggregate them with max.
// Thread safety: safe from any thread.
#ifndef STATUSCAST_LIBS_METRICS_NOTIFY_METRICS_H_
#define STATUSCAST_LIBS_METRICS_NOTIFY_METRICS_H_

#include "libs/notify/notifier.h"

namespace prometheus {
class Registry;
class Gauge;
class Counter;
class Histogram;
template <typename T>
class Family;
}  // namespace prometheus

namespace statuscast {

class NotifyMetrics final : public NotifierObserver {
 public:
  // REQUIRES: `registry` outlives this.
  explicit NotifyMetrics(prometheus::Registry& registry);

  void OnAttempt(const ClaimedDelivery& delivery, const DeliveryResult& result,
                 const std::string& final_state, absl::Duration since_created) override;
  void SetQueue(const QueueStats& stats);

 private:
  prometheus::Family<prometheus::Histogram>& latency_;
  prometheus::Family<prometheus::Counter>& deliveries_;
  prometheus::Gauge& queue_depth_;
  prometheus::Gauge& oldest_pending_;
};

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_METRICS_NOTIFY_METRICS_H_
