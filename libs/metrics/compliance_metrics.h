// ComplianceMetrics: cadence-compliance figures as Prometheus metrics,
// derived from the stored incident record (so they survive restarts and
// every replica exports the same values; dashboards aggregate with max, not
// sum, across replicas).
//
//   statuscast_first_communication_delay_seconds{severity}   histogram
//   statuscast_update_interval_seconds{severity}             histogram
//   statuscast_promises_total{severity,outcome}              counter (kept|missed)
//   statuscast_first_communications_late_total{severity}     counter
//   statuscast_incidents_overdue                             gauge
//   statuscast_incident_overdue_seconds_max                  gauge
//   statuscast_incidents_open{severity,state}                gauge
//   statuscast_banners_stale                                 gauge
//   statuscast_banner_stale_seconds_max                      gauge
//   statuscast_postmortems{severity,status}                  gauge (published|missing)
//   statuscast_compliance_last_refresh_timestamp_seconds     gauge
//   statuscast_banner_database_healthy                       gauge (1: the last
//                                                            read of PostgreSQL worked)
//
// Update() replaces the snapshot; Collect() (a scrape) reads it and never
// touches PostgreSQL. Thread safety: both are safe from any thread.
#ifndef STATUSCAST_LIBS_METRICS_COMPLIANCE_METRICS_H_
#define STATUSCAST_LIBS_METRICS_COMPLIANCE_METRICS_H_

#include <prometheus/collectable.h>

#include <memory>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "libs/cadence/compliance.h"

namespace statuscast {

struct ComplianceSnapshot {
  absl::Time at;
  std::vector<IncidentCompliance> incidents;
  // Resolved incidents whose banner a replica still shows, and for how long.
  int stale_banners = 0;
  absl::Duration stale_banner_max;
};

class ComplianceMetrics final : public prometheus::Collectable {
 public:
  void Update(std::shared_ptr<const ComplianceSnapshot> snapshot);
  void SetDatabaseHealthy(bool healthy);
  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  mutable absl::Mutex mu_;
  std::shared_ptr<const ComplianceSnapshot> snapshot_ ABSL_GUARDED_BY(mu_);
  bool database_healthy_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_METRICS_COMPLIANCE_METRICS_H_
