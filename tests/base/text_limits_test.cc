#include "libs/base/text_limits.h"

#include <string>

#include "gtest/gtest.h"

namespace statuscast {
namespace {

TEST(TextLimitsTest, AcceptsAsciiAndMultibyteUtf8) {
  EXPECT_TRUE(IsValidUtf8("checkout is slow"));
  EXPECT_TRUE(IsValidUtf8("Zürich — 東京 🚀"));
  EXPECT_EQ(CheckText("Zürich", 64, false), "");
}

TEST(TextLimitsTest, RejectsMalformedUtf8) {
  EXPECT_FALSE(IsValidUtf8("\xC3"));              // truncated
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));          // overlong
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // surrogate
  EXPECT_FALSE(IsValidUtf8("\xF5\x80\x80\x80"));  // beyond U+10FFFF
  EXPECT_EQ(CheckText("a\xFF", 64, true), "is not valid UTF-8");
}

TEST(TextLimitsTest, ReportsLengthOverTheLimit) {
  EXPECT_EQ(CheckText(std::string(11, 'x'), 10, false), "is 11 bytes; the limit is 10");
}

TEST(TextLimitsTest, SingleLineRejectsNewlinesButMultilineAllowsThem) {
  EXPECT_EQ(CheckText("a\nb", 10, false), "must be a single line");
  EXPECT_EQ(CheckText("a\nb", 10, true), "");
  EXPECT_EQ(CheckText(std::string("a\0b", 3), 10, true), "contains a control character");
}

TEST(TextLimitsTest, RejectsCharactersXml10ForbidsNamingTheCodePoint) {
  EXPECT_EQ(CheckText("a\xEF\xBF\xBF", 64, true),
            "contains U+FFFF, which XML 1.0 forbids (it would break the Atom feed); remove it");
  EXPECT_EQ(CheckText("a\xEF\xBF\xBE", 64, false),
            "contains U+FFFE, which XML 1.0 forbids (it would break the Atom feed); remove it");
  EXPECT_EQ(CheckText("a\x0B", 64, true), "contains a control character");
  EXPECT_EQ(CheckText("\xF0\x9F\x9A\x80 U+1FFFE is allowed: \xF0\x9F\xBF\xBE", 64, false), "");
}

TEST(TextLimitsTest, RejectsBidiControlsNamingTheCodePoint) {
  EXPECT_EQ(CheckText("abc\xE2\x80\xAE", 64, false),
            "contains the bidi control U+202E, which can reorder the text around it; remove it");
  for (const char* control :
       {"\xE2\x80\x8E", "\xE2\x80\x8F", "\xE2\x80\xAA", "\xE2\x81\xA6", "\xE2\x81\xA9"}) {
    EXPECT_NE(CheckText(std::string("x") + control, 64, true), "") << control;
  }
  // Right-to-left text itself is fine.
  EXPECT_EQ(
      CheckText("\xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D \xD8\xB3\xD9\x84\xD8\xA7\xD9\x85", 64, false),
      "");
}

TEST(TextLimitsTest, DecodeUtf8ReturnsCodePointAndLength) {
  size_t len = 0;
  EXPECT_EQ(DecodeUtf8("\xE2\x80\xAEx", &len), 0x202E);
  EXPECT_EQ(len, 3u);
  EXPECT_EQ(DecodeUtf8("\xFFx", &len), -1);
  EXPECT_EQ(len, 1u);
  EXPECT_TRUE(IsBidiControl(0x2067));
  EXPECT_FALSE(IsBidiControl(0x05D0));
  EXPECT_TRUE(IsXmlForbidden(0xFFFF));
  EXPECT_FALSE(IsXmlForbidden('\t'));
}

}  // namespace
}  // namespace statuscast
