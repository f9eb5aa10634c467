// Every service setting is a flag with an environment variable.
//
// ApplyEnvironmentToFlags() sets each listed flag from its variable when the
// variable is set; call it before absl::ParseCommandLine so the command line
// still wins. A variable that does not parse stops start-up with a message
// naming the variable. Each listed flag's help must name its variable as
// "(env NAME)" or "(env NAME, ...)", so that --help cannot name another one.
//
// ApplyEnvironmentNamedInHelp() does the same for every flag defined in the
// file `main_file` (a service's main.cc, by __FILE__; or each of several
// files, when a library defines flags the services share) whose help names a
// variable "(env NAME)" or "(env NAME, ...)": the help is the one table of
// flags and variables. Flags whose help names none ("Command line only") are
// left to the command line.
//
// ShowMainFlagsInHelp() makes --help and --helpshort list the flags defined
// in the service's main.cc (or the files named; Abseil's default looks for a file named after the
// binary, finds none and prints "No flags matched"). Both service mains call
// it with __FILE__, before absl::ParseCommandLine.
//
// Thread safety: call both from main before any other thread starts.
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

// `main_file`: __FILE__ of the translation unit that defines the flags.
absl::Status ApplyEnvironmentNamedInHelp(const char* main_file);
// `files`: __FILE__ of each translation unit whose flags the binary shows.
absl::Status ApplyEnvironmentNamedInHelp(const std::vector<std::string>& files);

// The variable `help` names as "(env NAME)" or "(env NAME, ...)", or "".
std::string EnvironmentVariableInHelp(const std::string& help);

// `main_file`: __FILE__ of the translation unit that defines the flags.
void ShowMainFlagsInHelp(const char* main_file);
void ShowMainFlagsInHelp(const std::vector<std::string>& files);

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_BASE_FLAG_ENV_H_
