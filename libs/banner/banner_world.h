// BannerWorld: everything banners depend on, read from PostgreSQL in one
// consistent snapshot, and the pure rules that turn it into the banners one
// page should show.
//
// Targeting: an incident banner shows where any of its affected components
// shows (the component's banner_apps and fnmatch(3) banner_paths; a
// component without them shows everywhere). A manual banner shows where all
// of its non-empty target lists match. A global kill switch hides every
// banner; an app's kill switch hides that app's.
#ifndef STATUSCAST_LIBS_BANNER_BANNER_WORLD_H_
#define STATUSCAST_LIBS_BANNER_BANNER_WORLD_H_

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "libs/incident/maintenance.h"
#include "libs/incident/model.h"

namespace statuscast {

// Values match statuscast.v1.BannerLevel.
enum class BannerLevel { kUnspecified = 0, kInfo = 1, kMaintenance = 2, kMinor = 3, kMajor = 4, kCritical = 5 };
enum class BannerSourceKind { kUnspecified = 0, kIncident = 1, kManual = 2 };

BannerLevel LevelForSeverity(Severity s);
const char* BannerLevelName(BannerLevel l);
bool ParseBannerLevel(const std::string& text, BannerLevel* out);

struct BannerTargetSpec {
  std::vector<std::string> apps;
  std::vector<std::string> path_patterns;
  std::vector<std::string> components;
};

struct IncidentBanner {
  std::string incident_ref;
  Severity severity = Severity::kUnspecified;
  IncidentState state = IncidentState::kUnspecified;
  std::string text;
  std::vector<std::string> components;
  absl::Time posted_at;
  absl::optional<absl::Time> next_update_at;
  int64_t content_version = 0;
};

struct ManualBannerRecord {
  int64_t id = 0;
  std::string text;
  BannerLevel level = BannerLevel::kInfo;
  std::string link;
  BannerTargetSpec target;
  absl::optional<absl::Time> starts_at;
  absl::optional<absl::Time> ends_at;
  bool enabled = true;
  int64_t content_version = 1;
  absl::Time updated_at;
  std::string updated_by;
  // The view's id when not "manual-<id>" (a maintenance window's banner is
  // "maintenance-MNT-3").
  std::string view_id;
};

// How long ahead of its start a maintenance window's banner shows.
inline constexpr absl::Duration kMaintenanceBannerLead = absl::Hours(24);

// The banners of a maintenance window not finished (as recorded): from
// kMaintenanceBannerLead ahead until its start, "Scheduled maintenance ...",
// then "Maintenance in progress ..." until its end (a window started by
// hand: until it is completed). Level maintenance, shown where its
// components show, id "maintenance-MNT-3"; the running banner has a higher
// content version, so dismissing the announcement does not hide it.
std::vector<ManualBannerRecord> MaintenanceBanners(const MaintenanceWindow& w);

struct ComponentPlacement {
  std::vector<std::string> apps;
  std::vector<std::string> paths;
};

struct KillSwitchRecord {
  std::string scope;  // "*" or an app
  bool engaged = false;
  std::string reason;
  std::string set_by;
  absl::Time set_at;
};

struct BannerWorld {
  // The change-log sequence this snapshot reflects.
  int64_t sequence = 0;
  std::vector<IncidentBanner> incidents;
  std::vector<ManualBannerRecord> manual;
  std::map<std::string, ComponentPlacement> placements;
  std::vector<KillSwitchRecord> kill_switches;
};

struct BannerTarget {
  std::string app;
  std::string path;
  bool operator<(const BannerTarget& o) const {
    return app != o.app ? app < o.app : path < o.path;
  }
  bool operator==(const BannerTarget& o) const { return app == o.app && path == o.path; }
};

// A world as loaded, with the commit times of the changes it newly covers.
struct LoadedWorld {
  std::shared_ptr<BannerWorld> world;
  std::map<int64_t, absl::Time> commit_times;
};

// One banner as every transport shows it.
struct BannerView {
  std::string id;  // "incident-INC-3", "manual-12"
  int64_t content_version = 0;
  BannerSourceKind source = BannerSourceKind::kUnspecified;
  BannerLevel level = BannerLevel::kUnspecified;
  std::string text;
  std::string link;
  std::string incident_ref;
  Severity severity = Severity::kUnspecified;
  IncidentState state = IncidentState::kUnspecified;
  std::vector<std::string> components;
  absl::optional<absl::Time> posted_at;
  absl::optional<absl::Time> next_update_at;
};

// OK when `t` is a target a client may name: app 1-64 characters of
// [a-z0-9._-]; path starting with '/', at most 512 bytes of UTF-8 without
// control characters. Otherwise INVALID_ARGUMENT naming "app" or "path".
absl::Status ValidateTarget(const BannerTarget& t);

// The banners `target` shows at `now`, loudest first. `status_page_url` is
// the public status page's base URL, normalized (NormalizePublicUrl in
// libs/base/public_url.h); links become <url>/incidents/INC-3.
std::vector<BannerView> BannersFor(const BannerWorld& world, const BannerTarget& target,
                                   absl::Time now, const std::string& status_page_url);

// The next time after `now` when a manual banner's schedule starts or ends.
absl::optional<absl::Time> NextScheduleBoundary(const BannerWorld& world, absl::Time now);

// Whether replacing banner text `before` with `after` is a material change;
// a typo fix (a few characters, or case and spacing) is not.
bool IsMaterialTextChange(const std::string& before, const std::string& after);

// One event in an incident's banner history, in time order.
struct BannerHistoryEvent {
  bool is_update = false;          // else a severity change
  bool to_banner = false;          // update: sent to in_app_banner
  std::string banner_text;         // update
  IncidentState state = IncidentState::kUnspecified;  // update
  Severity severity = Severity::kUnspecified;         // severity after the event
  // Update events: the update's id; a correction replaces that update's
  // banner text (it matters only while that update's text is shown).
  int64_t update_id = 0;
  bool is_correction = false;
};

// The content version of an incident's banner: 1 for the first banner text,
// +1 on every material change of text, severity or state while shown (a
// correction of the shown update's text counts like any text change).
int64_t IncidentBannerVersion(const std::vector<BannerHistoryEvent>& history);

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_BANNER_BANNER_WORLD_H_
