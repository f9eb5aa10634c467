// The one Boost.Beast translation unit: accepting, reading requests,
// writing responses and Server-Sent Events. The rules (parameters, CORS,
// snapshot, SSE text) live in plain files beside it.
#include "libs/http/http_server.h"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "libs/banner/banner_hub.h"
#include "libs/banner/transport_metrics.h"
#include "libs/base/clock.h"
#include "libs/base/log.h"
#include "libs/http/banner_endpoints.h"
#include "libs/http/client_limits.h"
#include "libs/http/cors_policy.h"
#include "libs/http/request_target.h"

namespace statuscast {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using SteadyClock = std::chrono::steady_clock;

constexpr char kAllowedMethods[] = "GET, HEAD, OPTIONS";
constexpr char kUnknownRoute[] = "unknown";
// Connections beyond max_connections + this are closed without an answer
// (the 503 costs a read; a flood must not grow without bound).
constexpr size_t kOverloadAnswerSlack = 256;
// Retry-After on a 429 for one stream too many: a slot frees when one of
// the address's streams ends, which a client cannot know; a few seconds.
constexpr int kStreamCapRetryAfterSeconds = 5;

std::string ToStd(beast::string_view v) { return std::string(v.data(), v.size()); }

std::chrono::milliseconds ToChrono(absl::Duration d) {
  return std::chrono::milliseconds(absl::ToInt64Milliseconds(d));
}

double MillisSince(SteadyClock::time_point start) {
  return std::chrono::duration<double, std::milli>(SteadyClock::now() - start).count();
}

int64_t Jittered(int64_t base_ms) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  if (base_ms <= 0) return 0;
  return base_ms + static_cast<int64_t>(rng() % static_cast<uint64_t>(base_ms / 2 + 1));
}

// What the server and the hub's sink see of a connection, whatever its
// stream (plain TCP or TLS).
class ConnectionBase : public std::enable_shared_from_this<ConnectionBase> {
 public:
  virtual ~ConnectionBase() = default;
  // From Stop: end gracefully (SSE: a last chunk; idle keep-alive: close).
  virtual void BeginShutdown() = 0;
  // From Stop after the grace period.
  virtual void Abort() = 0;
  // Stop's thread, or the strand: once only, and never from a sink callback.
  virtual void Unsubscribe() = 0;
  // On the strand, from SseSink.
  virtual void Deliver(std::shared_ptr<const RenderedSet> set) = 0;
  virtual void CloseStream() = 0;
};

struct Peer {
  // The limiting key: the IPv4 address, or the /64 of an IPv6 one (one host
  // commonly holds a whole /64).
  std::string key = "unknown";
  bool loopback = false;
};

Peer PeerOf(const tcp::socket& socket) {
  Peer p;
  beast::error_code ec;
  const tcp::endpoint remote = socket.remote_endpoint(ec);
  if (ec) return p;
  net::ip::address a = remote.address();
  if (a.is_v6() && a.to_v6().is_v4_mapped()) {
    a = net::ip::make_address_v4(net::ip::v4_mapped, a.to_v6());
  }
  p.loopback = a.is_loopback();
  if (a.is_v4()) {
    p.key = a.to_v4().to_string();
    return p;
  }
  net::ip::address_v6::bytes_type bytes = a.to_v6().to_bytes();
  std::fill(bytes.begin() + 8, bytes.end(), 0);
  p.key = net::ip::address_v6(bytes).to_string() + "/64";
  return p;
}

// Everything the connections share; HttpServer::Impl is this.
class ServerCore {
 public:
  struct Route {
    std::string label;
    HttpHandler handler;
  };

  ServerCore(BannerHub& hub, TransportMetrics* metrics, HttpServerOptions options)
      : hub_(hub),
        metrics_(metrics),
        options_(std::move(options)),
        cors_(options_.cors_origins),
        clock_(options_.clock != nullptr ? *options_.clock : RealClock::Get()),
        limits_(ClientLimitOptions{options_.rate_per_ip, options_.burst_per_ip,
                                   options_.max_streams_per_ip}) {}

  absl::Status Start();
  void Stop();
  // Builds ssl_ctx_ when the options name a certificate and key.
  absl::Status LoadTls();
  void DoAccept();

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

