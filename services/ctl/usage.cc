#include "services/ctl/usage.h"

#include "absl/strings/str_cat.h"

namespace statuscast {
namespace ctl {
namespace {

struct CommandHelp {
  const char* name;
  const char* synopsis;  // may hold several lines, each indented by 14
  const char* summary;
  const char* example;
  std::vector<std::string> flags;
};

const std::vector<CommandHelp>& Commands() {
  static const auto* kCommands = new std::vector<CommandHelp>{
      {"declare",
       "--title T --severity SEV --components C[:STATUS],... [--started WHEN]\n"
       "              [--message M [--banner B] [--channels CH,...] [--next WHEN] [--state S]\n"
       "              [--third-party-confirmed]]",
       "Declare an incident; it prints its reference (INC-n). With --message, post the\n"
       "              first customer update too: acknowledgment, who is affected, what you\n"
       "              are doing and the next update time in UTC (the server refuses a\n"
       "              SEV-1/SEV-2 first update without them); or post it next with\n"
       "              statuscastctl template INC-n --tone acknowledging --post.",
       "statuscastctl declare --title \"Card payments failing\" --severity SEV-1 \\\n"
       "                  --components checkout:major_outage --started=-20m",
       {"title", "severity", "components", "started", "message", "banner", "channels", "next",
        "state", "override", "third_party_confirmed"}},
      {"update",
       "INC-n --message M [--state S] [--next WHEN] [--banner B] [--channels CH,...]\n"
       "              [--no-progress] [--components C[:STATUS],...] [--override REASON]\n"
       "              [--third-party-confirmed]",
       "Post a customer-facing update; it keeps the standing promise and makes the next.\n"
       "              A status-page message that does not state the promised time gets\n"
       "              \"Next update by HH:MM UTC.\" added, so text and record agree.\n"
       "              The server lints it and shows what it found; when its policy refuses\n"
       "              lint errors, --override \"why\" posts anyway (the reason is recorded).\n"
       "              --third-party-confirmed: a vendor named in the message is confirmed\n"
       "              at fault (the linter then allows the name; recorded on the update).",
       "statuscastctl update INC-n --state identified --next 30m \\\n"
       "                  --message \"We found the cause of the failed card payments and are "
       "rolling back a change.\"",
       {"message", "state", "next", "banner", "channels", "no_progress", "components", "override",
        "third_party_confirmed"}},
      {"resolve",
       "INC-n --message M [--channels CH,...] [--override REASON] [--third-party-confirmed]",
       "Resolve with the resolution message (fix, cause, apology, prevention, postmortem).",
       "statuscastctl resolve INC-n --message \"Resolved: card payments work normally again. "
       "The failures were caused by a faulty settings change, now undone. We know this stopped "
       "many of you from paying, and we're sorry. To prevent this from happening again, we're "
       "adding checks before such changes. A postmortem follows within five days.\"",
       {"message", "channels", "override", "third_party_confirmed"}},
      {"reopen",
       "INC-n --reason R --message M [--state S] [--next WHEN] [--banner B]\n"
       "              [--channels CH,...] [--third-party-confirmed]",
       "Reopen a resolved incident with a customer update (recorded with the reason).",
       "statuscastctl reopen INC-n --reason \"errors are back\" \\\n"
       "                  --message \"We're investigating failed card payments again for some "
       "users at checkout.\"",
       {"reason", "message", "state", "next", "banner", "channels", "override",
        "third_party_confirmed"}},
      {"severity",
       "INC-n SEV [--reason R]",
       "Change the severity; escalating tightens the standing promise.",
       "statuscastctl severity INC-n SEV-2 --reason \"only some regions are affected\"",
       {"reason"}},
      {"postmortem",
       "INC-n --url URL [--body-file FILE|-]",
       "Publish the postmortem (a link, its text, or both).",
       "statuscastctl postmortem INC-n --url https://status.example.com/postmortems/INC-n",
       {"url", "body_file"}},
      {"show",
       "INC-n",
       "The incident and its timeline, then its promises: the first update's delay\n"
       "              against the target, every \"next update by\" promise kept, MISSED or\n"
       "              pending, gaps beyond the cadence, and whether an update is OVERDUE now.",
       "statuscastctl show INC-n",
       {}},
      {"list",
       "[--open|--closed] [--state S,...] [--severity SEV,...] [--since WHEN] [--until WHEN]\n"
       "              [--limit N]",
       "Incidents, newest confirmed start first (default 50).",
       "statuscastctl list --open --severity SEV-1,SEV-2",
       {"open", "closed", "state", "severity", "since", "until", "limit"}},
      {"components",
       "list\n"
       "              create NAME [--group G] [--description D] [--banner-apps APP,...]\n"
       "                          [--banner-paths PATTERN,...]",
       "The component catalog with each component's current status; add a component\n"
       "              and where its incident banner shows (default: every app and page).",
       "statuscastctl components create checkout --banner-apps shop --banner-paths "
       "'/checkout*,/cart'",
       {"group", "description", "banner_apps", "banner_paths"}},
      {"lint",
       "[--file FILE|-] [--severity SEV] [--phase first|update|resolution|postmortem] [--incident INC-n]\n"
       "              [--state S] [--next WHEN] [--components C,...] [--banner B] [--local]",
       "Check a draft update (stdin or --file) before customers read it: each problem\n"
       "              with its span marked, why, and a rewrite. Exit 1 when an error is found.\n"
       "              --incident takes severity, state and components from the incident;\n"
       "              without a server (or with --local) the built-in rules run here.",
       "echo \"We're investigating failed checkouts.\" | statuscastctl lint --severity SEV-1 "
       "--phase first\n"
       "                  # exit 1: two errors, no scope (who is affected) and no next update time",
       {"file", "severity", "phase", "incident", "state", "next", "components", "banner",
        "channels", "local"}},
      {"template",
       "INC-n --tone acknowledging|updating|no_progress|resolving [--next WHEN] [--post]\n"
       "              [--channels CH,...] [--override REASON] [--learned TEXT]\n"
       "              [--what-happened TEXT --impact TEXT --prevention TEXT]",
       "An update filled from the incident (scope, next update time); it lints clean.\n"
       "              --post posts it (no_progress as a no-progress update; resolving resolves).\n"
       "              resolving needs --what-happened, --impact and --prevention to --post:\n"
       "              without them the text has <...> placeholders (exit 2 names the missing).",
       "statuscastctl template INC-n --tone no_progress --post",
       {"tone", "next", "post", "channels", "override", "learned", "what_happened", "impact",
        "prevention"}},
      {"banner",
       "list\n"
       "              create --text T [--level L] [--apps A,...] [--paths P,...] [--components "
       "C,...]\n"
       "                     [--starts WHEN] [--ends WHEN] [--link URL]\n"
       "              edit ID [the flags of create]\n"
       "              disable ID",
       "Manual banners (maintenance notices and the like) on statuscast-banner\n"
       "              (--banner_server, env STATUSCAST_BANNER_SERVER, default 127.0.0.1:7401).\n"
       "              L: info (default), maintenance, minor, major, critical.",
       "statuscastctl banner create --text \"Maintenance tonight 22:00-23:00 UTC\" "
       "--level maintenance --apps shop --paths '/checkout*'",
       {"banner_server", "text", "level", "apps", "paths", "components", "starts", "ends", "link"}},
      {"killswitch",
       "on|off [--app APP] --reason R",
       "Hide every banner (or one app's) at once, and show them again.",
       "statuscastctl killswitch on --app shop --reason \"banner loop on checkout\"",
       {"banner_server", "app", "reason"}},
      {"report",
       "[--since WHEN] [--until WHEN]",
       "Communication compliance of the incidents confirmed in the range (default: all):\n"
       "              by severity, late first updates, promises kept / missed / pending, gaps\n"
       "              beyond the cadence, postmortems published / missing; what is overdue\n"
       "              now; then each incident's promise ledger.",
       "statuscastctl report --since 7d",
       {"since", "until"}},
      {"watch",
       "[--after SEQ] [--reminders-only]",
       "Stream changes: open incidents, then one line per change (incidents,\n"
       "              components, manual banners, kill switches), and REMINDER lines\n"
       "              before a promised update falls due and when it is missed (with the\n"
       "              command that posts a \"no progress\" update). Reconnects by itself and\n"
       "              resumes after the last change and reminder shown. Ctrl-C stops.",
       "statuscastctl watch --reminders-only",
       {"after", "reminders_only"}},
      {"token",
       "create NAME --scope read|write|admin [--ttl 720h]\n"
       "              list\n"
       "              revoke NAME",
       "API tokens (needs an admin token). create prints the secret alone on stdout,\n"
       "              once; --ttl defaults to 90 days, at most 8760h. The first admin token:\n"
       "              statuscast-comms --create_token=NAME --token_scope=admin.",
       "export STATUSCAST_TOKEN=$(statuscastctl token create ci-deploy --scope write)",
       {"scope", "ttl"}},
  };
  return *kCommands;
}

std::string Describe(const CommandHelp& c) {
  return absl::StrCat("  ", c.name, std::string(12 - std::string(c.name).size(), ' '), c.synopsis,
                      "\n              ", c.summary, "\n              e.g. ", c.example, "\n");
}

}  // namespace

std::vector<std::string> CommandNames() {
  std::vector<std::string> names;
  for (const CommandHelp& c : Commands()) names.push_back(c.name);
  return names;
}

std::vector<std::string> CommandFlags(const std::string& command) {
  for (const CommandHelp& c : Commands()) {
    if (command == c.name) return c.flags;
  }
  return {};
}

std::string CommandUsage(const std::string& command) {
  for (const CommandHelp& c : Commands()) {
    if (command == c.name)
      return absl::StrCat("usage: statuscastctl ", c.name, " ", c.synopsis, "\n", "  ", c.summary,
                          "\n  e.g. ", c.example, "\n");
  }
  return "";
}

std::string ShortUsage() {
  std::string names;
  for (const CommandHelp& c : Commands())
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
      "\n";
  for (const CommandHelp& c : Commands()) absl::StrAppend(&out, Describe(c), "\n");
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
      "              2026-11-27T14:30:00Z. SEV-1/SEV-2 default: the server's cadence\n"
      "              from now (its --cadence; 30m / 60m unless set)\n"
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
      "  2  usage error; nothing was sent\n"
      "  3  statuscast-comms unreachable, unavailable or too slow: retry (a write with the\n"
      "     printed --idempotency_key)\n");
  return out;
}

}  // namespace ctl
}  // namespace statuscast
