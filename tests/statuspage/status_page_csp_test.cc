// The status page's Content-Security-Policy against the pages it guards:
// every inline <script> and <style> the renderer emits is allowed by its
// hash (so the page keeps working), nothing else is, and framing is not.
#include <openssl/evp.h>

#include <regex>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/statuspage/status_page_model.h"
#include "libs/statuspage/status_page_render.h"

namespace statuscast {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::SizeIs;

std::string Sha256Source(const std::string& text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(text.data(), text.size(), digest, &size, EVP_sha256(), nullptr);
  return absl::StrCat("'sha256-",
                      absl::Base64Escape(std::string(reinterpret_cast<char*>(digest), size)), "'");
}

// The contents of every <tag>...</tag> in `html`.
std::vector<std::string> InlineBlocks(const std::string& html, const std::string& tag) {
  std::vector<std::string> out;
  const std::string open = "<" + tag + ">";
  const std::string close = "</" + tag + ">";
  for (size_t at = html.find(open); at != std::string::npos; at = html.find(open, at)) {
    const size_t start = at + open.size();
    const size_t end = html.find(close, start);
    if (end == std::string::npos) break;
    out.push_back(html.substr(start, end - start));
    at = end;
  }
  return out;
}

// The sources one directive allows, e.g. "script-src 'sha256-...'".
std::string Directive(const std::string& policy, const std::string& name) {
  const size_t at = policy.find(name + " ");
  if (at == std::string::npos) return "";
  const size_t end = policy.find(';', at);
  return policy.substr(at, end == std::string::npos ? std::string::npos : end - at);
}

TEST(StatusPageCspTest, TheInlineScriptAndStyleOfThePageAreAllowedByHash) {
  StatusPageModel model;
  model.title = "Example status";
  const std::string html = RenderStatusPageHtml(model);
  const std::string& policy = StatusPageContentSecurityPolicy();

  const std::vector<std::string> scripts = InlineBlocks(html, "script");
  const std::vector<std::string> styles = InlineBlocks(html, "style");
  ASSERT_THAT(scripts, SizeIs(1));
  ASSERT_THAT(styles, SizeIs(1));
  EXPECT_EQ(Directive(policy, "script-src"), "script-src " + Sha256Source(scripts[0]));
  EXPECT_EQ(Directive(policy, "style-src"), "style-src " + Sha256Source(styles[0]));
}

TEST(StatusPageCspTest, NothingElseRunsAndNobodyFramesThePage) {
  const std::string& policy = StatusPageContentSecurityPolicy();
  EXPECT_THAT(policy, HasSubstr("default-src 'none'"));
  EXPECT_THAT(policy, HasSubstr("frame-ancestors 'none'"));
  EXPECT_THAT(policy, HasSubstr("connect-src 'self'"));  // the live update
  EXPECT_THAT(policy, HasSubstr("base-uri 'none'"));
  EXPECT_THAT(Directive(policy, "script-src"), Not(HasSubstr("unsafe")));
  EXPECT_THAT(Directive(policy, "style-src"), Not(HasSubstr("unsafe")));
}

TEST(StatusPageCspTest, ThePageHasNoInlineEventHandlers) {
  StatusPageModel model;
  model.title = "Example status";
  const std::string html = RenderStatusPageHtml(model);
  // A handler attribute would need 'unsafe-hashes' and is blocked here.
  EXPECT_FALSE(std::regex_search(html, std::regex(R"(<[^>]*\son[a-z]+\s*=)"))) << html;
  EXPECT_THAT(html, Not(HasSubstr("javascript:")));
}

}  // namespace
}  // namespace statuscast
