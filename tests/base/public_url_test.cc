#include "libs/base/public_url.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace statuscast {
namespace {

using ::testing::HasSubstr;

std::string Normal(const std::string& url) {
  absl::StatusOr<std::string> n = NormalizePublicUrl("--status_page_url", url);
  EXPECT_TRUE(n.ok()) << url << ": " << n.status();
  return n.ok() ? *n : "";
}

TEST(PublicUrlTest, TrailingSlashesAreStripped) {
  EXPECT_EQ(Normal("https://status.example.com/"), "https://status.example.com");
  EXPECT_EQ(Normal("https://status.example.com///"), "https://status.example.com");
  EXPECT_EQ(Normal("https://example.com/status/"), "https://example.com/status");
  EXPECT_EQ(Normal("http://127.0.0.1:8080"), "http://127.0.0.1:8080");
  EXPECT_EQ(Normal("HTTPS://Status.example.com"), "https://Status.example.com");
  EXPECT_EQ(Normal("http://[::1]:8080/"), "http://[::1]:8080");
}

TEST(PublicUrlTest, ATrailingSlashNeverMakesADoubleSlashInLinks) {
  const std::string base = Normal("https://status.example.com/");
  EXPECT_EQ(IncidentPageUrl(base, "INC-7"), "https://status.example.com/incidents/INC-7");
  EXPECT_EQ(JoinPublicUrl(base, "/feed.atom"), "https://status.example.com/feed.atom");
  EXPECT_EQ(JoinPublicUrl("https://a.example/", "feed.atom"), "https://a.example/feed.atom");
  EXPECT_EQ(IncidentPagePath("INC-7"), "/incidents/INC-7");
}

TEST(PublicUrlTest, BadUrlsAreRefusedNamingTheSetting) {
  for (const char* bad :
       {"", "status.example.com", "ftp://status.example.com", "https://", "https:///incidents",
        "https://user:pw@status.example.com", "https://status.example.com/?a=b",
        "https://status.example.com/#top", "https://status example.com",
        "https://status.example.com:0", "https://status.example.com:99999",
        "https://status.example.com:http", "javascript://alert(1)", "https://exa_mple.com"}) {
    absl::StatusOr<std::string> n = NormalizePublicUrl("--status_page_url", bad);
    ASSERT_FALSE(n.ok()) << bad;
    EXPECT_EQ(n.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(n.status().message(), HasSubstr("--status_page_url \"")) << bad;
    EXPECT_THAT(n.status().message(), HasSubstr("http:// or https://")) << bad;
  }
  EXPECT_THAT(NormalizePublicUrl("--status_page_url", "ftp://x.example").status().message(),
              HasSubstr("has the scheme \"ftp\""));
}

}  // namespace
}  // namespace statuscast
