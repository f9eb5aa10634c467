#include "libs/statuspage/status_page_model.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "libs/base/public_url.h"
#include "libs/base/time_text.h"
#include "libs/lint/clock_text.h"
#include "libs/statuspage/markup.h"

namespace statuscast {
namespace {

std::vector<PublicStateMark> StateMarks(const Incident& inc) {
  std::vector<PublicStateMark> marks;
  auto add = [&marks](IncidentState s, const absl::optional<absl::Time>& at) {
    if (at) marks.push_back({s, *at});
  };
  add(IncidentState::kInvestigating, inc.investigating_at);
  add(IncidentState::kIdentified, inc.identified_at);
  add(IncidentState::kMonitoring, inc.monitoring_at);
  add(IncidentState::kResolved, inc.resolved_at);
  std::stable_sort(marks.begin(), marks.end(),
                   [](const PublicStateMark& a, const PublicStateMark& b) { return a.at < b.at; });
  return marks;
}

// `body` with each next-update time it names replaced by `promise`, marked
// as moved: "Next update by 22:57 UTC (brought forward)".
std::string StateMovedPromise(const std::string& body, absl::Time promise) {
  std::string out;
  size_t at = 0;
  for (const lint::ZonedClock& clock : lint::FindPromisedClocks(body)) {
    if (clock.begin < at) continue;  // "half past ten" reads twice
    absl::StrAppend(&out, body.substr(at, clock.begin - at), FormatUtcClock(promise),
                    " (brought forward)");
    at = clock.end;
  }
  absl::StrAppend(&out, body.substr(at));
  return out;
}

// `labels`: component name -> what customers read.
PublicIncident ToPublic(const StatusPageConfig& config, const Incident& inc, absl::Time now,
                        const std::map<std::string, std::string>& labels) {
  PublicIncident p;
  p.ref = inc.ref;
  p.title = inc.title;
  p.impact = ImpactForSeverity(inc.severity);
  // A resolved incident keeps the impact it reached at its worst.
  for (const SeverityChange& c : inc.severity_changes) {
    p.impact = std::max({p.impact, ImpactForSeverity(c.from), ImpactForSeverity(c.to)});
  }
  p.state = inc.state;
  p.started_at = inc.confirmed_start;
  p.created_at = inc.declared_at;
  p.updated_at = inc.updated_at;
  p.monitoring_at = inc.monitoring_at;
  p.resolved_at = inc.state == IncidentState::kResolved ? inc.resolved_at : absl::nullopt;
  if (inc.state != IncidentState::kResolved) p.next_update_at = inc.next_update_at;
  p.affected = inc.affected;
  for (const AffectedComponent& a : inc.affected) {
    auto label = labels.find(a.name);
    p.affected_labels.push_back(label != labels.end() ? label->second : a.name);
  }
  p.states = StateMarks(inc);
  p.shortlink = IncidentPageUrl(config.base_url, inc.ref);

  std::vector<const Update*> shown;
  for (const Update& u : inc.updates) {
    if (IsPublicUpdate(u)) shown.push_back(&u);
  }
  std::stable_sort(shown.begin(), shown.end(),
                   [](const Update* a, const Update* b) { return a->posted_at < b->posted_at; });
  for (size_t i = 0; i < shown.size(); ++i) {
    PublicUpdate u;
    u.number = static_cast<int>(i + 1);
    u.state = shown[i]->state;
    u.body = shown[i]->message;
    u.posted_at = shown[i]->posted_at;
    u.next_update_at = shown[i]->next_update_at;
    u.edited_at = shown[i]->edited_at();
    for (const UpdateRevision& r : shown[i]->revisions) {
      u.revisions.push_back(PublicRevision{r.number, r.message, r.at});
    }
    p.updates.push_back(std::move(u));
  }
  // One promise on the page: when an escalation moved the promise after the
  // newest update, its text names the time the record no longer holds.
  if (p.next_update_at && !shown.empty() && shown.back()->next_update_at &&
      *shown.back()->next_update_at != *p.next_update_at) {
    PublicUpdate& newest = p.updates.back();
    newest.body = StateMovedPromise(newest.body, *p.next_update_at);
    newest.next_update_at = p.next_update_at;
  }
  std::reverse(p.updates.begin(), p.updates.end());

  IncidentCompliance c = EvaluateIncident(inc, now, config.policy, config.compliance);
  for (const PromiseEntry& e : c.ledger) {
    PublicPromise promise;
    promise.due = e.due;
    promise.status = e.status;
    promise.posted_at = e.kept_at;
    promise.from_escalation = e.from_escalation;
    promise.text = LedgerText(e);
    p.ledger.push_back(std::move(promise));
  }

  if (inc.postmortem) {
    p.postmortem_url = SafeHttpUrl(inc.postmortem->url);
    p.postmortem_body = inc.postmortem->body;
    p.postmortem_published_at = inc.postmortem->published_at;
    if (inc.postmortem->revision > 1) {
      p.postmortem_first_published_at = inc.postmortem->first_published_at;
    }
  }
  return p;
}

}  // namespace

const char* IndicatorName(Indicator i) {
  switch (i) {
    case Indicator::kMinor:
      return "minor";
    case Indicator::kMajor:
      return "major";
    case Indicator::kCritical:
      return "critical";
    default:
      return "none";
  }
}

Indicator ImpactForSeverity(Severity s) {
  switch (s) {
    case Severity::kSev1:
      return Indicator::kCritical;
    case Severity::kSev2:
      return Indicator::kMajor;
    case Severity::kSev3:
      return Indicator::kMinor;
    default:
      return Indicator::kNone;
  }
}

Indicator IndicatorForComponentStatus(ComponentStatus s) {
  switch (s) {
    case ComponentStatus::kMajorOutage:
      return Indicator::kMajor;
    case ComponentStatus::kPartialOutage:
    case ComponentStatus::kDegradedPerformance:
      return Indicator::kMinor;
    default:
      return Indicator::kNone;
  }
}

std::string IndicatorDescription(Indicator i, bool maintenance) {
  switch (i) {
    case Indicator::kMinor:
      return "Minor Service Outage";
    case Indicator::kMajor:
      return "Partial System Outage";
    case Indicator::kCritical:
      return "Major System Outage";
    default:
      return maintenance ? "Service Under Maintenance" : "All Systems Operational";
  }
}

bool IsPublicUpdate(const Update& u) { return ReachesStatusPage(u.channels); }

std::string LedgerText(const PromiseEntry& p) {
  std::string out = absl::StrCat("next update by ", FormatUtcClock(p.due), " \xE2\x80\x94 ");
  switch (p.status) {
    case PromiseStatus::kKept:
      absl::StrAppend(&out, "posted ", FormatUtcClock(p.kept_at ? *p.kept_at : p.due));
      break;
    case PromiseStatus::kMissed:
      if (p.kept_at) {
        absl::StrAppend(&out, "posted ", FormatUtcClock(*p.kept_at), ", ",
                        ShortDuration(p.lateness), " late");
      } else {
        absl::StrAppend(&out, "overdue");
      }
      break;
    case PromiseStatus::kPending:
      absl::StrAppend(&out, "pending");
      break;
  }
  if (p.from_escalation) absl::StrAppend(&out, " (brought forward by an escalation)");
  return out;
}

const PublicIncident* StatusPageModel::Find(const std::string& ref) const {
  for (const auto* list : {&open_incidents, &resolved_incidents}) {
    for (const PublicIncident& i : *list) {
      if (i.ref == ref) return &i;
    }
  }
  return nullptr;
}

StatusPageModel BuildStatusPageModel(const StatusPageConfig& config,
                                     const std::vector<Incident>& incidents,
                                     const std::vector<Component>& components, absl::Time now,
                                     const std::vector<MaintenanceWindow>& maintenance) {
  StatusPageModel m;
  m.title = config.title;
  m.base_url = config.base_url;
  m.history_window = config.history_window;
  m.updated_at = absl::UnixEpoch();

  bool under_maintenance = false;
  Indicator indicator = Indicator::kNone;
  const std::set<std::string> maintained = ComponentsUnderMaintenance(maintenance, now);
  std::map<std::string, std::string> labels;
  for (const Component& c : components) {
    labels[c.name] = c.display_name.empty() ? c.name : c.display_name;
    if (c.retired_at) {  // hidden; incidents that named it keep its label
      m.updated_at = std::max(m.updated_at, *c.retired_at);
      continue;
    }
    PublicComponent pc;
    pc.name = c.name;
    pc.label = labels[c.name];
    pc.group = c.group;
    pc.description = c.description;
    pc.status = c.status;
    // An incident's worse status wins over the maintenance window's.
    if (maintained.count(c.name) != 0 &&
        (c.status == ComponentStatus::kOperational || c.status == ComponentStatus::kUnspecified)) {
      pc.status = ComponentStatus::kUnderMaintenance;
    }
    pc.created_at = c.created_at;
    under_maintenance |= pc.status == ComponentStatus::kUnderMaintenance;
    indicator = std::max(indicator, IndicatorForComponentStatus(c.status));
    m.updated_at = std::max(m.updated_at, c.created_at);
    m.components.push_back(std::move(pc));
  }
  std::sort(m.components.begin(), m.components.end(),
            [](const PublicComponent& a, const PublicComponent& b) {
              return std::tie(a.group, a.name) < std::tie(b.group, b.name);
            });

  const absl::Time window_start = now - config.history_window;
  for (const Incident& inc : incidents) {
    const bool open = inc.state != IncidentState::kResolved;
    if (!open && (!inc.resolved_at || *inc.resolved_at < window_start)) continue;
    PublicIncident p = ToPublic(config, inc, now, labels);
    m.updated_at = std::max(m.updated_at, inc.updated_at);
    if (open) {
      indicator = std::max(indicator, ImpactForSeverity(inc.severity));  // as it is now
      m.open_incidents.push_back(std::move(p));
    } else {
      m.resolved_incidents.push_back(std::move(p));
    }
  }
  std::sort(m.open_incidents.begin(), m.open_incidents.end(),
            [](const PublicIncident& a, const PublicIncident& b) {
              return std::tie(b.started_at, b.ref) < std::tie(a.started_at, a.ref);
            });
  std::sort(m.resolved_incidents.begin(), m.resolved_incidents.end(),
            [](const PublicIncident& a, const PublicIncident& b) {
              return std::tie(*b.resolved_at, b.ref) < std::tie(*a.resolved_at, a.ref);
            });
  for (const MaintenanceWindow& w : maintenance) {
    if (!IsUpcomingOrCurrent(w, now)) continue;
    PublicMaintenance p;
    p.ref = w.ref;
    p.title = w.title;
    p.message = w.message;
    p.state = PhaseAt(w, now);
    p.scheduled_start = w.scheduled_start;
    p.scheduled_end = w.scheduled_end;
    p.started_at = p.state == MaintenanceState::kInProgress
                       ? absl::optional<absl::Time>(w.started_at.value_or(w.scheduled_start))
                       : absl::nullopt;
    p.components = w.components;
    p.created_at = w.created_at;
    p.updated_at = w.updated_at;
    m.updated_at = std::max(m.updated_at, w.updated_at);
    m.maintenances.push_back(std::move(p));
  }
  std::sort(m.maintenances.begin(), m.maintenances.end(),
            [](const PublicMaintenance& a, const PublicMaintenance& b) {
              return std::tie(a.scheduled_start, a.ref) < std::tie(b.scheduled_start, b.ref);
            });
  m.indicator = indicator;
  m.description = IndicatorDescription(indicator, under_maintenance);
  return m;
}

}  // namespace statuscast
