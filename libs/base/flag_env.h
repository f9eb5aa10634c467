// Every service setting is a flag with an environment variable.
//
// ApplyEnvironmentToFlags() sets each listed flag from its variable when the
// variable is set; call it before absl::ParseCommandLine so the command line
// still wins. A variable that does not parse stops start-up with a message
// naming the variable.
#ifndef STATUSCAST_LIBS_BASE_FLAG_ENV_H_
#define STATUSCAST_LIBS_BASE_FLAG_ENV_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"

namespace statuscast {

// Pairs of (flag name, environment variable).
absl::Status ApplyEnvironmentToFlags(
    const std::vector<std::pair<std::string, std::string>>& flag_env);

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_BASE_FLAG_ENV_H_
