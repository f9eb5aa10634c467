#include "libs/notify/link_token.h"

#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"

#include <openssl/crypto.h>

#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "libs/notify/hmac_sha256.h"

namespace statuscast {
namespace {

absl::Status Malformed(absl::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("link token is malformed (", why, "); use the whole link from the message"));
}

}  // namespace

const char* LinkPurposeName(LinkPurpose purpose) {
  switch (purpose) {
    case LinkPurpose::kConfirm:
      return "confirm";
    case LinkPurpose::kUnsubscribe:
      return "unsubscribe";
    case LinkPurpose::kSubscribeForm:
      return "subscribe-form";
  }
  return "unsubscribe";
}

absl::StatusOr<LinkTokenSigner> LinkTokenSigner::Create(std::string key, const Clock* clock) {
  if (key.size() < kMinKeyBytes) {
    return absl::InvalidArgumentError(absl::StrCat("link signing key is ", key.size(),
                                                   " bytes; at least ", kMinKeyBytes,
                                                   " random bytes are needed"));
  }
  return LinkTokenSigner(std::move(key), clock);
}

std::string LinkTokenSigner::Mac(absl::string_view payload) const {
  return HmacSha256(key_, payload);
}

std::string LinkTokenSigner::Issue(LinkPurpose purpose, absl::string_view subscriber_id,
                                   absl::Time expires_at) const {
  const std::string payload = absl::StrCat(LinkPurposeName(purpose), "\n", subscriber_id, "\n",
                                           absl::ToUnixSeconds(expires_at));
  return absl::StrCat(absl::WebSafeBase64Escape(payload), ".",
                      absl::WebSafeBase64Escape(Mac(payload)));
}

absl::StatusOr<std::string> LinkTokenSigner::Verify(LinkPurpose purpose,
                                                    absl::string_view token) const {
  std::vector<absl::string_view> halves = absl::StrSplit(token, '.');
  if (halves.size() != 2 || halves[0].empty() || halves[1].empty()) {
    return Malformed("expected two parts separated by '.'");
  }
  std::string payload, mac;
  if (!absl::WebSafeBase64Unescape(halves[0], &payload) ||
      !absl::WebSafeBase64Unescape(halves[1], &mac)) {
    return Malformed("not base64url");
  }
  const std::string expected = Mac(payload);
  if (mac.size() != expected.size() ||
      CRYPTO_memcmp(mac.data(), expected.data(), expected.size()) != 0) {
    return absl::UnauthenticatedError(
        "link token signature does not match: the link was altered or not issued by this "
        "status page");
  }
  std::vector<std::string> fields = absl::StrSplit(payload, '\n');
  int64_t expiry = 0;
  if (fields.size() != 3 || !absl::SimpleAtoi(fields[2], &expiry)) {
    return Malformed("unexpected contents");
  }
  if (fields[0] != LinkPurposeName(purpose)) {
    return absl::PermissionDeniedError(
        absl::StrCat("link token is for ", fields[0], ", not ", LinkPurposeName(purpose)));
  }
  const absl::Time expires_at = absl::FromUnixSeconds(expiry);
  if (clock_->Now() >= expires_at) {
    return absl::FailedPreconditionError(
        absl::StrCat("link token expired at ",
                     absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", expires_at, absl::UTCTimeZone()),
                     "; ask for a new link"));
  }
  return fields[1];
}

absl::StatusOr<std::string> ReadLinkSecret(const std::string& flag, const std::string& path) {
  if (path.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        flag, " is required: a file holding at least 32 random bytes, the same for "
              "statuscast-comms and statuscast-banner (e.g. openssl rand -hex 32 > FILE)"));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::InvalidArgumentError(absl::StrCat(flag, ": cannot read ", path));
  std::stringstream contents;
  contents << in.rdbuf();
  std::string key(absl::StripAsciiWhitespace(contents.str()));
  if (key.size() < LinkTokenSigner::kMinKeyBytes) {
    return absl::InvalidArgumentError(absl::StrCat(flag, ": ", path, " holds ", key.size(),
                                                   " bytes; at least 32 are needed (e.g. "
                                                   "openssl rand -hex 32 > FILE)"));
  }
  return key;
}

}  // namespace statuscast
