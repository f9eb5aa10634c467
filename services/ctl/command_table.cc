#include "services/ctl/command_table.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "services/ctl/commands.h"

namespace statuscast {
namespace ctl {
namespace {

// Levenshtein distance, case-insensitive.
size_t EditDistance(const std::string& a_in, const std::string& b_in) {
  const std::string a = absl::AsciiStrToLower(a_in), b = absl::AsciiStrToLower(b_in);
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

const char* CommandScopeName(CommandScope s) {
  switch (s) {
    case CommandScope::kRead:
      return "read";
    case CommandScope::kWrite:
      return "write";
    case CommandScope::kAdmin:
      return "admin";
  }
  return "read";
}

const std::vector<CommandSpec>& CommandTable() {
  static const auto* kCommands = new std::vector<CommandSpec>{
      {"declare",
       {},
       CommandScope::kWrite,
       &CommandRunner::Declare,
       "--title T --severity SEV --components C[:STATUS],... [--started WHEN]\n"
       "              [--ic NAME] [--comms NAME]\n"
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
        "state", "override", "third_party_confirmed", "ic", "comms", "idempotency_key"}},
      {"update",
       {},
       CommandScope::kWrite,
       &CommandRunner::Update,
       "INC-n --message M [--state S] [--next WHEN] [--banner B] [--channels CH,...]\n"
       "              [--no-progress] [--components C[:STATUS],...] [--override REASON]\n"
       "              [--third-party-confirmed]",
       "Post a customer-facing update; it keeps the standing promise and makes the next.\n"
       "              One promise: a status-page message that names no next-update time\n"
       "              gets \"Next update by HH:MM UTC.\" added; one that names it without\n"
       "              --next sets the promise from it; text and --next that disagree are\n"
       "              refused.\n"
       "              The server lints it and shows what it found; when its policy refuses\n"
       "              lint errors, --override \"why\" posts anyway (the reason is recorded).\n"
       "              --third-party-confirmed: a vendor named in the message is confirmed\n"
       "              at fault (the linter then allows the name; recorded on the update).",
       "statuscastctl update INC-n --state identified --next 30m \\\n"
       "                  --message \"We found the cause of the failed card payments and are "
       "rolling back a change.\"",
       {"message", "state", "next", "banner", "channels", "no_progress", "components", "override",
        "third_party_confirmed", "idempotency_key"}},
      {"resolve",
       {},
       CommandScope::kWrite,
       &CommandRunner::Resolve,
       "INC-n --message M [--channels CH,...] [--override REASON] [--third-party-confirmed]",
       "Resolve with the resolution message (fix, cause, apology, prevention, postmortem).",
       "statuscastctl resolve INC-n --message \"Resolved: card payments work normally again. "
       "The failures were caused by a faulty settings change, now undone. We know this stopped "
       "many of you from paying, and we're sorry. To prevent this from happening again, we're "
       "adding checks before such changes. A postmortem follows within five days.\"",
       {"message", "channels", "override", "third_party_confirmed", "idempotency_key"}},
      {"correct",
       {},
       CommandScope::kWrite,
       &CommandRunner::Correct,
       "INC-n --message M [--update ID] [--banner B] [--reason R] [--override REASON]",
       "Correct the text of a posted update (the latest unless --update names one; show\n"
       "              lists the ids): linted like a post, every revision kept, and the status\n"
       "              page marks it \"edited\". Its time and promise never change.",
       "statuscastctl correct INC-n --reason \"named the change\" --message \"Resolved: card "
       "payments work normally again. The failures were caused by a faulty change to our payment "
       "settings, now undone. We know this stopped many of you from paying, and we're sorry. To "
       "prevent this from happening again, we're adding checks before such changes. A postmortem "
       "follows within five days.\"",
       {"update", "message", "banner", "reason", "override", "third_party_confirmed",
        "idempotency_key"}},
      {"reopen",
       {},
       CommandScope::kWrite,
       &CommandRunner::Reopen,
       "INC-n --reason R --message M [--state S] [--next WHEN] [--banner B]\n"
       "              [--channels CH,...] [--third-party-confirmed]",
       "Reopen a resolved incident with a customer update (recorded with the reason).",
       "statuscastctl reopen INC-n --reason \"errors are back\" \\\n"
       "                  --message \"We're investigating failed card payments again for some "
       "users at checkout.\"",
       {"reason", "message", "state", "next", "banner", "channels", "override",
        "third_party_confirmed", "idempotency_key"}},
      {"severity",
       {},
       CommandScope::kWrite,
       &CommandRunner::Severity,
       "INC-n SEV [--reason R]",
       "Change the severity; escalating tightens the standing promise.",
       "statuscastctl severity INC-n SEV-2 --reason \"only some regions are affected\"",
       {"reason", "idempotency_key"}},
      {"postmortem",
       {},
       CommandScope::kWrite,
       &CommandRunner::Postmortem,
       "INC-n --url URL [--body-file FILE|-] [--override REASON]\n"
       "              INC-n --versions",
       "Publish the postmortem (a link, its Markdown text, or both); the text is linted\n"
       "              like an update. Publishing again adds a version (the page says\n"
       "              \"revised\"); every version is kept, and --versions lists them.",
       "statuscastctl postmortem INC-n --url https://status.example.com/postmortems/INC-n",
       {"url", "body_file", "override", "idempotency_key", "versions"}},
      {"roles",
       {},
       CommandScope::kWrite,
       &CommandRunner::Roles,
       "INC-n [--ic NAME] [--comms NAME]",
       "Name the incident commander and/or the communications lead (token names).\n"
       "              Only they, or an admin token, post what customers read (the server's\n"
       "              --post_policy=roles); the declaring token is the commander unless\n"
       "              declare --ic names another. Only the commander (or an admin) changes\n"
       "              roles. Shown in show's header and timeline, recorded in the audit log.",
       "statuscastctl roles INC-n --comms comms-oncall",
       {"ic", "comms", "idempotency_key"}},
      {"draft",
       {},
       CommandScope::kWrite,
       &CommandRunner::Draft,
       "INC-n --message M [--state S] [--next WHEN] [--banner B] [--channels CH,...]\n"
       "              [--no-progress] [--third-party-confirmed]",
       "Propose an update for the communicator to review: checked and linted like an\n"
       "              update, kept private (never on the status page or a banner), and it\n"
       "              keeps no promise. The communicator is reminded it is waiting.\n"
       "              --state resolved proposes the resolution (its message resolves the\n"
       "              incident when approved; no --banner, --next or --no-progress).",
       "statuscastctl draft INC-n --message \"We found the cause of the failed card payments and "
       "are rolling back a change.\"",
       {"message", "state", "next", "banner", "channels", "no_progress", "third_party_confirmed",
        "idempotency_key"}},
      {"drafts",
       {},
       CommandScope::kRead,
       &CommandRunner::Drafts,
       "INC-n [--all]",
       "The drafts waiting for review (--all: also approved and rejected ones), each\n"
       "              with its text, lint findings and the commands that decide it.",
       "statuscastctl drafts INC-n",
       {"all"}},
      {"approve",
       {},
       CommandScope::kWrite,
       &CommandRunner::Approve,
       "INC-n ID [--message M] [--banner B] [--next WHEN] [--override REASON]",
       "Post draft ID as an update under your name, after your edits; every rule of\n"
       "              update applies (state order, promise, lint policy). A proposed\n"
       "              resolution resolves the incident, under every rule of resolve.",
       "statuscastctl approve INC-n ID --message \"We found the cause of the failed card payments "
       "and are rolling back a change.\"",
       {"message", "banner", "next", "override", "idempotency_key"}},
      {"reject",
       {},
       CommandScope::kWrite,
       &CommandRunner::Reject,
       "INC-n ID --reason R",
       "Reject draft ID with a reason for its author (an author may withdraw their own).",
       "statuscastctl draft INC-n --message \"We're still working on the failed payments.\"\n"
       "                  statuscastctl reject INC-n ID --reason \"say who is affected\"",
       {"reason", "idempotency_key"}},
      {"audit",
       {},
       CommandScope::kRead,
       &CommandRunner::Audit,
       "[INC-n] [--actor NAME] [--since WHEN] [--until WHEN] [--limit N]",
       "Who did what, oldest first: declarations, updates, lint overrides with their\n"
       "              reasons, third-party confirmations, role changes, drafts and their\n"
       "              review, severity changes, tokens (default 50 rows).",
       "statuscastctl audit INC-n",
       {"actor", "since", "until", "limit"}},
      {"show",
       {},
       CommandScope::kRead,
       &CommandRunner::Show,
       "INC-n",
       "The incident and its timeline, then its promises: the first update's delay\n"
       "              against the target, every \"next update by\" promise kept, MISSED or\n"
       "              pending, gaps beyond the cadence, and whether an update is OVERDUE now.",
       "statuscastctl show INC-n",
       {}},
      {"list",
       {},
       CommandScope::kRead,
       &CommandRunner::List,
       "[--open|--closed] [--state S,...] [--severity SEV,...] [--since WHEN] [--until WHEN]\n"
       "              [--limit N]",
       "Incidents, newest confirmed start first (default 50).",
       "statuscastctl list --open --severity SEV-1,SEV-2",
       {"open", "closed", "state", "severity", "since", "until", "limit"}},
      {"component",
       {"components"},
       CommandScope::kAdmin,
       &CommandRunner::Component,
       "list\n"
       "              create NAME [--display-name N] [--group G] [--description D]\n"
       "                          [--banner-apps APP,...] [--banner-paths PATTERN,...]\n"
       "              update NAME [--display-name N] [--description D]\n"
       "              retire NAME [--reason R]",
       "The component catalog: each component's status, the name customers read and\n"
       "              where its incident banner shows; add one (banner default: every app\n"
       "              and page), rename it for customers, or retire it (hidden from the\n"
       "              status page, history kept; refused while an open incident affects it).",
       "statuscastctl component create checkout --display-name \"Checkout\" --banner-apps shop "
       "--banner-paths '/checkout*,/cart'",
       {"group", "description", "banner_apps", "banner_paths", "display_name", "reason"}},
      {"lint",
       {},
       CommandScope::kRead,
       &CommandRunner::Lint,
       "[--file FILE|-] [--severity SEV] [--phase first|update|resolution|postmortem] [--incident "
       "INC-n]\n"
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
       {},
       CommandScope::kWrite,
       &CommandRunner::Template,
       "INC-n --tone acknowledging|updating|no_progress|resolving [--next WHEN] [--post]\n"
       "              [--edit] [--channels CH,...] [--override REASON] [--learned TEXT]\n"
       "              [--what-happened TEXT --impact TEXT --prevention TEXT]",
       "An update filled from the incident (scope, next update time); it lints clean.\n"
       "              --post posts it (no_progress as a no-progress update; resolving resolves).\n"
       "              resolving needs --what-happened, --impact and --prevention to --post:\n"
       "              without them the text has <...> placeholders (exit 2 names the missing).\n"
       "              --edit opens the filled message in $VISUAL or $EDITOR first; a\n"
       "              placeholder left there is refused too (exit 2, naming it).",
       "statuscastctl template INC-n --tone no_progress --post",
       {"tone", "next", "post", "channels", "override", "learned", "what_happened", "impact",
        "prevention", "idempotency_key", "edit"}},
      {"banner",
       {"banners"},
       CommandScope::kWrite,
       &CommandRunner::Banner,
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
       {},
       CommandScope::kAdmin,
       &CommandRunner::KillSwitch,
       "on|off [--app APP] --reason R",
       "Hide every banner (or one app's) at once, and show them again.",
       "statuscastctl killswitch on --app shop --reason \"banner loop on checkout\"",
       {"banner_server", "app", "reason"}},
      {"report",
       {},
       CommandScope::kRead,
       &CommandRunner::Report,
       "[--since WHEN] [--until WHEN]",
       "Communication compliance of the incidents confirmed in the range (default: all):\n"
       "              by severity, late first updates, promises kept / missed / pending, gaps\n"
       "              beyond the cadence, postmortems published / missing; what is overdue\n"
       "              now; then each incident's promise ledger.",
       "statuscastctl report --since 7d",
       {"since", "until"}},
      {"watch",
       {},
       CommandScope::kRead,
       &CommandRunner::Watch,
       "[--after SEQ] [--reminders-only]",
       "Stream changes: open incidents, then one line per change (incidents,\n"
       "              components, manual banners, kill switches), and REMINDER lines\n"
       "              before a promised update falls due and when it is missed (with the\n"
       "              command that posts a \"no progress\" update). Reconnects by itself and\n"
       "              resumes after the last change and reminder shown. Ctrl-C stops.",
       "statuscastctl watch --reminders-only",
       {"after", "reminders_only"}},
      {"maintenance",
       {"maintenances"},
       CommandScope::kWrite,
       &CommandRunner::Maintenance,
       "list [--all]\n"
       "              schedule --title T --message M --components C,... --starts WHEN --ends WHEN\n"
       "              start|complete|cancel MNT-n",
       "Scheduled maintenance, its own record (never an incident, never in the\n"
       "              compliance figures): announced ahead, the status page lists it and\n"
       "              banners show it where its components show, from a day ahead; its\n"
       "              components are under_maintenance while it runs. It starts and ends on\n"
       "              its own at the announced times; start, complete and cancel record the\n"
       "              real ones. list shows upcoming and current windows (--all: every one).",
       "statuscastctl maintenance schedule --title \"Database upgrade\" --components checkout \\\n"
       "                  --starts 2h --ends 3h --message \"Checkout may be slow for a few "
       "minutes while we upgrade its database.\"",
       {"title", "message", "components", "starts", "ends", "all"}},
      {"token",
       {"tokens"},
       CommandScope::kAdmin,
       &CommandRunner::Token,
       "create NAME --scope read|write|admin [--ttl 720h]\n"
       "              list\n"
       "              revoke NAME",
       "API tokens (needs an admin token). create prints the secret alone on stdout,\n"
       "              once; --ttl defaults to 90 days, at most 8760h. The first admin token:\n"
       "              statuscast-comms --create_token=NAME --token_scope=admin.",
       "export STATUSCAST_TOKEN=$(statuscastctl token create ci-deploy --scope write)",
       {"scope", "ttl"}},
      {"subscribers",
       {"subscriber"},
       CommandScope::kAdmin,
       &CommandRunner::Subscribers,
       "list\n"
       "              add email|webhook|slack DESTINATION [--components C,...]\n"
       "              remove ID\n"
       "              deliveries ID [--limit N]",
       "Who is notified of public updates, and what was delivered (needs an admin\n"
       "              token). add imports a confirmed subscriber (everything, or incidents\n"
       "              affecting --components) and prints a webhook's signing secret, once.\n"
       "              remove ends it: nothing more is sent, not even what is queued.",
       "statuscastctl subscribers add email watcher@example.com --components checkout",
       {"components", "limit"}},
  };
  return *kCommands;
}

const CommandSpec* FindCommand(const std::string& name) {
  for (const CommandSpec& c : CommandTable()) {
    if (name == c.name) return &c;
    for (const std::string& alias : c.aliases) {
      if (name == alias) return &c;
    }
  }
  return nullptr;
}

std::vector<std::string> SuggestCommands(const std::string& name) {
  const size_t limit = name.size() <= 3 ? 1 : 2;
  std::vector<std::pair<size_t, std::string>> near;
  for (const CommandSpec& c : CommandTable()) {
    size_t best = EditDistance(name, c.name);
    for (const std::string& alias : c.aliases) best = std::min(best, EditDistance(name, alias));
    if (best <= limit) near.emplace_back(best, c.name);
  }
  std::stable_sort(near.begin(), near.end(),
                   [](const auto& x, const auto& y) { return x.first < y.first; });
  std::vector<std::string> out;
  for (const auto& n : near) out.push_back(n.second);
  return out;
}

}  // namespace ctl
}  // namespace statuscast
