// The one Boost.Beast translation unit: the server (listening, accepting,
// TLS, stopping) here; each connection's requests and answers in
// http_connection.h, its Server-Sent Events in http_connection_sse.h and
// sse_session.h, what they share in http_server_core.h (all included only
// here). The rules (routes, CORS, targets, limits, SSE text) live in plain
// files beside them.
#include "libs/http/http_server.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "libs/base/log.h"
#include "libs/http/http_connection.h"
#include "libs/http/http_server_core.h"

namespace statuscast {
namespace http_internal {
namespace {

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

}  // namespace

// The TLS 1.2 suites HTTPS offers, strongest first (see LoadTls).
constexpr char kTls12Ciphers[] =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

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
  if (tls_ && options_.tls_reload_interval > absl::ZeroDuration()) {
    tls_reload_timer_ = std::make_unique<net::steady_timer>(net::make_strand(*ioc_));
    ScheduleTlsReload();
  }
  DoAccept();
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { ioc_->run(); });
  LogEvent("http_listening", {{"address", options_.address},
                              {"port", std::to_string(port_)},
                              {"tls", tls_ ? "on" : "off"}});
  return absl::OkStatus();
}

namespace {

// A file's whole text, or INVALID_ARGUMENT "<what> <path>: <reason>".
absl::StatusOr<std::string> ReadTlsFile(const char* what, const std::string& path) {
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  if (in) text << in.rdbuf();
  if (!in || in.bad()) {
    const int error = errno;
    return absl::InvalidArgumentError(absl::StrCat(
        "http TLS ", what, " ", path, ": ", error != 0 ? std::strerror(error) : "cannot read it"));
  }
  return text.str();
}

// The certificate's notAfter as OpenSSL prints it ("Jan  1 00:00:00 2027
// GMT"), for the log line of a reload.
std::string NotAfter(net::ssl::context& ctx) {
  X509* cert = SSL_CTX_get0_certificate(ctx.native_handle());
  if (cert == nullptr) return "";
  BIO* bio = BIO_new(BIO_s_mem());
  if (bio == nullptr) return "";
  std::string out;
  if (ASN1_TIME_print(bio, X509_get0_notAfter(cert)) == 1) {
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio, &data);
    if (n > 0) out.assign(data, static_cast<size_t>(n));
  }
  BIO_free(bio);
  return out;
}

// An HTTPS context serving `cert_pem` (chain, leaf first) with `key_pem`;
// INVALID_ARGUMENT naming the file at fault when either is not PEM or
// they do not match.
absl::StatusOr<std::shared_ptr<net::ssl::context>> MakeTlsContext(const std::string& cert_pem,
                                                                  const std::string& cert_file,
                                                                  const std::string& key_pem,
                                                                  const std::string& key_file) {
  auto ctx = std::make_shared<net::ssl::context>(net::ssl::context::tls_server);
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
  // The key first: OpenSSL then drops it quietly when the certificate does
  // not match it, which the check below names.
  ctx->use_private_key(net::buffer(key_pem), net::ssl::context::pem, ec);
  if (ec) {
    ERR_clear_error();
    return absl::InvalidArgumentError(
        absl::StrCat("http TLS private key file ", key_file, ": ", ec.message()));
  }
  ctx->use_certificate_chain(net::buffer(cert_pem), ec);
  if (ec) {
    ERR_clear_error();
    return absl::InvalidArgumentError(
        absl::StrCat("http TLS certificate file ", cert_file, ": ", ec.message()));
  }
  if (SSL_CTX_check_private_key(ctx->native_handle()) != 1) {
    ERR_clear_error();
    return absl::InvalidArgumentError(absl::StrCat(
        "http TLS private key file ", key_file, " does not match the certificate in ", cert_file));
  }
  return ctx;
}

}  // namespace

absl::Status ServerCore::LoadTls() {
  const std::string& cert = options_.tls_cert_file;
  const std::string& key = options_.tls_key_file;
  if (cert.empty() && key.empty()) return absl::OkStatus();
  if (cert.empty() || key.empty()) {
    return absl::InvalidArgumentError(
        "http TLS needs both a certificate file and a private key file");
  }
  tls_ = true;
  return ReloadTls();
}

absl::Status ServerCore::ReloadTls() {
  if (!tls_) return absl::FailedPreconditionError("the HTTP port does not serve TLS");
  const std::string& cert_file = options_.tls_cert_file;
  const std::string& key_file = options_.tls_key_file;
  absl::MutexLock lock(&reload_mu_);
  const bool first = loaded_pem_.empty();
  absl::StatusOr<std::string> cert = ReadTlsFile("certificate file", cert_file);
  absl::StatusOr<std::string> key =
      cert.ok() ? ReadTlsFile("private key file", key_file) : cert.status();
  std::string pair;
  absl::StatusOr<std::shared_ptr<net::ssl::context>> ctx = std::shared_ptr<net::ssl::context>();
  if (!key.ok()) {
    ctx = key.status();
  } else {
    pair = absl::StrCat(*cert, "\n--key--\n", *key);
    if (pair == loaded_pem_) {  // unchanged (or changed back)
      refused_pem_.clear();
      refused_error_.clear();
      return absl::OkStatus();
    }
    if (!refused_pem_.empty() && pair == refused_pem_) {
      return absl::InvalidArgumentError(refused_error_);  // logged already
    }
    ctx = MakeTlsContext(*cert, cert_file, *key, key_file);
  }
  if (!ctx.ok()) {
    if (first) return ctx.status();  // Start fails with it
    const std::string error(ctx.status().message());
    if (pair != refused_pem_ || error != refused_error_) {
      LogEvent("http_tls_reload_refused",
               {{"error", error}, {"serving", "the previous certificate"}});
    }
    refused_pem_ = pair;
    refused_error_ = error;
    return ctx.status();
  }
  const std::string not_after = NotAfter(**ctx);
  {
    absl::MutexLock swap(&tls_mu_);
    tls_context_ = *std::move(ctx);
  }
  loaded_pem_ = std::move(pair);
  refused_pem_.clear();
  refused_error_.clear();
  if (!first) {
    LogEvent("http_tls_reloaded",
             {{"certificate", cert_file}, {"key", key_file}, {"not_after", not_after}});
  }
  return absl::OkStatus();
}

void ServerCore::ScheduleTlsReload() {
  tls_reload_timer_->expires_after(ToChrono(options_.tls_reload_interval));
  tls_reload_timer_->async_wait([this](beast::error_code ec) {
    if (ec || stopping_.load()) return;
    ReloadTls().IgnoreError();  // a refused pair is logged; the old one serves on
    ScheduleTlsReload();
  });
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
        } else if (tls_) {
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
  if (tls_reload_timer_ != nullptr) {
    net::post(tls_reload_timer_->get_executor(), [this] { tls_reload_timer_->cancel(); });
  }
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
  tls_reload_timer_.reset();
  acceptor_.reset();
  ioc_.reset();  // destroys leftover handlers and the connections they hold
  LogEvent("http_stopped", {{"port", std::to_string(port_)}});
}

}  // namespace http_internal

using http_internal::ServerCore;

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

absl::Status HttpServer::ReloadTls() {
  if (!impl_->started_ || impl_->stopped_) {
    return absl::FailedPreconditionError("ReloadTls needs a started HttpServer");
  }
  return impl_->ReloadTls();
}

int HttpServer::port() const { return impl_->port_; }

void HttpServer::Stop() { impl_->Stop(); }

size_t HttpServer::connections() const { return impl_->connections_.load(); }

}  // namespace statuscast
