#include "libs/notify/destination_guard.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace statuscast {
namespace {

struct V4Range {
  uint32_t network;
  int prefix;
  AddressClass cls;
};

constexpr uint32_t Ip(int a, int b, int c, int d) {
  return (static_cast<uint32_t>(a) << 24) | (static_cast<uint32_t>(b) << 16) |
         (static_cast<uint32_t>(c) << 8) | static_cast<uint32_t>(d);
}

// Most specific first where ranges nest.
constexpr V4Range kV4Ranges[] = {
    {Ip(0, 0, 0, 0), 8, AddressClass::kUnspecified},
    {Ip(10, 0, 0, 0), 8, AddressClass::kPrivate},
    {Ip(100, 64, 0, 0), 10, AddressClass::kSharedAddressSpace},
    {Ip(127, 0, 0, 0), 8, AddressClass::kLoopback},
    {Ip(169, 254, 0, 0), 16, AddressClass::kLinkLocal},
    {Ip(172, 16, 0, 0), 12, AddressClass::kPrivate},
    {Ip(192, 0, 0, 0), 24, AddressClass::kReserved},
    {Ip(192, 0, 2, 0), 24, AddressClass::kDocumentation},
    {Ip(192, 88, 99, 0), 24, AddressClass::kReserved},
    {Ip(192, 168, 0, 0), 16, AddressClass::kPrivate},
    {Ip(198, 18, 0, 0), 15, AddressClass::kReserved},
    {Ip(198, 51, 100, 0), 24, AddressClass::kDocumentation},
    {Ip(203, 0, 113, 0), 24, AddressClass::kDocumentation},
    {Ip(224, 0, 0, 0), 4, AddressClass::kMulticast},
    {Ip(240, 0, 0, 0), 4, AddressClass::kReserved},
};

AddressClass ClassifyV4(uint32_t a) {
  for (const V4Range& r : kV4Ranges) {
    uint32_t mask = r.prefix == 0 ? 0 : ~uint32_t{0} << (32 - r.prefix);
    if ((a & mask) == r.network) return r.cls;
  }
  return AddressClass::kPublic;
}

using V6 = std::array<uint8_t, 16>;

bool HasPrefix(const V6& a, std::initializer_list<uint8_t> bytes, int prefix_bits) {
  std::array<uint8_t, 16> p{};
  std::copy(bytes.begin(), bytes.end(), p.begin());
  for (int bit = 0; bit < prefix_bits; ++bit) {
    int byte = bit / 8;
    uint8_t m = static_cast<uint8_t>(0x80 >> (bit % 8));
    if ((a[byte] & m) != (p[byte] & m)) return false;
  }
  return true;
}

uint32_t V4At(const V6& a, int offset) {
  return (uint32_t{a[offset]} << 24) | (uint32_t{a[offset + 1]} << 16) |
         (uint32_t{a[offset + 2]} << 8) | uint32_t{a[offset + 3]};
}

AddressClass ClassifyV6(const V6& a) {
  static constexpr V6 kZero{};
  V6 one{};
  one[15] = 1;
  if (a == kZero) return AddressClass::kUnspecified;
  if (a == one) return AddressClass::kLoopback;
  // IPv4-mapped ::ffff:0:0/96, NAT64 64:ff9b::/96, 6to4 2002::/16: the IPv4
  // address inside is where the packets go.
  if (HasPrefix(a, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff}, 96)) return ClassifyV4(V4At(a, 12));
  if (HasPrefix(a, {0x00, 0x64, 0xff, 0x9b}, 96)) return ClassifyV4(V4At(a, 12));
  if (HasPrefix(a, {0x20, 0x02}, 16)) return ClassifyV4(V4At(a, 2));
  if (HasPrefix(a, {}, 96)) return AddressClass::kReserved;  // IPv4-compatible (deprecated)
  if (HasPrefix(a, {0x00, 0x64, 0xff, 0x9b, 0x00, 0x01}, 48)) return AddressClass::kPrivate;
  if (HasPrefix(a, {0x01, 0x00}, 64)) return AddressClass::kReserved;  // discard-only
  if (HasPrefix(a, {0x20, 0x01, 0x0d, 0xb8}, 32)) return AddressClass::kDocumentation;
  if (HasPrefix(a, {0x3f, 0xff}, 20)) return AddressClass::kDocumentation;
  if (HasPrefix(a, {0x20, 0x01}, 23)) return AddressClass::kReserved;  // incl. Teredo
  if (HasPrefix(a, {0xfc}, 7)) return AddressClass::kUniqueLocal;
  if (HasPrefix(a, {0xfe, 0x80}, 10)) return AddressClass::kLinkLocal;
  if (HasPrefix(a, {0xfe, 0xc0}, 10)) return AddressClass::kPrivate;  // site-local (deprecated)
  if (HasPrefix(a, {0xff}, 8)) return AddressClass::kMulticast;
  if (!HasPrefix(a, {0x20}, 3)) return AddressClass::kReserved;  // not global unicast
  return AddressClass::kPublic;
}

