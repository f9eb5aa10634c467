#include "services/ctl/command_line.h"

#include <algorithm>
#include <cstdlib>

#include "absl/flags/flag.h"
#include "absl/flags/reflection.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "libs/base/flag_env.h"

ABSL_FLAG(std::string, server, "127.0.0.1:7400",
          "statuscast-comms gRPC address (env STATUSCAST_SERVER)");
ABSL_FLAG(bool, json, false, "print the response as protobuf JSON");
ABSL_FLAG(std::string, author, "", "who writes (env STATUSCAST_AUTHOR, else $USER)");
ABSL_FLAG(absl::Duration, timeout, absl::Seconds(10), "how long to wait for each answer");
ABSL_FLAG(std::string, token, "",
          "API token sent with every call, \"sct_...\" (env STATUSCAST_TOKEN)");
ABSL_FLAG(bool, insecure, false,
          "send --token in plaintext to a server that is not on loopback (a warning is "
          "printed); without it, statuscastctl refuses and exits 2");
ABSL_FLAG(std::string, scope, "", "token create: read, write or admin");
ABSL_FLAG(std::string, ttl, "", "token create: lifetime, e.g. 720h or 30d (default 90 days)");
ABSL_FLAG(std::string, idempotency_key, "", "reuse the key of an earlier attempt of a write");
ABSL_FLAG(std::string, title, "", "incident title");
ABSL_FLAG(std::string, severity, "", "SEV-1, SEV-2 or SEV-3 (list: comma separated)");
ABSL_FLAG(std::string, components, "", "affected components: NAME[:STATUS],...");
ABSL_FLAG(std::string, started, "", "confirmed start");
ABSL_FLAG(std::string, message, "", "customer-facing message");
ABSL_FLAG(std::string, banner, "", "short in-app banner text");
ABSL_FLAG(std::string, channels, "", "in_app_banner,status_page,public");
ABSL_FLAG(std::string, next, "", "when the next update comes");
ABSL_FLAG(std::string, state, "", "incident state (list: comma separated)");
ABSL_FLAG(std::string, reason, "", "why (severity change, reopen)");
ABSL_FLAG(std::string, url, "", "postmortem link");
ABSL_FLAG(std::string, body_file, "", "postmortem text file ('-' for stdin)");
ABSL_FLAG(std::string, group, "", "component group");
ABSL_FLAG(std::string, description, "", "component description");
ABSL_FLAG(std::string, since, "", "list, report: confirmed start at or after");
ABSL_FLAG(std::string, until, "", "list, report: confirmed start before");
ABSL_FLAG(bool, no_progress, false, "mark the update as 'no progress'");
ABSL_FLAG(bool, third_party_confirmed, false,
          "the third party named in the message is confirmed at fault (recorded)");
ABSL_FLAG(std::string, ic, "", "declare, roles: the incident commander (a token name)");
ABSL_FLAG(std::string, comms, "", "declare, roles: the communications lead (a token name)");
ABSL_FLAG(std::string, actor, "", "audit: only what this token did");
ABSL_FLAG(bool, open, false, "list: open incidents only");
ABSL_FLAG(bool, closed, false, "list: resolved incidents only");
ABSL_FLAG(int, limit, 50, "list: at most this many incidents");
ABSL_FLAG(int64_t, after, 0, "watch: resume after this change-log sequence");
ABSL_FLAG(bool, reminders_only, false, "watch: show only the reminders");
ABSL_FLAG(std::string, file, "", "lint: the draft file ('-' for stdin)");
ABSL_FLAG(std::string, phase, "", "lint: first, update, resolution or postmortem");
ABSL_FLAG(std::string, incident, "", "lint: take the context from this incident");
ABSL_FLAG(std::string, override, "", "post despite lint errors, for this reason (recorded)");
ABSL_FLAG(std::string, tone, "", "template: acknowledging, updating, no_progress, resolving");
ABSL_FLAG(bool, post, false, "template: post the filled template");
ABSL_FLAG(bool, versions, false, "postmortem: list every published version");
ABSL_FLAG(bool, edit, false,
          "template: edit the filled message in $VISUAL or $EDITOR first (refused while a "
          "<placeholder> is left)");
ABSL_FLAG(std::string, what_happened, "", "template resolving: what happened, in plain words");
ABSL_FLAG(std::string, impact, "", "template resolving: what customers could not do");
ABSL_FLAG(std::string, prevention, "", "template resolving: what prevents a recurrence");
ABSL_FLAG(std::string, learned, "", "template updating: what we have learned");
ABSL_FLAG(bool, local, false, "lint: use the built-in rules here, without the server");
ABSL_FLAG(std::string, banner_server, "127.0.0.1:7401",
          "statuscast-banner gRPC address (env STATUSCAST_BANNER_SERVER)");
