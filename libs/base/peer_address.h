// PeerAddress: who a network client is, for per-client limits.
//
// The key is the IPv4 address, or the /64 prefix of an IPv6 address (one
// host commonly holds a whole /64), the same keying as the HTTP limits
// (libs/http/client_limits.h). IPv4-mapped IPv6 addresses count as IPv4.
// Loopback (127.0.0.0/8, ::1) is reported so callers can exempt it.
//
//   PeerAddress p = PeerFromGrpc("ipv6:[2001:db8:1:2::7]:4711");
//   p.key == "2001:db8:1:2::/64", p.loopback == false
//
// Pure functions; thread-safe.
#ifndef STATUSCAST_LIBS_BASE_PEER_ADDRESS_H_
#define STATUSCAST_LIBS_BASE_PEER_ADDRESS_H_

#include <string>

#include "absl/strings/string_view.h"

namespace statuscast {

struct PeerAddress {
  // "unknown" when the address could not be read (such peers share one key,
  // so they are limited together rather than not at all).
  std::string key = "unknown";
  bool loopback = false;
};

// From a bare IP address ("10.0.0.1", "2001:db8::1", "::ffff:10.0.0.1").
PeerAddress PeerFromIp(absl::string_view ip);

// From grpc::ServerContext::peer(): "ipv4:10.0.0.1:5000",
// "ipv6:[2001:db8::1]:5000", "unix:/path" (unix sockets count as loopback:
// only local processes reach them), percent-encoded or not.
PeerAddress PeerFromGrpc(absl::string_view peer);

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_BASE_PEER_ADDRESS_H_
