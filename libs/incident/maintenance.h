// Scheduled maintenance: a window announced ahead, its own record (never an
// incident, never counted in incident compliance).
//
// A window is scheduled (announced), in progress, then completed; or it is
// cancelled before it starts. The recorded state moves only by a command
// (Start, Complete, Cancel), but what customers see follows the clock too
// (PhaseAt): a scheduled window is in progress from its announced start and
// completed after its announced end, so the page is right even when nobody
// presses a button; a window started by hand stays in progress until it is
// completed (an overrun is real). Components a window names show
// `under_maintenance` while it is in progress.
//
// MaintenanceCommands checks every request and writes through a
// MaintenanceStore:
//   INVALID_ARGUMENT     bad input, with field violations (empty or oversized
//                        text, end not after start, start in the past, an
//                        unknown or repeated component, a bad reference);
//   NOT_FOUND            no window has the reference;
//   FAILED_PRECONDITION  the window's state does not allow the change;
//   ABORTED              expected_version is stale.
// Thread safety: MaintenanceCommands is immutable and safe to share when its
// store and clock are.
#ifndef STATUSCAST_LIBS_INCIDENT_MAINTENANCE_H_
#define STATUSCAST_LIBS_INCIDENT_MAINTENANCE_H_

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "libs/base/clock.h"

namespace statuscast {

// Values match statuscast.v1.MaintenanceState.
enum class MaintenanceState {
  kUnspecified = 0,
  kScheduled = 1,
  kInProgress = 2,
  kCompleted = 3,
  kCancelled = 4,
};
// "scheduled", "in_progress", "completed", "cancelled".
const char* MaintenanceStateName(MaintenanceState s);
bool ParseMaintenanceState(const std::string& text, MaintenanceState* out);

struct MaintenanceWindow {
  int64_t id = 0;   // internal row id; never shown
  std::string ref;  // "MNT-3"
  std::string title;
  std::string message;  // what customers read: what changes, what to expect
  std::vector<std::string> components;
  MaintenanceState state = MaintenanceState::kUnspecified;  // as recorded
  absl::Time scheduled_start;
  absl::Time scheduled_end;
  absl::optional<absl::Time> started_at;  // when it began (by hand or at its start)
  absl::optional<absl::Time> ended_at;    // completed or cancelled
  std::string created_by;
  absl::Time created_at;
  absl::Time updated_at;
  int64_t version = 0;
};

// What customers see at `now` (see the top of this file).
MaintenanceState PhaseAt(const MaintenanceWindow& w, absl::Time now);
// Scheduled or in progress at `now`: what the page lists.
bool IsUpcomingOrCurrent(const MaintenanceWindow& w, absl::Time now);
// The components of windows in progress at `now`.
std::set<std::string> ComponentsUnderMaintenance(const std::vector<MaintenanceWindow>& windows,
                                                 absl::Time now);

struct MaintenanceQuery {
  // false: only windows not finished (recorded scheduled or in progress);
  // true: every window, newest start first.
  bool include_finished = false;
  int limit = 100;
};

// Where windows live. Errors: UNAVAILABLE when the database cannot be
// reached; NOT_FOUND for an unknown reference.
class MaintenanceStore {
 public:
  virtual ~MaintenanceStore() = default;
  // Assigns id, ref and version 1. INVALID_ARGUMENT naming
  // "components[i]" when a component is not in the catalog.
  virtual absl::Status Insert(MaintenanceWindow& w, const std::string& request_id) = 0;
  virtual absl::StatusOr<MaintenanceWindow> Get(const std::string& ref) = 0;
  // Writes the state and times when the stored version is still
  // `w.version - 1` (ABORTED otherwise), with an audit and change-log row
  // of `kind` ("maintenance_started", ...).
  virtual absl::Status Save(const MaintenanceWindow& w, const std::string& kind,
                            const std::string& actor, const std::string& request_id) = 0;
  // Newest scheduled start first.
  virtual absl::StatusOr<std::vector<MaintenanceWindow>> List(const MaintenanceQuery& q) = 0;
};

struct MaintenanceLimits {
  size_t title_bytes = 200;
  size_t message_bytes = 4000;
  size_t components = 50;
  size_t component_name_bytes = 64;
  // How far ahead a window may be announced, and how long it may last.
  absl::Duration max_ahead = absl::Hours(24 * 366);
  absl::Duration max_length = absl::Hours(24 * 7);
};

struct ScheduleMaintenanceInput {
  std::string title;
  std::string message;
  std::vector<std::string> components;
  absl::Time scheduled_start;
  absl::Time scheduled_end;
};

// Who asks, for the record.
struct MaintenanceCall {
  std::string actor;
  std::string request_id;
};

class MaintenanceCommands {
 public:
  // REQUIRES: `store` and `clock` outlive this object.
  MaintenanceCommands(MaintenanceStore& store, const Clock& clock, MaintenanceLimits limits = {})
      : store_(store), clock_(clock), limits_(limits) {}

  // Announces a window: start in the future (a window starting now is
  // started with Start), end after start, at most max_length long.
  absl::StatusOr<MaintenanceWindow> Schedule(const ScheduleMaintenanceInput& in,
                                             const MaintenanceCall& call);
  // Begins it now (also before its announced start). FAILED_PRECONDITION
  // when it already started, ended or was cancelled.
  absl::StatusOr<MaintenanceWindow> Start(const std::string& ref, int64_t expected_version,
                                          const MaintenanceCall& call);
  // Ends it now. FAILED_PRECONDITION when it has not started (cancel it) or
  // already ended.
  absl::StatusOr<MaintenanceWindow> Complete(const std::string& ref, int64_t expected_version,
                                             const MaintenanceCall& call);
  // Calls it off before it starts. FAILED_PRECONDITION once in progress
  // (complete it) or ended.
  absl::StatusOr<MaintenanceWindow> Cancel(const std::string& ref, int64_t expected_version,
                                           const MaintenanceCall& call);
  absl::StatusOr<MaintenanceWindow> Get(const std::string& ref);
  absl::StatusOr<std::vector<MaintenanceWindow>> List(MaintenanceQuery q);

  // INVALID_ARGUMENT unless `ref` looks like "MNT-3".
  static absl::Status CheckRef(const std::string& ref);

 private:
  // Reads `ref`, checks the version (0 skips the check), applies `change`
  // (which returns FAILED_PRECONDITION when the phase forbids it) and saves.
  absl::StatusOr<MaintenanceWindow> Transition(const std::string& ref, int64_t expected_version,
                                               const char* kind, const MaintenanceCall& call,
                                               absl::Status (*change)(MaintenanceWindow& w,
                                                                      absl::Time now));

  MaintenanceStore& store_;
  const Clock& clock_;
  MaintenanceLimits limits_;
};

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_INCIDENT_MAINTENANCE_H_