  BannerHub& hub_;
  TransportMetrics* const metrics_;
  const HttpServerOptions options_;
  const CorsPolicy cors_;
  const Clock& clock_;
  ClientLimits limits_;
  std::map<std::string, Route> routes_;  // fixed after Start
  // Set by Start when serving HTTPS; outlives every connection (they are
  // gone when Stop returns).
  std::unique_ptr<net::ssl::context> ssl_ctx_;

  // Destroyed explicitly in Stop (handlers own connections, which use the
  // members above).
  std::unique_ptr<net::io_context> ioc_;
  std::unique_ptr<tcp::acceptor> acceptor_;
  std::unique_ptr<net::steady_timer> accept_retry_;
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

// The hub's end of one SSE stream: hands sets to the connection's strand.
class SseSink final : public SetSink {
 public:
  SseSink(std::weak_ptr<ConnectionBase> connection, net::any_io_executor strand)
      : connection_(std::move(connection)), strand_(std::move(strand)) {}
  void OnSet(std::shared_ptr<const RenderedSet> set) override;
  void OnClose() override;

 private:
  const std::weak_ptr<ConnectionBase> connection_;
  const net::any_io_executor strand_;
};

// One TCP connection, over TLS when kTls (after a handshake): HTTP/1.1
// requests with keep-alive until one of them turns it into an SSE stream.
// All members are used on the strand only, except sub_id_ (Stop may
// unsubscribe from its own thread).
template <bool kTls>
class Connection final : public ConnectionBase {
 public:
  using Stream = std::conditional_t<kTls, beast::ssl_stream<beast::tcp_stream>, beast::tcp_stream>;

  Connection(ServerCore* server, tcp::socket&& socket, bool over_limit)
      : server_(server),
        id_(server->next_connection_id_.fetch_add(1)),
        peer_(PeerOf(socket)),
        limited_(server->options_.limit_loopback || !peer_.loopback),
        stream_(MakeStream(server, std::move(socket))),
        timer_(stream_.get_executor()),
        over_limit_(over_limit) {}

  ~Connection() override {
    ReleaseStreamSlot();
    Unsubscribe();
    server_->Unregister(id_);
  }

  void Start() {
    server_->Register(id_, weak_from_this());
    net::dispatch(stream_.get_executor(), beast::bind_front_handler(&Connection::Begin, Self()));
  }

  void BeginShutdown() override {
    net::post(stream_.get_executor(), [self = Self()] {
      if (self->sse_) {
        self->CloseStream();
      } else if (self->reading_) {
        self->CloseSocket();
      }
    });
  }
  void Abort() override {
    net::post(stream_.get_executor(), [self = Self()] {
      if (self->sse_) return self->FinishStream("shutdown");
      self->CloseSocket();
    });
  }
  void Unsubscribe() override {
    uint64_t id = sub_id_.exchange(0);
    if (id != 0) server_->hub_.Unsubscribe(id);
  }

  void Deliver(std::shared_ptr<const RenderedSet> set) override {
    if (!sse_ || finished_ || closing_) return;
    if (writing_) {
      if (pending_ != nullptr && server_->metrics_ != nullptr) {
        server_->metrics_->SetConflated(Transport::kSse);
      }
      if (pending_ != nullptr) ++conflated_;
      pending_ = std::move(set);
      return;
    }
    WriteSet(std::move(set));
  }
  void CloseStream() override {
    if (!sse_ || finished_ || closing_) return;
    closing_ = true;
    pending_.reset();
    if (!writing_) WriteLastChunk();
  }

 private:
  // --- Connection --------------------------------------------------------

  static Stream MakeStream(ServerCore* server, tcp::socket&& socket) {
    if constexpr (kTls) {
      return Stream(std::move(socket), *server->ssl_ctx_);
    } else {
      return Stream(std::move(socket));
    }
  }

  std::shared_ptr<Connection> Self() {
    return std::static_pointer_cast<Connection>(shared_from_this());
  }
  beast::tcp_stream& Tcp() { return beast::get_lowest_layer(stream_); }

  void Begin() {
    if constexpr (kTls) {
      // The handshake gets the time a request has; Stop closes it as it
      // would an idle read.
      Tcp().expires_after(ToChrono(server_->options_.request_timeout));
      reading_ = true;
      stream_.async_handshake(net::ssl::stream_base::server,
                              beast::bind_front_handler(&Connection::OnHandshake, Self()));
    } else {
      DoRead();
    }
  }

  void OnHandshake(beast::error_code ec) {
    reading_ = false;
    if (ec) {
      if (!server_->stopping_.load()) {
        LogEvent("http_tls_handshake_failed", {{"client", peer_.key}, {"error", ec.message()}});
      }
      return CloseSocket();
    }
    DoRead();
  }

