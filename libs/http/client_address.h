// ClientAddress: which client a connection or request belongs to, for the
// per-address limits (client_limits.h) and the logs.
//
//   - ParseIpAddress: an IPv4 or IPv6 literal; an IPv4-mapped IPv6 address
//     is its IPv4 address.
//   - LimitKey: the IPv4 address, or the /64 of an IPv6 one (one host
//     commonly holds a whole /64), e.g. "2001:db8:1:2::/64".
//   - TrustedProxies: the reverse proxies whose X-Forwarded-For is believed.
//     Behind one, the client is the right-most X-Forwarded-For address that is
//     not itself a trusted proxy: each proxy appends the address it saw, so
//     everything left of that is what the client claims and is ignored. A
//     peer that is not a trusted proxy is the client, whatever it sends.
//
// Thread safety: values; const methods may be called from any thread.
#ifndef STATUSCAST_LIBS_HTTP_CLIENT_ADDRESS_H_
#define STATUSCAST_LIBS_HTTP_CLIENT_ADDRESS_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/optional.h"

namespace statuscast {

struct IpAddress {
  bool v4 = true;
  // IPv4: the first 4 bytes; IPv6: all 16.
  std::array<uint8_t, 16> bytes{};

  bool IsLoopback() const;
  std::string ToString() const;
  bool operator==(const IpAddress& o) const { return v4 == o.v4 && bytes == o.bytes; }
};

absl::optional<IpAddress> ParseIpAddress(std::string_view text);
std::string LimitKey(const IpAddress& address);

class TrustedProxies {
 public:
  TrustedProxies() = default;
  // Entries are addresses ("10.1.2.3", "::1") or CIDR blocks
  // ("10.0.0.0/8", "fd00::/8"). INVALID_ARGUMENT names the first bad entry.
  static absl::StatusOr<TrustedProxies> Parse(const std::vector<std::string>& entries);

  bool empty() const { return blocks_.empty(); }
  bool Contains(const IpAddress& address) const;
  // The client behind `peer`, given the request's X-Forwarded-For value
  // (comma-separated, as joined from repeated headers). `peer` itself unless
  // it is trusted; when every listed address is trusted, the left-most; an
  // entry that is not an address ends the walk at the address right of it.
  IpAddress ClientOf(const IpAddress& peer, std::string_view forwarded_for) const;

 private:
  struct Block {
    IpAddress base;
    int prefix_bits = 0;
  };
  std::vector<Block> blocks_;
};

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_HTTP_CLIENT_ADDRESS_H_
