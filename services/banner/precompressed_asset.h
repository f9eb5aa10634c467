// PrecompressedAsset: a static file served from memory, gzip-compressed once
// at construction, so every request picks a stored representation instead
// of compressing again.
//
// Serve() answers a GET or HEAD: gzip (Content-Encoding: gzip) when the
// request's Accept-Encoding accepts gzip (gzip, x-gzip or *, with q > 0),
// the identity otherwise; always with "Vary: Accept-Encoding" so caches keep
// the two apart. Each representation has its own strong ETag, and
// If-None-Match naming the one that would be sent answers 304.
//
// Kept apart from HttpServer on purpose: a route handler calls Serve().
// Thread safety: immutable after construction; Serve() may run on any thread.
#ifndef STATUSCAST_SERVICES_BANNER_PRECOMPRESSED_ASSET_H_
#define STATUSCAST_SERVICES_BANNER_PRECOMPRESSED_ASSET_H_

#include <string>

#include "absl/strings/string_view.h"

namespace statuscast {

struct HttpRequest;
struct HttpResponse;

class PrecompressedAsset {
 public:
  // Crashes if zlib fails (out of memory at start-up: nothing to serve).
  PrecompressedAsset(std::string body, std::string content_type, std::string cache_control);

  HttpResponse Serve(const HttpRequest& req) const;

  const std::string& identity() const { return identity_; }
  const std::string& gzip() const { return gzip_; }

 private:
  std::string identity_, identity_etag_;
  std::string gzip_, gzip_etag_;
  std::string content_type_, cache_control_;
};

// Whether an Accept-Encoding header value accepts gzip.
bool AcceptsGzip(absl::string_view accept_encoding);

// `data` compressed in the gzip format (RFC 1952) at the highest level, with
// no file name and a zero time stamp, so the same input gives the same bytes.
std::string GzipCompress(absl::string_view data);

}  // namespace statuscast

#endif  // STATUSCAST_SERVICES_BANNER_PRECOMPRESSED_ASSET_H_
