#include "libs/banner/banner_world.h"

#include <fnmatch.h>

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "libs/base/field_violations.h"
#include "libs/base/public_url.h"
#include "libs/base/text_limits.h"
#include "libs/base/time_text.h"

namespace statuscast {
namespace {

bool Contains(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

bool PathMatches(const std::vector<std::string>& patterns, const std::string& path) {
  if (patterns.empty()) return true;
  for (const std::string& p : patterns) {
    if (fnmatch(p.c_str(), path.c_str(), 0) == 0) return true;
  }
  return false;
}

bool PlacementMatches(const ComponentPlacement& p, const BannerTarget& t) {
  return (p.apps.empty() || Contains(p.apps, t.app)) && PathMatches(p.paths, t.path);
}

// A component shows where its placement says; unknown components everywhere.
bool ComponentShowsOn(const BannerWorld& w, const std::string& component, const BannerTarget& t) {
  auto it = w.placements.find(component);
  return it == w.placements.end() || PlacementMatches(it->second, t);
}

std::string Normalize(const std::string& text) {
  std::string out;
  bool space = false;
  for (char c : text) {
    if (absl::ascii_isspace(static_cast<unsigned char>(c))) {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += absl::ascii_tolower(static_cast<unsigned char>(c));
  }
  return out;
}

size_t EditDistance(const std::string& a, const std::string& b, size_t cap) {
  if (a.size() > b.size() + cap || b.size() > a.size() + cap) return cap + 1;
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    size_t row_min = cur[0];
    for (size_t j = 1; j <= b.size(); ++j) {
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1])});
      row_min = std::min(row_min, cur[j]);
    }
    if (row_min > cap) return cap + 1;
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

}  // namespace

absl::Status ValidateTarget(const BannerTarget& t) {
  FieldViolations v;
  bool app_ok = !t.app.empty() && t.app.size() <= 64;
  for (char c : t.app) {
    app_ok = app_ok && (absl::ascii_islower(static_cast<unsigned char>(c)) ||
                        absl::ascii_isdigit(static_cast<unsigned char>(c)) || c == '-' ||
                        c == '_' || c == '.');
  }
  if (!app_ok) v.Add("app", "is required: 1-64 characters of a-z, 0-9, '-', '_' or '.'");
  if (t.path.empty() || t.path[0] != '/') {
    v.Add("path", "is required and starts with '/', e.g. /checkout");
  } else {
    std::string problem = CheckText(t.path, 512, false);
    if (!problem.empty()) v.Add("path", problem);
  }
  return v.ToStatus();
}

BannerLevel LevelForSeverity(Severity s) {
  switch (s) {
    case Severity::kSev1: return BannerLevel::kCritical;
    case Severity::kSev2: return BannerLevel::kMajor;
    case Severity::kSev3: return BannerLevel::kMinor;
    default: return BannerLevel::kInfo;
  }
}

const char* BannerLevelName(BannerLevel l) {
  switch (l) {
    case BannerLevel::kInfo: return "info";
    case BannerLevel::kMaintenance: return "maintenance";
    case BannerLevel::kMinor: return "minor";
    case BannerLevel::kMajor: return "major";
    case BannerLevel::kCritical: return "critical";
    default: return "unspecified";
  }
}

bool ParseBannerLevel(const std::string& text, BannerLevel* out) {
  for (auto l : {BannerLevel::kInfo, BannerLevel::kMaintenance, BannerLevel::kMinor,
                 BannerLevel::kMajor, BannerLevel::kCritical}) {
    if (absl::AsciiStrToLower(text) == BannerLevelName(l)) {
      *out = l;
      return true;
    }
  }
  return false;
}

bool IsMaterialTextChange(const std::string& before, const std::string& after) {
  const std::string a = Normalize(before), b = Normalize(after);
  if (a == b) return false;
  // A typo fix keeps the words: the same number of them, each changed word
  // long enough not to flip the meaning ("on" -> "off", "no" -> "now"), with
  // no digits (times, counts), and only a few edits in all.
  std::vector<std::string> wa = absl::StrSplit(a, ' '), wb = absl::StrSplit(b, ' ');
  if (wa.size() != wb.size()) return true;
  const size_t allowed = std::max<size_t>(3, std::max(a.size(), b.size()) / 10);
  size_t total = 0;
  for (size_t i = 0; i < wa.size(); ++i) {
    if (wa[i] == wb[i]) continue;
    auto has_digit = [](const std::string& w) {
      return std::any_of(w.begin(), w.end(), [](char c) { return absl::ascii_isdigit(c); });
    };
    if (std::min(wa[i].size(), wb[i].size()) < 4 || has_digit(wa[i]) || has_digit(wb[i])) {
      return true;
    }
    size_t d = EditDistance(wa[i], wb[i], 2);
    if (d > 2) return true;
    total += d;
  }
  return total > allowed;
}

