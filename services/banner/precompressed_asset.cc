#include "services/banner/precompressed_asset.h"

#include <zlib.h>

#include <cstdlib>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/types/optional.h"
#include "libs/http/http_server.h"
#include "libs/statuspage/status_page_render.h"

namespace statuscast {
namespace {

// Whether If-None-Match names `etag` (or is "*").
bool NoneMatch(const HttpRequest& req, const std::string& etag) {
  const std::string& header = req.Header("if-none-match");
  for (absl::string_view tag : absl::StrSplit(header, ',', absl::SkipWhitespace())) {
    tag = absl::StripAsciiWhitespace(tag);
    absl::ConsumePrefix(&tag, "W/");
    if (tag == "*" || tag == etag) return true;
  }
  return false;
}

// "\"abc\"" -> "\"abc-gzip\"": the gzip representation's own strong ETag.
std::string VariantEtag(const std::string& etag, absl::string_view suffix) {
  if (etag.size() >= 2 && etag.back() == '"') {
    return absl::StrCat(etag.substr(0, etag.size() - 1), suffix, "\"");
  }
  return absl::StrCat(etag, suffix);
}

}  // namespace

bool AcceptsGzip(absl::string_view accept_encoding) {
  // RFC 9110 12.5.3: an explicit gzip entry decides; else "*" decides.
  absl::optional<bool> gzip, any;
  for (absl::string_view item : absl::StrSplit(accept_encoding, ',', absl::SkipWhitespace())) {
    std::vector<absl::string_view> parts = absl::StrSplit(item, ';');
    std::string coding = absl::AsciiStrToLower(absl::StripAsciiWhitespace(parts[0]));
    double q = 1;
    for (size_t i = 1; i < parts.size(); ++i) {
      absl::string_view p = absl::StripAsciiWhitespace(parts[i]);
      if (absl::ConsumePrefix(&p, "q=") || absl::ConsumePrefix(&p, "Q=")) {
        if (!absl::SimpleAtod(p, &q)) q = 0;
      }
    }
    if (coding == "gzip" || coding == "x-gzip") gzip = q > 0;
    if (coding == "*") any = q > 0;
  }
  if (gzip) return *gzip;
  return any.value_or(false);
}

std::string GzipCompress(absl::string_view data) {
  z_stream z{};
  // windowBits 15 + 16: the gzip wrapper; zlib writes mtime 0 and no name.
  if (deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK) {
    std::abort();
  }
  std::string out(deflateBound(&z, data.size()), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(&out[0]);
  z.avail_out = static_cast<uInt>(out.size());
  if (deflate(&z, Z_FINISH) != Z_STREAM_END) std::abort();
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

PrecompressedAsset::PrecompressedAsset(std::string body, std::string content_type,
                                       std::string cache_control)
    : identity_(std::move(body)),
      content_type_(std::move(content_type)),
      cache_control_(std::move(cache_control)) {
  identity_etag_ = ContentEtag(identity_);
  gzip_ = GzipCompress(identity_);
  gzip_etag_ = VariantEtag(identity_etag_, "-gzip");
}

HttpResponse PrecompressedAsset::Serve(const HttpRequest& req) const {
  const bool gzip = AcceptsGzip(req.Header("accept-encoding"));
  const std::string& etag = gzip ? gzip_etag_ : identity_etag_;
  HttpResponse r;
  r.content_type = content_type_;
  r.WithHeader("ETag", etag)
      .WithHeader("Cache-Control", cache_control_)
      .WithHeader("Vary", "Accept-Encoding");
  if (gzip) r.WithHeader("Content-Encoding", "gzip");
  if (NoneMatch(req, etag)) {
    r.status = 304;
    return r;
  }
  r.body = gzip ? gzip_ : identity_;
  return r;
}

}  // namespace statuscast
