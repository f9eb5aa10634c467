// statuscastctl token: API tokens on statuscast-comms' TokenService (every
// call needs an admin token).
//
//   token create NAME --scope read|write|admin [--ttl 720h]   the secret alone on stdout
//   token list                                               never a secret
//   token revoke NAME
//
// Thread safety: one call at a time.
#ifndef STATUSCAST_SERVICES_CTL_TOKEN_COMMANDS_H_
#define STATUSCAST_SERVICES_CTL_TOKEN_COMMANDS_H_

#include <iosfwd>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/ctl/ctl_options.h"
#include "statuscast/v1/token.grpc.pb.h"

namespace statuscast {
class Clock;

namespace ctl {

// Runs `args` (args[0] == "token"); returns the exit code (rpc_errors.h).
// Usage errors are reported with `usage`, the token command's help.
int RunTokenCommand(const CtlOptions& options, v1::TokenService::StubInterface* stub,
                    const Clock& clock, const std::vector<std::string>& args,
                    const std::string& usage, std::ostream* out, std::ostream* err);

// "720h", "90m", "30d" (days), as --ttl takes them.
absl::StatusOr<absl::Duration> ParseTtl(const std::string& text);

}  // namespace ctl
}  // namespace statuscast

#endif  // STATUSCAST_SERVICES_CTL_TOKEN_COMMANDS_H_
