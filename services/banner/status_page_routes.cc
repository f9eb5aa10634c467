#include "services/banner/status_page_routes.h"

#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "libs/base/public_url.h"
#include "libs/http/http_server.h"
#include "libs/statuspage/markup.h"
#include "libs/statuspage/status_page_render.h"
#include "services/banner/precompressed_asset.h"
#include "services/banner/status_page_publisher.h"

namespace statuscast {
namespace {

constexpr char kHtml[] = "text/html; charset=utf-8";
constexpr char kJson[] = "application/json";
constexpr char kAtom[] = "application/atom+xml; charset=utf-8";
// Any ref: the page decides whether it shows one (no route table of refs).
const std::string& IncidentPageRoute() {
  static const std::string* const route =
      new std::string(absl::StrCat(kIncidentPagePrefix, "{ref}"));
  return *route;
}

// The pages' own policy; X-Content-Type-Options: nosniff comes with every
// response from HttpServer. Frame-Options for browsers without
// frame-ancestors. Not for the SDK and the JSON, which other sites embed.
void AddPageHeaders(HttpResponse& r) {
  r.WithHeader("Content-Security-Policy", StatusPageContentSecurityPolicy())
      .WithHeader("X-Frame-Options", "DENY")
      .WithHeader("Referrer-Policy", "strict-origin-when-cross-origin");
}

HttpResponse Serve(const HttpRequest& req, const RenderedDocument& doc, const char* content_type,
                   const char* cache_control) {
  HttpResponse r;
  r.content_type = content_type;
  r.WithHeader("ETag", doc.etag).WithHeader("Cache-Control", cache_control);
  if (IfNoneMatchMatches(req.Header("if-none-match"), doc.etag)) {
    r.status = 304;
    return r;
  }
  r.body = doc.body;
  if (content_type == kHtml) AddPageHeaders(r);
  return r;
}

HttpResponse NotReady() {
  return HttpResponse::Error(503, "the status page is loading; retry shortly")
      .WithHeader("Retry-After", "1");
}

using Pick = const RenderedDocument* (*)(const StatusPageSnapshot&);

void AddDocument(HttpServer& server, const StatusPageSource& current, const std::string& path,
                 Pick pick, const char* content_type) {
  server.AddRoute(path, [current, pick, content_type](const HttpRequest& req) {
    std::shared_ptr<const StatusPageSnapshot> s = current();
    if (!s) return NotReady();
    return Serve(req, *pick(*s), content_type, "no-cache");
  });
}

// 404 for a ref the page does not show, saying which and why.
HttpResponse NoSuchIncident(const std::string& ref) {
  const bool looks_like_ref = absl::StartsWith(ref, "INC-") && ref.size() > 4 &&
                              ref.find_first_not_of("0123456789", 4) == std::string::npos;
  const std::string why =
      looks_like_ref
          ? "No public incident " + HtmlEscape(ref) +
                " on this status page: it does not exist, is not public, or was resolved more "
                "than the page's history ago."
          : "\"" + HtmlEscape(ref) + "\" is not an incident reference (they look like INC-42).";
  HttpResponse r;
  r.status = 404;
  r.content_type = kHtml;
  r.body =
      "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>Incident not "
      "found</title><p>" +
      why + " <a href=\"/\">Current status</a></p></html>";
  r.WithHeader("Cache-Control", "no-cache");
  AddPageHeaders(r);
  return r;
}

}  // namespace

void AddStatusPageRoutes(HttpServer& server, StatusPageSource current) {
  Pick page = [](const StatusPageSnapshot& s) { return &s.page; };
  Pick summary = [](const StatusPageSnapshot& s) { return &s.summary_json; };
  Pick incidents = [](const StatusPageSnapshot& s) { return &s.incidents_json; };
  Pick atom = [](const StatusPageSnapshot& s) { return &s.atom; };
  AddDocument(server, current, "/", page, kHtml);
  AddDocument(server, current, "/status", page, kHtml);
  AddDocument(server, current, "/v1/status.json", summary, kJson);
  AddDocument(server, current, "/v1/incidents.json", incidents, kJson);
  AddDocument(server, current, "/feed.atom", atom, kAtom);
  AddDocument(server, current, "/history.atom", atom, kAtom);

  server.AddRoute(IncidentPageRoute(), [current](const HttpRequest& req) {
    std::shared_ptr<const StatusPageSnapshot> s = current();
    if (!s) return NotReady();
    const std::string& ref = *req.Param("ref");
    auto it = s->incident_pages.find(ref);
    if (it == s->incident_pages.end()) return NoSuchIncident(ref);
    return Serve(req, it->second, kHtml, "no-cache");
  });

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
