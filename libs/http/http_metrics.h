// HttpMetrics: what HttpServer reports per request, so the library stays free
// of the metrics library. `route` is the pattern that matched
// ("/incidents/{ref}") or kUnmatchedRoute, never the raw path: the label
// set stays bounded whatever clients ask for.
// Every method must be cheap and thread-safe.
#ifndef STATUSCAST_LIBS_HTTP_HTTP_METRICS_H_
#define STATUSCAST_LIBS_HTTP_HTTP_METRICS_H_

#include <string>

#include "absl/time/time.h"

namespace statuscast {

// The route label of requests no route serves (404) or that could not be
// read far enough to route (400, 413, 431).
inline constexpr char kUnmatchedRoute[] = "unmatched";

class HttpMetrics {
 public:
  virtual ~HttpMetrics() = default;
  // One request answered (a stream: when its header is sent).
  virtual void HttpRequest(const std::string& route, int status_code, absl::Duration took) = 0;
};

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_HTTP_HTTP_METRICS_H_
