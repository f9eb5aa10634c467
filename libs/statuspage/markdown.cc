#include "libs/statuspage/markdown.h"

#include <cmark.h>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "libs/statuspage/markup.h"

namespace statuscast {
namespace {

#ifdef CMARK_OPT_SAFE
constexpr int kOptions = CMARK_OPT_SAFE;  // cmark < 0.29: safe is opt-in
#else
constexpr int kOptions = CMARK_OPT_DEFAULT;  // later: safe unless CMARK_OPT_UNSAFE
#endif

struct NodeFree {
  void operator()(cmark_node* n) const { cmark_node_free(n); }
};

// Moves `node`'s children to where it stands, then removes it.
void Unwrap(cmark_node* node) {
  while (cmark_node* child = cmark_node_first_child(node)) cmark_node_insert_before(node, child);
  cmark_node_free(node);  // unlinks it too
}

// Replaces `node` (an image) with a text node holding its alt text.
void ReplaceWithAltText(cmark_node* node) {
  std::string alt;
  cmark_iter* it = cmark_iter_new(node);
  for (cmark_event_type ev; (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE;) {
    cmark_node* n = cmark_iter_get_node(it);
    if (ev == CMARK_EVENT_ENTER && cmark_node_get_type(n) == CMARK_NODE_TEXT) {
      const char* literal = cmark_node_get_literal(n);
      if (literal != nullptr) alt += literal;
    }
  }
  cmark_iter_free(it);
  cmark_node* text = cmark_node_new(CMARK_NODE_TEXT);
  cmark_node_set_literal(text, alt.c_str());
  cmark_node_replace(node, text);
  cmark_node_free(node);
}

}  // namespace

std::string RenderMarkdown(const std::string& markdown, int heading_offset) {
  std::unique_ptr<cmark_node, NodeFree> doc(
      cmark_parse_document(markdown.data(), markdown.size(), kOptions));
  if (!doc) return "";
  std::vector<cmark_node*> links, images, raw, headings;
  cmark_iter* it = cmark_iter_new(doc.get());
  for (cmark_event_type ev; (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE;) {
    if (ev != CMARK_EVENT_ENTER) continue;
    cmark_node* n = cmark_iter_get_node(it);
    switch (cmark_node_get_type(n)) {
      case CMARK_NODE_LINK: {
        const char* url = cmark_node_get_url(n);
        if (url == nullptr || SafeHttpUrl(url).empty()) links.push_back(n);
        break;
      }
      case CMARK_NODE_IMAGE:
        images.push_back(n);
        break;
      case CMARK_NODE_HTML_BLOCK:
      case CMARK_NODE_HTML_INLINE:
        raw.push_back(n);  // safe mode would omit it; leave nothing at all
        break;
      case CMARK_NODE_HEADING:
        headings.push_back(n);
        break;
      default:
        break;
    }
  }
  cmark_iter_free(it);
  // Leaves first, then links (which never nest), then images, whose alt
  // text may hold the rest: no node is touched after an ancestor was freed.
  for (cmark_node* n : raw) cmark_node_free(n);
  for (cmark_node* n : links) Unwrap(n);
  for (auto n = images.rbegin(); n != images.rend(); ++n) ReplaceWithAltText(*n);
  for (cmark_node* h : headings) {
    cmark_node_set_heading_level(h, std::min(6, cmark_node_get_heading_level(h) + heading_offset));
  }
  char* html = cmark_render_html(doc.get(), kOptions);
  std::string out = html != nullptr ? html : "";
  std::free(html);
  return out;
}

}  // namespace statuscast
