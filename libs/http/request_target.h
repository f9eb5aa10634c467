// Splitting and decoding an HTTP request target ("/v1/banners?app=shop&...")
// and picking the request id, apart from the HTTP library.
// Thread safety: free functions without shared state.
#ifndef STATUSCAST_LIBS_HTTP_REQUEST_TARGET_H_
#define STATUSCAST_LIBS_HTTP_REQUEST_TARGET_H_

#include <map>
#include <string>

#include "absl/strings/string_view.h"

namespace statuscast {

// Parses an origin-form target into its percent-decoded path and query
// parameters ('+' is a space; the first of repeated names wins). False on a
// malformed target (not starting with '/', bad percent-encoding, ...).
bool ParseRequestTarget(absl::string_view target, std::string* path,
                        std::map<std::string, std::string>* query);

// An application/x-www-form-urlencoded body ("email=a%40b.c&x=1") decoded
// as a query is; false when malformed.
bool ParseFormBody(absl::string_view body, std::map<std::string, std::string>* fields);
// The same, keeping every value of a repeated name (checkboxes), in order.
bool ParseFormBody(absl::string_view body, std::multimap<std::string, std::string>* fields);

// `client_id` when it is a sane request id (1-128 of [A-Za-z0-9._:-]),
// otherwise a new random 16-hex-digit id.
std::string PickRequestId(absl::string_view client_id);

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_HTTP_REQUEST_TARGET_H_
