#include "services/banner/status_page_publisher.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "libs/base/log.h"
#include "libs/base/status_macros.h"
#include "libs/statuspage/status_page_render.h"

namespace statuscast {
namespace {

RenderedDocument Document(std::string body) {
  RenderedDocument d;
  d.etag = ContentEtag(body);
  d.body = std::move(body);
  return d;
}

}  // namespace

StatusPagePublisher::StatusPagePublisher(IncidentStore& store, const Clock& clock,
                                         StatusPageConfig config, WaitForChange wait,
                                         StatusPagePublisherOptions options)
    : store_(store),
      clock_(clock),
      config_(std::move(config)),
      wait_(std::move(wait)),
      options_(options) {}

StatusPagePublisher::~StatusPagePublisher() { Stop(); }

std::shared_ptr<const StatusPageSnapshot> StatusPagePublisher::Current() const {
  absl::MutexLock lock(&mu_);
  return current_;
}

absl::Status StatusPagePublisher::Load() {
  // Open incidents whatever their start, and closed ones that started within
  // two windows (an incident resolved inside the window may have started
  // before it).
  std::map<std::string, Incident> fresh;
  for (IncidentQuery::Openness openness :
       {IncidentQuery::Openness::kOpen, IncidentQuery::Openness::kClosed}) {
    IncidentQuery q;
    q.openness = openness;
    q.page_size = 200;
    if (openness == IncidentQuery::Openness::kClosed) {
      q.started_after = clock_.Now() - 2 * config_.history_window;
    }
    for (;;) {
      ASSIGN_OR_RETURN(IncidentPage page, store_.ListIncidents(q));
      for (const Incident& listed : page.incidents) {
        auto cached = incidents_.find(listed.ref);
        if (cached != incidents_.end() && cached->second.version == listed.version) {
          fresh.emplace(listed.ref, std::move(cached->second));
        } else {
          ASSIGN_OR_RETURN(Incident full, store_.GetIncident(listed.ref, /*with_timeline=*/true));
          fresh.emplace(listed.ref, std::move(full));
        }
      }
      if (!page.has_more || page.incidents.empty()) break;
      q.after_start = page.incidents.back().confirmed_start;
      q.after_id = page.incidents.back().id;
    }
  }
  ASSIGN_OR_RETURN(std::vector<Component> components, store_.ListComponents());
  if (maintenance_store_ != nullptr) {
    ASSIGN_OR_RETURN(maintenance_, maintenance_store_->List(MaintenanceQuery()));
  }
  incidents_ = std::move(fresh);
  components_ = std::move(components);
  return absl::OkStatus();
}

void StatusPagePublisher::Render(int64_t sequence) {
  std::vector<Incident> incidents;
  incidents.reserve(incidents_.size());
  for (const auto& [ref, inc] : incidents_) incidents.push_back(inc);
  StatusPageModel model =
      BuildStatusPageModel(config_, incidents, components_, clock_.Now(), maintenance_);

  auto snapshot = std::make_shared<StatusPageSnapshot>();
  snapshot->sequence = sequence;
  snapshot->page = Document(RenderStatusPageHtml(model));
  snapshot->summary_json = Document(RenderSummaryJson(model));
  snapshot->incidents_json = Document(RenderIncidentsJson(model));
  snapshot->atom = Document(RenderAtomFeed(model));
  snapshot->components = model.components;
  for (const auto* list : {&model.open_incidents, &model.resolved_incidents}) {
    for (const PublicIncident& i : *list) {
      snapshot->incident_pages.emplace(i.ref, Document(*RenderIncidentPageHtml(model, i.ref)));
    }
  }
  absl::MutexLock lock(&mu_);
  current_ = std::move(snapshot);
}

absl::Status StatusPagePublisher::LoadOnce(int64_t sequence) {
  RETURN_IF_ERROR(Load());
  Render(sequence);
  return absl::OkStatus();
}

void StatusPagePublisher::Start() {
  thread_ = std::thread([this] {
    int64_t known = 0;    // newest change-log sequence we were told of
    int64_t loaded = -1;  // the sequence the published snapshot reflects
    absl::Time next_reload = absl::InfinitePast();
    absl::Time not_before = absl::InfinitePast();  // backoff after a failed load
    absl::Duration backoff = options_.retry_backoff;
    for (;;) {
      {
        absl::MutexLock lock(&mu_);
        if (stopping_) return;
      }
      const absl::Time now = clock_.Now();
      bool stale = loaded < 0 || known > loaded || now >= next_reload;
      if (stale && now >= not_before) {
        const int64_t target = known;
        if (absl::Status s = LoadOnce(target); s.ok()) {
          loaded = target;
          next_reload = now + options_.reload_interval;
          backoff = options_.retry_backoff;
          stale = false;
        } else {
          LogEvent("status_page_load_failed", {{"error", std::string(s.message())}});
          not_before = now + backoff;
          backoff = std::min(backoff * 2, options_.reload_interval);
        }
      } else if (!stale) {
        Render(loaded);  // time-dependent text only; no database
      }
      const absl::Time deadline =
          stale ? not_before : std::min(next_reload, clock_.Now() + options_.render_interval);
      const int64_t before = known;
      known = std::max(known, wait_(known, deadline));
      if (known == before && clock_.Now() < deadline) {
        // The hint returned early without news (its source stopped): wait
        // here instead, so Stop() still ends the loop at once.
        absl::MutexLock lock(&mu_);
        auto stopping = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stopping_; };
        mu_.AwaitWithDeadline(absl::Condition(&stopping), deadline);
      }
    }
  });
}

void StatusPagePublisher::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

}  // namespace statuscast
