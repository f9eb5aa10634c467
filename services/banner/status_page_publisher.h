// StatusPagePublisher: keeps the public status page rendered in memory, so
// HTTP handlers only hand out strings and never touch PostgreSQL.
//
// A background thread loads the incidents the page shows (every open one,
// and those resolved within the history window) with their full timelines,
// plus the component catalog, through IncidentStore; builds the
// StatusPageModel (public fields only) and renders every output once. It
// reloads when the change log grows (the `wait` hint: ChangeFeed), at least
// every `reload_interval` as a safety net, and re-renders from memory every
// `render_interval` so time-dependent text ("overdue", the 90-day window)
// stays true. Incidents whose version did not change are not re-read.
//
// Thread safety: Current() from any thread; Start/Stop/LoadOnce from one
// controlling thread. REQUIRES: `store` and `clock` outlive the publisher.
#ifndef STATUSCAST_SERVICES_BANNER_STATUS_PAGE_PUBLISHER_H_
#define STATUSCAST_SERVICES_BANNER_STATUS_PAGE_PUBLISHER_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "libs/base/clock.h"
#include "libs/incident/incident_store.h"
#include "libs/incident/maintenance.h"
#include "libs/statuspage/status_page_model.h"

namespace statuscast {

// One rendered output with its ETag.
struct RenderedDocument {
  std::string body;
  std::string etag;
};

// Everything the status page serves, rendered from one model.
struct StatusPageSnapshot {
  int64_t sequence = 0;             // change-log sequence the data reflects (at least)
  RenderedDocument page;            // GET /
  RenderedDocument summary_json;    // GET /v1/status.json
  RenderedDocument incidents_json;  // GET /v1/incidents.json
  RenderedDocument atom;            // GET /feed.atom
  std::map<std::string, RenderedDocument> incident_pages;  // by ref
  // The page's components (retired ones left out), in page order: what the
  // subscribe form offers.
  std::vector<PublicComponent> components;
};

struct StatusPagePublisherOptions {
  absl::Duration render_interval = absl::Seconds(10);
  absl::Duration reload_interval = absl::Seconds(30);
  // After a failed load, the next attempt waits this long (then doubles, up
  // to reload_interval).
  absl::Duration retry_backoff = absl::Milliseconds(500);
};

class StatusPagePublisher {
 public:
  // Blocks until the change log's newest sequence exceeds the first
  // argument or the deadline passes; returns the newest sequence.
  using WaitForChange = std::function<int64_t(int64_t, absl::Time)>;

  StatusPagePublisher(IncidentStore& store, const Clock& clock, StatusPageConfig config,
                      WaitForChange wait, StatusPagePublisherOptions options = {});
  ~StatusPagePublisher();  // Stops.
  StatusPagePublisher(const StatusPagePublisher&) = delete;
  StatusPagePublisher& operator=(const StatusPagePublisher&) = delete;

  // The newest snapshot; nullptr until the first load succeeded.
  std::shared_ptr<const StatusPageSnapshot> Current() const;

  // Loads from the store and publishes a new snapshot (also used by Start's
  // thread). `sequence`: the change-log sequence known before loading.
  absl::Status LoadOnce(int64_t sequence);
  // Where scheduled maintenance is read from (null, the default: none is
  // shown). Call before Start. REQUIRES: it outlives the publisher.
  void set_maintenance_store(MaintenanceStore* store) { maintenance_store_ = store; }
  void Start();
  // REQUIRES: whatever `wait` blocks on is woken too (ChangeFeed::Stop), or
  // Stop waits up to render_interval.
  void Stop();

 private:
  absl::Status Load();
  void Render(int64_t sequence);

  IncidentStore& store_;
  const Clock& clock_;
  const StatusPageConfig config_;
  const WaitForChange wait_;
  const StatusPagePublisherOptions options_;

  // Owned by the loading thread.
  std::map<std::string, Incident> incidents_;  // by ref, full timeline
  std::vector<Component> components_;
  MaintenanceStore* maintenance_store_ = nullptr;
  std::vector<MaintenanceWindow> maintenance_;  // not finished as recorded

  mutable absl::Mutex mu_;
  std::shared_ptr<const StatusPageSnapshot> current_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace statuscast

#endif  // STATUSCAST_SERVICES_BANNER_STATUS_PAGE_PUBLISHER_H_
