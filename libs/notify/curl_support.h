// Internal to libs/notify: libcurl's global set-up, owning handles, and a
// pool of easy handles that keeps connections open between transfers.
// Thread safety: EnsureCurlInitialized and CurlHandlePool may be used from
// any thread; one leased handle is used by one thread at a time.
#ifndef STATUSCAST_LIBS_NOTIFY_CURL_SUPPORT_H_
#define STATUSCAST_LIBS_NOTIFY_CURL_SUPPORT_H_

#include <curl/curl.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

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

// Idle libcurl easy handles, kept between transfers so that each handle's
// connection cache keeps its connections open: the next transfer to the
// same server (the SMTP relay; a webhook host) skips the TCP (and TLS)
// set-up, and for SMTP the greeting and EHLO. libcurl checks that a cached
// connection is still alive and for the same host, port, protocol and TLS
// settings before it reuses one; it closes one idle longer than its maximum
// age (CURLOPT_MAXAGE_CONN, 118 s by default).
//
// A lease gives one thread a handle with every option at its default
// (curl_easy_reset on return: no pointer into a finished transfer's buffers
// stays set); its cached connections and DNS entries stay. Acquire(key)
// prefers an idle handle last used with the same key (the host), so
// transfers to one host find its open connection. At most `max_idle`
// handles are kept; each keeps at most kConnectionsPerHandle connections.
class CurlHandlePool {
 public:
  static constexpr long kConnectionsPerHandle = 2;

  class Lease {
   public:
    Lease(Lease&& other) noexcept
        : pool_(other.pool_), handle_(std::move(other.handle_)), key_(std::move(other.key_)) {}
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    // Null when libcurl could not make a handle.
    CURL* get() const { return handle_.get(); }

   private:
    friend class CurlHandlePool;
    Lease(CurlHandlePool* pool, CurlEasy handle, std::string key)
        : pool_(pool), handle_(std::move(handle)), key_(std::move(key)) {}
    CurlHandlePool* pool_;
    CurlEasy handle_;
    std::string key_;
  };

  explicit CurlHandlePool(int max_idle = 64) : max_idle_(max_idle) {}
  CurlHandlePool(const CurlHandlePool&) = delete;
  CurlHandlePool& operator=(const CurlHandlePool&) = delete;

  Lease Acquire(const std::string& key);

 private:
  struct Idle {
    std::string key;
    CurlEasy handle;
  };
  void Return(std::string key, CurlEasy handle);

  const int max_idle_;
  absl::Mutex mu_;
  std::vector<Idle> idle_ ABSL_GUARDED_BY(mu_);  // most recently returned last
};

}  // namespace notify_internal
}  // namespace statuscast

#endif  // STATUSCAST_LIBS_NOTIFY_CURL_SUPPORT_H_
