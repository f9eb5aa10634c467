#include "services/ctl/token_transport.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "libs/base/peer_address.h"

namespace statuscast {
namespace ctl {

bool IsLoopbackTarget(const std::string& target) {
  absl::string_view s = target;
  if (absl::StartsWith(s, "unix:") || absl::StartsWith(s, "unix-abstract:")) return true;
  // dns:///host:port, dns://authority/host:port, dns:host:port, ipv4:, ipv6:
  if (absl::ConsumePrefix(&s, "dns:")) {
    if (absl::ConsumePrefix(&s, "//")) {
      const size_t slash = s.find('/');
      if (slash == absl::string_view::npos) return false;
      s = s.substr(slash + 1);
    }
  } else if (!absl::ConsumePrefix(&s, "ipv4:")) {
    absl::ConsumePrefix(&s, "ipv6:");
  }
  std::string host;
  if (absl::ConsumePrefix(&s, "[")) {
    const size_t close = s.find(']');
    if (close == absl::string_view::npos) return false;
    host = std::string(s.substr(0, close));
  } else {
    const size_t colon = s.rfind(':');
    host = std::string(colon == absl::string_view::npos ? s : s.substr(0, colon));
  }
  host = absl::AsciiStrToLower(host);
  if (host == "localhost" || absl::EndsWith(host, ".localhost")) return true;
  return PeerFromIp(host).loopback;
}

absl::Status CheckTokenTransport(const TokenTransport& t, std::string* warning) {
  warning->clear();
  if (t.tls || !t.has_token || IsLoopbackTarget(t.target)) return absl::OkStatus();
  if (t.insecure) {
    *warning = absl::StrCat("warning: sending the API token in plaintext to ", t.target, " (",
                            t.target_flag, ", --insecure): anyone on the path can read it");
    return absl::OkStatus();
  }
  return absl::FailedPreconditionError(
      absl::StrCat("refusing to send the API token in plaintext to ", t.target, " (", t.target_flag,
                   " is not a loopback address); nothing was sent. Use TLS (--tls_ca, env "
                   "STATUSCAST_TLS_CA) or, on a network you trust, --insecure"));
}

}  // namespace ctl
}  // namespace statuscast
