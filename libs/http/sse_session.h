// SseSession: one Server-Sent Events stream on an HTTP connection, the
// streaming half of HttpServer. Private to libs/http: it includes Beast and
// is included by http_connection.h alone, in http_server.cc (keep Beast out of
// other headers).
//
// It owns delivery, not content: the route's SseSubscription feeds an
// SseChannel; the session writes the header, a jittered retry hint, then
// every event with at most one write in flight and only the newest event
// pending (conflation), a heartbeat on a quiet stream (a comment, or an
// `id:` the route names), and drops a client whose write is stuck beyond
// the write timeout.
//
// Lifetime: the session's pending operations (the probe read and the
// heartbeat timer are always pending until it ends) keep it alive, and it
// keeps its connection (the owner of the socket) alive. The connection only
// holds a weak_ptr. The channel holds a weak_ptr too, so events sent after
// the end are dropped.
// Thread safety: everything runs on the connection's strand, except
// ReleaseSubscription (any thread, once) and the channel (any thread).
#ifndef STATUSCAST_LIBS_HTTP_SSE_SESSION_H_
#define STATUSCAST_LIBS_HTTP_SSE_SESSION_H_

#include <array>
#include <atomic>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "libs/http/sse_format.h"
#include "libs/http/sse_route.h"

namespace statuscast {
namespace http_internal {

struct SseSessionConfig {
  absl::Duration heartbeat_interval;
  absl::Duration write_timeout;
  // The retry hint: base + a random 0..base/2 per stream.
  absl::Duration retry_base;
};

// What the connection and the server see of a session, whatever its stream.
class SseSessionBase {
 public:
  virtual ~SseSessionBase() = default;
  // On the strand.
  virtual void Deliver(SseEvent event) = 0;
  virtual void Close() = 0;
  virtual void CloseAt(std::string id) = 0;
  virtual void Abort(const char* reason) = 0;
  // Destroys the subscription (stops the feed). Any thread; idempotent.
  virtual void ReleaseSubscription() = 0;
};

// The owner's SseChannel: hops onto the session's strand.
class StrandChannel final : public SseChannel {
 public:
  StrandChannel(std::weak_ptr<SseSessionBase> session, boost::asio::any_io_executor strand)
      : session_(std::move(session)), strand_(std::move(strand)) {}
  // Possibly under the owner's lock: only a post, and no strong reference
  // to the session dropped here.
  void Send(SseEvent event) override {
    boost::asio::post(strand_, [weak = session_, event = std::move(event)]() mutable {
      if (auto s = weak.lock()) s->Deliver(std::move(event));
    });
  }
  void Close() override {
    boost::asio::post(strand_, [weak = session_] {
      if (auto s = weak.lock()) s->Close();
    });
  }
  void CloseAt(std::string id) override {
    boost::asio::post(strand_, [weak = session_, id = std::move(id)]() mutable {
      if (auto s = weak.lock()) s->CloseAt(std::move(id));
    });
  }

