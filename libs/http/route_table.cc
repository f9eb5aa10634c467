#include "libs/http/route_table.h"

#include <set>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace statuscast {

struct RouteTable::Node {
  std::map<std::string, std::unique_ptr<Node>, std::less<>> literals;
  std::unique_ptr<Node> capture;  // at most one capture child
  std::string capture_name;
  bool has_id = false;
  size_t id = 0;
};

namespace {

// "/a/b" -> {"a", "b"}; "/" -> {}; "/a/" -> {"a", ""}.
std::vector<absl::string_view> Segments(absl::string_view path) {
  path.remove_prefix(1);
  if (path.empty()) return {};
  return absl::StrSplit(path, '/');
}

}  // namespace

RouteTable::RouteTable() : root_(std::make_unique<Node>()) {}
RouteTable::~RouteTable() = default;

absl::Status RouteTable::Add(absl::string_view pattern, size_t id) {
  const std::string quoted = absl::StrCat("route pattern \"", pattern, "\"");
  if (pattern.empty() || pattern[0] != '/') {
    return absl::InvalidArgumentError(absl::StrCat(quoted, " must start with '/'"));
  }
  Node* node = root_.get();
  std::set<std::string> names;
  for (absl::string_view segment : Segments(pattern)) {
    const bool opens = absl::StrContains(segment, '{');
    const bool closes = absl::StrContains(segment, '}');
    if (!opens && !closes) {
      auto& child = node->literals[std::string(segment)];
      if (child == nullptr) child = std::make_unique<Node>();
      node = child.get();
      continue;
    }
    if (segment.size() < 3 || segment.front() != '{' || segment.back() != '}' ||
        segment.substr(1, segment.size() - 2).find_first_of("{}/") != absl::string_view::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat(quoted, ": a capture is a whole named segment, like {ref}"));
    }
    std::string name(segment.substr(1, segment.size() - 2));
    if (!names.insert(name).second) {
      return absl::InvalidArgumentError(absl::StrCat(quoted, " captures {", name, "} twice"));
    }
    if (node->capture == nullptr) {
      node->capture = std::make_unique<Node>();
      node->capture_name = name;
    } else if (node->capture_name != name) {
      return absl::InvalidArgumentError(absl::StrCat(quoted, " names its capture {", name,
                                                     "} where another route has {",
                                                     node->capture_name, "}"));
    }
    node = node->capture.get();
  }
  if (node->has_id) {
    return absl::AlreadyExistsError(absl::StrCat(quoted, " is already routed"));
  }
  node->has_id = true;
  node->id = id;
  return absl::OkStatus();
}

bool RouteTable::Match(absl::string_view path, size_t* id,
                       std::map<std::string, std::string>* params) const {
  if (path.empty() || path[0] != '/') return false;
  const std::vector<absl::string_view> segments = Segments(path);
  // Depth-first, literals before the capture; backtracks at most once per
  // level, so a request costs O(segments) look-ups in practice.
  std::vector<std::pair<std::string, std::string>> captured;
  struct Search {
    const std::vector<absl::string_view>& segments;
    std::vector<std::pair<std::string, std::string>>& captured;
    const Node* Find(const Node* node, size_t i) {
      if (i == segments.size()) return node->has_id ? node : nullptr;
      auto it = node->literals.find(segments[i]);
      if (it != node->literals.end()) {
        if (const Node* found = Find(it->second.get(), i + 1)) return found;
      }
      if (node->capture != nullptr && !segments[i].empty()) {
        captured.emplace_back(node->capture_name, std::string(segments[i]));
        if (const Node* found = Find(node->capture.get(), i + 1)) return found;
        captured.pop_back();
      }
      return nullptr;
    }
  } search{segments, captured};
  const Node* found = search.Find(root_.get(), 0);
  if (found == nullptr) return false;
  *id = found->id;
  params->clear();
  for (auto& [name, value] : captured) params->emplace(std::move(name), std::move(value));
  return true;
}

}  // namespace statuscast
