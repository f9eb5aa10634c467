// The table of statuscastctl's commands: one row per command with its name,
// the other spellings it answers to, the token scope it needs at most, its
// handler, and its help (synopsis, summary, example, the flags it takes).
// Run, the help text (usage.h) and "did you mean" all read this one table.
//
// Naming rule: a command is a verb (declare, update, resolve, ...) or the
// singular noun of what it manages followed by a verb (banner create,
// token list, component create); the plural noun works as an alias
// (banners list, tokens list, components).
// Thread safety: the table is built once and never changes.
#ifndef STATUSCAST_SERVICES_CTL_COMMAND_TABLE_H_
#define STATUSCAST_SERVICES_CTL_COMMAND_TABLE_H_

#include <string>
#include <vector>

namespace statuscast {
namespace ctl {

class CommandRunner;

// The most a command needs of a token (a token of a higher scope also does).
enum class CommandScope { kRead, kWrite, kAdmin };
const char* CommandScopeName(CommandScope s);  // "read", "write", "admin"

struct CommandSpec {
  const char* name;
  std::vector<std::string> aliases;
  CommandScope scope;
  int (CommandRunner::*handler)(const std::vector<std::string>& args);
  const char* synopsis;  // may hold several lines, each indented by 14
  const char* summary;
  const char* example;
  // Flags (canonical names) it accepts besides the global ones.
  std::vector<std::string> flags;
};

// Every command, in help order.
const std::vector<CommandSpec>& CommandTable();

// The command named `name` or one of its aliases; null when none is.
const CommandSpec* FindCommand(const std::string& name);

// The command names (not aliases) closest to an unknown `name` by edit
// distance, at most two edits away (one for names of three letters or
// fewer), nearest first; empty when none is that close.
std::vector<std::string> SuggestCommands(const std::string& name);

}  // namespace ctl
}  // namespace statuscast

#endif  // STATUSCAST_SERVICES_CTL_COMMAND_TABLE_H_
