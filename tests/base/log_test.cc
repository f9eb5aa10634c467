#include "libs/base/log.h"

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/base/text_limits.h"

namespace statuscast {
namespace {

using ::testing::HasSubstr;

TEST(LogTest, InvalidUtf8InAJsonLineBecomesReplacementCharacters) {
  // A request path as a hostile client sends it: lone continuation byte,
  // truncated sequence, overlong '/', a surrogate, 0xFF.
  const std::string path = "/incidents/\x80\xC3 \xC0\xAF\xED\xA0\x80\xFF/ok-\xC3\xBC";
  const std::string line = FormatLogLine(LogFormat::kJson, "2026-11-27T14:00:00.000Z",
                                         "http_request", {{"path", path}, {"code", "404"}});
  EXPECT_TRUE(IsValidUtf8(line)) << line;
  EXPECT_THAT(line, HasSubstr("\\ufffd"));
  EXPECT_THAT(line, HasSubstr("ok-\xC3\xBC"));  // well-formed UTF-8 kept as is

  google::protobuf::Struct parsed;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(line, &parsed).ok()) << line;
  EXPECT_EQ(parsed.fields().at("code").string_value(), "404");
  EXPECT_EQ(parsed.fields().at("path").string_value(),
            "/incidents/\xEF\xBF\xBD\xEF\xBF\xBD \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"
            "\xEF\xBF\xBD\xEF\xBF\xBD/ok-\xC3\xBC");
}

TEST(LogTest, ControlCharactersAndNewlinesCannotSplitALine) {
  const std::string line = FormatLogLine(LogFormat::kJson, "t", "e", {{"v", "a\nb\r\x01\"\\"}});
  EXPECT_EQ(line.find('\n'), std::string::npos);
  EXPECT_THAT(line, HasSubstr(R"("v":"a\nb\r\u0001\"\\")"));
}

TEST(LogTest, TextFormatQuotesInvalidUtf8) {
  const std::string line = FormatLogLine(LogFormat::kText, "t", "e", {{"path", "/a\xFF"}});
  EXPECT_EQ(line, "t e path=\"/a\\ufffd\"");
}

}  // namespace
}  // namespace statuscast
