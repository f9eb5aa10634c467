#include "libs/metrics/compliance_metrics.h"

#include <prometheus/metric_family.h>

#include <limits>
#include <map>

namespace statuscast {
namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

const char* SeverityLabel(Severity s) {
  switch (s) {
    case Severity::kSev1: return "SEV-1";
    case Severity::kSev2: return "SEV-2";
    case Severity::kSev3: return "SEV-3";
    default: return "unknown";
  }
}

constexpr Severity kSeverities[] = {Severity::kSev1, Severity::kSev2, Severity::kSev3};

MetricFamily Family(const char* name, const char* help, MetricType type) {
  MetricFamily f;
  f.name = name;
  f.help = help;
  f.type = type;
  return f;
}

ClientMetric Value(MetricType type, double v, std::vector<ClientMetric::Label> labels = {}) {
  ClientMetric m;
  m.label = std::move(labels);
  if (type == MetricType::Counter) m.counter.value = v;
  else m.gauge.value = v;
  return m;
}

ClientMetric Histogram(const std::vector<double>& samples, const std::vector<double>& bounds,
                       std::vector<ClientMetric::Label> labels) {
  ClientMetric m;
  m.label = std::move(labels);
  m.histogram.sample_count = samples.size();
  for (double s : samples) m.histogram.sample_sum += s;
  for (double b : bounds) {
    ClientMetric::Bucket bucket;
    bucket.upper_bound = b;
    for (double s : samples) bucket.cumulative_count += s <= b ? 1 : 0;
    m.histogram.bucket.push_back(bucket);
  }
  ClientMetric::Bucket inf;
  inf.upper_bound = std::numeric_limits<double>::infinity();
  inf.cumulative_count = samples.size();
  m.histogram.bucket.push_back(inf);
  return m;
}

}  // namespace

void ComplianceMetrics::Update(std::shared_ptr<const ComplianceSnapshot> snapshot) {
  absl::MutexLock lock(&mu_);
  snapshot_ = std::move(snapshot);
}

void ComplianceMetrics::SetDatabaseHealthy(bool healthy) {
  absl::MutexLock lock(&mu_);
  database_healthy_ = healthy;
}

