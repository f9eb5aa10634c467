// Connection: one TCP connection of an HttpServer, over TLS when kTls:
// reads HTTP/1.1 requests, routes them and writes the answers, until one
// turns it into a Server-Sent Events stream (http_connection_sse.h, then
// SseSession in sse_session.h). Private to libs/http: it includes Beast and
// is included by http_server.cc alone.
#ifndef STATUSCAST_LIBS_HTTP_HTTP_CONNECTION_H_
#define STATUSCAST_LIBS_HTTP_HTTP_CONNECTION_H_

#include <algorithm>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "libs/base/log.h"
#include "libs/http/http_server_core.h"
#include "libs/http/request_target.h"
#include "libs/http/sse_session.h"

namespace statuscast {
namespace http_internal {

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
        tls_context_(kTls ? server->TlsContext() : nullptr),
        stream_(MakeStream(tls_context_.get(), std::move(socket))),
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

  static Stream MakeStream(net::ssl::context* tls_context, tcp::socket&& socket) {
    if constexpr (kTls) {
      return Stream(std::move(socket), *tls_context);
    } else {
      return Stream(std::move(socket));
    }
  }

  std::shared_ptr<Connection> Self() {
    return std::static_pointer_cast<Connection>(shared_from_this());
  }
  beast::tcp_stream& Tcp() { return beast::get_lowest_layer(stream_); }
  std::shared_ptr<SseSessionBase> Session() {
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
    if (limited_) request.limit_key = client_key_;
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

  // --- Server-Sent Events (http_connection_sse.h) ------------------------

  // The route's check, HEAD, the per-address stream cap, then the session.
  void ServeStream(const ServerCore::Route& route, const HttpRequest& request, const ReplyTo& to);
  void StartStream(const ServerCore::Route& route, const HttpRequest& request, std::string last_id,
                   unsigned version);
  void OnStreamEnd(const char* reason, uint64_t events, uint64_t conflated);

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
  // The TLS context current when the connection was accepted: a reload
  // swaps the server's, never this one (null over plaintext).
  const std::shared_ptr<net::ssl::context> tls_context_;
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
  std::weak_ptr<SseSessionBase> sse_ ABSL_GUARDED_BY(sse_mu_);
};

}  // namespace http_internal
}  // namespace statuscast

#include "libs/http/http_connection_sse.h"

#endif  // STATUSCAST_LIBS_HTTP_HTTP_CONNECTION_H_
