// CorsPolicy: which origins may read the server's responses from a browser.
// Immutable after construction; safe from any thread.
#ifndef STATUSCAST_LIBS_HTTP_CORS_POLICY_H_
#define STATUSCAST_LIBS_HTTP_CORS_POLICY_H_

#include <set>
#include <string>
#include <vector>

namespace statuscast {

class CorsPolicy {
 public:
  // Origins as browsers send them ("https://shop.example.com"); "*" allows
  // any origin.
  explicit CorsPolicy(const std::vector<std::string>& origins);

  // Whether any origin may be allowed (responses then vary by Origin).
  bool enabled() const { return any_ || !origins_.empty(); }
  // The Access-Control-Allow-Origin value for a request from `origin`
  // ("*" or the origin itself), or "" when it gets no CORS headers.
  std::string AllowOrigin(const std::string& origin) const;

  static constexpr char kAllowHeaders[] =
      "Last-Event-ID, If-None-Match, Cache-Control, X-Request-Id";
  static constexpr char kExposeHeaders[] = "ETag, X-Request-Id, Retry-After";
  static constexpr char kMaxAgeSeconds[] = "600";

 private:
  bool any_ = false;
  std::set<std::string> origins_;
};

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_HTTP_CORS_POLICY_H_
