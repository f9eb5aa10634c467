#include "libs/base/peer_address.h"

#include <arpa/inet.h>

#include <cstring>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace statuscast {
namespace {

std::string PercentDecode(absl::string_view s) {
  std::string out;
  out.reserve(s.size());
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      const int hi = hex(s[i + 1]);
      const int lo = hex(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}

}  // namespace

PeerAddress PeerFromIp(absl::string_view ip) {
  PeerAddress p;
  const std::string text(ip.data(), ip.size());
  in_addr v4;
  if (inet_pton(AF_INET, text.c_str(), &v4) == 1) {
    char buf[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &v4, buf, sizeof buf);
    p.key = buf;
    p.loopback = (ntohl(v4.s_addr) >> 24) == 127;
    return p;
  }
  in6_addr v6;
  if (inet_pton(AF_INET6, text.c_str(), &v6) != 1) return p;
  static const unsigned char kMappedPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(v6.s6_addr, kMappedPrefix, sizeof kMappedPrefix) == 0) {
    std::memcpy(&v4.s_addr, v6.s6_addr + 12, 4);
    char buf[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &v4, buf, sizeof buf);
    return PeerFromIp(buf);
  }
  p.loopback = IN6_IS_ADDR_LOOPBACK(&v6);
  std::memset(v6.s6_addr + 8, 0, 8);
  char buf[INET6_ADDRSTRLEN];
  inet_ntop(AF_INET6, &v6, buf, sizeof buf);
  p.key = absl::StrCat(buf, "/64");
  return p;
}

PeerAddress PeerFromGrpc(absl::string_view peer) {
  const std::string decoded = PercentDecode(peer);
  absl::string_view s = decoded;
  if (absl::ConsumePrefix(&s, "unix:") || absl::ConsumePrefix(&s, "unix-abstract:")) {
    PeerAddress p;
    p.key = "unix";
    p.loopback = true;
    return p;
  }
  if (absl::ConsumePrefix(&s, "ipv4:")) {
    const size_t colon = s.rfind(':');
    return PeerFromIp(colon == absl::string_view::npos ? s : s.substr(0, colon));
  }
  if (absl::ConsumePrefix(&s, "ipv6:")) {
    if (absl::ConsumePrefix(&s, "[")) {
      const size_t close = s.find(']');
      if (close == absl::string_view::npos) return PeerAddress{};
      s = s.substr(0, close);
    }
    // A zone ("fe80::1%eth0") does not change who the client is.
    const size_t zone = s.find('%');
    if (zone != absl::string_view::npos) s = s.substr(0, zone);
    return PeerFromIp(s);
  }
  return PeerAddress{};
}

}  // namespace statuscast
