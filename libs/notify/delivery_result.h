// The outcome of one delivery attempt, the same for every transport, and
// what the notifier does next with it.
// Thread safety: plain values.
#ifndef STATUSCAST_LIBS_NOTIFY_DELIVERY_RESULT_H_
#define STATUSCAST_LIBS_NOTIFY_DELIVERY_RESULT_H_

#include <cstddef>
#include <string>

namespace statuscast {

enum class DeliveryOutcome {
  kDelivered,  // mark delivered
  kRetry,      // schedule another attempt (retry_schedule.h)
  kGone,       // HTTP 410: the receiver asks us to stop; unsubscribe it
  kRejected,   // permanent (other 4xx, refused destination): record, do not retry
};

// "delivered", "retry", "gone", "rejected": metric labels and logs.
const char* DeliveryOutcomeName(DeliveryOutcome outcome);

struct DeliveryResult {
  DeliveryOutcome outcome = DeliveryOutcome::kRetry;
  // The HTTP status, or the SMTP server's last reply code; 0 when none came.
  int status_code = 0;
  // Why, for the delivery history ("HTTP 503", "timed out after 10 s",
  // "destination address 10.1.2.3 is private; ...").
  std::string detail;
  // Response body bytes read; reading stops at the transport's limit.
  size_t response_bytes = 0;
  bool response_truncated = false;
  // Times libcurl asked to open a socket, and sockets actually opened: a
  // refused destination leaves both at 0.
  int sockets_requested = 0;
  int sockets_opened = 0;
};

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_NOTIFY_DELIVERY_RESULT_H_
