// HttpServer: statuscast-banner's HTTP side, for browsers and anything that
// speaks plain HTTP.
//
// Built-in routes:
//   GET /v1/banners?app=APP&path=PATH         JSON snapshot of the current set
//       (protobuf JSON of statuscast.v1.BannerSet), ETag + If-None-Match 304.
//   GET /v1/banners/stream?app=APP&path=PATH  Server-Sent Events: a retry hint
//       with jitter, then `id: <version>` / `event: banners` / `data: <json>`
//       for the current set and every change, `: heartbeat <version>` comments
//       on a quiet stream. Last-Event-ID (or ?last_version=) resumes.
// More GET routes are added with AddRoute (HEAD and OPTIONS come for free).
//
// Every response carries CORS headers when the request's Origin is allowed,
// X-Request-Id, and one log line ("http" event) per request; SSE streams log
// when they end. Bad parameters get a 4xx with {"error": ...} naming them.
//
// TLS: with tls_cert_file and tls_key_file set the port speaks HTTPS only
// (TLS 1.2 or newer), for snapshots and SSE alike; a plaintext request gets
// the connection closed.
//
// Fairness: per client address, a request rate limit (token bucket) and a
// cap on open SSE streams answer 429 with Retry-After and a JSON error
// (libs/http/client_limits.h). Off unless set in the options; loopback
// peers are exempt unless limit_loopback.
//
// Slow SSE clients are conflated: at most one write in flight per stream and
// only the newest set pending, so a client that stops reading holds bounded
// memory and delays nobody; a write stuck beyond sse_write_timeout drops it.
//
// Thread safety: AddRoute before Start; Start, Stop and port() from any one
// controlling thread. Stop is idempotent and also runs in the destructor.
// REQUIRES: `hub` and `metrics` outlive the server.
#ifndef STATUSCAST_LIBS_HTTP_HTTP_SERVER_H_
#define STATUSCAST_LIBS_HTTP_HTTP_SERVER_H_

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "libs/http/http_route.h"

namespace statuscast {

class BannerHub;
class Clock;
class TransportMetrics;

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
  // A request body beyond this gets 413 (GETs carry none).
  size_t max_body_bytes = 1024;
  // Time a client has to send a whole request (also the keep-alive idle time).
  absl::Duration request_timeout = absl::Seconds(15);
  // A comment on a quiet SSE stream this often.
  absl::Duration heartbeat_interval = absl::Seconds(15);
  // The SSE retry hint: base + a random 0..base/2 per response, so clients of
  // a replica that goes away do not all come back at once.
  absl::Duration sse_retry_base = absl::Milliseconds(2000);
  // An SSE client whose write has not completed in this time is dropped.
  absl::Duration sse_write_timeout = absl::Seconds(60);
  // Stop() waits this long for streams to end before closing sockets.
  absl::Duration shutdown_grace = absl::Seconds(2);
  // HTTPS: PEM certificate chain (leaf first) and unencrypted PEM private
  // key; both or neither. Start() fails (INVALID_ARGUMENT) when a file
  // cannot be read, holds no certificate or key, or they do not match.
  std::string tls_cert_file;
  std::string tls_key_file;
  // Per client address (IPv4 address, IPv6 /64): requests per second and
  // the burst allowed above it (0: no limit); beyond, 429 + Retry-After.
  double rate_per_ip = 0;
  double burst_per_ip = 0;
  // Open SSE streams per client address (0: no limit); beyond, 429.
  size_t max_streams_per_ip = 0;
  // Loopback peers (127.0.0.0/8, ::1) are exempt from both limits unless
  // this is set: they are local tools (benchmarks, probes) or a proxy on the
  // same host, behind which every client shares one address anyway.
  bool limit_loopback = false;
  // For commit-to-send latency and the rate limit; nullptr: the real clock.
  const Clock* clock = nullptr;
};

class HttpServer {
 public:
  // `metrics` may be null.
  HttpServer(BannerHub& hub, TransportMetrics* metrics, HttpServerOptions options);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Serves `handler` for GET and HEAD on exactly `path` (no query; e.g.
  // "/v1/status.json"). `path` is also the route label in metrics.
  // REQUIRES: before Start(); `path` is not already routed.
  void AddRoute(std::string path, HttpHandler handler);

  // Binds, listens and starts the I/O threads. Fails (UNAVAILABLE) when the
  // address cannot be bound, INVALID_ARGUMENT on a bad address or a bad TLS
  // certificate or key (the message names the file).
  absl::Status Start();
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
