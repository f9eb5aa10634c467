// Postmortem bodies as customers read them: CommonMark rendered to HTML by
// libcmark (Debian's libcmark-dev), safely.
//
// Safe means: raw HTML in the text is never passed through (cmark's safe
// mode replaces it with a comment), a link whose target is not an absolute
// http(s) URL keeps its text but loses the link (javascript:, data:, mailto:
// and relative targets alike), an image becomes its alt text (the page loads
// nothing from elsewhere), and headings move down `heading_offset` levels (at
// most h6) so the body fits under the page's own headings.
//
//   RenderMarkdown("# What happened\n[details](https://example.com)", 3)
//   // "<h4>What happened</h4>\n<p><a href=\"https://example.com\">details</a></p>\n"
//
// Thread safety: a pure function.
#ifndef STATUSCAST_LIBS_STATUSPAGE_MARKDOWN_H_
#define STATUSCAST_LIBS_STATUSPAGE_MARKDOWN_H_

#include <string>

namespace statuscast {

std::string RenderMarkdown(const std::string& markdown, int heading_offset);

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_STATUSPAGE_MARKDOWN_H_
