#include "libs/auth/scope.h"

namespace statuscast {

const char* ScopeName(Scope s) {
  switch (s) {
    case Scope::kRead:
      return "read";
    case Scope::kWrite:
      return "write";
    case Scope::kAdmin:
      return "admin";
  }
  return "unknown";
}

absl::optional<Scope> ParseScope(const std::string& name) {
  if (name == "read") return Scope::kRead;
  if (name == "write") return Scope::kWrite;
  if (name == "admin") return Scope::kAdmin;
  return absl::nullopt;
}

}  // namespace statuscast
