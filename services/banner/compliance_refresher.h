// ComplianceRefresher: re-derives the cadence-compliance figures from
// PostgreSQL on a timer and hands them to ComplianceMetrics, so scrapes never
// touch the database. Incidents whose version did not change are not
// re-read. Stale banners: resolved incidents this replica's hub still shows.
// Thread safety: Start/Stop/RefreshOnce from one thread.
#ifndef STATUSCAST_SERVICES_BANNER_COMPLIANCE_REFRESHER_H_
#define STATUSCAST_SERVICES_BANNER_COMPLIANCE_REFRESHER_H_

#include <map>
#include <thread>

#include "absl/synchronization/mutex.h"
#include "libs/banner/banner_hub.h"
#include "libs/base/clock.h"
#include "libs/cadence/compliance.h"
#include "libs/incident/incident_store.h"
#include "libs/metrics/compliance_metrics.h"

namespace statuscast {

class ComplianceRefresher {
 public:
  ComplianceRefresher(IncidentStore& store, BannerHub& hub, ComplianceMetrics& metrics,
                      const Clock& clock, CadencePolicy policy, ComplianceOptions options,
                      absl::Duration interval);
  ~ComplianceRefresher();

  absl::Status RefreshOnce();
  void Start();
  void Stop();

 private:
  IncidentStore& store_;
  BannerHub& hub_;
  ComplianceMetrics& metrics_;
  const Clock& clock_;
  const CadencePolicy policy_;
  const ComplianceOptions options_;
  const absl::Duration interval_;
  std::map<std::string, Incident> cache_;  // by ref, full timeline
  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace statuscast

#endif  // STATUSCAST_SERVICES_BANNER_COMPLIANCE_REFRESHER_H_
