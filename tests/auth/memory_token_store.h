// MemoryTokenStore: a TokenStore in memory that counts lookups, for unit
// tests of the verifier and the issuer.
#ifndef STATUSCAST_TESTS_AUTH_MEMORY_TOKEN_STORE_H_
#define STATUSCAST_TESTS_AUTH_MEMORY_TOKEN_STORE_H_

#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "libs/auth/token_store.h"

namespace statuscast::testing {

class MemoryTokenStore final : public TokenStore {
 public:
  absl::StatusOr<TokenRecord> FindByHash(const std::string& hash) override {
    absl::MutexLock lock(&mu_);
    ++lookups_;
    if (unavailable_) return absl::UnavailableError("PostgreSQL is unreachable");
    auto it = by_hash_.find(hash);
    if (it == by_hash_.end()) return absl::NotFoundError("no token has this hash");
    return tokens_.at(it->second);
  }
  absl::Status Insert(const TokenRecord& t, const std::string& hash,
                      const TokenChange& change) override {
    absl::MutexLock lock(&mu_);
    if (tokens_.count(t.name)) return absl::AlreadyExistsError(absl::StrCat(t.name, " exists"));
    tokens_[t.name] = t;
    by_hash_[hash] = t.name;
    audit_.push_back(absl::StrCat(change.actor, " created ", t.name));
    return absl::OkStatus();
  }
  absl::StatusOr<std::vector<TokenRecord>> List() override {
    absl::MutexLock lock(&mu_);
    std::vector<TokenRecord> out;
    for (const auto& [name, t] : tokens_) out.push_back(t);
    return out;
  }
  absl::StatusOr<TokenRecord> Revoke(const std::string& name, const TokenChange& change) override {
    absl::MutexLock lock(&mu_);
    auto it = tokens_.find(name);
    if (it == tokens_.end()) return absl::NotFoundError(name);
    if (!it->second.revoked_at) {
      it->second.revoked_at = change.at;
      audit_.push_back(absl::StrCat(change.actor, " revoked ", name));
    }
    return it->second;
  }

  int lookups() {
    absl::MutexLock lock(&mu_);
    return lookups_;
  }
  void set_unavailable(bool v) {
    absl::MutexLock lock(&mu_);
    unavailable_ = v;
  }
  std::vector<std::string> audit() {
    absl::MutexLock lock(&mu_);
    return audit_;
  }

 private:
  absl::Mutex mu_;
  std::map<std::string, TokenRecord> tokens_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::string> by_hash_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> audit_ ABSL_GUARDED_BY(mu_);
  int lookups_ ABSL_GUARDED_BY(mu_) = 0;
  bool unavailable_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace statuscast::testing

#endif  // STATUSCAST_TESTS_AUTH_MEMORY_TOKEN_STORE_H_
