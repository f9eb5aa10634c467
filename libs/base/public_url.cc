#include "libs/base/public_url.h"

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace statuscast {
namespace {

// A DNS name or IPv4 address (IPv6 comes in brackets).
bool IsHostChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.';
}

}  // namespace

absl::StatusOr<std::string> NormalizePublicUrl(absl::string_view setting, absl::string_view url) {
  auto bad = [&](absl::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat(setting, " \"", url, "\" ", why,
                     "; it must be the public http:// or https:// address of the status page, e.g. "
                     "https://status.example.com"));
  };
  if (url.empty()) return bad("is empty");
  for (char c : url) {
    if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f) {
      return bad("contains a space or control character");
    }
  }
  const size_t scheme_end = url.find("://");
  if (scheme_end == absl::string_view::npos) return bad("has no scheme");
  const std::string scheme = absl::AsciiStrToLower(url.substr(0, scheme_end));
  if (scheme != "http" && scheme != "https") {
    return bad(absl::StrCat("has the scheme \"", scheme, "\""));
  }
  absl::string_view rest = url.substr(scheme_end + 3);
  if (rest.find_first_of("?#") != absl::string_view::npos) {
    return bad("has a query or fragment");
  }
  const size_t path_start = rest.find('/');
  absl::string_view authority = rest.substr(0, path_start);
  absl::string_view path =
      path_start == absl::string_view::npos ? absl::string_view() : rest.substr(path_start);
  if (absl::StrContains(authority, '@')) return bad("has user information");
  if (authority.empty()) return bad("has no host");
  // host, host:port, [v6], [v6]:port
  absl::string_view host = authority;
  absl::string_view port;
  bool has_port = false;
  if (authority.front() == '[') {
    const size_t close = authority.find(']');
    if (close == absl::string_view::npos) return bad("has a malformed host");
    host = authority.substr(1, close - 1);
    absl::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return bad("has a malformed host");
      has_port = true;
      port = after.substr(1);
    }
    if (host.empty() ||
        host.find_first_not_of("0123456789abcdefABCDEF:.") != absl::string_view::npos) {
      return bad("has a malformed host");
    }
  } else {
    const size_t colon = authority.find(':');
    if (colon != absl::string_view::npos) {
      host = authority.substr(0, colon);
      has_port = true;
      port = authority.substr(colon + 1);
    }
    if (host.empty()) return bad("has no host");
    for (char c : host) {
      if (!IsHostChar(c)) return bad("has a malformed host");
    }
    if (host.front() == '.' || host.back() == '.' || absl::StrContains(host, "..")) {
      return bad("has a malformed host");
    }
  }
  if (has_port) {
    int number = 0;
    if (port.empty() || port.find_first_not_of("0123456789") != absl::string_view::npos ||
        !absl::SimpleAtoi(port, &number) || number < 1 || number > 65535) {
      return bad("has an invalid port");
    }
  }
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  return absl::StrCat(scheme, "://", authority, path);
}

std::string JoinPublicUrl(absl::string_view base, absl::string_view path) {
  while (!base.empty() && base.back() == '/') base.remove_suffix(1);
  if (!path.empty() && path.front() == '/') return absl::StrCat(base, path);
  return absl::StrCat(base, "/", path);
}

std::string IncidentPagePath(absl::string_view ref) {
  return absl::StrCat(kIncidentPagePrefix, ref);
}

std::string IncidentPageUrl(absl::string_view base, absl::string_view ref) {
  return JoinPublicUrl(base, IncidentPagePath(ref));
}

}  // namespace statuscast
