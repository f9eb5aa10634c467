// Internal to libs/notify: libcurl's global set-up and owning handles.
// Thread safety: EnsureCurlInitialized may be called from any thread.
#ifndef STATUSCAST_LIBS_NOTIFY_CURL_SUPPORT_H_
#define STATUSCAST_LIBS_NOTIFY_CURL_SUPPORT_H_

#include <curl/curl.h>

#include <memory>

namespace statuscast {
namespace notify_internal {

// curl_global_init once per process, before the first handle.
void EnsureCurlInitialized();

struct CurlEasyDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct CurlSlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
struct CurlMimeDeleter {
  void operator()(curl_mime* m) const { curl_mime_free(m); }
};
using CurlEasy = std::unique_ptr<CURL, CurlEasyDeleter>;
using CurlSlist = std::unique_ptr<curl_slist, CurlSlistDeleter>;
using CurlMime = std::unique_ptr<curl_mime, CurlMimeDeleter>;

// Appends `line` to `list` (curl_slist_append keeps the head).
void Append(CurlSlist& list, const char* line);

}  // namespace notify_internal
}  // namespace statuscast

#endif  // STATUSCAST_LIBS_NOTIFY_CURL_SUPPORT_H_
