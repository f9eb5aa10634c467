#include "services/ctl/usage.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/ctl/command_table.h"

namespace statuscast {
namespace ctl {
namespace {

std::string Describe(const CommandSpec& c) {
  // The synopsis starts in column 15; a name too long to leave two spaces
  // before it ("maintenance") has the synopsis on the next line.
  const size_t name = std::string(c.name).size();
  const std::string gap = name <= 10 ? std::string(12 - name, ' ') : "\n              ";
  return absl::StrCat("  ", c.name, gap, c.synopsis, "\n              ", c.summary,
                      "\n              e.g. ", c.example, "\n");
}

}  // namespace

std::string CommandUsage(const std::string& command) {
  const CommandSpec* c = FindCommand(command);
  if (c == nullptr) return "";
  // The example comes last: tests/e2e/cli_examples_test.py runs what follows "e.g.".
  return absl::StrCat("usage: statuscastctl ", c->name, " ", c->synopsis, "\n", "  ", c->summary,
                      "\n",
                      c->aliases.empty()
                          ? ""
                          : absl::StrCat("  also spelled: ", absl::StrJoin(c->aliases, ", "), "\n"),
                      "  token scope: ", CommandScopeName(c->scope), "\n", "  e.g. ", c->example,
                      "\n");
}

std::string ShortUsage() {
  std::string names;
  for (const CommandSpec& c : CommandTable())
    absl::StrAppend(&names, names.empty() ? "" : ", ", c.name);
  return absl::StrCat("usage: statuscastctl COMMAND [ARGS] [--flags]\n  commands: ", names,
                      "\n  statuscastctl help (or help COMMAND) explains each.\n");
}

std::string UsageText() {
  std::string out =
      "statuscastctl: tell customers what is happening during an incident, through\n"
      "statuscast-comms. All times are UTC.\n"
      "\n"
      "usage: statuscastctl COMMAND [ARGS] [--flags]\n"
      "Commands are verbs, or a singular noun and a verb (banner list); the plural\n"
      "works too (banners list).\n"
      "\n";
  for (const CommandSpec& c : CommandTable()) absl::StrAppend(&out, Describe(c), "\n");
  absl::StrAppend(
      &out,
      "Values\n"
      "  INC-n       an incident reference: INC-12 (or 12), as declare printed it; in the\n"
      "              examples, INC-n stands for yours (others' incidents have other numbers)\n"
      "  ID          a manual banner's number, as banner create and banner list print it\n"
      "  SEV         SEV-1 (update every 30m), SEV-2 (every 60m), SEV-3 (on state change);\n"
      "              also sev1 or 1\n"
      "  S           investigating, identified, monitoring, resolved\n"
      "  C[:STATUS]  a component and its status: operational, degraded_performance,\n"
      "              partial_outage (the default), major_outage, under_maintenance\n"
      "  CH          in_app_banner, status_page, public; default status_page,in_app_banner\n"
      "              (resolve: status_page)\n"
      "  --next      when the next update comes: 30m (from now), 14:30 (UTC), or RFC3339\n"
      "              2026-11-27T14:30:00Z. SEV-1/SEV-2 default: the time the message\n"
      "              names (\"Next update by 14:30 UTC\"), else the server's cadence\n"
      "              from now (its --cadence; 30m / 60m unless set). One promise: with\n"
      "              --next only, the message gets \"Next update by HH:MM UTC.\" added;\n"
      "              a message naming another time than --next is refused\n"
      "  --started   when the problem was confirmed: -20m (ago), 13:56 (UTC), RFC3339;\n"
      "              default now\n"
      "  --since/--until  24h (ago), 2026-11-27, -20m, RFC3339\n"
      "\n"
      "Global flags\n"
      "  --server HOST:PORT   statuscast-comms (env STATUSCAST_SERVER; default 127.0.0.1:7400)\n"
      "  --banner_server H:P  statuscast-banner, for banner and killswitch\n"
      "                       (env STATUSCAST_BANNER_SERVER; default 127.0.0.1:7401)\n"
      "  --token sct_...      API token sent with every call (env STATUSCAST_TOKEN);\n"
      "                       servers that require tokens record its name as the author;\n"
      "                       sent in plaintext only to loopback unless --insecure\n"
      "  --insecure           send --token without TLS to a non-loopback server (warns;\n"
      "                       without it statuscastctl refuses and exits 2)\n"
      "  --author NAME        who writes (env STATUSCAST_AUTHOR, else $USER), when the\n"
      "                       server does not require tokens\n"
      "  --json               print the server's answer as protobuf JSON, one object per line\n"
      "  --timeout 10s        how long to wait for each answer\n"
      "  --idempotency_key K  the key of an earlier attempt, to retry a write safely\n"
      "                       (printed when an answer did not come)\n"
      "Flags take '-' or '_' alike (--no-progress, --body_file) and '--flag value' or\n"
      "'--flag=value'.\n"
      "\n"
      "Exit codes\n"
      "  0  done\n"
      "  1  the server refused (the message says why) or the call failed\n"
      "     (lint: an error-level finding)\n"
      "  2  usage error or no token (--token, STATUSCAST_TOKEN); nothing was sent or done\n"
      "  3  statuscast-comms unreachable, unavailable or too slow: retry (a write with the\n"
      "     printed --idempotency_key)\n");
  return out;
}

}  // namespace ctl
}  // namespace statuscast
