#include "libs/base/flag_env.h"

#include <cstdlib>

#include "absl/flags/reflection.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace statuscast {
namespace {

// Whether `help` says "(env NAME" followed by ")" or "," (not a longer name).
bool NamesVariable(const std::string& help, const std::string& env) {
  const std::string needle = absl::StrCat("(env ", env);
  for (size_t at = help.find(needle); at != std::string::npos; at = help.find(needle, at + 1)) {
    const size_t end = at + needle.size();
    if (end < help.size() && (help[end] == ')' || help[end] == ',')) return true;
  }
  return false;
}

}  // namespace

absl::Status ApplyEnvironmentToFlags(
    const std::vector<std::pair<std::string, std::string>>& flag_env) {
  for (const auto& [flag_name, env] : flag_env) {
    absl::CommandLineFlag* listed = absl::FindCommandLineFlag(flag_name);
    if (listed == nullptr) {
      return absl::InternalError(absl::StrCat("no flag --", flag_name, " for ", env));
    }
    if (!NamesVariable(listed->Help(), env)) {
      return absl::InternalError(
          absl::StrCat("the help of --", flag_name, " does not name its variable (env ", env, ")"));
    }
  }
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

void ShowMainFlagsInHelp(const char* main_file) {
  const std::string file = main_file;
  // Abseil may hand the filter a normalized name (no leading "/").
  auto defined_in_main = [file](absl::string_view path) {
    return path == absl::string_view(file) || absl::EndsWith(file, absl::StrCat("/", path));
  };
  absl::FlagsUsageConfig config;
  config.contains_help_flags = defined_in_main;
  config.contains_helpshort_flags = defined_in_main;
  config.contains_helppackage_flags = defined_in_main;
  absl::SetFlagsUsageConfig(config);
}

}  // namespace statuscast
