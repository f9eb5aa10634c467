// RouteTable: which route serves a request path, by pattern.
//
// A pattern is a path whose segments are literals or captures:
//   "/v1/status.json"     exactly that path
//   "/incidents/{ref}"    "/incidents/" then one non-empty segment, captured
//                         as "ref" ("/incidents/INC-123456"; not
//                         "/incidents/" nor "/incidents/a/b")
// A literal segment wins over a capture at the same place, so
// "/incidents/feed.atom" may sit beside "/incidents/{ref}". Matching costs one
// map look-up per segment, however many routes there are. The pattern string
// is what metrics and logs name a route by: a bounded set of labels.
//
// Thread safety: Add before any Match; Match is const and safe from any
// thread once the table is no longer changed.
#ifndef STATUSCAST_LIBS_HTTP_ROUTE_TABLE_H_
#define STATUSCAST_LIBS_HTTP_ROUTE_TABLE_H_

#include <cstddef>
#include <map>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace statuscast {

class RouteTable {
 public:
  RouteTable();
  ~RouteTable();
  RouteTable(const RouteTable&) = delete;
  RouteTable& operator=(const RouteTable&) = delete;

  // Routes `pattern` to `id`. INVALID_ARGUMENT when the pattern is malformed
  // (not starting with '/', an empty or unnamed capture, a capture that is
  // not a whole segment, a name repeated), ALREADY_EXISTS when a route of the
  // same shape exists ("/a/{x}" and "/a/{y}" are the same shape).
  absl::Status Add(absl::string_view pattern, size_t id);

  // The id of the route serving `path` (percent-decoded, no query) and its
  // captures; false when none does.
  bool Match(absl::string_view path, size_t* id, std::map<std::string, std::string>* params) const;

 private:
  struct Node;
  std::unique_ptr<Node> root_;
};

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_HTTP_ROUTE_TABLE_H_