int64_t IncidentBannerVersion(const std::vector<BannerHistoryEvent>& history) {
  int64_t version = 0;
  bool shown = false;
  std::string text;
  IncidentState state = IncidentState::kUnspecified;
  Severity severity = Severity::kUnspecified;
  Severity current_severity = Severity::kUnspecified;
  int64_t shown_update = 0;
  for (const BannerHistoryEvent& e : history) {
    if (e.is_correction) {
      if (shown && e.update_id == shown_update) {
        if (IsMaterialTextChange(text, e.banner_text)) ++version;
        text = e.banner_text;
      }
      continue;
    }
    current_severity = e.severity;
    if (e.is_update) {
      shown_update = e.update_id;
      if (!e.to_banner) {
        shown = false;
        continue;
      }
      bool material = !shown || version == 0 || e.state != state ||
                      current_severity != severity || IsMaterialTextChange(text, e.banner_text);
      if (material) ++version;
      shown = true;
      text = e.banner_text;
      state = e.state;
      severity = current_severity;
    } else if (shown && current_severity != severity) {
      ++version;
      severity = current_severity;
    }
  }
  return version;
}

std::vector<BannerView> BannersFor(const BannerWorld& world, const BannerTarget& target,
                                   absl::Time now, const std::string& status_page_url) {
  std::vector<BannerView> out;
  for (const KillSwitchRecord& k : world.kill_switches) {
    if (k.engaged && (k.scope == "*" || k.scope == target.app)) return out;
  }
  for (const IncidentBanner& i : world.incidents) {
    bool shows = i.components.empty();
    for (const std::string& c : i.components) shows = shows || ComponentShowsOn(world, c, target);
    if (!shows) continue;
    BannerView v;
    v.id = absl::StrCat("incident-", i.incident_ref);
    v.content_version = i.content_version;
    v.source = BannerSourceKind::kIncident;
    v.level = LevelForSeverity(i.severity);
    v.text = i.text;
    v.link = IncidentPageUrl(status_page_url, i.incident_ref);
    v.incident_ref = i.incident_ref;
    v.severity = i.severity;
    v.state = i.state;
    v.components = i.components;
    v.posted_at = i.posted_at;
    v.next_update_at = i.next_update_at;
    out.push_back(std::move(v));
  }
  for (const ManualBannerRecord& m : world.manual) {
    if (!m.enabled) continue;
    if (m.starts_at && now < *m.starts_at) continue;
    if (m.ends_at && now >= *m.ends_at) continue;
    if (!m.target.apps.empty() && !Contains(m.target.apps, target.app)) continue;
    if (!PathMatches(m.target.path_patterns, target.path)) continue;
    if (!m.target.components.empty()) {
      bool any = false;
      for (const std::string& c : m.target.components) any = any || ComponentShowsOn(world, c, target);
      if (!any) continue;
    }
    BannerView v;
    v.id = m.view_id.empty() ? absl::StrCat("manual-", m.id) : m.view_id;
    v.content_version = m.content_version;
    v.source = BannerSourceKind::kManual;
    v.level = m.level;
    v.text = m.text;
    v.link = m.link.empty() ? status_page_url : m.link;
    v.components = m.target.components;
    v.posted_at = m.updated_at;
    out.push_back(std::move(v));
  }
  std::stable_sort(out.begin(), out.end(), [](const BannerView& a, const BannerView& b) {
    if (a.level != b.level) return a.level > b.level;
    return a.id < b.id;
  });
  return out;
}

std::vector<ManualBannerRecord> MaintenanceBanners(const MaintenanceWindow& w) {
  std::vector<ManualBannerRecord> out;
  if (w.state != MaintenanceState::kScheduled && w.state != MaintenanceState::kInProgress) {
    return out;
  }
  const std::string until = absl::StrCat(FormatUtcMinute(w.scheduled_end));
  ManualBannerRecord b;
  b.level = BannerLevel::kMaintenance;
  b.target.components = w.components;
  b.updated_at = w.updated_at;
  b.updated_by = w.created_by;
  b.view_id = absl::StrCat("maintenance-", w.ref);
  if (w.state == MaintenanceState::kScheduled) {
    ManualBannerRecord ahead = b;
    ahead.text = absl::StrCat("Scheduled maintenance ", FormatUtcMinute(w.scheduled_start), " to ",
                              until, ": ", w.title);
    ahead.starts_at = w.scheduled_start - kMaintenanceBannerLead;
    ahead.ends_at = w.scheduled_start;
    ahead.content_version = w.version * 2;
    out.push_back(std::move(ahead));
    b.starts_at = w.scheduled_start;
    b.ends_at = w.scheduled_end;
  }
  b.text = absl::StrCat("Maintenance in progress until ", until, ": ", w.title);
  b.content_version = w.version * 2 + 1;
  out.push_back(std::move(b));
  return out;
}

absl::optional<absl::Time> NextScheduleBoundary(const BannerWorld& world, absl::Time now) {
  absl::optional<absl::Time> next;
  auto consider = [&](const absl::optional<absl::Time>& t) {
    if (t && *t > now && (!next || *t < *next)) next = *t;
  };
  for (const ManualBannerRecord& m : world.manual) {
    if (!m.enabled) continue;
    consider(m.starts_at);
    consider(m.ends_at);
  }
  return next;
}

}  // namespace statuscast