  // --- Requests ---------------------------------------------------------

  void DoRead() {
    if (server_->stopping_.load()) return CloseSocket();
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(server_->options_.max_header_bytes));
    parser_->body_limit(server_->options_.max_body_bytes);
    Tcp().expires_after(ToChrono(server_->options_.request_timeout));
    reading_ = true;
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&Connection::OnRead, Self()));
  }

  void OnRead(beast::error_code ec, std::size_t) {
    reading_ = false;
    started_ = SteadyClock::now();
    if (ec == http::error::end_of_stream || ec == net::error::eof ||
        ec == net::error::operation_aborted || ec == beast::error::timeout ||
        ec == net::error::connection_reset) {
      return CloseSocket();
    }
    if (ec == http::error::header_limit) {
      return SendFixedError(431, "request headers are larger than " +
                                     std::to_string(server_->options_.max_header_bytes) + " bytes");
    }
    if (ec == http::error::body_limit) {
      return SendFixedError(413, "request body is larger than " +
                                     std::to_string(server_->options_.max_body_bytes) +
                                     " bytes (GET requests carry none)");
    }
    if (ec) {
      if (ec.category() == beast::error_code(http::error::bad_target).category()) {
        return SendFixedError(400, "malformed HTTP request: " + ec.message());
      }
      return CloseSocket();
    }
    Handle(parser_->release());
  }

  // An answer to a request that could not be read whole.
  void SendFixedError(int status, const std::string& message) {
    ctx_ = RequestContext{};
    ctx_.method = "-";
    ctx_.path = "-";
    ctx_.request_id = PickRequestId("");
    ctx_.route = kUnknownRoute;
    Respond(HttpResponse::Error(status, message), /*head=*/false, 11, /*keep_alive=*/false);
  }

  struct RequestContext {
    std::string method;
    std::string path;
    std::string request_id;
    std::string allow_origin;  // "" when no CORS headers
    const char* route = kUnknownRoute;
  };

  void Handle(http::request<http::string_body> req) {
    HttpRequest request;
    request.method = ToStd(req.method_string());
    for (const auto& field : req) {
      std::string name = absl::AsciiStrToLower(ToStd(field.name_string()));
      std::string value = ToStd(field.value());
      auto [it, inserted] = request.headers.emplace(name, value);
      if (!inserted) absl::StrAppend(&it->second, ", ", value);
    }
    request.request_id = PickRequestId(request.Header("x-request-id"));
    ctx_ = RequestContext{};
    ctx_.method = request.method;
    ctx_.request_id = request.request_id;
    ctx_.allow_origin = server_->cors_.AllowOrigin(request.Header("origin"));
    const unsigned version = req.version();
    const bool keep_alive = req.keep_alive() && !over_limit_;

    const std::string target = ToStd(req.target());
    if (!ParseRequestTarget(target, &request.path, &request.query)) {
      ctx_.path = target.substr(0, 200);
      return Respond(HttpResponse::Error(400, "malformed request target"), false, version,
                     keep_alive);
    }
    ctx_.path = request.path;

    enum class Kind { kNone, kSnapshot, kStream, kCustom } kind = Kind::kNone;
    const ServerCore::Route* custom = nullptr;
    if (request.path == kBannersRoute) {
      kind = Kind::kSnapshot;
      ctx_.route = kBannersRoute;
    } else if (request.path == kBannerStreamRoute) {
      kind = Kind::kStream;
      ctx_.route = kBannerStreamRoute;
    } else if (auto it = server_->routes_.find(request.path); it != server_->routes_.end()) {
      kind = Kind::kCustom;
      custom = &it->second;
      ctx_.route = it->second.label.c_str();
    }

    if (over_limit_) {
      return Respond(HttpResponse::Error(503, "too many connections; retry shortly")
                         .WithHeader("Retry-After", "1"),
                     false, version, false);
    }
    if (limited_ && server_->limits_.rate_limited()) {
      const ClientLimits::Verdict verdict =
          server_->limits_.AllowRequest(peer_.key, server_->clock_.Now());
      if (!verdict.allowed) {
        const int64_t seconds = std::max<int64_t>(
            1, absl::ToInt64Seconds(absl::Ceil(verdict.retry_after, absl::Seconds(1))));
        return Respond(HttpResponse::Error(429, absl::StrCat("too many requests from this "
                                                             "address; retry after ",
                                                             seconds, " s"))
                           .WithHeader("Retry-After", std::to_string(seconds)),
                       false, version, keep_alive);
      }
    }
    if (kind == Kind::kNone) {
      return Respond(HttpResponse::Error(404, "no such resource: " + request.path), false, version,
                     keep_alive);
    }
    const http::verb method = req.method();
    if (method == http::verb::options) return RespondPreflight(version, keep_alive);
    if (method != http::verb::get && method != http::verb::head) {
      return Respond(
          HttpResponse::Error(405, "method " + request.method + " is not allowed; use GET")
              .WithHeader("Allow", kAllowedMethods),
          false, version, keep_alive);
    }
    const bool head = method == http::verb::head;

    switch (kind) {
      case Kind::kSnapshot:
        return Respond(BannerSnapshot(server_->hub_, request), head, version, keep_alive);
      case Kind::kStream: {
        BannerTarget banner_target;
        int64_t last_version = 0;
        HttpResponse error;
        if (!ParseBannerTarget(request, &banner_target, &error) ||
            !ParseResumeVersion(request, &last_version, &error)) {
          return Respond(std::move(error), head, version, keep_alive);
        }
        if (head) {
          HttpResponse r;
          r.content_type = "text/event-stream";
          r.WithHeader("Cache-Control", "no-cache");
          return Respond(std::move(r), true, version, keep_alive);
        }
        if (limited_ && !server_->limits_.AcquireStream(peer_.key)) {
          return Respond(
              HttpResponse::Error(429, absl::StrCat("too many open streams from this address "
                                                    "(at most ",
                                                    server_->options_.max_streams_per_ip, ")"))
                  .WithHeader("Retry-After", std::to_string(kStreamCapRetryAfterSeconds)),
              false, version, keep_alive);
        }
        stream_slot_ = limited_;
        return StartStream(banner_target, last_version, version);
      }
      case Kind::kCustom: {
        HttpResponse r;
        try {
          r = custom->handler(request);
        } catch (const std::exception& e) {
          LogEvent("http_handler_error", {{"path", request.path}, {"error", e.what()}});
          r = HttpResponse::Error(500, "internal error");
        }
        return Respond(std::move(r), head, version, keep_alive);
      }
      case Kind::kNone:
        break;
    }
  }

  template <class Body>
  void AddCommonHeaders(http::response<Body>& res) {
    res.set(http::field::server, "statuscast-banner");
    res.set("X-Request-Id", ctx_.request_id);
    if (server_->cors_.enabled()) res.set(http::field::vary, "Origin");
    if (!ctx_.allow_origin.empty()) {
      res.set(http::field::access_control_allow_origin, ctx_.allow_origin);
      res.set(http::field::access_control_expose_headers, CorsPolicy::kExposeHeaders);
    }
  }

  void RespondPreflight(unsigned version, bool keep_alive) {
    HttpResponse r;
    r.status = 204;
    r.content_type.clear();
    r.WithHeader("Allow", kAllowedMethods);
    if (!ctx_.allow_origin.empty()) {
      r.WithHeader("Access-Control-Allow-Methods", CorsPolicy::kAllowMethods)
          .WithHeader("Access-Control-Allow-Headers", CorsPolicy::kAllowHeaders)
          .WithHeader("Access-Control-Max-Age", CorsPolicy::kMaxAgeSeconds);
    }
    Respond(std::move(r), false, version, keep_alive);
  }

  void Respond(HttpResponse r, bool head, unsigned version, bool keep_alive) {
    keep_alive = keep_alive && !server_->stopping_.load();
    auto res = std::make_shared<http::response<http::string_body>>();
    res->version(version);
    res->result(static_cast<unsigned>(r.status));
    AddCommonHeaders(*res);
    if (!r.content_type.empty()) res->set(http::field::content_type, r.content_type);
    for (auto& [name, value] : r.headers) res->set(name, value);
    res->keep_alive(keep_alive);
    const size_t length = r.body.size();
    res->body() = std::move(r.body);
    res->prepare_payload();
    if (head && r.status != 204 && r.status != 304) {
      res->body().clear();
      res->content_length(length);
    }
    status_ = r.status;
    response_ = res;
    Tcp().expires_after(ToChrono(server_->options_.request_timeout));
    http::async_write(stream_, *res,
                      beast::bind_front_handler(&Connection::OnWritten, Self(), keep_alive));
  }

  void OnWritten(bool keep_alive, beast::error_code ec, std::size_t) {
    response_.reset();
    LogRequest(status_, {});
    if (ec || !keep_alive) return CloseSocket();
    DoRead();
  }

  void LogRequest(int status, LogFields extra) {
    const double ms = MillisSince(started_);
    LogFields fields = {{"method", ctx_.method},
                        {"path", ctx_.path},
                        {"status", std::to_string(status)},
                        {"ms", absl::StrFormat("%.1f", ms)},
                        {"request_id", ctx_.request_id}};
    for (auto& f : extra) fields.push_back(std::move(f));
    LogEvent("http", fields);
    if (server_->metrics_ != nullptr && !sse_) {
      server_->metrics_->HttpRequest(ctx_.route, status, absl::Milliseconds(ms));
    }
  }

  void ReleaseStreamSlot() {
    if (!stream_slot_) return;
    stream_slot_ = false;
    server_->limits_.ReleaseStream(peer_.key);
  }

  // TLS connections are closed without a close_notify: responses are
  // length-delimited or chunked, so a client cannot mistake the end (but an
  // HTTP/1.0 SSE stream, which ends with the connection anyway).
  void CloseSocket() {
    beast::error_code ignored;
    timer_.cancel();
    Tcp().socket().shutdown(tcp::socket::shutdown_both, ignored);
    Tcp().socket().close(ignored);
  }

  // --- Server-Sent Events ----------------------------------------------

  void StartStream(const BannerTarget& target, int64_t last_version, unsigned version) {
    sse_ = true;
    writing_ = true;  // the header; sets wait as pending
    write_started_ = SteadyClock::now();
    last_version_ = last_version;
    chunked_ = version >= 11;
    Tcp().expires_never();
    last_write_ = SteadyClock::now();

    sse_header_.version(version);
    sse_header_.result(http::status::ok);
    AddCommonHeaders(sse_header_);
    sse_header_.set(http::field::content_type, "text/event-stream; charset=utf-8");
    sse_header_.set(http::field::cache_control, "no-cache");
    sse_header_.set("X-Accel-Buffering", "no");
    if (chunked_) {
      sse_header_.keep_alive(true);
      sse_header_.chunked(true);
    } else {
      sse_header_.keep_alive(false);  // the body ends when the connection does
    }
    sse_serializer_.emplace(sse_header_);

    if (server_->metrics_ != nullptr) {
      server_->metrics_->SubscriberAdded(Transport::kSse);
      server_->metrics_->HttpRequest(ctx_.route, 200, absl::Milliseconds(MillisSince(started_)));
    }
    subscribed_ = true;
    auto sink = std::make_shared<SseSink>(weak_from_this(), stream_.get_executor());
    sub_id_.store(server_->hub_.Subscribe(target, last_version, std::move(sink)));
    if (server_->stopping_.load()) closing_ = true;

    http::async_write_header(stream_, *sse_serializer_,
                             beast::bind_front_handler(&Connection::OnStreamHeaderWritten, Self()));
    // Reading shows promptly when the client goes away; it sends nothing else.
    stream_.async_read_some(net::buffer(probe_),
                            beast::bind_front_handler(&Connection::OnProbe, Self()));
    ArmHeartbeat(server_->options_.heartbeat_interval);
  }

  void OnStreamHeaderWritten(beast::error_code ec, std::size_t) {
    writing_ = false;
    if (ec) return FinishStream("write_error");
    if (closing_) return WriteLastChunk();
    const int64_t retry = Jittered(absl::ToInt64Milliseconds(server_->options_.sse_retry_base));
    WriteText(SseRetry(retry), /*is_set=*/false);
  }

  void OnProbe(beast::error_code ec, std::size_t) {
    if (finished_) return;
    if (ec) return FinishStream(ec == net::error::eof ? "client_closed" : "read_error");
    stream_.async_read_some(net::buffer(probe_),
                            beast::bind_front_handler(&Connection::OnProbe, Self()));
  }

  void WriteSet(std::shared_ptr<const RenderedSet> set) {
    in_flight_set_ = std::move(set);
    const RenderedSet& s = *in_flight_set_;
    if (s.version > last_version_) last_version_ = s.version;
    if (s.json.find('\n') != std::string::npos) {
      return WriteText(SseSetEvent(s.version, s.json), /*is_set=*/true);
    }
    out_text_ = SseSetPrefix(s.version);
    WriteBuffers({net::buffer(out_text_), net::buffer(s.json), net::buffer(kSseSetSuffix, 2)},
                 /*is_set=*/true);
  }

  void WriteText(std::string text, bool is_set) {
    out_text_ = std::move(text);
    WriteBuffers({net::buffer(out_text_), net::const_buffer(), net::const_buffer()}, is_set);
  }

  using Buffers = std::array<net::const_buffer, 3>;
  void WriteBuffers(Buffers buffers, bool is_set) {
    writing_ = true;
    write_started_ = SteadyClock::now();
    auto done = beast::bind_front_handler(&Connection::OnStreamWritten, Self(), is_set);
    if (chunked_) {
      chunk_.emplace(http::make_chunk(buffers));
      net::async_write(stream_, *chunk_, std::move(done));
    } else {
      net::async_write(stream_, buffers, std::move(done));
    }
  }

  void OnStreamWritten(bool is_set, beast::error_code ec, std::size_t) {
    writing_ = false;
    last_write_ = SteadyClock::now();
    chunk_.reset();
    if (is_set && in_flight_set_ != nullptr) {
      if (!ec) {
        ++sets_sent_;
        if (server_->metrics_ != nullptr) {
          absl::optional<absl::Duration> latency;
          if (in_flight_set_->oldest_commit) {
            latency = server_->clock_.Now() - *in_flight_set_->oldest_commit;
          }
          server_->metrics_->SetSent(Transport::kSse, latency);
        }
      }
      in_flight_set_.reset();
    }
    if (ec) return FinishStream("write_error");
    if (closing_) return WriteLastChunk();
    if (pending_ != nullptr) WriteSet(std::move(pending_));
  }

  void ArmHeartbeat(absl::Duration after) {
    timer_.expires_after(ToChrono(after));
    timer_.async_wait(beast::bind_front_handler(&Connection::OnHeartbeat, Self()));
  }

  void OnHeartbeat(beast::error_code ec) {
    if (ec || finished_) return;
    const auto now = SteadyClock::now();
    const auto interval = ToChrono(server_->options_.heartbeat_interval);
    if (writing_) {
      if (now - write_started_ > ToChrono(server_->options_.sse_write_timeout)) {
        return FinishStream("write_timeout");
      }
      return ArmHeartbeat(server_->options_.heartbeat_interval);
    }
    if (closing_) return;
    if (now - last_write_ >= interval) {
      WriteText(SseHeartbeat(last_version_), /*is_set=*/false);
      return ArmHeartbeat(server_->options_.heartbeat_interval);
    }
    timer_.expires_at(last_write_ + interval);
    timer_.async_wait(beast::bind_front_handler(&Connection::OnHeartbeat, Self()));
  }

  void WriteLastChunk() {
    if (finished_) return;
    if (!chunked_) return FinishStream("closed");
    writing_ = true;
    write_started_ = SteadyClock::now();
    net::async_write(stream_, last_chunk_, [self = Self()](beast::error_code, std::size_t) {
      self->writing_ = false;
      self->FinishStream("closed");
    });
  }

  // Ends the subscription; the socket closes through the caller or the
  // pending operations failing.
  void FinishStream(const char* reason) {
    if (finished_) return;
    finished_ = true;
    pending_.reset();
    timer_.cancel();
    Unsubscribe();
    ReleaseStreamSlot();
    if (subscribed_ && server_->metrics_ != nullptr) {
      server_->metrics_->SubscriberRemoved(Transport::kSse);
    }
    LogRequest(200, {{"stream_end", reason},
                     {"sets", std::to_string(sets_sent_)},
                     {"conflated", std::to_string(conflated_)}});
    CloseSocket();
  }

  ServerCore* const server_;
  const uint64_t id_;
  const Peer peer_;
  const bool limited_;  // the per-address limits apply
  Stream stream_;
  beast::flat_buffer buffer_;
  net::steady_timer timer_;
  const bool over_limit_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::shared_ptr<void> response_;
  RequestContext ctx_;
  SteadyClock::time_point started_ = SteadyClock::now();
  int status_ = 0;
  bool reading_ = false;

  // SSE state.
  bool sse_ = false;
  bool chunked_ = false;
  bool subscribed_ = false;
  bool stream_slot_ = false;  // holds one of peer_'s stream slots
  bool writing_ = false;
  bool closing_ = false;
  bool finished_ = false;
  std::atomic<uint64_t> sub_id_{0};
  int64_t last_version_ = 0;
  uint64_t sets_sent_ = 0;
  uint64_t conflated_ = 0;
  SteadyClock::time_point write_started_;
  SteadyClock::time_point last_write_ = SteadyClock::now();
  http::response<http::empty_body> sse_header_;
  std::optional<http::response_serializer<http::empty_body>> sse_serializer_;
  std::string out_text_;
  std::shared_ptr<const RenderedSet> in_flight_set_;
  std::shared_ptr<const RenderedSet> pending_;
  std::optional<http::chunk_body<Buffers>> chunk_;
  http::chunk_last<http::chunk_crlf> last_chunk_ = http::make_chunk_last();
  std::array<char, 64> probe_;
};

