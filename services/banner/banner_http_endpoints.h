// statuscast-banner's banner endpoints on the generic HttpServer:
//   GET /v1/banners?app=APP&path=PATH         JSON snapshot of the current set
//       (protobuf JSON of statuscast.v1.BannerSet), ETag + If-None-Match 304.
//   GET /v1/banners/stream?app=APP&path=PATH  Server-Sent Events: a retry hint
//       with jitter, then `id: <version>` / `event: banners` / `data: <json>`
//       for the current set and every change, and on a quiet stream an event
//       with only `id: <current version>` (no data: EventSource dispatches
//       nothing, but its Last-Event-ID moves, so a client that reconnects
//       after a crash of this replica gets no set it holds already).
//       Last-Event-ID (or ?last_version=) resumes.
// The rules here (parameters, snapshot, what a stream carries); delivery
// (framing, heartbeats, conflation, write timeout) is libs/http's.
// Thread safety: free functions; the routes are as safe as BannerHub.
#ifndef STATUSCAST_SERVICES_BANNER_BANNER_HTTP_ENDPOINTS_H_
#define STATUSCAST_SERVICES_BANNER_BANNER_HTTP_ENDPOINTS_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "libs/banner/banner_world.h"
#include "libs/http/http_route.h"

namespace statuscast {

class BannerHub;
class Clock;
class HttpServer;
class TransportMetrics;
struct RenderedSet;
struct SseEvent;

inline constexpr char kBannersRoute[] = "/v1/banners";
inline constexpr char kBannerStreamRoute[] = "/v1/banners/stream";

inline constexpr size_t kMaxAppBytes = 64;
inline constexpr size_t kMaxPagePathBytes = 512;

// Registers kBannersRoute and kBannerStreamRoute on `server`. `metrics` may
// be null; `clock` measures commit-to-send latency.
// REQUIRES: before server.Start(); hub, metrics and clock outlive the server.
void AddBannerRoutes(HttpServer& server, BannerHub& hub, TransportMetrics* metrics,
                     const Clock& clock);

// Reads app and path from the query. On a bad or missing one returns false
// and sets `error` to a 400 naming the parameter.
bool ParseBannerTarget(const HttpRequest& req, BannerTarget* target, HttpResponse* error);

// The version a resuming SSE client last saw: the Last-Event-ID header, else
// ?last_version=, else 0. False (and a 400 in `error`) when not a
// non-negative integer.
bool ParseResumeVersion(const HttpRequest& req, int64_t* version, HttpResponse* error);

// GET /v1/banners: the current set as JSON with ETag, or 304 when the
// client's If-None-Match matches, or 503 before the hub has a world.
HttpResponse BannerSnapshot(BannerHub& hub, const HttpRequest& req);

// The SSE event of a set: id = version, event "banners", data = its JSON
// (shared with the set, not copied); the set rides along as the context.
SseEvent BannerSetEvent(std::shared_ptr<const RenderedSet> set);

}  // namespace statuscast

#endif  // STATUSCAST_SERVICES_BANNER_BANNER_HTTP_ENDPOINTS_H_
