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

}  // namespace
}  // namespace statuscast
