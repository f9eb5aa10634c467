// HttpServer: an HTTP/1.1 server for browsers and anything that speaks plain
// HTTP, with routes registered by the service that runs it.
//
// Routes (libs/http/route_table.h for the patterns):
//   AddRoute("/incidents/{ref}", handler)       a page: HttpHandler per request
//   AddStreamRoute("/v1/ticks", route)          Server-Sent Events fed by the
//                                               route's owner (sse_route.h)
// Each declares its methods (GET and HEAD by default; OPTIONS, the CORS
// preflight, is answered for every route). Another method gets 405 with
// Allow; a path no route serves gets 404.
//
// Every response carries CORS headers when the request's Origin is allowed,
// X-Request-Id, and one log line ("http" event) per request; SSE streams log
// when they end. Metrics (http_metrics.h) are labelled by route pattern, and
// "unmatched" for 404s, never by path.
//
// TLS: with tls_cert_file and tls_key_file set the port speaks HTTPS only
// (TLS 1.2 or newer), for pages and streams alike; a plaintext request gets
// the connection closed. TLS 1.2 offers only ECDHE key exchange with AEAD
// ciphers (AES-GCM, ChaCha20-Poly1305); a client offering nothing else (RSA
// key exchange, CBC, SHA-1 MACs) fails the handshake.
//
// Certificate rotation: with tls_reload_interval set, the server re-reads
// the certificate and key files that often (ReloadTls does it at once). A
// changed pair that loads and matches becomes the certificate of every new
// connection (log event http_tls_reloaded); open connections keep the one
// they were accepted with. A pair that does not load or match (say the
// certificate was rewritten and the key not yet) is refused with one log line
// (http_tls_reload_refused; once per distinct bad pair, not per poll) and the
// previous certificate keeps serving.
//
// Fairness: per client address, a request rate limit (token bucket) and a
// cap on open SSE streams answer 429 with Retry-After and a JSON error
// (libs/http/client_limits.h); a cap on open connections closes a
// connection beyond it at once, unanswered. Off unless set in the options;
// loopback clients are exempt unless limit_loopback. A new connection has
// header_timeout for its TLS handshake and first request header.
//
// Proxies: when the peer is one of trusted_proxies, the client (for the
// rate and stream limits and the logs) is read from X-Forwarded-For
// (client_address.h); trusted proxies are not held to the connection cap.
// Any other peer's X-Forwarded-For is ignored.
//
// Thread safety: AddRoute and AddStreamRoute before Start; Start, Stop and
// port() from any one controlling thread. Stop is idempotent and also runs
// in the destructor. REQUIRES: `metrics` outlives the server.
#ifndef STATUSCAST_LIBS_HTTP_HTTP_SERVER_H_
#define STATUSCAST_LIBS_HTTP_HTTP_SERVER_H_

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "libs/http/http_route.h"
#include "libs/http/sse_route.h"

