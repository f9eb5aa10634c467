#include "libs/metrics/prometheus_transport_metrics.h"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <map>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"

namespace statuscast {

struct PrometheusTransportMetrics::Impl {
  explicit Impl(prometheus::Registry& r)
      : subscribers(prometheus::BuildGauge()
                        .Name("statuscast_banner_subscribers")
                        .Help("Banner subscribers connected now, by transport.")
                        .Register(r)),
        sent(prometheus::BuildCounter()
                 .Name("statuscast_banner_sets_sent_total")
                 .Help("Banner sets written to subscribers.")
                 .Register(r)),
        conflated(prometheus::BuildCounter()
                      .Name("statuscast_banner_conflations_total")
                      .Help("Pending banner sets replaced by a newer one before being written "
                            "(slow subscribers).")
                      .Register(r)),
        latency(prometheus::BuildHistogram()
                    .Name("statuscast_banner_commit_to_send_seconds")
                    .Help("From the committed change to the set written to a subscriber.")
                    .Register(r)),
        requests(prometheus::BuildCounter()
                     .Name("statuscast_http_requests_total")
                     .Help("HTTP requests answered, by route and status code.")
                     .Register(r)),
        request_seconds(prometheus::BuildHistogram()
                            .Name("statuscast_http_request_duration_seconds")
                            .Help("Time to answer an HTTP request (to the headers for streams).")
                            .Register(r)) {
    for (const char* t : {"grpc", "sse"}) {
      subscribers.Add({{"transport", t}});
      sent.Add({{"transport", t}});
      conflated.Add({{"transport", t}});
      latency.Add({{"transport", t}}, LatencyBuckets());
    }
  }

  static prometheus::Histogram::BucketBoundaries LatencyBuckets() {
    return {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};
  }

  prometheus::Family<prometheus::Gauge>& subscribers;
  prometheus::Family<prometheus::Counter>& sent;
  prometheus::Family<prometheus::Counter>& conflated;
  prometheus::Family<prometheus::Histogram>& latency;
  prometheus::Family<prometheus::Counter>& requests;
  prometheus::Family<prometheus::Histogram>& request_seconds;
};

namespace {
const char* Name(Transport t) { return t == Transport::kGrpc ? "grpc" : "sse"; }
}  // namespace

PrometheusTransportMetrics::PrometheusTransportMetrics(prometheus::Registry& registry)
    : impl_(std::make_unique<Impl>(registry)) {}

PrometheusTransportMetrics::~PrometheusTransportMetrics() = default;

void PrometheusTransportMetrics::SubscriberAdded(Transport t) {
  impl_->subscribers.Add({{"transport", Name(t)}}).Increment();
}
void PrometheusTransportMetrics::SubscriberRemoved(Transport t) {
  impl_->subscribers.Add({{"transport", Name(t)}}).Decrement();
}
void PrometheusTransportMetrics::SetSent(Transport t,
                                         absl::optional<absl::Duration> commit_to_send) {
  impl_->sent.Add({{"transport", Name(t)}}).Increment();
  if (commit_to_send) {
    impl_->latency.Add({{"transport", Name(t)}}, Impl::LatencyBuckets())
        .Observe(absl::ToDoubleSeconds(*commit_to_send));
  }
}
void PrometheusTransportMetrics::SetConflated(Transport t) {
  impl_->conflated.Add({{"transport", Name(t)}}).Increment();
}
void PrometheusTransportMetrics::HttpRequest(const std::string& route, int status_code,
                                             absl::Duration took) {
  impl_->requests.Add({{"route", route}, {"code", absl::StrCat(status_code)}}).Increment();
  impl_->request_seconds
      .Add({{"route", route}},
           prometheus::Histogram::BucketBoundaries{0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1})
      .Observe(absl::ToDoubleSeconds(took));
}

}  // namespace statuscast
