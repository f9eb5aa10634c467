#include "services/banner/compliance_refresher.h"

#include <set>

#include "libs/base/log.h"
#include "libs/base/status_macros.h"

namespace statuscast {

ComplianceRefresher::ComplianceRefresher(IncidentStore& store, BannerHub& hub,
                                         ComplianceMetrics& metrics, const Clock& clock,
                                         CadencePolicy policy, ComplianceOptions options,
                                         absl::Duration interval)
    : store_(store),
      hub_(hub),
      metrics_(metrics),
      clock_(clock),
      policy_(policy),
      options_(options),
      interval_(interval) {}

ComplianceRefresher::~ComplianceRefresher() { Stop(); }

absl::Status ComplianceRefresher::RefreshOnce() {
  IncidentQuery q;
  q.page_size = 200;
  std::map<std::string, Incident> fresh;
  for (;;) {
    ASSIGN_OR_RETURN(IncidentPage page, store_.ListIncidents(q));
    for (const Incident& listed : page.incidents) {
      auto cached = cache_.find(listed.ref);
      if (cached != cache_.end() && cached->second.version == listed.version) {
        fresh.emplace(listed.ref, std::move(cached->second));
      } else {
        ASSIGN_OR_RETURN(Incident full, store_.GetIncident(listed.ref, true));
        fresh.emplace(listed.ref, std::move(full));
      }
    }
    if (!page.has_more || page.incidents.empty()) break;
    q.after_start = page.incidents.back().confirmed_start;
    q.after_id = page.incidents.back().id;
  }
  cache_ = std::move(fresh);

  const absl::Time now = clock_.Now();
  auto snapshot = std::make_shared<ComplianceSnapshot>();
  snapshot->at = now;
  std::set<std::string> shown;
  if (auto world = hub_.world()) {
    for (const IncidentBanner& b : world->incidents) shown.insert(b.incident_ref);
  }
  for (const auto& [ref, inc] : cache_) {
    snapshot->incidents.push_back(EvaluateIncident(inc, now, policy_, options_));
    if (inc.state == IncidentState::kResolved && shown.count(ref) && inc.resolved_at) {
      ++snapshot->stale_banners;
      snapshot->stale_banner_max = std::max(snapshot->stale_banner_max, now - *inc.resolved_at);
    }
  }
  metrics_.Update(std::move(snapshot));
  return absl::OkStatus();
}

void ComplianceRefresher::Start() {
  thread_ = std::thread([this] {
    absl::MutexLock lock(&mu_);
    auto stopping = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stopping_; };
    while (!stopping_) {
      mu_.Unlock();
      absl::Status s = RefreshOnce();
      metrics_.SetDatabaseHealthy(s.ok());
      if (!s.ok()) LogEvent("compliance_refresh_failed", {{"error", std::string(s.message())}});
      mu_.Lock();
      mu_.AwaitWithTimeout(absl::Condition(&stopping), interval_);
    }
  });
}

void ComplianceRefresher::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

}  // namespace statuscast
