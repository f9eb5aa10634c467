// HttpRequest, HttpResponse, HttpHandler: the plain shapes a simple GET route
// sees, so pages (status page, status.json, Atom, SDK) are added to the
// banner service's HttpServer without touching the HTTP library.
//
//   server.AddRoute("/v1/status.json", [&](const HttpRequest& req) {
//     return HttpResponse::Json(200, summary.Render());
//   });
//
// A handler runs on one of the server's I/O threads: it must be quick and
// must not block (no database calls; read state kept in memory).
#ifndef STATUSCAST_LIBS_HTTP_HTTP_ROUTE_H_
#define STATUSCAST_LIBS_HTTP_HTTP_ROUTE_H_

#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace statuscast {

struct HttpRequest {
  std::string method;  // "GET" or "HEAD" (the server answers HEAD from GET)
  std::string path;    // percent-decoded path, without the query
  // Percent-decoded query parameters ('+' is a space); the first of repeated
  // names wins.
  std::map<std::string, std::string> query;
  // Header names in lower case; repeated headers joined with ", ".
  std::map<std::string, std::string> headers;
  // From X-Request-Id when the client sent a sane one, else generated.
  std::string request_id;

  // The header's value, or "" when absent. `name` in lower case.
  const std::string& Header(const std::string& name) const;
  // The query parameter's value, or nullptr when absent.
  const std::string* Query(const std::string& name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  // Extra headers (ETag, Cache-Control, Retry-After, ...). The server adds
  // Content-Length, X-Request-Id and the CORS headers itself.
  std::vector<std::pair<std::string, std::string>> headers;

  // `json_body` as application/json.
  static HttpResponse Json(int status, std::string json_body);
  // {"error": message} with `status`; `parameter` names the offending
  // request parameter when there is one ({"error":..,"parameter":..}).
  static HttpResponse Error(int status, const std::string& message,
                            const std::string& parameter = "");
  HttpResponse& WithHeader(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
};

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_HTTP_HTTP_ROUTE_H_
