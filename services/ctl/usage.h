// statuscastctl's help text, made from the table of commands
// (command_table.h): every subcommand with an example, the value forms,
// global flags and exit codes. Thread safety: pure functions.
#ifndef STATUSCAST_SERVICES_CTL_USAGE_H_
#define STATUSCAST_SERVICES_CTL_USAGE_H_

#include <string>
#include <vector>

namespace statuscast {
namespace ctl {

// The whole help (statuscastctl help, --help).
std::string UsageText();
// One subcommand's synopsis, other spellings, token scope and example (by
// its name or an alias), or "" when unknown.
std::string CommandUsage(const std::string& command);
// Short: the list of subcommands and where the full help is (for errors).
std::string ShortUsage();

}  // namespace ctl
}  // namespace statuscast

#endif  // STATUSCAST_SERVICES_CTL_USAGE_H_
