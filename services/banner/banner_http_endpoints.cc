#include "services/banner/banner_http_endpoints.h"

#include <algorithm>
#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/types/optional.h"
#include "libs/banner/banner_hub.h"
#include "libs/banner/transport_metrics.h"
#include "libs/base/clock.h"
#include "libs/base/text_limits.h"
#include "libs/http/http_server.h"
#include "libs/http/sse_format.h"
#include "libs/http/sse_route.h"

namespace statuscast {
namespace {

bool IsAppChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

// The event of the set handed out last, framed once: the hub hands one set
// to every subscriber of a target in a row (and the same first set to every
// client that connects meanwhile), so they all share one frame.
class FramedEvents {
 public:
  SseEvent For(std::shared_ptr<const RenderedSet> set) {
    absl::MutexLock lock(&mu_);
    if (set != set_) {
      event_ = BannerSetEvent(set);
      event_.frame = SseFrameEvent(event_);
      set_ = std::move(set);
    }
    return event_;
  }

 private:
  absl::Mutex mu_;
  std::shared_ptr<const RenderedSet> set_ ABSL_GUARDED_BY(mu_);
  SseEvent event_ ABSL_GUARDED_BY(mu_);
};

// The hub's end of one stream: hands sets to the HTTP library's channel.
class ChannelSink final : public SetSink {
 public:
  ChannelSink(std::shared_ptr<SseChannel> channel, FramedEvents& events)
      : channel_(std::move(channel)), events_(events) {}
  // Under the hub's lock: the channel only queues.
  void OnSet(std::shared_ptr<const RenderedSet> set) override {
    channel_->Send(events_.For(std::move(set)));
  }
  // Resumes the client from the current version once what it was handed
  // is written, so a restarted replica sends it nothing.
  void OnClose(std::shared_ptr<const RenderedSet> current) override {
    if (current == nullptr) return channel_->Close();
    channel_->CloseAt(std::to_string(current->version));
  }
  bool QueuesOnly() const override { return true; }

 private:
  const std::shared_ptr<SseChannel> channel_;
  FramedEvents& events_;
};

// One open banner stream: a hub subscription, and the SSE transport metrics.
class BannerSubscription final : public SseSubscription {
 public:
  BannerSubscription(BannerHub& hub, TransportMetrics* metrics, const Clock& clock,
                     FramedEvents& events, const BannerTarget& target, int64_t last_version,
                     std::shared_ptr<SseChannel> channel)
      : hub_(hub), metrics_(metrics), clock_(clock), last_version_(last_version) {
    if (metrics_ != nullptr) metrics_->SubscriberAdded(Transport::kSse);
    id_ = hub_.Subscribe(target, last_version,
                         std::make_shared<ChannelSink>(std::move(channel), events));
  }
  ~BannerSubscription() override {
    hub_.Unsubscribe(id_);
    if (metrics_ != nullptr) metrics_->SubscriberRemoved(Transport::kSse);
  }

  void OnWritten(const SseEvent& event) override {
    if (metrics_ == nullptr) return;
    const auto* set = static_cast<const RenderedSet*>(event.context.get());
    absl::optional<absl::Duration> latency;
    if (set != nullptr && set->oldest_commit) latency = clock_.Now() - *set->oldest_commit;
    metrics_->SetSent(Transport::kSse, latency);
  }
  void OnConflated() override {
    if (metrics_ != nullptr) metrics_->SetConflated(Transport::kSse);
  }
  // The world's version once its sets are handed out
  // (BannerHub::HeartbeatVersion, lock-free: this runs on an I/O thread),
  // so the set of every change up to it is on its way ahead of the
  // heartbeat, and the client holds the target's content as of it once the
  // heartbeat arrives. A client ahead of this replica keeps its own.
  std::string HeartbeatId() override {
    const int64_t version = std::max(hub_.HeartbeatVersion(), last_version_);
    return version > 0 ? std::to_string(version) : std::string();
  }

 private:
  BannerHub& hub_;
  TransportMetrics* const metrics_;
  const Clock& clock_;
  const int64_t last_version_;
  uint64_t id_ = 0;
};

class BannerStreamRoute final : public SseStreamRoute {
 public:
  BannerStreamRoute(BannerHub& hub, TransportMetrics* metrics, const Clock& clock)
      : hub_(hub), metrics_(metrics), clock_(clock) {}

  absl::optional<HttpResponse> Check(const HttpRequest& req, std::string* last_id) const override {
    BannerTarget target;
    int64_t last_version = 0;
    HttpResponse error;
    if (!ParseBannerTarget(req, &target, &error) ||
        !ParseResumeVersion(req, &last_version, &error)) {
      return error;
    }
    *last_id = std::to_string(last_version);
    return absl::nullopt;
  }