void SseSink::OnSet(std::shared_ptr<const RenderedSet> set) {
  // Under the hub's lock: only a post, and no strong reference dropped here.
  net::post(strand_, [weak = connection_, set = std::move(set)]() mutable {
    if (auto c = weak.lock()) c->Deliver(std::move(set));
  });
}

void SseSink::OnClose() {
  net::post(strand_, [weak = connection_] {
    if (auto c = weak.lock()) c->CloseStream();
  });
}

absl::Status ServerCore::Start() {
  if (started_) return absl::FailedPreconditionError("HttpServer already started");
  beast::error_code ec;
  const net::ip::address address = net::ip::make_address(options_.address, ec);
  if (ec) {
    return absl::InvalidArgumentError(
        absl::StrCat("http listen address \"", options_.address, "\" is not an IP address"));
  }
  if (options_.port < 0 || options_.port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("http port ", options_.port, " is out of range"));
  }
  if (absl::Status tls = LoadTls(); !tls.ok()) return tls;
  const int threads = options_.io_threads > 0 ? options_.io_threads : 1;
  ioc_ = std::make_unique<net::io_context>(threads);
  // The acceptor, its retry timer and Stop's close share one strand.
  acceptor_ = std::make_unique<tcp::acceptor>(net::make_strand(*ioc_));
  accept_retry_ = std::make_unique<net::steady_timer>(acceptor_->get_executor());
  const tcp::endpoint endpoint(address, static_cast<unsigned short>(options_.port));
  auto fail = [&](const char* what) {
    acceptor_.reset();
    accept_retry_.reset();
    ioc_.reset();
    ssl_ctx_.reset();
    return absl::UnavailableError(
        absl::StrCat("http ", what, " ", options_.address, ":", options_.port, ": ", ec.message()));
  };
  acceptor_->open(endpoint.protocol(), ec);
  if (ec) return fail("open");
  acceptor_->set_option(net::socket_base::reuse_address(true), ec);
  acceptor_->bind(endpoint, ec);
  if (ec) return fail("bind");
  acceptor_->listen(net::socket_base::max_listen_connections, ec);
  if (ec) return fail("listen");
  port_ = acceptor_->local_endpoint().port();
  started_ = true;
  DoAccept();
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { ioc_->run(); });
  LogEvent("http_listening", {{"address", options_.address},
                              {"port", std::to_string(port_)},
                              {"tls", ssl_ctx_ != nullptr ? "on" : "off"}});
  return absl::OkStatus();
}

