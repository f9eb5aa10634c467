// HttpRequest, HttpResponse, HttpHandler, HttpMethods: the plain shapes a
// route sees, so services add pages and streams to an HttpServer without
// touching the HTTP library (or Beast).
//
//   server.AddRoute("/v1/status.json", [&](const HttpRequest& req) {
//     return HttpResponse::Json(200, summary.Render());
//   });
//   server.AddRoute("/incidents/{ref}", [&](const HttpRequest& req) {
//     return Page(*req.Param("ref"));  // the captured path segment
//   });
//
// A handler runs on one of the server's I/O threads: it must be quick and
// must not block (no database calls; read state kept in memory).
// Thread safety: plain values.
#ifndef STATUSCAST_LIBS_HTTP_HTTP_ROUTE_H_
#define STATUSCAST_LIBS_HTTP_HTTP_ROUTE_H_

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace statuscast {

// The methods a route answers, as a bit set. HEAD is answered from the GET
// handler (the body dropped); OPTIONS (CORS preflight) is answered by the
// server for every route. POST hands the handler the request body, at most
// HttpServerOptions::max_body_bytes.
enum class HttpMethod : uint8_t { kGet = 1, kHead = 2, kPost = 4 };
class HttpMethods {
 public:
  constexpr HttpMethods(std::initializer_list<HttpMethod> methods) {
    for (HttpMethod m : methods) bits_ |= static_cast<uint8_t>(m);
  }
  constexpr bool Has(HttpMethod m) const { return (bits_ & static_cast<uint8_t>(m)) != 0; }
  // The Allow header value: "GET, HEAD, OPTIONS" and so on.
  std::string AllowHeader() const;
  // GET and HEAD: what every page and stream answers.
  static constexpr HttpMethods GetHead() { return {HttpMethod::kGet, HttpMethod::kHead}; }

 private:
  uint8_t bits_ = 0;
};

struct HttpRequest {
  std::string method;  // "GET", "HEAD", "POST" (HEAD reaches the GET handler)
  std::string path;    // percent-decoded path, without the query
  // The pattern of the route that matched, e.g. "/incidents/{ref}".
  std::string route;
  // The segments the pattern captured: "/incidents/INC-7" on
  // "/incidents/{ref}" gives {"ref": "INC-7"}.
  std::map<std::string, std::string> params;
  // Percent-decoded query parameters ('+' is a space); the first of repeated
  // names wins.
  std::map<std::string, std::string> query;
  // Header names in lower case; repeated headers joined with ", ".
  std::map<std::string, std::string> headers;
  // The request body (POST; empty for GET and HEAD).
  std::string body;
  // From X-Request-Id when the client sent a sane one, else generated.
  std::string request_id;
  // The client as the server's per-address limits count it (the address,
  // or the /64 of an IPv6 one; behind a trusted proxy, whom it forwards),
  // for a route's own stricter limit; "" when those limits exempt it
  // (loopback, unless HttpServerOptions::limit_loopback).
  std::string limit_key;

  // The header's value, or "" when absent. `name` in lower case.
  const std::string& Header(const std::string& name) const;
  // The query parameter's value, or nullptr when absent.
  const std::string* Query(const std::string& name) const;
  // The captured path segment, or nullptr when the pattern has no `name`.
  const std::string* Param(const std::string& name) const;
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

// Whether an If-None-Match header value ("a", W/"a", "a", "b", *) matches
// the strong `etag` (quotes included): answer 304 when it does.
bool IfNoneMatchMatches(absl::string_view if_none_match, absl::string_view etag);

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_HTTP_HTTP_ROUTE_H_
