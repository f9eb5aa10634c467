#include "libs/metrics/notify_metrics.h"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

namespace statuscast {

NotifyMetrics::NotifyMetrics(prometheus::Registry& registry)
    : latency_(prometheus::BuildHistogram()
                   .Name("statuscast_notify_commit_to_delivery_seconds")
                   .Help("Time from the commit of a public change to the delivery of its "
                         "notification, by subscriber kind")
                   .Register(registry)),
      deliveries_(prometheus::BuildCounter()
                      .Name("statuscast_notify_deliveries_total")
                      .Help("Delivery attempts by subscriber kind and the row's outcome "
                            "(delivered, retry, rejected, given_up, unsubscribed)")
                      .Register(registry)),
      queue_depth_(prometheus::BuildGauge()
                       .Name("statuscast_notify_queue_depth")
                       .Help("Notifications waiting to be delivered (pending rows)")
                       .Register(registry)
                       .Add({})),
      oldest_pending_(prometheus::BuildGauge()
                          .Name("statuscast_notify_oldest_pending_seconds")
                          .Help("Age of the oldest notification not yet delivered")
                          .Register(registry)
                          .Add({})) {}

void NotifyMetrics::OnAttempt(const ClaimedDelivery& d, const DeliveryResult&,
                              const std::string& state, absl::Duration since_created) {
  const std::string kind = SubscriberKindName(d.subscriber.subscription.kind);
  deliveries_.Add({{"kind", kind}, {"outcome", state == kStatePending ? "retry" : state}})
      .Increment();
  if (state == kStateDelivered && d.purpose == kPurposeNotification) {
    latency_
        .Add({{"kind", kind}},
             prometheus::Histogram::BucketBoundaries{0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300,
                                                     1800, 3600, 21600, 86400})
        .Observe(absl::ToDoubleSeconds(since_created));
  }
}

void NotifyMetrics::SetQueue(const QueueStats& stats) {
  queue_depth_.Set(static_cast<double>(stats.pending));
  oldest_pending_.Set(absl::ToDoubleSeconds(stats.oldest_pending_age));
}

}  // namespace statuscast
