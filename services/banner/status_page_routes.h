// The status page's HTTP routes on statuscast-banner, all served from the
// StatusPagePublisher's in-memory snapshot (no database in a handler):
//   GET /, /status               the status page (HTML, works without JS)
//   GET /incidents/{ref}         one incident's page (any ref; 404 naming the
//                                ref when the page does not show it)
//   GET /v1/status.json          Statuspage-style summary
//   GET /v1/incidents.json       open and recently resolved incidents
//   GET /feed.atom, /history.atom  Atom feed of public updates
//   GET /sdk/banner.js           the drop-in banner (sdk/banner.js, embedded; gzip
//                                when the client accepts it, see PrecompressedAsset)
//   GET /favicon.ico             204 (the pages link an inline icon)
// Each answers If-None-Match with 304; 503 + Retry-After until the first
// load.
#ifndef STATUSCAST_SERVICES_BANNER_STATUS_PAGE_ROUTES_H_
#define STATUSCAST_SERVICES_BANNER_STATUS_PAGE_ROUTES_H_

#include <functional>
#include <memory>

namespace statuscast {

class HttpServer;
struct StatusPageSnapshot;

// The newest snapshot, or nullptr before the first load
// (StatusPagePublisher::Current). Called on I/O threads: must not block.
using StatusPageSource = std::function<std::shared_ptr<const StatusPageSnapshot>()>;

// REQUIRES: before server.Start(); what `current` reads outlives the server.
void AddStatusPageRoutes(HttpServer& server, StatusPageSource current);

// The embedded sdk/banner.js (generated at build time).
extern const char kBannerSdkJs[];

}  // namespace statuscast

#endif  // STATUSCAST_SERVICES_BANNER_STATUS_PAGE_ROUTES_H_