absl::Status ServerCore::LoadTls() {
  const std::string& cert = options_.tls_cert_file;
  const std::string& key = options_.tls_key_file;
  if (cert.empty() && key.empty()) return absl::OkStatus();
  if (cert.empty() || key.empty()) {
    return absl::InvalidArgumentError(
        "http TLS needs both a certificate file and a private key file");
  }
  auto ctx = std::make_unique<net::ssl::context>(net::ssl::context::tls_server);
  ctx->set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                   net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 |
                   net::ssl::context::no_tlsv1_1 | net::ssl::context::single_dh_use);
  // Idle SSE streams are most connections: free their TLS buffers between
  // writes (tens of KiB each).
  SSL_CTX_set_mode(ctx->native_handle(), SSL_MODE_RELEASE_BUFFERS);
  // An encrypted key fails instead of prompting on the terminal.
  ctx->set_password_callback(
      [](std::size_t, net::ssl::context::password_purpose) { return std::string(); });
  beast::error_code ec;
  ctx->use_certificate_chain_file(cert, ec);
  if (ec) {
    ERR_clear_error();
    return absl::InvalidArgumentError(
        absl::StrCat("http TLS certificate file ", cert, ": ", ec.message()));
  }
  ctx->use_private_key_file(key, net::ssl::context::pem, ec);
  if (ec) {
    ERR_clear_error();
    return absl::InvalidArgumentError(
        absl::StrCat("http TLS private key file ", key, ": ", ec.message()));
  }
  if (SSL_CTX_check_private_key(ctx->native_handle()) != 1) {
    ERR_clear_error();
    return absl::InvalidArgumentError(absl::StrCat("http TLS private key file ", key,
                                                   " does not match the certificate in ", cert));
  }
  ssl_ctx_ = std::move(ctx);
  return absl::OkStatus();
}

