// The public base URL of the status page (e.g. "https://status.example.com"),
// and the one way a link is made from it.
//
// Every service that takes the URL runs it through NormalizePublicUrl at
// start-up (a bad one stops start-up with a message naming the flag), and
// every link is made with JoinPublicUrl or IncidentPageUrl, so a trailing
// slash in the setting can never make "//incidents/INC-7".
//
//   absl::StatusOr<std::string> base =
//       NormalizePublicUrl("--status_page_url", "https://status.example.com/");
//   // *base == "https://status.example.com"
//   IncidentPageUrl(*base, "INC-7");  // "https://status.example.com/incidents/INC-7"
//
// Thread safety: pure functions.
#ifndef STATUSCAST_LIBS_BASE_PUBLIC_URL_H_
#define STATUSCAST_LIBS_BASE_PUBLIC_URL_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace statuscast {

// Where an incident's page lives on the status page.
inline constexpr char kIncidentPagePrefix[] = "/incidents/";

// `url` without trailing slashes, its scheme in lower case. INVALID_ARGUMENT
// naming `setting` (e.g. "--status_page_url") unless it is http:// or
// https:// with a host (optionally :port and a path), without user
// information, query, fragment, spaces or control characters.
absl::StatusOr<std::string> NormalizePublicUrl(absl::string_view setting, absl::string_view url);

// `base` (normalized) followed by `path` ("/feed.atom"); a missing leading
// '/' is added, so the two always meet at exactly one slash.
std::string JoinPublicUrl(absl::string_view base, absl::string_view path);

// "/incidents/<ref>": relative links (HTML) and routes use this.
std::string IncidentPagePath(absl::string_view ref);
// `base` + IncidentPagePath(ref): absolute links (banners, JSON, Atom).
std::string IncidentPageUrl(absl::string_view base, absl::string_view ref);

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_BASE_PUBLIC_URL_H_
