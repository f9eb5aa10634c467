// Whether statuscastctl may send its API token to a server: a bearer token
// in plaintext can be read (and replayed) by anyone on the path, so it goes
// unencrypted only to a loopback address (127.0.0.0/8, ::1, localhost, a
// unix socket) unless the user says --insecure.
//
//   OK                   TLS, no token, or a loopback target
//   OK + *warning set    plaintext to another address with --insecure
//   FAILED_PRECONDITION  plaintext to another address without --insecure:
//                        send nothing, exit 2 (the message says what to do)
// Pure function; thread-safe.
#ifndef STATUSCAST_SERVICES_CTL_TOKEN_TRANSPORT_H_
#define STATUSCAST_SERVICES_CTL_TOKEN_TRANSPORT_H_

#include <string>

#include "absl/status/status.h"

namespace statuscast {
namespace ctl {

struct TokenTransport {
  std::string target;  // a gRPC target: host:port, [v6]:port, dns:///host:port, unix:path
  const char* target_flag = "--server";
  bool tls = false;
  bool has_token = false;
  bool insecure = false;  // --insecure
};

// True when `target` names this machine only.
bool IsLoopbackTarget(const std::string& target);

absl::Status CheckTokenTransport(const TokenTransport& t, std::string* warning);

}  // namespace ctl
}  // namespace statuscast

#endif  // STATUSCAST_SERVICES_CTL_TOKEN_TRANSPORT_H_
