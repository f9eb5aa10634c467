#include "libs/http/route_table.h"

#include <map>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace statuscast {
namespace {

using ::testing::HasSubstr;
using Params = std::map<std::string, std::string>;

class RouteTableTest : public ::testing::Test {
 protected:
  RouteTableTest() {
    for (const char* p : {"/", "/status", "/incidents/{ref}", "/incidents/feed.atom", "/v1/banners",
                          "/v1/banners/stream", "/a/{x}/b/{y}"}) {
      EXPECT_TRUE(table_.Add(p, ids_.size()).ok()) << p;
      ids_[p] = ids_.size();
    }
  }
  // The pattern serving `path`, or "" for none.
  std::string Route(const std::string& path, Params* params = nullptr) {
    Params ignored;
    size_t id = 0;
    if (!table_.Match(path, &id, params != nullptr ? params : &ignored)) return "";
    for (auto& [pattern, i] : ids_) {
      if (i == id) return pattern;
    }
    return "?";
  }

  RouteTable table_;
  std::map<std::string, size_t> ids_;
};

TEST_F(RouteTableTest, LiteralPathsMatchExactly) {
  EXPECT_EQ(Route("/"), "/");
  EXPECT_EQ(Route("/status"), "/status");
  EXPECT_EQ(Route("/v1/banners"), "/v1/banners");
  EXPECT_EQ(Route("/v1/banners/stream"), "/v1/banners/stream");
  EXPECT_EQ(Route("/v1/banners/"), "");
  EXPECT_EQ(Route("/status/x"), "");
  EXPECT_EQ(Route("/v1"), "");
}

TEST_F(RouteTableTest, ACaptureTakesAnyOneSegmentWithoutLimit) {
  Params p;
  EXPECT_EQ(Route("/incidents/INC-1", &p), "/incidents/{ref}");
  EXPECT_EQ(p, (Params{{"ref", "INC-1"}}));
  EXPECT_EQ(Route("/incidents/INC-10001", &p), "/incidents/{ref}");
  EXPECT_EQ(p, (Params{{"ref", "INC-10001"}}));
  EXPECT_EQ(Route("/incidents/INC-123456", &p), "/incidents/{ref}");
  EXPECT_EQ(p, (Params{{"ref", "INC-123456"}}));
  EXPECT_EQ(Route("/a/1/b/2", &p), "/a/{x}/b/{y}");
  EXPECT_EQ(p, (Params{{"x", "1"}, {"y", "2"}}));
}

TEST_F(RouteTableTest, ACaptureNeverMatchesAnEmptyOrExtraSegment) {
  EXPECT_EQ(Route("/incidents/"), "");
  EXPECT_EQ(Route("/incidents"), "");
  EXPECT_EQ(Route("/incidents/INC-1/more"), "");
  EXPECT_EQ(Route("/a/1/b/"), "");
}

TEST_F(RouteTableTest, ALiteralSegmentWinsOverACapture) {
  Params p{{"stale", "x"}};
  EXPECT_EQ(Route("/incidents/feed.atom", &p), "/incidents/feed.atom");
  EXPECT_TRUE(p.empty());
}

TEST_F(RouteTableTest, MalformedAndDuplicatePatternsAreRefused) {
  absl::Status s = table_.Add("incidents", 99);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("must start with '/'"));
  for (const char* bad : {"/x/{}", "/x/INC-{n}", "/x/{a}b", "/x/{a{b}}"}) {
    s = table_.Add(bad, 99);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(s.message(), HasSubstr("a capture is a whole named segment")) << bad;
  }
  s = table_.Add("/r/{id}/{id}", 99);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("captures {id} twice"));
  s = table_.Add("/incidents/{id}", 99);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("where another route has {ref}"));
  s = table_.Add("/status", 99);
  EXPECT_EQ(s.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(s.message(), HasSubstr("\"/status\" is already routed"));
}

}  // namespace
}  // namespace statuscast
