#include "libs/base/flag_env.h"

#include <cstdlib>

#include "absl/flags/reflection.h"
#include "absl/strings/str_cat.h"

namespace statuscast {

absl::Status ApplyEnvironmentToFlags(
    const std::vector<std::pair<std::string, std::string>>& flag_env) {
  for (const auto& [flag_name, env] : flag_env) {
    const char* value = std::getenv(env.c_str());
    if (value == nullptr) continue;
    absl::CommandLineFlag* flag = absl::FindCommandLineFlag(flag_name);
    if (flag == nullptr) {
      return absl::InternalError(absl::StrCat("no flag --", flag_name, " for ", env));
    }
    std::string error;
    if (!flag->ParseFrom(value, &error)) {
      return absl::InvalidArgumentError(
          absl::StrCat("environment variable ", env, "=\"", value, "\" is not a valid --",
                       flag_name, ": ", error));
    }
  }
  return absl::OkStatus();
}

}  // namespace statuscast