std::vector<MetricFamily> ComplianceMetrics::Collect() const {
  std::shared_ptr<const ComplianceSnapshot> snap;
  bool healthy;
  {
    absl::MutexLock lock(&mu_);
    snap = snapshot_;
    healthy = database_healthy_;
  }
  std::vector<MetricFamily> out;
  MetricFamily health = Family("statuscast_banner_database_healthy",
                               "1 when the last read of PostgreSQL for compliance figures worked.",
                               MetricType::Gauge);
  health.metric.push_back(Value(MetricType::Gauge, healthy ? 1 : 0));
  out.push_back(std::move(health));
  if (!snap) return out;

  std::map<Severity, std::vector<double>> first_delay, intervals;
  std::map<Severity, int> kept, missed, late_first, pm_published, pm_missing;
  std::map<std::pair<Severity, IncidentState>, int> open;
  int overdue = 0;
  absl::Duration overdue_max;
  for (const IncidentCompliance& c : snap->incidents) {
    if (c.first_communication_delay) {
      first_delay[c.severity].push_back(absl::ToDoubleSeconds(*c.first_communication_delay));
    }
    if (c.first_communication_late) ++late_first[c.severity];
    for (const UpdateGap& g : c.gaps) {
      intervals[g.severity].push_back(absl::ToDoubleSeconds(g.to - g.from));
    }
    for (const PromiseEntry& p : c.ledger) {
      if (p.status == PromiseStatus::kKept) ++kept[c.severity];
      else if (p.status == PromiseStatus::kMissed) ++missed[c.severity];
    }
    if (c.open) ++open[{c.severity, c.state}];
    if (c.overdue) {
      ++overdue;
      overdue_max = std::max(overdue_max, c.overdue_by);
    }
    if (c.postmortem_expected) {
      if (c.postmortem_published) ++pm_published[c.severity];
      else if (c.postmortem_overdue) ++pm_missing[c.severity];
    }
  }

  const std::vector<double> delay_bounds = {60, 300, 600, 900, 1200, 1800, 3600, 7200};
  const std::vector<double> interval_bounds = {300, 600, 900, 1200, 1800, 2700, 3600, 5400, 7200};
  MetricFamily delay = Family("statuscast_first_communication_delay_seconds",
                              "Time from an incident's confirmed start to its first customer "
                              "communication.",
                              MetricType::Histogram);
  MetricFamily interval = Family("statuscast_update_interval_seconds",
                                 "Time between consecutive customer-facing updates, by the "
                                 "strictest severity in force.",
                                 MetricType::Histogram);
  MetricFamily promises = Family("statuscast_promises_total",
                                 "Next-update promises settled, kept or missed (beyond the grace).",
                                 MetricType::Counter);
  MetricFamily late = Family("statuscast_first_communications_late_total",
                             "Incidents whose first communication came (or is) beyond the target.",
                             MetricType::Counter);
  MetricFamily postmortems = Family(
      "statuscast_postmortems",
      "Resolved SEV-1/SEV-2 incidents with a published postmortem, and those past due without one.",
      MetricType::Gauge);
  for (Severity s : kSeverities) {
    const std::string label = SeverityLabel(s);
    delay.metric.push_back(Histogram(first_delay[s], delay_bounds, {{"severity", label}}));
    interval.metric.push_back(Histogram(intervals[s], interval_bounds, {{"severity", label}}));
    promises.metric.push_back(
        Value(MetricType::Counter, kept[s], {{"outcome", "kept"}, {"severity", label}}));
    promises.metric.push_back(
        Value(MetricType::Counter, missed[s], {{"outcome", "missed"}, {"severity", label}}));
    late.metric.push_back(Value(MetricType::Counter, late_first[s], {{"severity", label}}));
    if (s != Severity::kSev3) {
      postmortems.metric.push_back(Value(MetricType::Gauge, pm_published[s],
                                         {{"severity", label}, {"status", "published"}}));
      postmortems.metric.push_back(Value(MetricType::Gauge, pm_missing[s],
                                         {{"severity", label}, {"status", "missing"}}));
    }
  }
  MetricFamily open_family = Family("statuscast_incidents_open",
                                    "Open incidents by severity and state.", MetricType::Gauge);
  for (Severity s : kSeverities) {
    for (IncidentState st : {IncidentState::kInvestigating, IncidentState::kIdentified,
                             IncidentState::kMonitoring}) {
      open_family.metric.push_back(Value(MetricType::Gauge, open[{s, st}],
                                         {{"severity", SeverityLabel(s)}, {"state", StateName(st)}}));
    }
  }
  MetricFamily overdue_family =
      Family("statuscast_incidents_overdue",
             "Open incidents whose promised update (or first communication) is overdue now.",
             MetricType::Gauge);
  overdue_family.metric.push_back(Value(MetricType::Gauge, overdue));
  MetricFamily overdue_max_family = Family("statuscast_incident_overdue_seconds_max",
                                           "How far the most overdue open incident is past due.",
                                           MetricType::Gauge);
  overdue_max_family.metric.push_back(
      Value(MetricType::Gauge, absl::ToDoubleSeconds(overdue_max)));
  MetricFamily stale = Family("statuscast_banners_stale",
                              "Banners still shown for resolved incidents (should stay 0).",
                              MetricType::Gauge);
  stale.metric.push_back(Value(MetricType::Gauge, snap->stale_banners));
  MetricFamily stale_max = Family("statuscast_banner_stale_seconds_max",
                                  "How long the stalest banner has outlived its incident.",
                                  MetricType::Gauge);
  stale_max.metric.push_back(
      Value(MetricType::Gauge, absl::ToDoubleSeconds(snap->stale_banner_max)));
  MetricFamily refreshed = Family("statuscast_compliance_last_refresh_timestamp_seconds",
                                  "When these compliance figures were last derived.",
                                  MetricType::Gauge);
  refreshed.metric.push_back(Value(MetricType::Gauge, absl::ToDoubleSeconds(snap->at - absl::UnixEpoch())));
  for (MetricFamily* f : {&delay, &interval, &promises, &late, &postmortems, &open_family,
                          &overdue_family, &overdue_max_family, &stale, &stale_max, &refreshed}) {
    out.push_back(std::move(*f));
  }
  return out;
}

}  // namespace statuscast
