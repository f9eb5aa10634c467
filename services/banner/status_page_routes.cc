#include "services/banner/status_page_routes.h"

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "libs/http/http_server.h"
#include "libs/statuspage/status_page_render.h"
#include "services/banner/precompressed_asset.h"
#include "services/banner/status_page_publisher.h"

namespace statuscast {
namespace {

constexpr char kHtml[] = "text/html; charset=utf-8";
constexpr char kJson[] = "application/json";
constexpr char kAtom[] = "application/atom+xml; charset=utf-8";

// Whether the request's If-None-Match names `etag` (or is "*").
bool Matches(const HttpRequest& req, const std::string& etag) {
  const std::string& header = req.Header("if-none-match");
  if (header.empty()) return false;
  for (absl::string_view tag : absl::StrSplit(header, ',')) {
    tag = absl::StripAsciiWhitespace(tag);
    absl::ConsumePrefix(&tag, "W/");
    if (tag == "*" || tag == etag) return true;
  }
  return false;
}

HttpResponse Serve(const HttpRequest& req, const RenderedDocument& doc, const char* content_type,
                   const char* cache_control) {
  HttpResponse r;
  r.content_type = content_type;
  r.WithHeader("ETag", doc.etag).WithHeader("Cache-Control", cache_control);
  if (Matches(req, doc.etag)) {
    r.status = 304;
    return r;
  }
  r.body = doc.body;
  if (content_type == kHtml) {
    r.WithHeader("X-Content-Type-Options", "nosniff")
        .WithHeader("Referrer-Policy", "strict-origin-when-cross-origin");
  }
  return r;
}

HttpResponse NotReady() {
  return HttpResponse::Error(503, "the status page is loading; retry shortly")
      .WithHeader("Retry-After", "1");
}

using Pick = const RenderedDocument* (*)(const StatusPageSnapshot&);

void AddDocument(HttpServer& server, StatusPagePublisher& publisher, const std::string& path,
                 Pick pick, const char* content_type) {
  server.AddRoute(path, [&publisher, pick, content_type](const HttpRequest& req) {
    std::shared_ptr<const StatusPageSnapshot> s = publisher.Current();
    if (!s) return NotReady();
    return Serve(req, *pick(*s), content_type, "no-cache");
  });
}

}  // namespace

void AddStatusPageRoutes(HttpServer& server, StatusPagePublisher& publisher,
                         int max_incident_routes) {
  Pick page = [](const StatusPageSnapshot& s) { return &s.page; };
  Pick summary = [](const StatusPageSnapshot& s) { return &s.summary_json; };
  Pick incidents = [](const StatusPageSnapshot& s) { return &s.incidents_json; };
  Pick atom = [](const StatusPageSnapshot& s) { return &s.atom; };
  AddDocument(server, publisher, "/", page, kHtml);
  AddDocument(server, publisher, "/status", page, kHtml);
  AddDocument(server, publisher, "/v1/status.json", summary, kJson);
  AddDocument(server, publisher, "/v1/incidents.json", incidents, kJson);
  AddDocument(server, publisher, "/feed.atom", atom, kAtom);
  AddDocument(server, publisher, "/history.atom", atom, kAtom);

  // One handler shared by every incident route; the ref comes from the path.
  auto incident = std::make_shared<HttpHandler>([&publisher](const HttpRequest& req) {
    std::shared_ptr<const StatusPageSnapshot> s = publisher.Current();
    if (!s) return NotReady();
    const std::string ref(absl::StripPrefix(req.path, "/incidents/"));
    auto it = s->incident_pages.find(ref);
    if (it == s->incident_pages.end()) {
      HttpResponse r;
      r.status = 404;
      r.content_type = kHtml;
      r.body =
          "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>Not found</title>"
          "<p>No public incident with this number. <a href=\"/\">Current status</a></p></html>";
      r.WithHeader("Cache-Control", "no-cache");
      return r;
    }
    return Serve(req, it->second, kHtml, "no-cache");
  });
  for (int n = 1; n <= max_incident_routes; ++n) {
    server.AddRoute(absl::StrCat("/incidents/INC-", n),
                    [incident](const HttpRequest& req) { return (*incident)(req); });
  }

  // gzip-compressed once, here, for the clients that accept it.
  static const PrecompressedAsset* sdk =
      new PrecompressedAsset(kBannerSdkJs, "text/javascript; charset=utf-8", "public, max-age=300");
  server.AddRoute("/sdk/banner.js", [](const HttpRequest& req) { return sdk->Serve(req); });

  // The pages carry their icon inline; this answers browsers that ask anyway
  // (e.g. for the JSON or the feed) without a 404.
  server.AddRoute("/favicon.ico", [](const HttpRequest&) {
    HttpResponse r;
    r.status = 204;
    r.content_type.clear();
    r.WithHeader("Cache-Control", "public, max-age=86400");
    return r;
  });
}

}  // namespace statuscast
