// CtlOptions: every option statuscastctl knows, as command_line.cc reads
// them from flags and the environment. Plain values; empty strings mean "not
// given".
#ifndef STATUSCAST_SERVICES_CTL_CTL_OPTIONS_H_
#define STATUSCAST_SERVICES_CTL_CTL_OPTIONS_H_

#include <cstdint>
#include <set>
#include <string>

#include "absl/time/time.h"

namespace statuscast {
namespace ctl {

// Every option statuscastctl knows; empty strings mean "not given".
struct CtlOptions {
  // Global.
  std::string server = "127.0.0.1:7400";
  bool json = false;
  std::string author;
  absl::Duration timeout = absl::Seconds(10);
  std::string idempotency_key;
  // Sent as "authorization: Bearer <token>" (by the channel, bearer_token.h).
  std::string token;
  // Send the token in plaintext to a non-loopback server (token_transport.h).
  bool insecure = false;
  // token create.
  std::string scope, ttl;
  // Per command.
  std::string title, severity, components, started, message, banner, channels, next, state, reason,
      url, body_file, group, description, since, until;
  // lint, template, --override; banner, killswitch, components create.
  std::string file, phase, incident, override_reason, tone,
      banner_server = "127.0.0.1:7401", text, level, apps, paths, starts, ends, link, app,
      banner_apps, banner_paths;
  // declare, roles: the incident commander and communications lead; audit.
  std::string ic, comms, actor;
  // template: the sentences that replace its <...> placeholders.
  std::string what_happened, impact, prevention, learned;
  // template: open the filled message in $VISUAL/$EDITOR before posting.
  bool edit = false;
  // postmortem: list every version instead of publishing.
  bool versions = false;
  bool no_progress = false, open = false, closed = false, post = false, local = false,
       reminders_only = false, third_party_confirmed = false;
  // maintenance list: finished windows too; drafts: decided ones too.
  bool all = false;
  int limit = 50;
  int64_t after = 0;
  // correct: the update's id; component create/update: the customer-facing name.
  int64_t update_id = 0;
  std::string display_name;
  // The flags given on the command line (canonical names, e.g. "no_progress"),
  // to reject ones that do not apply to the subcommand.
  std::set<std::string> given;
};

}  // namespace ctl
}  // namespace statuscast

#endif  // STATUSCAST_SERVICES_CTL_CTL_OPTIONS_H_
