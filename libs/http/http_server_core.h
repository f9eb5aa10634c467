// The server half of libs/http's Beast code: what every connection of an
// HttpServer shares (options, limits, routes, the io_context) and what the
// server sees of a connection. Private to libs/http: it includes Beast and
// is included by http_server.cc alone, through http_connection.h too (keep
// Beast out of other headers).
//
// Thread safety: ServerCore's fields are fixed after Start, except the
// atomics and live_ (under mu_).
#ifndef STATUSCAST_LIBS_HTTP_HTTP_SERVER_CORE_H_
#define STATUSCAST_LIBS_HTTP_HTTP_SERVER_CORE_H_

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "libs/base/clock.h"
#include "libs/http/client_address.h"
#include "libs/http/client_limits.h"
#include "libs/http/cors_policy.h"
#include "libs/http/http_metrics.h"
#include "libs/http/http_server.h"
#include "libs/http/route_table.h"

namespace statuscast {
namespace http_internal {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using SteadyClock = std::chrono::steady_clock;


// Connections beyond max_connections + this are closed without an answer
// (the 503 costs a read; a flood must not grow without bound).
constexpr size_t kOverloadAnswerSlack = 256;
// Retry-After on a 429 for one stream too many: a slot frees when one of
// the address's streams ends, which a client cannot know; a few seconds.
constexpr int kStreamCapRetryAfterSeconds = 5;

inline std::string ToStd(beast::string_view v) { return std::string(v.data(), v.size()); }

inline std::chrono::milliseconds ToChrono(absl::Duration d) {
  return std::chrono::milliseconds(absl::ToInt64Milliseconds(d));
}

inline double MillisSince(SteadyClock::time_point start) {
  return std::chrono::duration<double, std::milli>(SteadyClock::now() - start).count();
}

// What the server sees of a connection, whatever its stream (plain TCP or
// TLS).
class ConnectionBase : public std::enable_shared_from_this<ConnectionBase> {
 public:
  virtual ~ConnectionBase() = default;
  // From Stop: end gracefully (SSE: a last chunk; idle keep-alive: close).
  virtual void BeginShutdown() = 0;
  // From Stop after the grace period.
  virtual void Abort() = 0;
  // From Stop's thread: stop an SSE stream's feed. Idempotent.
  virtual void Unsubscribe() = 0;
};

// The TCP peer of a connection.
struct Peer {
  IpAddress address;
  // The limiting key (client_address.h): IPv4 address or IPv6 /64.
  std::string key = "unknown";
  bool loopback = false;
  bool trusted_proxy = false;
};

inline Peer PeerOf(const tcp::socket& socket, const TrustedProxies& proxies) {
  Peer p;
  beast::error_code ec;
  const tcp::endpoint remote = socket.remote_endpoint(ec);
  if (ec) return p;
  absl::optional<IpAddress> a = ParseIpAddress(remote.address().to_string());
  if (!a) return p;
  p.address = *a;
  p.key = LimitKey(*a);
  p.loopback = a->IsLoopback();
  p.trusted_proxy = proxies.Contains(*a);
  return p;
}

// Everything the connections share; HttpServer::Impl is this.
class ServerCore {
 public:
  // One row of the route table: a page (handler) or a stream (stream).
  struct Route {
    std::string pattern;  // also the metrics label
    HttpMethods methods = HttpMethods::GetHead();
    HttpHandler handler;
    std::shared_ptr<SseStreamRoute> stream;
  };

  ServerCore(HttpServerOptions options, HttpMetrics* metrics)
      : metrics_(metrics),
        options_(std::move(options)),
        cors_(options_.cors_origins),
        clock_(options_.clock != nullptr ? *options_.clock : RealClock::Get()),
        limits_(ClientLimitOptions{options_.rate_per_ip, options_.burst_per_ip,
                                   options_.max_streams_per_ip, options_.max_connections_per_ip}) {}

  absl::Status Start();
  void Stop();
  // Loads the first TLS context when the options name a certificate and key.
  absl::Status LoadTls();
  // Re-reads the certificate and key files; a changed, valid pair becomes the
  // context new connections take (HttpServer::ReloadTls).
  absl::Status ReloadTls();
  void ScheduleTlsReload();
  void DoAccept();

  // The context a new HTTPS connection takes (null over plaintext).
  std::shared_ptr<net::ssl::context> TlsContext() {
    absl::MutexLock lock(&tls_mu_);
    return tls_context_;
  }

  void Register(uint64_t id, std::weak_ptr<ConnectionBase> c) {
    absl::MutexLock lock(&mu_);
    live_[id] = std::move(c);
  }
  void Unregister(uint64_t id) {
    {
      absl::MutexLock lock(&mu_);
      live_.erase(id);
    }
    connections_.fetch_sub(1);
  }
  std::vector<std::shared_ptr<ConnectionBase>> LiveConnections() {
    std::vector<std::shared_ptr<ConnectionBase>> out;
    absl::MutexLock lock(&mu_);
    for (auto& [id, weak] : live_) {
      if (auto c = weak.lock()) out.push_back(std::move(c));
    }
    return out;
  }

  // REQUIRES: before Start; crashes on a bad pattern (a programming error).
  void AddRoute(Route route);

  HttpMetrics* const metrics_;
  const HttpServerOptions options_;
  const CorsPolicy cors_;
  const Clock& clock_;
  ClientLimits limits_;
  TrustedProxies proxies_;     // set by Start
  std::vector<Route> routes_;  // fixed after Start; indexed by route_table_
  RouteTable route_table_;
  // Set by Start when serving HTTPS.
  bool tls_ = false;
  // The current TLS context, set by Start and swapped by ReloadTls; each
  // connection holds the one it was accepted with.
  absl::Mutex tls_mu_;
  std::shared_ptr<net::ssl::context> tls_context_ ABSL_GUARDED_BY(tls_mu_);
  // ReloadTls one at a time: the files' text in tls_context_, and the last
  // pair refused (so a bad pair is logged once, not on every poll).
  absl::Mutex reload_mu_;
  std::string loaded_pem_ ABSL_GUARDED_BY(reload_mu_);
  std::string refused_pem_ ABSL_GUARDED_BY(reload_mu_);
  std::string refused_error_ ABSL_GUARDED_BY(reload_mu_);

  // Destroyed explicitly in Stop (handlers own connections, which use the
  // members above).
  std::unique_ptr<net::io_context> ioc_;
  std::unique_ptr<tcp::acceptor> acceptor_;
  std::unique_ptr<net::steady_timer> accept_retry_;
  std::unique_ptr<net::steady_timer> tls_reload_timer_;  // with tls_reload_interval
  std::vector<std::thread> threads_;
  std::atomic<size_t> connections_{0};
  std::atomic<uint64_t> next_connection_id_{1};
  std::atomic<bool> stopping_{false};
  int port_ = 0;
  bool started_ = false;
  bool stopped_ = false;

  absl::Mutex mu_;
  std::map<uint64_t, std::weak_ptr<ConnectionBase>> live_ ABSL_GUARDED_BY(mu_);
};

}  // namespace http_internal
}  // namespace statuscast

#endif  // STATUSCAST_LIBS_HTTP_HTTP_SERVER_CORE_H_
