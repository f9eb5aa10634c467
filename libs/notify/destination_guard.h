// Where a webhook may be delivered: the guard against server-side request
// forgery (a subscriber pointing us at our own network or a cloud metadata
// service).
//
// A destination host is resolved once; every address it resolves to is
// classified, and if any is not public the destination is refused (a name
// with one private address among public ones is how DNS rebinding starts).
// The transport then connects only to the addresses checked here
// (webhook_transport.h pins them and refuses any other at socket time).
//
// Refused classes, unless DestinationPolicy::allow_non_public (tests, private
// deployments) is set: unspecified (0.0.0.0/8, ::), loopback (127/8, ::1),
// private (10/8, 172.16/12, 192.168/16, fec0::/10, 64:ff9b:1::/48), shared
// address space (100.64/10, carrier-grade NAT), link-local (169.254/16 with
// the 169.254.169.254 metadata service, fe80::/10), unique local (fc00::/7),
// multicast (224/4, ff00::/8), documentation (192.0.2/24, 198.51.100/24,
// 203.0.113/24, 2001:db8::/32, 3fff::/20) and reserved (192.0.0/24,
// 198.18/15, 240/4 with 255.255.255.255, 100::/64, 2001::/23, ::/96 and
// anything outside 2000::/3). IPv6 addresses that embed an IPv4 one
// (::ffff:a.b.c.d, NAT64 64:ff9b::/96, 6to4 2002::/16) are judged by the
// IPv4 address inside.
//
// Thread safety: the functions are pure; SystemResolver is safe from any
// thread.
#ifndef STATUSCAST_LIBS_NOTIFY_DESTINATION_GUARD_H_
#define STATUSCAST_LIBS_NOTIFY_DESTINATION_GUARD_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace statuscast {

enum class AddressClass {
  kPublic,
  kUnspecified,
  kLoopback,
  kPrivate,
  kSharedAddressSpace,
  kLinkLocal,
  kUniqueLocal,
  kMulticast,
  kDocumentation,
  kReserved,
};

// "public", "loopback", "private", "shared address space (carrier-grade NAT)",
// "link-local", ...: for messages.
const char* AddressClassName(AddressClass c);

// The class of a numeric IPv4 or IPv6 address ("10.0.0.1", "::1", without
// brackets); INVALID_ARGUMENT when `address` is not one.
absl::StatusOr<AddressClass> ClassifyAddress(absl::string_view address);

struct DestinationPolicy {
  // Accept every address class (the tests deliver to 127.0.0.1).
  bool allow_non_public = false;
};

// OK when `address` may be connected to under `policy`; otherwise
// PERMISSION_DENIED naming the address and its class, e.g. "169.254.169.254
// is link-local (the cloud metadata service)".
absl::Status CheckAddress(absl::string_view address, const DestinationPolicy& policy);

// Name resolution, behind an interface so tests map names to addresses
// without DNS.
class HostResolver {
 public:
  virtual ~HostResolver() = default;
  // Every address of `host` as numeric text; UNAVAILABLE when resolution
  // fails for now (try again later), NOT_FOUND when the name does not exist.
  virtual absl::StatusOr<std::vector<std::string>> Resolve(const std::string& host) = 0;
};

// getaddrinfo(3), both address families.
class SystemResolver final : public HostResolver {
 public:
  absl::StatusOr<std::vector<std::string>> Resolve(const std::string& host) override;
};

// The addresses `host` may be reached at: a numeric host is checked as it is,
// a name is resolved once through `resolver` and every address checked.
// PERMISSION_DENIED when any address is refused; the resolver's status when
// it fails; NOT_FOUND when the name has no address.
absl::StatusOr<std::vector<std::string>> CheckDestination(const std::string& host,
                                                          HostResolver& resolver,
                                                          const DestinationPolicy& policy);

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_NOTIFY_DESTINATION_GUARD_H_
