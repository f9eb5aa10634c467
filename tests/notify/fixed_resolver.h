// A HostResolver for tests: names map to the addresses a test chooses, as a
// hosts file would, and every lookup is counted. No DNS.
#ifndef STATUSCAST_TESTS_NOTIFY_FIXED_RESOLVER_H_
#define STATUSCAST_TESTS_NOTIFY_FIXED_RESOLVER_H_

#include <atomic>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "libs/notify/destination_guard.h"

namespace statuscast {

class FixedResolver final : public HostResolver {
 public:
  FixedResolver() = default;
  FixedResolver(std::initializer_list<std::pair<const std::string, std::vector<std::string>>> hosts)
      : hosts_(hosts) {}
  void Add(const std::string& host, std::vector<std::string> addresses) {
    hosts_[host] = std::move(addresses);
  }
  absl::StatusOr<std::vector<std::string>> Resolve(const std::string& host) override {
    ++lookups_;
    auto it = hosts_.find(host);
    if (it == hosts_.end())
      return absl::NotFoundError(absl::StrCat("host ", host, " does not exist"));
    return it->second;
  }
  int lookups() const { return lookups_; }

 private:
  std::map<std::string, std::vector<std::string>> hosts_;
  std::atomic<int> lookups_{0};
};

}  // namespace statuscast

#endif  // STATUSCAST_TESTS_NOTIFY_FIXED_RESOLVER_H_
