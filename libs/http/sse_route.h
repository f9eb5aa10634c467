// A stream route: Server-Sent Events whose content a service supplies and
// whose delivery the HTTP library owns.
//
// The library owns the connection, the framing (`id:`, `event:`, `data:`
// lines, a jittered `retry:` hint first), heartbeats on a quiet stream (a
// comment, or an id the route names: SseSubscription::HeartbeatId),
// conflation (at most one write in flight and only the newest event
// pending, so a client that stops reading holds bounded memory and delays
// nobody), the write timeout, the per-address stream cap and shutdown. The
// route's owner only says whether a request may stream and what to send:
//
//   class TickRoute : public SseStreamRoute {
//     absl::optional<HttpResponse> Check(const HttpRequest&, std::string*) const override {
//       return absl::nullopt;  // every request may stream
//     }
//     std::unique_ptr<SseSubscription> Open(const HttpRequest&,
//                                           std::shared_ptr<SseChannel> ch) override {
//       return ticker_.Subscribe(ch);  // calls ch->Send(...) on every tick
//     }
//   };
//   server.AddStreamRoute("/v1/ticks", std::make_shared<TickRoute>());
//
// Thread safety and lifetime: Check and Open run on an I/O thread and must
// not block. SseChannel is safe from any thread and never blocks (it only
// queues), so it may be called under the owner's own lock; calls after the
// stream ended are ignored. The SseSubscription is destroyed exactly once,
// on the stream's end (client gone, write error or timeout, Close, server
// Stop); its destructor must stop the feed. OnWritten and OnConflated are
// never called concurrently with each other or with the destructor.
#ifndef STATUSCAST_LIBS_HTTP_SSE_ROUTE_H_
#define STATUSCAST_LIBS_HTTP_SSE_ROUTE_H_

#include <memory>
#include <string>

#include "absl/types/optional.h"
#include "libs/http/http_route.h"

namespace statuscast {

struct SseFrame;

struct SseEvent {
  std::string id;     // the `id:` line (what Last-Event-ID resumes from); "" for none
  std::string event;  // the `event:` line; "" for none (a "message")
  // The data. One line is written without a copy (so it may point into a
  // larger shared object, with the aliasing shared_ptr constructor); lines
  // are split into one `data:` line each.
  std::shared_ptr<const std::string> data;
  // Opaque to the library; handed back in SseSubscription::OnWritten.
  std::shared_ptr<const void> context;
  // Optional: this event already framed (SseFrameEvent in sse_format.h).
  // An owner that sends one event to many streams frames it once and shares
  // the frame, so no stream formats or copies a byte of it. When set, it
  // must be the frame of this very id, event and data.
  std::shared_ptr<const SseFrame> frame;
};

// The library's end of one open stream.
class SseChannel {
 public:
  virtual ~SseChannel() = default;
  // Queues `event`. When one is already waiting behind a write, it is
  // replaced (conflated): send whole states, not deltas.
  virtual void Send(SseEvent event) = 0;
  // Ends the stream gracefully after the write in flight; the client
  // reconnects (to another replica, on shutdown). An event still waiting is
  // dropped: the client resumes from the last id it got.
  virtual void Close() = 0;
  // Ends the stream like Close, but first writes the event still waiting,
  // then `id` alone (an event without data), so the client resumes from
  // `id`. Only for an id whose content every event sent so far leads to: a
  // replica that restarts then knows the client is current.
  virtual void CloseAt(std::string id) = 0;
};

// The route owner's end of one open stream.
class SseSubscription {
 public:
  // Stops the feed: after it returns the owner no longer calls the channel.
  virtual ~SseSubscription() = default;
  // `event` reached the client's socket.
  virtual void OnWritten(const SseEvent& event) { (void)event; }
  // A waiting event was replaced by a newer one before it could be written.
  virtual void OnConflated() {}
  // The id a heartbeat on a quiet stream names: the library writes it as an
  // event without data (`id: <id>`, which moves the client's Last-Event-ID
  // and dispatches nothing), so a client that reconnects after a crash of
  // this server resumes from it. "" (the default): a comment instead, which
  // moves nothing. Called on the stream's I/O thread; must not block.
  // REQUIRES: every event for content up to the id was sent through the
  // channel before this returns (the library writes the heartbeat behind
  // them, and not at all while one of them is waiting or being written).
  virtual std::string HeartbeatId() { return std::string(); }
};

class SseStreamRoute {
 public:
  virtual ~SseStreamRoute() = default;
  // Whether `req` may stream (GET, and HEAD, which gets the headers only):
  // nullopt to accept, else the response to send instead (e.g. a 400 naming
  // the parameter). On acceptance `*last_id` may be set to the id of the
  // event the client already has (heartbeats name it until the first event).
  virtual absl::optional<HttpResponse> Check(const HttpRequest& req,
                                             std::string* last_id) const = 0;
  // Starts feeding `channel` for an accepted request. Returning nullptr ends
  // the stream at once.
  virtual std::unique_ptr<SseSubscription> Open(const HttpRequest& req,
                                                std::shared_ptr<SseChannel> channel) = 0;
};

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_HTTP_SSE_ROUTE_H_
