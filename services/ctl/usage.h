// statuscastctl's help text: every subcommand with an example, the value
// forms, global flags and exit codes. Thread safety: pure functions.
#ifndef STATUSCAST_SERVICES_CTL_USAGE_H_
#define STATUSCAST_SERVICES_CTL_USAGE_H_

#include <string>
#include <vector>

namespace statuscast {
namespace ctl {

// The whole help (statuscastctl help, --help).
std::string UsageText();
// One subcommand's synopsis and example, or "" when unknown.
std::string CommandUsage(const std::string& command);
// Short: the list of subcommands and where the full help is (for errors).
std::string ShortUsage();
// The subcommand names, in help order.
std::vector<std::string> CommandNames();
// Flags (canonical names) a subcommand accepts besides the global ones.
std::vector<std::string> CommandFlags(const std::string& command);

}  // namespace ctl
}  // namespace statuscast

#endif  // STATUSCAST_SERVICES_CTL_USAGE_H_
