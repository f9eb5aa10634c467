// The one Boost.Beast translation unit: accepting, reading requests and
// writing responses; Server-Sent Events in sse_session.h, included only here.
// The rules (routes, CORS, targets, limits, SSE text) live in plain files
// beside it.
#include "libs/http/http_server.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <algorithm>
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
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "libs/base/clock.h"
#include "libs/base/log.h"
#include "libs/http/client_address.h"
#include "libs/http/client_limits.h"
#include "libs/http/cors_policy.h"
#include "libs/http/http_metrics.h"
#include "libs/http/request_target.h"
#include "libs/http/route_table.h"
#include "libs/http/sse_session.h"

namespace statuscast {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using SteadyClock = std::chrono::steady_clock;

// TCP_USER_TIMEOUT and keepalive on the listening socket: Linux copies them
// to every socket it accepts (HttpServerOptions::tcp_user_timeout).
bool SetTcpUserTimeout(tcp::acceptor& acceptor, absl::Duration timeout) {
  const int fd = acceptor.native_handle();
  const int ms = static_cast<int>(absl::ToInt64Milliseconds(timeout));
  const int idle = std::max(1, ms / 1000), interval = std::max(1, idle / 3), count = 3, on = 1;
  return setsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &ms, sizeof ms) == 0 &&
         setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on) == 0 &&
         setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle) == 0 &&
         setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &interval, sizeof interval) == 0 &&
         setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &count, sizeof count) == 0;
}

// Connections beyond max_connections + this are closed without an answer
// (the 503 costs a read; a flood must not grow without bound).
constexpr size_t kOverloadAnswerSlack = 256;
// Retry-After on a 429 for one stream too many: a slot frees when one of
// the address's streams ends, which a client cannot know; a few seconds.
constexpr int kStreamCapRetryAfterSeconds = 5;

// The TLS 1.2 suites HTTPS offers, strongest first (see LoadTls).
constexpr char kTls12Ciphers[] =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

std::string ToStd(beast::string_view v) { return std::string(v.data(), v.size()); }

std::chrono::milliseconds ToChrono(absl::Duration d) {
  return std::chrono::milliseconds(absl::ToInt64Milliseconds(d));
}

