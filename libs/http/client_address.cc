#include "libs/http/client_address.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace statuscast {
namespace {

constexpr uint8_t kV4MappedPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

bool PrefixMatches(const IpAddress& a, const IpAddress& base, int bits) {
  if (a.v4 != base.v4) return false;
  const int whole = bits / 8;
  if (std::memcmp(a.bytes.data(), base.bytes.data(), whole) != 0) return false;
  const int rest = bits % 8;
  if (rest == 0) return true;
  const uint8_t mask = static_cast<uint8_t>(0xff << (8 - rest));
  return (a.bytes[whole] & mask) == (base.bytes[whole] & mask);
}

}  // namespace

absl::optional<IpAddress> ParseIpAddress(std::string_view text) {
  std::string s(absl::StripAsciiWhitespace(absl::string_view(text.data(), text.size())));
  // "[::1]" as some proxies write IPv6.
  if (s.size() > 2 && s.front() == '[' && s.back() == ']') s = s.substr(1, s.size() - 2);
  // A link-local peer's zone ("fe80::1%eth0") names the interface, not the host.
  if (const size_t zone = s.find('%'); zone != std::string::npos) s.resize(zone);
  IpAddress a;
  if (inet_pton(AF_INET, s.c_str(), a.bytes.data()) == 1) return a;
  if (inet_pton(AF_INET6, s.c_str(), a.bytes.data()) != 1) return absl::nullopt;
  if (std::memcmp(a.bytes.data(), kV4MappedPrefix, sizeof kV4MappedPrefix) == 0) {
    std::memmove(a.bytes.data(), a.bytes.data() + 12, 4);
    std::fill(a.bytes.begin() + 4, a.bytes.end(), 0);
    return a;
  }
  a.v4 = false;
  return a;
}

bool IpAddress::IsLoopback() const {
  if (v4) return bytes[0] == 127;
  static constexpr std::array<uint8_t, 16> kLoopback6 = {0, 0, 0, 0, 0, 0, 0, 0,
                                                         0, 0, 0, 0, 0, 0, 0, 1};
  return bytes == kLoopback6;
}

std::string IpAddress::ToString() const {
  char buf[INET6_ADDRSTRLEN] = {};
  inet_ntop(v4 ? AF_INET : AF_INET6, bytes.data(), buf, sizeof buf);
  return buf;
}

std::string LimitKey(const IpAddress& address) {
  if (address.v4) return address.ToString();
  IpAddress prefix = address;
  std::fill(prefix.bytes.begin() + 8, prefix.bytes.end(), 0);
  return prefix.ToString() + "/64";
}

absl::StatusOr<TrustedProxies> TrustedProxies::Parse(const std::vector<std::string>& entries) {
  TrustedProxies out;
  for (const std::string& raw : entries) {
    const std::string entry(absl::StripAsciiWhitespace(raw));
    if (entry.empty()) continue;
    const size_t slash = entry.find('/');
    absl::optional<IpAddress> base = ParseIpAddress(entry.substr(0, slash));
    int bits = 0;
    bool ok = base.has_value();
    if (ok) {
      const int max_bits = base->v4 ? 32 : 128;
      bits = max_bits;
      if (slash != std::string::npos) {
        ok = absl::SimpleAtoi(entry.substr(slash + 1), &bits) && bits >= 0 && bits <= max_bits;
      }
    }
    if (!ok) {
      return absl::InvalidArgumentError(absl::StrCat(
          "trusted proxy \"", entry, "\" is not an IP address or CIDR block (e.g. 10.0.0.0/8)"));
    }
    out.blocks_.push_back(Block{*base, bits});
  }
  return out;
}

bool TrustedProxies::Contains(const IpAddress& address) const {
  for (const Block& b : blocks_) {
    if (PrefixMatches(address, b.base, b.prefix_bits)) return true;
  }
  return false;
}

IpAddress TrustedProxies::ClientOf(const IpAddress& peer, std::string_view forwarded_for) const {
  if (!Contains(peer)) return peer;
  IpAddress client = peer;
  std::vector<absl::string_view> hops =
      absl::StrSplit(absl::string_view(forwarded_for.data(), forwarded_for.size()), ',');
  for (auto it = hops.rbegin(); it != hops.rend(); ++it) {
    if (absl::StripAsciiWhitespace(*it).empty()) continue;
    absl::optional<IpAddress> hop = ParseIpAddress(std::string_view(it->data(), it->size()));
    if (!hop) break;  // not written by a proxy we trust
    client = *hop;
    if (!Contains(client)) break;
  }
  return client;
}

}  // namespace statuscast