void ServerCore::DoAccept() {
  acceptor_->async_accept(net::make_strand(*ioc_), [this](beast::error_code ec,
                                                          tcp::socket socket) {
    if (ec == net::error::operation_aborted || stopping_.load()) return;
    if (ec) {
      // Out of file descriptors and the like: breathe, then go on.
      LogEvent("http_accept_error", {{"error", ec.message()}});
      accept_retry_->expires_after(std::chrono::milliseconds(100));
      accept_retry_->async_wait([this](beast::error_code e) {
        if (!e && !stopping_.load()) DoAccept();
      });
      return;
    }
    const size_t n = connections_.fetch_add(1) + 1;
    if (n > options_.max_connections + kOverloadAnswerSlack) {
      beast::error_code ignored;
      socket.close(ignored);
      connections_.fetch_sub(1);
    } else if (ssl_ctx_ != nullptr) {
      std::make_shared<Connection<true>>(this, std::move(socket), n > options_.max_connections)
          ->Start();
    } else {
      std::make_shared<Connection<false>>(this, std::move(socket), n > options_.max_connections)
          ->Start();
    }
    DoAccept();
  });
}

void ServerCore::Stop() {
  if (stopped_) return;
  stopped_ = true;
  if (!started_) return;
  stopping_.store(true);
  net::post(acceptor_->get_executor(), [this] {
    beast::error_code ignored;
    acceptor_->close(ignored);
    accept_retry_->cancel();
  });
  for (auto& c : LiveConnections()) c->BeginShutdown();
  const absl::Time deadline = absl::Now() + options_.shutdown_grace;
  while (connections_.load() > 0 && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(5));
  if (connections_.load() > 0) {
    // Stuck clients: no more sets for them, then their sockets close.
    std::vector<std::shared_ptr<ConnectionBase>> stuck = LiveConnections();
    for (auto& c : stuck) {
      c->Unsubscribe();
      c->Abort();
    }
    stuck.clear();
    const absl::Time hard = absl::Now() + absl::Milliseconds(500);
    while (connections_.load() > 0 && absl::Now() < hard) absl::SleepFor(absl::Milliseconds(5));
  }
  // Whatever remains holds no hub subscription any more.
  for (auto& c : LiveConnections()) c->Unsubscribe();
  ioc_->stop();
  for (std::thread& t : threads_) t.join();
  threads_.clear();
  // No I/O thread runs now, so no stream can subscribe behind our back.
  for (auto& c : LiveConnections()) c->Unsubscribe();
  accept_retry_.reset();
  acceptor_.reset();
  ioc_.reset();  // destroys leftover handlers and the connections they hold
  LogEvent("http_stopped", {{"port", std::to_string(port_)}});
}

}  // namespace

class HttpServer::Impl : public ServerCore {
 public:
  using ServerCore::ServerCore;
};

HttpServer::HttpServer(BannerHub& hub, TransportMetrics* metrics, HttpServerOptions options)
    : impl_(std::make_unique<Impl>(hub, metrics, std::move(options))) {}

HttpServer::~HttpServer() { Stop(); }

void HttpServer::AddRoute(std::string path, HttpHandler handler) {
  // REQUIRES are programming errors: fail loudly at start-up.
  if (impl_->started_ || path.empty() || path[0] != '/' || path == kBannersRoute ||
      path == kBannerStreamRoute || impl_->routes_.count(path) != 0) {
    LogEvent("http_bad_route", {{"path", path}});
    std::abort();
  }
  ServerCore::Route route{path, std::move(handler)};
  impl_->routes_.emplace(std::move(path), std::move(route));
}

absl::Status HttpServer::Start() { return impl_->Start(); }

int HttpServer::port() const { return impl_->port_; }

void HttpServer::Stop() { impl_->Stop(); }

size_t HttpServer::connections() const { return impl_->connections_.load(); }

}  // namespace statuscast