double MillisSince(SteadyClock::time_point start) {
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

Peer PeerOf(const tcp::socket& socket, const TrustedProxies& proxies) {
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

// One TCP connection, over TLS when kTls (after a handshake): HTTP/1.1
// requests with keep-alive until one of them turns it into an SSE stream
// (then an SseSession writes, and keeps this alive). Used on the strand
// only, except sse_ (Stop reaches the stream's feed from its own thread).
template <bool kTls>
class Connection final : public ConnectionBase {
 public:
  using Stream = std::conditional_t<kTls, beast::ssl_stream<beast::tcp_stream>, beast::tcp_stream>;

  Connection(ServerCore* server, tcp::socket&& socket, bool over_limit)
      : server_(server),
        id_(server->next_connection_id_.fetch_add(1)),
        peer_(PeerOf(socket, server->proxies_)),
        stream_(MakeStream(server, std::move(socket))),
        over_limit_(over_limit) {
    SetClient(peer_.address);
  }

  ~Connection() override {
    ReleaseStreamSlot();
    if (connection_slot_) server_->limits_.ReleaseConnection(peer_.key);
    server_->Unregister(id_);
  }

  void Start() {
    // The per-address connection cap: a proxy carries many clients, so it is
    // not held to it.
    const bool capped =
        (server_->options_.limit_loopback || !peer_.loopback) && !peer_.trusted_proxy;
    if (capped) {
      if (!server_->limits_.AcquireConnection(peer_.key)) return CloseSocket();
      connection_slot_ = true;
    }
    server_->Register(id_, weak_from_this());
    net::dispatch(stream_.get_executor(), beast::bind_front_handler(&Connection::Begin, Self()));
  }

  void BeginShutdown() override {
    net::post(stream_.get_executor(), [self = Self()] {
      if (auto session = self->Session()) {
        session->Close();
      } else if (self->reading_) {
        self->CloseSocket();
      }
    });
  }
  void Abort() override {
    net::post(stream_.get_executor(), [self = Self()] {
      if (auto session = self->Session()) return session->Abort("shutdown");
      self->CloseSocket();
    });
  }
  void Unsubscribe() override {
    if (auto session = Session()) session->ReleaseSubscription();
  }

 private:
  // How to answer the request being handled.
  struct ReplyTo {
    unsigned version = 11;
    bool keep_alive = false;
    bool head = false;  // headers only
  };
  struct RequestContext {
    std::string method;
    std::string path;
    std::string request_id;
    std::string allow_origin;  // "" when no CORS headers
    std::string route = kUnmatchedRoute;
  };

  // The client the per-address limits and logs name (the peer, or who a
  // trusted proxy says it forwards).
  void SetClient(const IpAddress& client) {
    client_ = client.ToString();
    client_key_ = LimitKey(client);
    limited_ = server_->options_.limit_loopback || !client.IsLoopback();
  }

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
  std::shared_ptr<http_internal::SseSessionBase> Session() {
    absl::MutexLock lock(&sse_mu_);
    return sse_.lock();
  }

  void Begin() {
    if constexpr (kTls) {
      // The handshake gets the time a request has; Stop closes it as it
      // would an idle read.
      Tcp().expires_after(ToChrono(server_->options_.header_timeout));
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
    // A new connection gets the short header timeout; a kept-alive one may
    // idle for the request timeout.
    Tcp().expires_after(ToChrono(served_any_ ? server_->options_.request_timeout
                                             : server_->options_.header_timeout));
    reading_ = true;
    http::async_read_header(stream_, buffer_, *parser_,
                            beast::bind_front_handler(&Connection::OnHeader, Self()));
  }

  void OnHeader(beast::error_code ec, std::size_t bytes) {
    if (ec || parser_->is_done()) return OnRead(ec, bytes);
    Tcp().expires_after(ToChrono(server_->options_.request_timeout));
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&Connection::OnRead, Self()));
  }

  void OnRead(beast::error_code ec, std::size_t) {
    reading_ = false;
    served_any_ = true;
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
    Respond(HttpResponse::Error(status, message), ReplyTo{11, false, false});
  }

  // Headers, target, admission (connection cap, rate limit), routing,
  // method, then the page or the stream.
  void Handle(http::request<http::string_body> req) {
    HttpRequest request = ReadHeaders(req);
    ReplyTo to{req.version(), req.keep_alive() && !over_limit_, false};
    if (!ReadTarget(ToStd(req.target()), &request)) {
      return Respond(HttpResponse::Error(400, "malformed request target"), to);
    }
    const ServerCore::Route* route = FindRoute(&request);
    if (absl::optional<HttpResponse> refusal = Admit(&to)) return Respond(std::move(*refusal), to);
    if (route == nullptr) {
      return Respond(HttpResponse::Error(404, "no such resource: " + request.path), to);
    }
    if (req.method() == http::verb::options) return RespondPreflight(*route, to);
    if (!MethodAllowed(*route, req.method())) {
      return Respond(HttpResponse::Error(405, "method " + request.method + " is not allowed; use " +
                                                  route->methods.AllowHeader())
                         .WithHeader("Allow", route->methods.AllowHeader()),
                     to);
    }
    to.head = req.method() == http::verb::head;
    if (route->stream != nullptr) return ServeStream(*route, request, to);
    ServePage(*route, request, to);
  }

  // The method, headers, body and request id; starts the request's context
  // (what logs and CORS need).
  HttpRequest ReadHeaders(http::request<http::string_body>& req) {
    HttpRequest request;
    request.method = ToStd(req.method_string());
    for (const auto& field : req) {
      std::string name = absl::AsciiStrToLower(ToStd(field.name_string()));
      std::string value = ToStd(field.value());
      auto [it, inserted] = request.headers.emplace(name, value);
      if (!inserted) absl::StrAppend(&it->second, ", ", value);
    }
    request.body = std::move(req.body());
    request.request_id = PickRequestId(request.Header("x-request-id"));
    ctx_ = RequestContext{};
    ctx_.method = request.method;
    ctx_.request_id = request.request_id;
    ctx_.allow_origin = server_->cors_.AllowOrigin(request.Header("origin"));
    if (peer_.trusted_proxy) {
      SetClient(server_->proxies_.ClientOf(peer_.address, request.Header("x-forwarded-for")));
    }
    return request;
  }

  bool ReadTarget(const std::string& target, HttpRequest* request) {
    if (!ParseRequestTarget(target, &request->path, &request->query)) {
      ctx_.path = target.substr(0, 200);
      return false;
    }
    ctx_.path = request->path;
    return true;
  }

  // The route serving the path (nullptr: none), with its captures; the
  // request is labelled by its pattern from here on.
  const ServerCore::Route* FindRoute(HttpRequest* request) {
    size_t index = 0;
    if (!server_->route_table_.Match(request->path, &index, &request->params)) return nullptr;
    const ServerCore::Route& route = server_->routes_[index];
    request->route = route.pattern;
    ctx_.route = route.pattern;
    return &route;
  }

  // A refusal when the server holds too many connections (503, and the
  // connection closes) or this address asks too often (429).
  absl::optional<HttpResponse> Admit(ReplyTo* to) {
    if (over_limit_) {
      to->keep_alive = false;
      return HttpResponse::Error(503, "too many connections; retry shortly")
          .WithHeader("Retry-After", "1");
    }
    if (!limited_ || !server_->limits_.rate_limited()) return absl::nullopt;
    const ClientLimits::Verdict verdict =
        server_->limits_.AllowRequest(client_key_, server_->clock_.Now());
    if (verdict.allowed) return absl::nullopt;
    const int64_t seconds = std::max<int64_t>(
        1, absl::ToInt64Seconds(absl::Ceil(verdict.retry_after, absl::Seconds(1))));
    return HttpResponse::Error(
               429,
               absl::StrCat("too many requests from this address; retry after ", seconds, " s"))
        .WithHeader("Retry-After", std::to_string(seconds));
  }

  static bool MethodAllowed(const ServerCore::Route& route, http::verb method) {
    switch (method) {
      case http::verb::get:
        return route.methods.Has(HttpMethod::kGet);
      case http::verb::head:
        return route.methods.Has(HttpMethod::kHead);
      case http::verb::post:
        return route.methods.Has(HttpMethod::kPost) && route.stream == nullptr;
      default:
        return false;
    }
  }

  void ServePage(const ServerCore::Route& route, const HttpRequest& request, const ReplyTo& to) {
    HttpResponse r;
    try {
      r = route.handler(request);
    } catch (const std::exception& e) {
      LogEvent("http_handler_error", {{"path", request.path}, {"error", e.what()}});
      r = HttpResponse::Error(500, "internal error");
    }
    Respond(std::move(r), to);
  }

  // --- Server-Sent Events ----------------------------------------------

  // The route's check, HEAD, the per-address stream cap, then the session.
  void ServeStream(const ServerCore::Route& route, const HttpRequest& request, const ReplyTo& to) {
    std::string last_id;
    if (absl::optional<HttpResponse> refusal = route.stream->Check(request, &last_id)) {
      return Respond(std::move(*refusal), to);
    }
    if (to.head) {
      HttpResponse r;
      r.content_type = "text/event-stream";
      r.WithHeader("Cache-Control", "no-cache");
      return Respond(std::move(r), to);
    }
    if (limited_ && !server_->limits_.AcquireStream(client_key_)) {
      return Respond(
          HttpResponse::Error(429, absl::StrCat("too many open streams from this address (at most ",
                                                server_->options_.max_streams_per_ip, ")"))
              .WithHeader("Retry-After", std::to_string(kStreamCapRetryAfterSeconds)),
          to);
    }
    stream_slot_ = limited_;
    stream_key_ = client_key_;
    StartStream(route, request, std::move(last_id), to.version);
  }

  void StartStream(const ServerCore::Route& route, const HttpRequest& request, std::string last_id,
                   unsigned version) {
    streaming_ = true;
    http::response<http::empty_body> header;
    header.version(version);
    header.result(http::status::ok);
    AddCommonHeaders(header);
    header.set(http::field::content_type, "text/event-stream; charset=utf-8");
    header.set(http::field::cache_control, "no-cache");
    header.set("X-Accel-Buffering", "no");
    if (server_->metrics_ != nullptr) {
      server_->metrics_->HttpRequest(ctx_.route, 200, absl::Milliseconds(MillisSince(started_)));
    }
    const HttpServerOptions& o = server_->options_;
    auto session = std::make_shared<http_internal::SseSession<Stream>>(
        stream_, Self(),
        http_internal::SseSessionConfig{o.heartbeat_interval, o.sse_write_timeout,
                                        o.sse_retry_base},
        // The session keeps this connection alive until it ends.
        [this](const char* reason, uint64_t events, uint64_t conflated) {
          OnStreamEnd(reason, events, conflated);
        },
        std::move(last_id));
    {
      absl::MutexLock lock(&sse_mu_);
      sse_ = session;
    }
    session->Start(std::move(header), *route.stream, request, server_->stopping_.load());
  }

  void OnStreamEnd(const char* reason, uint64_t events, uint64_t conflated) {
    ReleaseStreamSlot();
    LogRequest(200, {{"stream_end", reason},
                     {"events", std::to_string(events)},
                     {"conflated", std::to_string(conflated)}});
    CloseSocket();
  }

  // --- Responses ---------------------------------------------------------

  template <class Body>
  void AddCommonHeaders(http::response<Body>& res) {
    res.set(http::field::server, "statuscast");
    res.set("X-Request-Id", ctx_.request_id);
    // No response is to be read as another type than it says (JSON as
    // HTML, an error as script).
    res.set("X-Content-Type-Options", "nosniff");
    if (server_->cors_.enabled()) res.set(http::field::vary, "Origin");
    if (!ctx_.allow_origin.empty()) {
      res.set(http::field::access_control_allow_origin, ctx_.allow_origin);
      res.set(http::field::access_control_expose_headers, CorsPolicy::kExposeHeaders);
    }
  }

  void RespondPreflight(const ServerCore::Route& route, const ReplyTo& to) {
    const std::string allow = route.methods.AllowHeader();
    HttpResponse r;
    r.status = 204;
    r.content_type.clear();
    r.WithHeader("Allow", allow);
    if (!ctx_.allow_origin.empty()) {
      r.WithHeader("Access-Control-Allow-Methods", allow)
          .WithHeader("Access-Control-Allow-Headers", CorsPolicy::kAllowHeaders)
          .WithHeader("Access-Control-Max-Age", CorsPolicy::kMaxAgeSeconds);
    }
    Respond(std::move(r), to);
  }

  void Respond(HttpResponse r, const ReplyTo& to) {
    const bool keep_alive = to.keep_alive && !server_->stopping_.load();
    auto res = std::make_shared<http::response<http::string_body>>();
    res->version(to.version);
    res->result(static_cast<unsigned>(r.status));
    AddCommonHeaders(*res);
    if (!r.content_type.empty()) res->set(http::field::content_type, r.content_type);
    for (auto& [name, value] : r.headers) res->set(name, value);
    res->keep_alive(keep_alive);
    const size_t length = r.body.size();
    res->body() = std::move(r.body);
    res->prepare_payload();
    if (to.head && r.status != 204 && r.status != 304) {
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
                        {"route", ctx_.route},
                        {"status", std::to_string(status)},
                        {"client", client_},
                        {"ms", absl::StrFormat("%.1f", ms)},
                        {"request_id", ctx_.request_id}};
    for (auto& f : extra) fields.push_back(std::move(f));
    LogEvent("http", fields);
    // A stream was counted when its header went out.
    if (server_->metrics_ != nullptr && !streaming_) {
      server_->metrics_->HttpRequest(ctx_.route, status, absl::Milliseconds(ms));
    }
  }

  void ReleaseStreamSlot() {
    if (!stream_slot_) return;
    stream_slot_ = false;
    server_->limits_.ReleaseStream(stream_key_);
  }

  // TLS connections are closed without a close_notify: responses are
  // length-delimited or chunked, so a client cannot mistake the end (but an
  // HTTP/1.0 SSE stream, which ends with the connection anyway).
  void CloseSocket() {
    beast::error_code ignored;
    Tcp().socket().shutdown(tcp::socket::shutdown_both, ignored);
    Tcp().socket().close(ignored);
  }

  ServerCore* const server_;
  const uint64_t id_;
  const Peer peer_;
  std::string client_;            // for logs
  std::string client_key_;        // for the per-address limits
  bool limited_ = true;           // the per-address limits apply to client_
  std::string stream_key_;        // the key stream_slot_ was taken under
  bool connection_slot_ = false;  // holds one of peer_'s connection slots
  bool served_any_ = false;       // a request was read: keep-alive timeouts
  Stream stream_;
  beast::flat_buffer buffer_;
  const bool over_limit_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::shared_ptr<void> response_;
  RequestContext ctx_;
  SteadyClock::time_point started_ = SteadyClock::now();
  int status_ = 0;
  bool reading_ = false;
  bool streaming_ = false;    // the connection became an SSE stream
  bool stream_slot_ = false;  // holds one of peer_'s stream slots

  absl::Mutex sse_mu_;
  std::weak_ptr<http_internal::SseSessionBase> sse_ ABSL_GUARDED_BY(sse_mu_);
};

void ServerCore::AddRoute(Route route) {
  // REQUIREs are programming errors: fail loudly at start-up.
  absl::Status added = started_ ? absl::FailedPreconditionError("routes are added before Start")
                                : route_table_.Add(route.pattern, routes_.size());
  if (!added.ok()) {
    LogEvent("http_bad_route",
             {{"pattern", route.pattern}, {"error", std::string(added.message())}});
    std::abort();
  }
  routes_.push_back(std::move(route));
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
  absl::StatusOr<TrustedProxies> proxies = TrustedProxies::Parse(options_.trusted_proxies);
  if (!proxies.ok()) return proxies.status();
  proxies_ = *std::move(proxies);
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
  if (options_.tcp_user_timeout > absl::ZeroDuration() &&
      !SetTcpUserTimeout(*acceptor_, options_.tcp_user_timeout)) {
    return fail("setsockopt TCP_USER_TIMEOUT/SO_KEEPALIVE");
  }
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
  // Forward secrecy and AEAD only: TLS 1.2 offers ECDHE with AES-GCM or
  // ChaCha20-Poly1305 (no static RSA key exchange, no CBC, no SHA-1 MAC);
  // TLS 1.3 keeps OpenSSL's suites, which are all of that kind.
  if (SSL_CTX_set_cipher_list(ctx->native_handle(), kTls12Ciphers) != 1) {
    ERR_clear_error();
    return absl::InternalError("http TLS: OpenSSL accepts none of the TLS 1.2 cipher suites");
  }
  SSL_CTX_set_options(ctx->native_handle(), SSL_OP_CIPHER_SERVER_PREFERENCE);
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
  acceptor_->async_accept(
      net::make_strand(*ioc_), [this](beast::error_code ec, tcp::socket socket) {
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
  // Whatever remains feeds no stream any more (every subscription released).
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

HttpServer::HttpServer(HttpServerOptions options, HttpMetrics* metrics)
    : impl_(std::make_unique<Impl>(std::move(options), metrics)) {}

HttpServer::~HttpServer() { Stop(); }

void HttpServer::AddRoute(std::string pattern, HttpHandler handler, HttpMethods methods) {
  ServerCore::Route route;
  route.pattern = std::move(pattern);
  route.methods = methods;
  route.handler = std::move(handler);
  impl_->AddRoute(std::move(route));
}

void HttpServer::AddStreamRoute(std::string pattern, std::shared_ptr<SseStreamRoute> stream) {
  ServerCore::Route route;
  route.pattern = std::move(pattern);
  route.stream = std::move(stream);
  if (route.stream == nullptr) {
    LogEvent("http_bad_route", {{"pattern", route.pattern}, {"error", "no stream"}});
    std::abort();
  }
  impl_->AddRoute(std::move(route));
}

absl::Status HttpServer::Start() { return impl_->Start(); }

int HttpServer::port() const { return impl_->port_; }

void HttpServer::Stop() { impl_->Stop(); }

size_t HttpServer::connections() const { return impl_->connections_.load(); }

}  // namespace statuscast
