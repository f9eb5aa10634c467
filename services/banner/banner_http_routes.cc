#include "services/banner/banner_http_routes.h"

#include "absl/strings/str_cat.h"
#include "libs/banner/banner_follower.h"
#include "libs/banner/banner_hub.h"
#include "libs/http/http_server.h"

namespace statuscast {

void AddBannerServiceRoutes(HttpServer& server, BannerHub& hub, BannerFollower& follower) {
  server.AddRoute("/healthz", [](const HttpRequest&) {
    return HttpResponse::Json(200, "{\"status\":\"ok\"}");
  });
  server.AddRoute("/readyz", [&hub, &follower](const HttpRequest&) {
    if (!hub.ready()) {
      return HttpResponse::Error(503, "banner sets are not loaded yet (waiting for PostgreSQL)")
          .WithHeader("Retry-After", "1");
    }
    return HttpResponse::Json(200, absl::StrCat("{\"status\":\"ready\",\"sequence\":",
                                                hub.sequence(), ",\"database\":\"",
                                                follower.healthy() ? "ok" : "unreachable",
                                                "\"}"));
  });
}

}  // namespace statuscast
