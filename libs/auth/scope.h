// Scope: what an API token may do. read < write < admin; a higher scope
// includes every lower one (admin can write, write can read).
//
//   read   every query: incidents, components, compliance, lint, templates,
//          watch streams, the banner list
//   write  everything customers see: declare, update, severity, resolve,
//          reopen, postmortem, manual banners
//   admin  components, kill switches and tokens
#ifndef STATUSCAST_LIBS_AUTH_SCOPE_H_
#define STATUSCAST_LIBS_AUTH_SCOPE_H_

#include <string>

#include "absl/types/optional.h"

namespace statuscast {

enum class Scope { kRead = 1, kWrite = 2, kAdmin = 3 };

// True when a token of scope `have` may make a call that needs `need`.
inline bool ScopeAllows(Scope have, Scope need) {
  return static_cast<int>(have) >= static_cast<int>(need);
}

// "read", "write", "admin".
const char* ScopeName(Scope s);
// The scope named `name` (as ScopeName spells it); nullopt otherwise.
absl::optional<Scope> ParseScope(const std::string& name);

// Who made a call. `authenticated` is false only when access control is
// turned off (--auth=disabled): then `name` is empty, `scope` is admin and the
// request's own author field names the writer.
struct Principal {
  std::string name;
  Scope scope = Scope::kRead;
  bool authenticated = false;
};

// The name recorded as an update's author and an audit row's actor: the
// token's name when the call was authenticated, else `requested` (the
// request's author field).
inline std::string ActorFor(const Principal& p, const std::string& requested) {
  return p.authenticated ? p.name : requested;
}

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_AUTH_SCOPE_H_
