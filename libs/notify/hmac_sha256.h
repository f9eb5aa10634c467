// HMAC-SHA256 (OpenSSL), the one MAC libs/notify uses: link tokens and
// Standard Webhooks signatures.
// Thread safety: pure function.
#ifndef STATUSCAST_LIBS_NOTIFY_HMAC_SHA256_H_
#define STATUSCAST_LIBS_NOTIFY_HMAC_SHA256_H_

#include <string>

#include "absl/strings/string_view.h"

namespace statuscast {

// The 32-byte MAC of `data` under `key`, as raw bytes.
std::string HmacSha256(absl::string_view key, absl::string_view data);

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_NOTIFY_HMAC_SHA256_H_