std::string NumericHost(const sockaddr* sa) {
  char buf[INET6_ADDRSTRLEN] = {0};
  if (sa->sa_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(sa)->sin_addr, buf, sizeof buf);
  } else if (sa->sa_family == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr, buf, sizeof buf);
  }
  return buf;
}

constexpr uint32_t kMetadataV4 = Ip(169, 254, 169, 254);

// 169.254.169.254 however spelled (also inside ::ffff:, NAT64 or 6to4), or
// the IPv6 metadata address of EC2 (fd00:ec2::254).
bool IsMetadataService(absl::string_view address) {
  const std::string text(address);
  in_addr v4;
  if (inet_pton(AF_INET, text.c_str(), &v4) == 1) return ntohl(v4.s_addr) == kMetadataV4;
  in6_addr v6;
  if (inet_pton(AF_INET6, text.c_str(), &v6) != 1) return false;
  V6 a;
  std::memcpy(a.data(), v6.s6_addr, 16);
  if (HasPrefix(a, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff}, 96) ||
      HasPrefix(a, {0x00, 0x64, 0xff, 0x9b}, 96)) {
    return V4At(a, 12) == kMetadataV4;
  }
  if (HasPrefix(a, {0x20, 0x02}, 16)) return V4At(a, 2) == kMetadataV4;
  return a == V6{0xfd, 0x00, 0x0e, 0xc2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x54};
}

}  // namespace

const char* AddressClassName(AddressClass c) {
  switch (c) {
    case AddressClass::kPublic:
      return "public";
    case AddressClass::kUnspecified:
      return "unspecified";
    case AddressClass::kLoopback:
      return "loopback";
    case AddressClass::kPrivate:
      return "private";
    case AddressClass::kSharedAddressSpace:
      return "shared address space (carrier-grade NAT)";
    case AddressClass::kLinkLocal:
      return "link-local";
    case AddressClass::kUniqueLocal:
      return "unique local (private IPv6)";
    case AddressClass::kMulticast:
      return "multicast";
    case AddressClass::kDocumentation:
      return "reserved for documentation";
    case AddressClass::kReserved:
      return "reserved";
  }
  return "unknown";
}

absl::StatusOr<AddressClass> ClassifyAddress(absl::string_view address) {
  const std::string text(address);
  in_addr v4;
  if (inet_pton(AF_INET, text.c_str(), &v4) == 1) return ClassifyV4(ntohl(v4.s_addr));
  in6_addr v6;
  if (inet_pton(AF_INET6, text.c_str(), &v6) == 1) {
    V6 bytes;
    std::memcpy(bytes.data(), v6.s6_addr, 16);
    return ClassifyV6(bytes);
  }
  return absl::InvalidArgumentError(absl::StrCat("\"", text, "\" is not an IP address"));
}

absl::Status CheckAddress(absl::string_view address, const DestinationPolicy& policy) {
  absl::StatusOr<AddressClass> cls = ClassifyAddress(address);
  if (!cls.ok()) return cls.status();
  if (*cls == AddressClass::kPublic || policy.allow_non_public) return absl::OkStatus();
  const bool metadata = IsMetadataService(address);
  return absl::PermissionDeniedError(
      absl::StrCat("destination address ", std::string(address), " is ", AddressClassName(*cls),
                   metadata ? " (the cloud metadata service)" : "",
                   "; webhooks are delivered only to public addresses"));
}

absl::StatusOr<std::vector<std::string>> SystemResolver::Resolve(const std::string& host) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* result = nullptr;
  int rc = getaddrinfo(host.c_str(), nullptr, &hints, &result);
  if (rc == EAI_NONAME || rc == EAI_NODATA) {
    return absl::NotFoundError(
        absl::StrCat("host ", host, " does not exist (", gai_strerror(rc), ")"));
  }
  if (rc != 0) {
    return absl::UnavailableError(absl::StrCat("resolving ", host, ": ", gai_strerror(rc)));
  }
  std::vector<std::string> out;
  for (addrinfo* ai = result; ai != nullptr; ai = ai->ai_next) {
    std::string a = NumericHost(ai->ai_addr);
    if (!a.empty() && std::find(out.begin(), out.end(), a) == out.end()) out.push_back(a);
  }
  freeaddrinfo(result);
  return out;
}

absl::StatusOr<std::vector<std::string>> CheckDestination(const std::string& host,
                                                          HostResolver& resolver,
                                                          const DestinationPolicy& policy) {
  if (ClassifyAddress(host).ok()) {
    if (absl::Status s = CheckAddress(host, policy); !s.ok()) return s;
    return std::vector<std::string>{host};
  }
  absl::StatusOr<std::vector<std::string>> addresses = resolver.Resolve(host);
  if (!addresses.ok()) return addresses.status();
  if (addresses->empty())
    return absl::NotFoundError(absl::StrCat("host ", host, " has no address"));
  for (const std::string& a : *addresses) {
    if (absl::Status s = CheckAddress(a, policy); !s.ok()) {
      return absl::PermissionDeniedError(
          absl::StrCat("host ", host, " resolves to a refused address: ", s.message()));
    }
  }
  return addresses;
}

}  // namespace statuscast