  std::unique_ptr<SseSubscription> Open(const HttpRequest& req,
                                        std::shared_ptr<SseChannel> channel) override {
    BannerTarget target;
    int64_t last_version = 0;
    HttpResponse error;
    if (!ParseBannerTarget(req, &target, &error) ||
        !ParseResumeVersion(req, &last_version, &error)) {
      return nullptr;  // Check refused it already
    }
    return std::make_unique<BannerSubscription>(hub_, metrics_, clock_, events_, target,
                                                last_version, std::move(channel));
  }

 private:
  BannerHub& hub_;
  TransportMetrics* const metrics_;
  const Clock& clock_;
  FramedEvents events_;
};

}  // namespace

void AddBannerRoutes(HttpServer& server, BannerHub& hub, TransportMetrics* metrics,
                     const Clock& clock) {
  server.AddRoute(kBannersRoute,
                  [&hub](const HttpRequest& req) { return BannerSnapshot(hub, req); });
  server.AddStreamRoute(kBannerStreamRoute,
                        std::make_shared<BannerStreamRoute>(hub, metrics, clock));
}

SseEvent BannerSetEvent(std::shared_ptr<const RenderedSet> set) {
  SseEvent event;
  event.id = std::to_string(set->version);
  event.event = "banners";
  event.data = std::shared_ptr<const std::string>(set, &set->json);
  event.context = std::move(set);
  return event;
}

bool ParseBannerTarget(const HttpRequest& req, BannerTarget* target, HttpResponse* error) {
  const std::string* app = req.Query("app");
  if (app == nullptr || app->empty()) {
    *error = HttpResponse::Error(400, "app is required (e.g. ?app=shop)", "app");
    return false;
  }
  bool app_ok = app->size() <= kMaxAppBytes;
  for (char c : *app) app_ok = app_ok && IsAppChar(c);
  if (!app_ok) {
    *error = HttpResponse::Error(
        400, "app must be 1-64 characters of lower-case letters, digits, '.', '_' or '-'", "app");
    return false;
  }
  const std::string* path = req.Query("path");
  if (path == nullptr || path->empty()) {
    *error =
        HttpResponse::Error(400, "path is required (the page path, e.g. &path=/checkout)", "path");
    return false;
  }
  if ((*path)[0] != '/') {
    *error = HttpResponse::Error(400, "path must start with '/'", "path");
    return false;
  }
  std::string problem = CheckText(*path, kMaxPagePathBytes, /*multiline=*/false);
  if (!problem.empty()) {
    *error = HttpResponse::Error(400, "path " + problem, "path");
    return false;
  }
  target->app = *app;
  target->path = *path;
  return true;
}

bool ParseResumeVersion(const HttpRequest& req, int64_t* version, HttpResponse* error) {
  *version = 0;
  auto header = req.headers.find("last-event-id");
  const std::string* text = nullptr;
  const char* name = nullptr;
  if (header != req.headers.end()) {
    text = &header->second;
    name = "Last-Event-ID";
  } else if ((text = req.Query("last_version")) != nullptr) {
    name = "last_version";
  } else {
    return true;
  }
  std::string trimmed(absl::StripAsciiWhitespace(*text));
  if (trimmed.empty()) return true;  // EventSource before any event
  int64_t v = 0;
  if (!absl::SimpleAtoi(trimmed, &v) || v < 0 ||
      trimmed.find_first_not_of("0123456789") != std::string::npos) {
    *error = HttpResponse::Error(
        400, std::string(name) + " must be a non-negative integer (the id of the last event seen)",
        name);
    return false;
  }
  *version = v;
  return true;
}

HttpResponse BannerSnapshot(BannerHub& hub, const HttpRequest& req) {
  BannerTarget target;
  HttpResponse error;
  if (!ParseBannerTarget(req, &target, &error)) return error;
  std::shared_ptr<const RenderedSet> set = hub.ready() ? hub.Current(target) : nullptr;
  if (set == nullptr) {
    return HttpResponse::Error(503, "banners are not loaded yet; retry shortly")
        .WithHeader("Retry-After", "1");
  }
  const std::string etag = absl::StrCat("\"", set->content_hash, "\"");
  auto inm = req.headers.find("if-none-match");
  if (inm != req.headers.end() && IfNoneMatchMatches(inm->second, etag)) {
    HttpResponse not_modified;
    not_modified.status = 304;
    not_modified.content_type.clear();
    not_modified.WithHeader("ETag", etag).WithHeader("Cache-Control", "no-cache");
    return not_modified;
  }
  return HttpResponse::Json(200, set->json)
      .WithHeader("ETag", etag)
      .WithHeader("Cache-Control", "no-cache");
}

}  // namespace statuscast
