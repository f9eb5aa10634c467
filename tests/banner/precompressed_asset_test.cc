// PrecompressedAsset: which representation a request gets, and the headers
// that keep caches from mixing them up.
#include "services/banner/precompressed_asset.h"

#include <zlib.h>

#include "gtest/gtest.h"
#include "libs/http/http_server.h"

namespace statuscast {
namespace {

std::string Gunzip(const std::string& in) {
  z_stream z{};
  EXPECT_EQ(inflateInit2(&z, 15 + 16), Z_OK);
  std::string out(1 << 22, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = reinterpret_cast<Bytef*>(&out[0]);
  z.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(inflate(&z, Z_FINISH), Z_STREAM_END);
  out.resize(z.total_out);
  inflateEnd(&z);
  return out;
}

std::string HeaderOf(const HttpResponse& r, const std::string& name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return "";
}

HttpRequest WithAcceptEncoding(const std::string& value) {
  HttpRequest req;
  req.method = "GET";
  req.path = "/sdk/banner.js";
  if (!value.empty()) req.headers["accept-encoding"] = value;
  return req;
}

const std::string kScript = [] {
  std::string s;
  for (int i = 0; i < 200; ++i) s += "customElements.define('statuscast-banner', class {});\n";
  return s;
}();

TEST(AcceptsGzipTest, FollowsTheCodingsAndTheirWeights) {
  EXPECT_TRUE(AcceptsGzip("gzip"));
  EXPECT_TRUE(AcceptsGzip("gzip, deflate, br"));
  EXPECT_TRUE(AcceptsGzip("br;q=1.0, GZIP;q=0.5"));
  EXPECT_TRUE(AcceptsGzip("x-gzip"));
  EXPECT_TRUE(AcceptsGzip("*"));
  EXPECT_FALSE(AcceptsGzip(""));
  EXPECT_FALSE(AcceptsGzip("identity"));
  EXPECT_FALSE(AcceptsGzip("br, deflate"));
  EXPECT_FALSE(AcceptsGzip("gzip;q=0"));
  EXPECT_FALSE(AcceptsGzip("*, gzip;q=0"));
  EXPECT_FALSE(AcceptsGzip("*;q=0"));
}

TEST(PrecompressedAssetTest, GzipGoesToClientsThatAcceptIt) {
  PrecompressedAsset asset(kScript, "text/javascript; charset=utf-8", "public, max-age=300");
  HttpResponse r = asset.Serve(WithAcceptEncoding("gzip, deflate"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(HeaderOf(r, "Content-Encoding"), "gzip");
  EXPECT_EQ(HeaderOf(r, "Vary"), "Accept-Encoding");
  EXPECT_EQ(r.content_type, "text/javascript; charset=utf-8");
  EXPECT_LT(r.body.size(), kScript.size() / 10);
  EXPECT_EQ(Gunzip(r.body), kScript);
}

TEST(PrecompressedAssetTest, OthersGetTheIdentityWithVary) {
  PrecompressedAsset asset(kScript, "text/javascript", "no-cache");
  for (const std::string& accept : {std::string(), std::string("br"), std::string("gzip;q=0")}) {
    HttpResponse r = asset.Serve(WithAcceptEncoding(accept));
    EXPECT_EQ(r.status, 200) << accept;
    EXPECT_EQ(HeaderOf(r, "Content-Encoding"), "") << accept;
    EXPECT_EQ(HeaderOf(r, "Vary"), "Accept-Encoding") << accept;
    EXPECT_EQ(r.body, kScript) << accept;
  }
}

TEST(PrecompressedAssetTest, EachRepresentationHasItsOwnEtag) {
  PrecompressedAsset asset(kScript, "text/javascript", "no-cache");
  const std::string gzip_etag = HeaderOf(asset.Serve(WithAcceptEncoding("gzip")), "ETag");
  const std::string identity_etag = HeaderOf(asset.Serve(WithAcceptEncoding("")), "ETag");
  EXPECT_NE(gzip_etag, identity_etag);

  HttpRequest req = WithAcceptEncoding("gzip");
  req.headers["if-none-match"] = gzip_etag;
  EXPECT_EQ(asset.Serve(req).status, 304);
  // The identity's tag does not validate the gzip body (nor the reverse).
  req.headers["if-none-match"] = identity_etag;
  EXPECT_EQ(asset.Serve(req).status, 200);
  HttpRequest plain = WithAcceptEncoding("");
  plain.headers["if-none-match"] = gzip_etag;
  EXPECT_EQ(asset.Serve(plain).status, 200);
}

TEST(GzipCompressTest, SameInputSameBytes) {
  EXPECT_EQ(GzipCompress(kScript), GzipCompress(kScript));
  EXPECT_EQ(GzipCompress(kScript).substr(0, 2), "\x1f\x8b");
}

}  // namespace
}  // namespace statuscast
