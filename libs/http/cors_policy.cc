#include "libs/http/cors_policy.h"

namespace statuscast {

CorsPolicy::CorsPolicy(const std::vector<std::string>& origins) {
  for (const std::string& o : origins) {
    if (o == "*") {
      any_ = true;
    } else if (!o.empty()) {
      // Browsers never send a trailing slash in Origin.
      origins_.insert(o.back() == '/' ? o.substr(0, o.size() - 1) : o);
    }
  }
}

std::string CorsPolicy::AllowOrigin(const std::string& origin) const {
  if (origin.empty()) return "";
  if (any_) return "*";
  return origins_.count(origin) ? origin : "";
}

}  // namespace statuscast
