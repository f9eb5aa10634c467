// statuscastctl's command line: absl flags, read by a small parser of our own
// so that a usage error exits 2 (absl::ParseCommandLine exits 1), flag names
// take '-' or '_' alike (--no-progress) and flags may follow positional
// arguments (statuscastctl update INC-12 --message ...).
// Thread safety: call from main only, before any other thread starts.
#ifndef STATUSCAST_SERVICES_CTL_COMMAND_LINE_H_
#define STATUSCAST_SERVICES_CTL_COMMAND_LINE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/ctl/ctl_options.h"

namespace statuscast {
namespace ctl {

struct CommandLine {
  std::vector<std::string> positional;  // subcommand first
  bool help = false;                    // --help, -h
  CtlOptions options;
};

// Sets the statuscastctl flags from the environment (STATUSCAST_SERVER,
// STATUSCAST_AUTHOR, then $USER for the author), then from argv (which wins).
// Accepts --flag=value, --flag value, -flag, --noflag for booleans, and "--"
// ending the flags. INVALID_ARGUMENT names an unknown flag or a bad value.
absl::StatusOr<CommandLine> ParseCommandLine(int argc, char** argv);

}  // namespace ctl
}  // namespace statuscast

#endif  // STATUSCAST_SERVICES_CTL_COMMAND_LINE_H_