ABSL_FLAG(std::string, text, "", "banner text");
ABSL_FLAG(std::string, level, "", "banner level: info, maintenance, minor, major, critical");
ABSL_FLAG(std::string, apps, "", "banner: apps it shows in, comma separated");
ABSL_FLAG(std::string, paths, "", "banner: page-path patterns, comma separated");
ABSL_FLAG(std::string, starts, "", "banner: when it starts showing");
ABSL_FLAG(std::string, ends, "", "banner: when it stops showing");
ABSL_FLAG(std::string, link, "", "banner: where it links to");
ABSL_FLAG(std::string, app, "", "killswitch: one app instead of every app");
ABSL_FLAG(std::string, banner_apps, "", "component create: apps its incident banner shows in");
// Corrections and components (issue 12).
ABSL_FLAG(int64_t, update, 0, "correct: the id of the update to correct (show lists them)");
ABSL_FLAG(std::string, display_name, "",
          "component create/update: the name customers read on the status page");
ABSL_FLAG(std::string, banner_paths, "",
          "component create: page-path patterns its incident banner shows on");
ABSL_FLAG(bool, all, false,
          "maintenance list: finished and cancelled windows too; drafts: also approved and "
          "rejected ones");

namespace statuscast {
namespace ctl {
namespace {

const std::vector<std::string>& OurFlags() {
  static const auto* kFlags = new std::vector<std::string>{
      "server",        "json",        "author",      "timeout",       "idempotency_key",
      "title",         "severity",    "components",  "started",       "message",
      "banner",        "channels",    "next",        "state",         "reason",
      "url",           "body_file",   "group",       "description",   "since",
      "until",         "no_progress", "open",        "closed",        "limit",
      "after",         "file",        "phase",       "incident",      "override",
      "tone",          "post",        "local",       "banner_server", "text",
      "level",         "apps",        "paths",       "starts",        "ends",
      "link",          "app",         "banner_apps", "banner_paths",  "reminders_only",
      "token",         "scope",       "ttl",         "insecure",      "third_party_confirmed",
      "what_happened", "impact",      "prevention",  "learned",       "ic",
      "comms",         "all",         "actor",       "update",        "display_name",
      "edit",          "versions"};
  return *kFlags;
}

absl::CommandLineFlag* FindOurs(const std::string& name) {
  const auto& ours = OurFlags();
  if (std::find(ours.begin(), ours.end(), name) == ours.end()) return nullptr;
  return absl::FindCommandLineFlag(name);
}

absl::Status Usage(const std::string& message) { return absl::InvalidArgumentError(message); }

}  // namespace

absl::StatusOr<CommandLine> ParseCommandLine(int argc, char** argv) {
  // Start from the defaults (ParseCommandLine may run more than once in tests).
  for (const std::string& name : OurFlags()) {
    absl::CommandLineFlag* flag = absl::FindCommandLineFlag(name);
    std::string error;
    flag->ParseFrom(flag->DefaultValue(), &error);
  }
  absl::Status env = ApplyEnvironmentToFlags({{"server", "STATUSCAST_SERVER"},
                                              {"author", "STATUSCAST_AUTHOR"},
                                              {"token", "STATUSCAST_TOKEN"},
                                              {"banner_server", "STATUSCAST_BANNER_SERVER"}});
  if (!env.ok()) return Usage(std::string(env.message()));

  CommandLine cl;
  bool flags_done = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (flags_done || arg.size() < 2 || arg[0] != '-') {
      cl.positional.push_back(arg);
      continue;
    }
    if (arg == "--") {
      flags_done = true;
      continue;
    }
    std::string body = arg.substr(arg[1] == '-' ? 2 : 1);
    size_t eq = body.find('=');
    std::string name = absl::StrReplaceAll(body.substr(0, eq), {{"-", "_"}});
    bool has_value = eq != std::string::npos;
    std::string value = has_value ? body.substr(eq + 1) : "";
    if (name == "help" || name == "h") {
      cl.help = true;
      continue;
    }
    absl::CommandLineFlag* flag = FindOurs(name);
    bool negated = false;
    if (flag == nullptr && absl::StartsWith(name, "no")) {
      std::string positive = name.substr(name.size() > 2 && name[2] == '_' ? 3 : 2);
      absl::CommandLineFlag* f = FindOurs(positive);
      if (f != nullptr && f->IsOfType<bool>()) {
        flag = f;
        negated = true;
        name = positive;
      }
    }
    if (flag == nullptr) {
      return Usage(absl::StrCat("unknown flag ", arg.substr(0, arg.find('=')),
                                " (statuscastctl help lists them)"));
    }
    if (flag->IsOfType<bool>()) {
      if (negated && has_value) {
        return Usage(absl::StrCat("--no", name, " takes no value"));
      }
      if (!has_value) value = negated ? "false" : "true";
    } else if (!has_value) {
      if (i + 1 >= argc) return Usage(absl::StrCat("--", name, " needs a value"));
      value = argv[++i];
    }
    std::string error;
    if (!flag->ParseFrom(value, &error)) {
      return Usage(absl::StrCat("--", name, "=", value, ": ", error));
    }
    cl.options.given.insert(name);
  }

