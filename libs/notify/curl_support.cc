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
