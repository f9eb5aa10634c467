// The rules of the banner HTTP endpoints, apart from the HTTP library:
// parameter checks, the JSON snapshot with its ETag, and the Server-Sent
// Events text. HttpServer calls these; tests call them directly too.
// Thread safety: free functions; BannerSnapshot is as safe as BannerHub.
#ifndef STATUSCAST_LIBS_HTTP_BANNER_ENDPOINTS_H_
#define STATUSCAST_LIBS_HTTP_BANNER_ENDPOINTS_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "libs/banner/banner_world.h"
#include "libs/http/http_route.h"

namespace statuscast {

class BannerHub;

inline constexpr char kBannersRoute[] = "/v1/banners";
inline constexpr char kBannerStreamRoute[] = "/v1/banners/stream";

inline constexpr size_t kMaxAppBytes = 64;
inline constexpr size_t kMaxPagePathBytes = 512;

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

// Whether an If-None-Match header value ("a", W/"a", "a", "b", *) matches
// the strong `etag` (quotes included).
bool IfNoneMatchMatches(absl::string_view if_none_match, absl::string_view etag);

// SSE text. Each ends with the blank line that dispatches it.
std::string SseRetry(int64_t millis);
// "id: <version>\nevent: banners\ndata: " : the json and "\n\n" follow, so
// the rendered JSON is written without a copy (it is one line).
std::string SseSetPrefix(int64_t version);
inline constexpr char kSseSetSuffix[] = "\n\n";
// A whole event for `json` that may span lines (one data: line per line).
std::string SseSetEvent(int64_t version, absl::string_view json);
std::string SseHeartbeat(int64_t version);

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_HTTP_BANNER_ENDPOINTS_H_
