#include "libs/base/flag_env.h"

#include <algorithm>
#include <cstdlib>

#include "absl/flags/reflection.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/ascii.h"
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

// Whether `path`, a flag's file as Abseil reports it, is `main_file`
// (__FILE__). Abseil may hand over a normalized name (no leading "/").
bool IsMainFile(const std::string& main_file, absl::string_view path) {
  return path == absl::string_view(main_file) ||
         absl::EndsWith(main_file, absl::StrCat("/", path));
}

bool IsOneOf(const std::vector<std::string>& files, absl::string_view path) {
  for (const std::string& f : files) {
    if (IsMainFile(f, path)) return true;
  }
  return false;
}

}  // namespace

std::string EnvironmentVariableInHelp(const std::string& help) {
  const std::string open = "(env ";
  for (size_t at = help.find(open); at != std::string::npos; at = help.find(open, at + 1)) {
    size_t end = at + open.size();
    while (end < help.size() && (absl::ascii_isupper(help[end]) ||
                                 absl::ascii_isdigit(help[end]) || help[end] == '_')) {
      ++end;
    }
    if (end > at + open.size() && end < help.size() && (help[end] == ')' || help[end] == ',')) {
      return help.substr(at + open.size(), end - at - open.size());
    }
  }
  return "";
}

absl::Status ApplyEnvironmentNamedInHelp(const char* main_file) {
  return ApplyEnvironmentNamedInHelp(std::vector<std::string>{main_file});
}

absl::Status ApplyEnvironmentNamedInHelp(const std::vector<std::string>& files) {
  std::vector<std::pair<std::string, std::string>> flag_env;
  for (const auto& [name, flag] : absl::GetAllFlags()) {
    if (!IsOneOf(files, flag->Filename())) continue;
    std::string env = EnvironmentVariableInHelp(flag->Help());
    if (!env.empty()) flag_env.emplace_back(std::string(name), std::move(env));
  }
  std::sort(flag_env.begin(), flag_env.end());  // errors name the same flag every run
  return ApplyEnvironmentToFlags(flag_env);
}

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
  ShowMainFlagsInHelp(std::vector<std::string>{main_file});
}

void ShowMainFlagsInHelp(const std::vector<std::string>& files) {
  auto defined_in_main = [files](absl::string_view path) { return IsOneOf(files, path); };
  absl::FlagsUsageConfig config;
  config.contains_help_flags = defined_in_main;
  config.contains_helpshort_flags = defined_in_main;
  config.contains_helppackage_flags = defined_in_main;
  absl::SetFlagsUsageConfig(config);
}

}  // namespace statuscast