  CtlOptions& o = cl.options;
  o.server = absl::GetFlag(FLAGS_server);
  o.json = absl::GetFlag(FLAGS_json);
  o.author = absl::GetFlag(FLAGS_author);
  if (o.author.empty()) {
    const char* user = std::getenv("USER");
    o.author = user != nullptr && *user != '\0' ? user : "statuscastctl";
  }
  o.timeout = absl::GetFlag(FLAGS_timeout);
  o.idempotency_key = absl::GetFlag(FLAGS_idempotency_key);
  o.token = std::string(absl::StripAsciiWhitespace(absl::GetFlag(FLAGS_token)));
  for (char c : o.token) {
    if (c <= ' ' || c > '~') {
      return Usage("--token (or STATUSCAST_TOKEN) must be one API token, \"sct_...\"");
    }
  }
  o.insecure = absl::GetFlag(FLAGS_insecure);
  o.scope = absl::GetFlag(FLAGS_scope);
  o.ttl = absl::GetFlag(FLAGS_ttl);
  o.title = absl::GetFlag(FLAGS_title);
  o.severity = absl::GetFlag(FLAGS_severity);
  o.components = absl::GetFlag(FLAGS_components);
  o.started = absl::GetFlag(FLAGS_started);
  o.message = absl::GetFlag(FLAGS_message);
  o.banner = absl::GetFlag(FLAGS_banner);
  o.channels = absl::GetFlag(FLAGS_channels);
  o.next = absl::GetFlag(FLAGS_next);
  o.state = absl::GetFlag(FLAGS_state);
  o.reason = absl::GetFlag(FLAGS_reason);
  o.url = absl::GetFlag(FLAGS_url);
  o.body_file = absl::GetFlag(FLAGS_body_file);
  o.group = absl::GetFlag(FLAGS_group);
  o.description = absl::GetFlag(FLAGS_description);
  o.since = absl::GetFlag(FLAGS_since);
  o.until = absl::GetFlag(FLAGS_until);
  o.no_progress = absl::GetFlag(FLAGS_no_progress);
  o.third_party_confirmed = absl::GetFlag(FLAGS_third_party_confirmed);
  o.ic = absl::GetFlag(FLAGS_ic);
  o.comms = absl::GetFlag(FLAGS_comms);
  o.actor = absl::GetFlag(FLAGS_actor);
  o.open = absl::GetFlag(FLAGS_open);
  o.closed = absl::GetFlag(FLAGS_closed);
  o.all = absl::GetFlag(FLAGS_all);
  o.limit = absl::GetFlag(FLAGS_limit);
  o.after = absl::GetFlag(FLAGS_after);
  o.reminders_only = absl::GetFlag(FLAGS_reminders_only);
  o.file = absl::GetFlag(FLAGS_file);
  o.phase = absl::GetFlag(FLAGS_phase);
  o.incident = absl::GetFlag(FLAGS_incident);
  o.override_reason = absl::GetFlag(FLAGS_override);
  o.tone = absl::GetFlag(FLAGS_tone);
  o.post = absl::GetFlag(FLAGS_post);
  o.edit = absl::GetFlag(FLAGS_edit);
  o.versions = absl::GetFlag(FLAGS_versions);
  o.what_happened = absl::GetFlag(FLAGS_what_happened);
  o.impact = absl::GetFlag(FLAGS_impact);
  o.prevention = absl::GetFlag(FLAGS_prevention);
  o.learned = absl::GetFlag(FLAGS_learned);
  o.local = absl::GetFlag(FLAGS_local);
  o.banner_server = absl::GetFlag(FLAGS_banner_server);
  o.text = absl::GetFlag(FLAGS_text);
  o.level = absl::GetFlag(FLAGS_level);
  o.apps = absl::GetFlag(FLAGS_apps);
  o.paths = absl::GetFlag(FLAGS_paths);
  o.starts = absl::GetFlag(FLAGS_starts);
  o.ends = absl::GetFlag(FLAGS_ends);
  o.link = absl::GetFlag(FLAGS_link);
  o.app = absl::GetFlag(FLAGS_app);
  o.banner_apps = absl::GetFlag(FLAGS_banner_apps);
  o.banner_paths = absl::GetFlag(FLAGS_banner_paths);
  o.update_id = absl::GetFlag(FLAGS_update);
  o.display_name = absl::GetFlag(FLAGS_display_name);
  if (o.banner_server.empty()) return Usage("--banner_server is empty (give HOST:PORT)");
  if (o.server.empty()) return Usage("--server is empty (give HOST:PORT)");
  if (o.timeout <= absl::ZeroDuration()) return Usage("--timeout must be positive, e.g. 10s");
  return cl;
}

}  // namespace ctl
}  // namespace statuscast
