#include "libs/statuspage/markup.h"

#include <gtest/gtest.h>

namespace statuscast {
namespace {

TEST(MarkupTest, HtmlEscapeEscapesEveryMarkupCharacter) {
  EXPECT_EQ(HtmlEscape("<a href=\"x\" title='y'>&</a>"),
            "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
}

TEST(MarkupTest, HtmlEscapeDropsControlCharactersButKeepsNewlines) {
  EXPECT_EQ(HtmlEscape("a\x01"
                       "b\nc\x7f"),
            "ab\nc");
}

TEST(MarkupTest, XmlEscapeKeepsUtf8) {
  EXPECT_EQ(XmlEscape("caf\xC3\xA9 & co"), "caf\xC3\xA9 &amp; co");
}

TEST(MarkupTest, JsonStringEscapesQuotesControlsAndHtmlSpecials) {
  EXPECT_EQ(JsonString("\"a\\b\"\n\x01</script>&"),
            "\"\\\"a\\\\b\\\"\\n\\u0001\\u003c/script\\u003e\\u0026\"");
}

TEST(MarkupTest, SafeHttpUrlAcceptsOnlyAbsoluteHttpUrls) {
  EXPECT_EQ(SafeHttpUrl("https://status.example.com/pm/1"), "https://status.example.com/pm/1");
  EXPECT_EQ(SafeHttpUrl("HTTP://example.com"), "HTTP://example.com");
  EXPECT_EQ(SafeHttpUrl("javascript:alert(1)"), "");
  EXPECT_EQ(SafeHttpUrl(" https://example.com"), "");
  EXPECT_EQ(SafeHttpUrl("https://example.com/\"onmouseover=x"), "");
  EXPECT_EQ(SafeHttpUrl("/relative"), "");
}

TEST(MarkupTest, XmlAndHtmlEscapeDropForbiddenAndBidiCharacters) {
  EXPECT_EQ(XmlEscape("a\xEF\xBF\xBF"
                      "b\xEF\xBF\xBE"
                      "c"),
            "abc");
  EXPECT_EQ(HtmlEscape("x\xE2\x80\xAEy\xE2\x81\xA6z\xE2\x80\x8F"), "xyz");
  EXPECT_EQ(XmlEscape("bad \xFF byte"), "bad \xEF\xBF\xBD byte");
  EXPECT_EQ(XmlEscape("Z\xC3\xBCrich \xE6\x9D\xB1\xE4\xBA\xAC"),
            "Z\xC3\xBCrich \xE6\x9D\xB1\xE4\xBA\xAC");
}

}  // namespace
}  // namespace statuscast
