// DependencyHealth: whether a dependency (PostgreSQL, for statuscast-comms)
// answers quickly enough, for the gRPC health service and the logs.
//
// Every `interval` it runs `probe` (e.g. `SELECT 1` through the pool) on a
// thread of its own. The dependency turns unhealthy when a probe fails, or
// has not answered within `timeout` (a slow or hung database: noticed while
// the probe is still waiting, not only when it returns), and healthy again
// when a probe answers in time. It starts healthy. Each change calls
// `on_change(healthy, reason)` once, in order, from one of its threads;
// `reason` says why it is unhealthy ("" when healthy).
//
//   DependencyHealth db([&] { return pool.Run(...SELECT 1...); },
//                       {absl::Seconds(5), absl::Seconds(2)},
//                       [&](bool ok, const std::string& why) { health.Set...(ok); });
//   db.Start(); ... db.Stop();  // Stop waits for a probe in flight
//
// Thread safety: healthy() from any thread; Start and Stop from one thread.
// Real time (it waits for real); the tests use short durations.
#ifndef STATUSCAST_LIBS_RPC_DEPENDENCY_HEALTH_H_
#define STATUSCAST_LIBS_RPC_DEPENDENCY_HEALTH_H_

#include <functional>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "libs/base/stop_flag.h"

namespace statuscast {

class DependencyHealth {
 public:
  struct Options {
    absl::Duration interval = absl::Seconds(5);
    absl::Duration timeout = absl::Seconds(2);
  };
  using Probe = std::function<absl::Status()>;
  using OnChange = std::function<void(bool healthy, const std::string& reason)>;

  DependencyHealth(Probe probe, Options options, OnChange on_change);
  ~DependencyHealth();  // Stop()
  DependencyHealth(const DependencyHealth&) = delete;
  DependencyHealth& operator=(const DependencyHealth&) = delete;

  void Start();
  void Stop();
  bool healthy() const;

 private:
  void ProbeLoop();
  void WatchLoop();
  void Set(bool healthy, const std::string& reason);

  const Probe probe_;
  const Options options_;
  const OnChange on_change_;
  StopFlag stop_;
  mutable absl::Mutex mu_;
  bool in_flight_ ABSL_GUARDED_BY(mu_) = false;
  absl::Time started_ ABSL_GUARDED_BY(mu_);
  // Serialises Set, so that on_change sees every change once and in order.
  mutable absl::Mutex change_mu_;
  bool healthy_ ABSL_GUARDED_BY(change_mu_) = true;
  std::thread prober_, watcher_;
};

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_RPC_DEPENDENCY_HEALTH_H_