namespace statuscast {

class Clock;
class HttpMetrics;

struct HttpServerOptions {
  std::string address = "0.0.0.0";
  int port = 8080;  // 0: pick a free port (see HttpServer::port())
  int io_threads = 2;
  // Origins allowed to read responses cross-origin, e.g.
  // "https://shop.example.com"; "*" allows any. Empty: no CORS headers.
  std::vector<std::string> cors_origins;
  // Beyond this many open connections (SSE included) a new one gets 503
  // with Retry-After.
  size_t max_connections = 16000;
  // Request line plus headers; beyond it 431.
  size_t max_header_bytes = 8 * 1024;
  // A request body beyond this gets 413 (GET and HEAD carry none; a POST
  // route's form must fit).
  size_t max_body_bytes = 1024;
  // Time a client has to send a whole request (also the keep-alive idle time).
  absl::Duration request_timeout = absl::Seconds(15);
  // Time a new connection has to finish the TLS handshake and send its
  // first request's header; beyond it the socket is closed unanswered.
  // Short, so idle sockets do not hold connection slots.
  absl::Duration header_timeout = absl::Seconds(5);
  // A comment on a quiet SSE stream this often.
  absl::Duration heartbeat_interval = absl::Seconds(30);
  // The SSE retry hint: base + a random 0..base/2 per response, so clients of
  // a replica that goes away do not all come back at once.
  absl::Duration sse_retry_base = absl::Milliseconds(2000);
  // An SSE client whose write has not completed in this time is dropped.
  absl::Duration sse_write_timeout = absl::Seconds(60);
  // A peer that has acknowledged nothing for this long is dropped by the
  // kernel (TCP_USER_TIMEOUT on every accepted socket), and an idle
  // connection is probed after it (SO_KEEPALIVE): finds clients that vanished
  // without FIN (a dead network, a NAT that forgot the mapping) even while
  // only small heartbeats are sent. Zero: the kernel's defaults (~15 min).
  absl::Duration tcp_user_timeout = absl::ZeroDuration();
  // Stop() waits this long for streams to end before closing sockets.
  absl::Duration shutdown_grace = absl::Seconds(2);
  // HTTPS: PEM certificate chain (leaf first) and unencrypted PEM private
  // key; both or neither. Start() fails (INVALID_ARGUMENT) when a file
  // cannot be read, holds no certificate or key, or they do not match.
  std::string tls_cert_file;
  std::string tls_key_file;
  // Re-read tls_cert_file and tls_key_file this often (monotonic clock);
  // zero: never.
  absl::Duration tls_reload_interval = absl::ZeroDuration();
  // Per client address (IPv4 address, IPv6 /64): requests per second and
  // the burst allowed above it (0: no limit); beyond, 429 + Retry-After.
  double rate_per_ip = 0;
  double burst_per_ip = 0;
  // Open SSE streams per client address (0: no limit); beyond, 429.
  size_t max_streams_per_ip = 0;
  // Open connections per peer address (0: no limit); beyond, the new
  // connection is closed at once without an answer.
  size_t max_connections_per_ip = 0;
  // Loopback clients (127.0.0.0/8, ::1) are exempt from the per-address
  // limits unless this is set: they are local tools (benchmarks, probes) or
  // a proxy on the same host, behind which every client shares one address
  // anyway (better: list it in trusted_proxies).
  bool limit_loopback = false;
  // Addresses or CIDR blocks ("10.0.0.0/8", "::1") of reverse proxies whose
  // X-Forwarded-For names the client. Start() fails (INVALID_ARGUMENT) on an
  // entry that is neither.
  std::vector<std::string> trusted_proxies;
  // For the rate limit; nullptr: the real clock.
  const Clock* clock = nullptr;
};

class HttpServer {
 public:
  // `metrics` may be null.
  explicit HttpServer(HttpServerOptions options, HttpMetrics* metrics = nullptr);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Serves `handler` for `methods` on the paths `pattern` matches (e.g.
  // "/v1/status.json", "/incidents/{ref}"; see RouteTable). The pattern is
  // the route label in metrics. Crashes on a malformed or already routed
  // pattern, or after Start(): a programming error found at start-up.
  void AddRoute(std::string pattern, HttpHandler handler,
                HttpMethods methods = HttpMethods::GetHead());
  // Serves Server-Sent Events on `pattern` (GET; HEAD answers the headers
  // only), fed by `route`. Same REQUIRES as AddRoute.
  void AddStreamRoute(std::string pattern, std::shared_ptr<SseStreamRoute> route);

  // Binds, listens and starts the I/O threads. Fails (UNAVAILABLE) when the
  // address cannot be bound, INVALID_ARGUMENT on a bad address or a bad TLS
  // certificate or key (the message names the file).
  absl::Status Start();
  // Re-reads the TLS certificate and key files now (see Certificate rotation
  // above): OK when they are unchanged or the new pair now serves;
  // INVALID_ARGUMENT naming the file at fault when the new pair is refused
  // (the previous one keeps serving); FAILED_PRECONDITION without TLS or
  // outside Start..Stop. From the controlling thread.
  absl::Status ReloadTls();
  // The bound port (after Start; useful with options.port == 0).
  int port() const;
  // Closes the listener, ends every SSE stream (clients reconnect elsewhere)
  // and in-flight connections within options.shutdown_grace, and joins the
  // I/O threads. Safe to call twice and without Start.
  void Stop();

  // Open connections right now (for tests and metrics).
  size_t connections() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_HTTP_HTTP_SERVER_H_