 private:
  const std::weak_ptr<SseSessionBase> session_;
  const boost::asio::any_io_executor strand_;
};

inline int64_t JitteredMillis(absl::Duration base) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  const int64_t base_ms = absl::ToInt64Milliseconds(base);
  if (base_ms <= 0) return 0;
  return base_ms + static_cast<int64_t>(rng() % static_cast<uint64_t>(base_ms / 2 + 1));
}

template <class Stream>
class SseSession final : public SseSessionBase,
                         public std::enable_shared_from_this<SseSession<Stream>> {
 public:
  // Called once when the stream ends, with why and how many events were
  // written and conflated; the connection logs and closes the socket.
  using EndFn = std::function<void(const char* reason, uint64_t events, uint64_t conflated)>;
  using Header = boost::beast::http::response<boost::beast::http::empty_body>;

  // REQUIRES: `stream` is owned by `owner`.
  SseSession(Stream& stream, std::shared_ptr<void> owner, SseSessionConfig config, EndFn on_end,
             std::string last_id)
      : stream_(stream),
        owner_(std::move(owner)),
        config_(config),
        on_end_(std::move(on_end)),
        timer_(stream.get_executor()),
        last_id_(std::move(last_id)) {}

  ~SseSession() override { ReleaseSubscription(); }

  // Opens the feed (so nothing published meanwhile is missed), then writes
  // `header` (status, content type and common headers already set).
  // `closing`: the server is stopping; end right after the header.
  void Start(Header header, SseStreamRoute& route, const HttpRequest& req, bool closing) {
    namespace http = boost::beast::http;
    writing_ = true;  // the header; events wait as pending
    write_started_ = Now();
    last_write_ = Now();
    chunked_ = header.version() >= 11;
    boost::beast::get_lowest_layer(stream_).expires_never();
    if (chunked_) {
      header.keep_alive(true);
      header.chunked(true);
    } else {
      header.keep_alive(false);  // the body ends when the connection does
    }
    // Both live only until the header is written (OnHeaderWritten).
    header_ = std::make_unique<Header>(std::move(header));
    serializer_ = std::make_unique<Serializer>(*header_);
    auto channel = std::make_shared<StrandChannel>(this->weak_from_this(), stream_.get_executor());
    std::unique_ptr<SseSubscription> sub = route.Open(req, std::move(channel));
    closing_ = closing || sub == nullptr;
    {
      absl::MutexLock lock(&sub_mu_);
      sub_ = std::move(sub);
    }
    http::async_write_header(
        stream_, *serializer_,
        boost::beast::bind_front_handler(&SseSession::OnHeaderWritten, Self()));
    // Reading shows promptly when the client goes away; it sends nothing else.
    stream_.async_read_some(boost::asio::buffer(probe_),
                            boost::beast::bind_front_handler(&SseSession::OnProbe, Self()));
    ArmHeartbeat(config_.heartbeat_interval);
  }

  void Deliver(SseEvent event) override {
    if (finished_ || closing_) return;
    if (writing_) {
      if (pending_.has_value()) {
        ++conflated_;
        absl::MutexLock lock(&sub_mu_);
        if (sub_ != nullptr) sub_->OnConflated();
      }
      pending_ = std::move(event);
      return;
    }
    WriteEvent(std::move(event));
  }

  void Close() override {
    if (finished_ || closing_) return;
    closing_ = true;
    pending_.reset();
    if (!writing_) WriteLastChunk();
  }

  void CloseAt(std::string id) override {
    if (finished_ || closing_) return;
    closing_ = true;
    final_id_ = std::move(id);
    if (!writing_) ContinueClosing();
  }

  void Abort(const char* reason) override { Finish(reason); }

  void ReleaseSubscription() override {
    std::unique_ptr<SseSubscription> sub;
    {
      absl::MutexLock lock(&sub_mu_);
      sub = std::move(sub_);
    }
    // Destroyed outside the lock: it may take the owner's lock.
  }

 private:
  using SteadyClock = std::chrono::steady_clock;
  using Buffers = std::array<boost::asio::const_buffer, 3>;

  static SteadyClock::time_point Now() { return SteadyClock::now(); }
  static std::chrono::milliseconds Chrono(absl::Duration d) {
    return std::chrono::milliseconds(absl::ToInt64Milliseconds(d));
  }
  std::shared_ptr<SseSession> Self() { return this->shared_from_this(); }

  void OnHeaderWritten(boost::beast::error_code ec, std::size_t) {
    writing_ = false;
    serializer_.reset();
    header_.reset();
    if (ec) return Finish("write_error");
    if (closing_) return ContinueClosing();
    WriteText(SseRetryText(JitteredMillis(config_.retry_base)), /*is_event=*/false);
  }

  void OnProbe(boost::beast::error_code ec, std::size_t) {
    if (finished_) return;
    if (ec) return Finish(ec == boost::asio::error::eof ? "client_closed" : "read_error");
    stream_.async_read_some(boost::asio::buffer(probe_),
                            boost::beast::bind_front_handler(&SseSession::OnProbe, Self()));
  }

  void WriteEvent(SseEvent event) {
    in_flight_ = std::move(event);
    const SseEvent& e = *in_flight_;
    if (!e.id.empty()) last_id_ = e.id;
    if (e.frame != nullptr) {  // framed once for every stream: written as is
      const SseFrame& f = *e.frame;
      return WriteFramed(chunked_ ? boost::asio::buffer(f.chunk)
                                  : boost::asio::buffer(f.chunk.data() + f.text_offset,
                                                        f.text_size));
    }
    const std::string& data = e.data != nullptr ? *e.data : empty_;
    if (!SseIsOneLine(data)) return WriteText(SseEventText(e), /*is_event=*/true);
    out_text_ = SseEventHead(e);
    WriteBuffers({boost::asio::buffer(out_text_), boost::asio::buffer(data),
                  boost::asio::buffer(kSseEventTail, 2)},
                 /*is_event=*/true);
  }

  void WriteText(std::string text, bool is_event) {
    out_text_ = std::move(text);
    WriteBuffers(
        {boost::asio::buffer(out_text_), boost::asio::const_buffer(), boost::asio::const_buffer()},
        is_event);
  }

  void WriteBuffers(Buffers buffers, bool is_event) {
    writing_ = true;
    write_started_ = Now();
    auto done = boost::beast::bind_front_handler(&SseSession::OnWritten, Self(), is_event);
    if (chunked_) {
      chunk_.emplace(boost::beast::http::make_chunk(buffers));
      boost::asio::async_write(stream_, *chunk_, std::move(done));
    } else {
      boost::asio::async_write(stream_, buffers, std::move(done));
    }
  }

  // An event's bytes, already framed for this stream (chunk or bare text).
  void WriteFramed(boost::asio::const_buffer bytes) {
    writing_ = true;
    write_started_ = Now();
    boost::asio::async_write(
        stream_, bytes,
        boost::beast::bind_front_handler(&SseSession::OnWritten, Self(), /*is_event=*/true));
  }

  void OnWritten(bool is_event, boost::beast::error_code ec, std::size_t) {
    writing_ = false;
    last_write_ = Now();
    chunk_.reset();
    if (is_event && in_flight_.has_value()) {
      if (!ec) {
        ++events_;
        absl::MutexLock lock(&sub_mu_);
        if (sub_ != nullptr) sub_->OnWritten(*in_flight_);
      }
      in_flight_.reset();
    }
    if (ec) return Finish("write_error");
    if (closing_) return ContinueClosing();
    if (pending_.has_value()) {
      SseEvent next = std::move(*pending_);
      pending_.reset();
      WriteEvent(std::move(next));
    }
  }

  void ArmHeartbeat(absl::Duration after) {
    timer_.expires_after(Chrono(after));
    timer_.async_wait(boost::beast::bind_front_handler(&SseSession::OnHeartbeat, Self()));
  }

  void OnHeartbeat(boost::beast::error_code ec) {
    if (ec || finished_) return;
    const auto now = Now();
    const auto interval = Chrono(config_.heartbeat_interval);
    if (writing_) {
      if (now - write_started_ > Chrono(config_.write_timeout)) return Finish("write_timeout");
      return ArmHeartbeat(config_.heartbeat_interval);
    }
    if (closing_) return;
    if (now - last_write_ >= interval) {
      std::string id;
      {
        absl::MutexLock lock(&sub_mu_);
        if (sub_ != nullptr) id = sub_->HeartbeatId();
      }
      if (id.empty()) {
        WriteText(SseHeartbeatText(last_id_), /*is_event=*/false);
      } else {
        // Every event for content up to `id` was posted to this strand
        // before HeartbeatId returned: write the id behind them.
        boost::asio::post(stream_.get_executor(),
                          boost::beast::bind_front_handler(&SseSession::WriteHeartbeatId, Self(),
                                                           std::move(id)));
      }
      return ArmHeartbeat(config_.heartbeat_interval);
    }
    timer_.expires_at(last_write_ + interval);
    timer_.async_wait(boost::beast::bind_front_handler(&SseSession::OnHeartbeat, Self()));
  }

  // A heartbeat naming the route's HeartbeatId. Skipped when an event was
  // delivered meanwhile: it names its own id, and is as good a heartbeat.
  void WriteHeartbeatId(std::string id) {
    if (finished_ || closing_ || writing_ || pending_.has_value()) return;
    last_id_ = std::move(id);
    WriteText(SseIdText(last_id_), /*is_event=*/false);
  }

  // Closing: the event still waiting (CloseAt keeps it), then the final id,
  // then the end of the body.
  void ContinueClosing() {
    if (pending_.has_value()) {
      SseEvent next = std::move(*pending_);
      pending_.reset();
      return WriteEvent(std::move(next));
    }
    if (!final_id_.empty()) {
      last_id_ = std::move(final_id_);
      final_id_.clear();
      return WriteText(SseIdText(last_id_), /*is_event=*/false);
    }
    WriteLastChunk();
  }

  void WriteLastChunk() {
    if (finished_) return;
    if (!chunked_) return Finish("closed");
    writing_ = true;
    write_started_ = Now();
    boost::asio::async_write(stream_, last_chunk_,
                             [self = Self()](boost::beast::error_code, std::size_t) {
                               self->writing_ = false;
                               self->Finish("closed");
                             });
  }

  // Ends the feed and hands the connection back to close; pending
  // operations then fail and release the session.
  void Finish(const char* reason) {
    if (finished_) return;
    finished_ = true;
    pending_.reset();
    timer_.cancel();
    ReleaseSubscription();
    on_end_(reason, events_, conflated_);
  }

  Stream& stream_;
  const std::shared_ptr<void> owner_;  // keeps stream_ alive
  const SseSessionConfig config_;
  const EndFn on_end_;
  boost::asio::steady_timer timer_;
  std::string last_id_;
  std::string final_id_;  // CloseAt's, until written
  const std::string empty_;

  using Serializer = boost::beast::http::response_serializer<boost::beast::http::empty_body>;
  std::unique_ptr<Header> header_;
  std::unique_ptr<Serializer> serializer_;
  bool chunked_ = false;
  bool writing_ = false;
  bool closing_ = false;
  bool finished_ = false;
  uint64_t events_ = 0;
  uint64_t conflated_ = 0;
  SteadyClock::time_point write_started_;
  SteadyClock::time_point last_write_;
  std::string out_text_;
  std::optional<SseEvent> in_flight_;
  std::optional<SseEvent> pending_;
  std::optional<boost::beast::http::chunk_body<Buffers>> chunk_;
  boost::beast::http::chunk_last<boost::beast::http::chunk_crlf> last_chunk_ =
      boost::beast::http::make_chunk_last();
  std::array<char, 64> probe_;

  absl::Mutex sub_mu_;
  std::unique_ptr<SseSubscription> sub_ ABSL_GUARDED_BY(sub_mu_);
};

}  // namespace http_internal
}  // namespace statuscast

#endif  // STATUSCAST_LIBS_HTTP_SSE_SESSION_H_
