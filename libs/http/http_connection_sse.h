// How a Connection (http_connection.h) turns into a Server-Sent Events
// stream: the route's own check, a HEAD answer, the per-address stream cap
// (429 with Retry-After), then the stream's header and an SseSession
// (sse_session.h) that writes every event until the stream ends. Private to
// libs/http; included by http_connection.h only.
#ifndef STATUSCAST_LIBS_HTTP_HTTP_CONNECTION_SSE_H_
#define STATUSCAST_LIBS_HTTP_HTTP_CONNECTION_SSE_H_

#include "libs/http/http_connection.h"

namespace statuscast {
namespace http_internal {

template <bool kTls>
void Connection<kTls>::ServeStream(const ServerCore::Route& route, const HttpRequest& request,
                                   const ReplyTo& to) {
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

template <bool kTls>
void Connection<kTls>::StartStream(const ServerCore::Route& route, const HttpRequest& request,
                                   std::string last_id, unsigned version) {
  streaming_ = true;
  // The stream reads nothing more through the parser and its buffer (the
  // session only probes for the close): give their memory back.
  parser_.reset();
  buffer_ = beast::flat_buffer();
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
  auto session = std::make_shared<SseSession<Stream>>(
      stream_, Self(),
      SseSessionConfig{o.heartbeat_interval, o.sse_write_timeout,
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

template <bool kTls>
void Connection<kTls>::OnStreamEnd(const char* reason, uint64_t events, uint64_t conflated) {
  ReleaseStreamSlot();
  LogRequest(200, {{"stream_end", reason},
                   {"events", std::to_string(events)},
                   {"conflated", std::to_string(conflated)}});
  CloseSocket();
}

}  // namespace http_internal
}  // namespace statuscast

#endif  // STATUSCAST_LIBS_HTTP_HTTP_CONNECTION_SSE_H_
