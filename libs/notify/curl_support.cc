#include "libs/notify/curl_support.h"

#include <mutex>

#include "libs/notify/delivery_result.h"

namespace statuscast {
namespace notify_internal {

void EnsureCurlInitialized() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

void Append(CurlSlist& list, const char* line) {
  curl_slist* head = curl_slist_append(list.get(), line);
  if (head != nullptr) {
    list.release();
    list.reset(head);
  }
}

CurlHandlePool::Lease::~Lease() {
  if (pool_ != nullptr && handle_) pool_->Return(std::move(key_), std::move(handle_));
}

CurlHandlePool::Lease CurlHandlePool::Acquire(const std::string& key) {
  {
    absl::MutexLock lock(&mu_);
    if (!idle_.empty()) {
      size_t pick = idle_.size() - 1;  // the most recently used: likeliest alive
      for (size_t i = idle_.size(); i-- > 0;) {
        if (idle_[i].key == key) {
          pick = i;
          break;
        }
      }
      CurlEasy handle = std::move(idle_[pick].handle);
      idle_.erase(idle_.begin() + static_cast<std::ptrdiff_t>(pick));
      return Lease(this, std::move(handle), key);
    }
  }
  CurlEasy handle(curl_easy_init());
  if (handle) curl_easy_setopt(handle.get(), CURLOPT_MAXCONNECTS, kConnectionsPerHandle);
  return Lease(this, std::move(handle), key);
}

void CurlHandlePool::Return(std::string key, CurlEasy handle) {
  curl_easy_reset(handle.get());
  // curl_easy_reset puts the cache size back to its default too.
  curl_easy_setopt(handle.get(), CURLOPT_MAXCONNECTS, kConnectionsPerHandle);
  CurlEasy dropped;  // cleaned up (its connections closed) outside the lock
  absl::MutexLock lock(&mu_);
  if (static_cast<int>(idle_.size()) >= max_idle_) {
    dropped = std::move(idle_.front().handle);
    idle_.erase(idle_.begin());
  }
  idle_.push_back(Idle{std::move(key), std::move(handle)});
}

}  // namespace notify_internal

const char* DeliveryOutcomeName(DeliveryOutcome outcome) {
  switch (outcome) {
    case DeliveryOutcome::kDelivered:
      return "delivered";
    case DeliveryOutcome::kRetry:
      return "retry";
    case DeliveryOutcome::kGone:
      return "gone";
    case DeliveryOutcome::kRejected:
      return "rejected";
  }
  return "retry";
}

}  // namespace statuscast
