// The status page's HTTP routes on statuscast-banner, all served from the
// StatusPagePublisher's in-memory snapshot (no database in a handler):
//   GET /, /status               the status page (HTML, works without JS)
//   GET /incidents/INC-n         one incident's page
//   GET /v1/status.json          Statuspage-style summary
//   GET /v1/incidents.json       open and recently resolved incidents
//   GET /feed.atom, /history.atom  Atom feed of public updates
//   GET /sdk/banner.js           the drop-in banner (sdk/banner.js, embedded; gzip
//                                when the client accepts it, see PrecompressedAsset)
//   GET /favicon.ico             204 (the pages link an inline icon)
// Each answers If-None-Match with 304; 503 + Retry-After until the first
// load. HttpServer routes exact paths only, so /incidents/INC-1 ..
// INC-<max_incident_routes> are registered one by one at start-up.
#ifndef STATUSCAST_SERVICES_BANNER_STATUS_PAGE_ROUTES_H_
#define STATUSCAST_SERVICES_BANNER_STATUS_PAGE_ROUTES_H_

namespace statuscast {

class HttpServer;
class StatusPagePublisher;

// REQUIRES: before server.Start(); `publisher` outlives the server.
void AddStatusPageRoutes(HttpServer& server, StatusPagePublisher& publisher,
                         int max_incident_routes);

// The embedded sdk/banner.js (generated at build time).
extern const char kBannerSdkJs[];

}  // namespace statuscast

#endif  // STATUSCAST_SERVICES_BANNER_STATUS_PAGE_ROUTES_H_
