// TransportMetrics and HttpMetrics on prometheus-cpp, registered on a given
// registry (routes are patterns, or "unmatched": a bounded label set):
//   statuscast_banner_subscribers{transport}              gauge
//   statuscast_banner_sets_sent_total{transport}          counter
//   statuscast_banner_conflations_total{transport}        counter
//   statuscast_banner_commit_to_send_seconds{transport}   histogram
//   statuscast_http_requests_total{route,code}            counter
//   statuscast_http_request_duration_seconds{route}       histogram
// Thread safety: as prometheus-cpp (safe from any thread).
#ifndef STATUSCAST_LIBS_METRICS_PROMETHEUS_TRANSPORT_METRICS_H_
#define STATUSCAST_LIBS_METRICS_PROMETHEUS_TRANSPORT_METRICS_H_

#include <memory>

#include "libs/banner/transport_metrics.h"
#include "libs/http/http_metrics.h"

namespace prometheus {
class Registry;
}  // namespace prometheus

namespace statuscast {

class PrometheusTransportMetrics final : public TransportMetrics, public HttpMetrics {
 public:
  explicit PrometheusTransportMetrics(prometheus::Registry& registry);
  ~PrometheusTransportMetrics() override;

  void SubscriberAdded(Transport t) override;
  void SubscriberRemoved(Transport t) override;
  void SetSent(Transport t, absl::optional<absl::Duration> commit_to_send) override;
  void SetConflated(Transport t) override;
  void HttpRequest(const std::string& route, int status_code, absl::Duration took) override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_METRICS_PROMETHEUS_TRANSPORT_METRICS_H_
