// The banner service's own HTTP routes beyond banners: health for probes.
//   GET /healthz  200 while the process serves.
//   GET /readyz   200 once banner sets are loaded (then served from memory
//                 even while PostgreSQL is away), else 503.
#ifndef STATUSCAST_SERVICES_BANNER_BANNER_HTTP_ROUTES_H_
#define STATUSCAST_SERVICES_BANNER_BANNER_HTTP_ROUTES_H_

namespace statuscast {

class HttpServer;
class BannerHub;
class BannerFollower;

// REQUIRES: before server.Start(); hub and follower outlive the server.
void AddBannerServiceRoutes(HttpServer& server, BannerHub& hub, BannerFollower& follower);

}  // namespace statuscast

#endif  // STATUSCAST_SERVICES_BANNER_BANNER_HTTP_ROUTES_H_
