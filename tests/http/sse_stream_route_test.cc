// A stream route that is not a banner: the generic interface of
// libs/http/sse_route.h on a real HttpServer (port 0) with curl as the
// client. The library frames, heartbeats and ends streams; the route only
// checks requests and feeds its channel.
#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/http/http_server.h"
#include "libs/http/sse_format.h"
#include "libs/http/sse_route.h"
#include "tests/http/http_test_util.h"

namespace statuscast {
namespace {

using ::testing::HasSubstr;
using testing_http::CountingMetrics;
using testing_http::CurlProcess;
using testing_http::RawResponse;
using testing_http::Request;

// Hands out the channels of open streams; counts what the library reports.
class TickRoute final : public SseStreamRoute {
 public:
  absl::optional<HttpResponse> Check(const HttpRequest& req, std::string* last_id) const override {
    if (req.Query("topic") == nullptr) {
      return HttpResponse::Error(400, "topic is required", "topic");
    }
    *last_id = "t0";
    return absl::nullopt;
  }
  std::unique_ptr<SseSubscription> Open(const HttpRequest& req,
                                        std::shared_ptr<SseChannel> channel) override {
    std::lock_guard<std::mutex> lock(mu_);
    topic_ = *req.Query("topic") + " on " + req.route;
    channels_.push_back(channel);
    ++open_;
    return std::make_unique<Subscription>(this, std::move(channel));
  }
  // What the route's heartbeats name ("" for the default, a comment);
  // with `send_first`, a tick with that id goes through the channel the
  // first time a heartbeat asks (an event for the content up to the id).
  void NameHeartbeats(std::string id, bool send_first) {
    std::lock_guard<std::mutex> lock(mu_);
    heartbeat_id_ = std::move(id);
    send_first_ = send_first;
  }

  std::shared_ptr<SseChannel> Channel(size_t i) {
    std::lock_guard<std::mutex> lock(mu_);
    return i < channels_.size() ? channels_[i] : nullptr;
  }
  std::string topic() {
    std::lock_guard<std::mutex> lock(mu_);
    return topic_;
  }
  static SseEvent Tick(int n, std::string data) {
    SseEvent e;
    e.id = absl::StrCat("t", n);
    e.event = "tick";
    e.data = std::make_shared<const std::string>(std::move(data));
    return e;
  }

  std::atomic<int> open_{0}, closed_{0}, written_{0};

 private:
  class Subscription final : public SseSubscription {
   public:
    Subscription(TickRoute* route, std::shared_ptr<SseChannel> channel)
        : route_(route), channel_(std::move(channel)) {}
    ~Subscription() override { ++route_->closed_; }
    void OnWritten(const SseEvent&) override { ++route_->written_; }
    std::string HeartbeatId() override {
      std::lock_guard<std::mutex> lock(route_->mu_);
      if (route_->send_first_) {
        route_->send_first_ = false;
        SseEvent e;
        e.id = route_->heartbeat_id_;
        e.event = "tick";
        e.data = std::make_shared<const std::string>("before the heartbeat");
        channel_->Send(std::move(e));
      }
      return route_->heartbeat_id_;
    }

   private:
    TickRoute* const route_;
    const std::shared_ptr<SseChannel> channel_;
  };

  std::mutex mu_;
  std::vector<std::shared_ptr<SseChannel>> channels_;
  std::string topic_;
  std::string heartbeat_id_;
  bool send_first_ = false;
};

class SseStreamRouteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    HttpServerOptions options;
    options.address = "127.0.0.1";
    options.port = 0;
    options.heartbeat_interval = absl::Milliseconds(200);
    server_ = std::make_unique<HttpServer>(options, &metrics_);
    server_->AddStreamRoute("/v1/ticks/{topic_id}", route_);
    ASSERT_TRUE(server_->Start().ok());
  }
  std::unique_ptr<CurlProcess> Stream(const std::string& target) {
    return std::make_unique<CurlProcess>(std::vector<std::string>{
        "-sN", "--max-time", "30", absl::StrCat("http://127.0.0.1:", server_->port(), target)});
  }
  // Waits until the route has opened `n` streams.
  bool WaitOpen(int n) {
    for (int i = 0; i < 500 && route_->open_.load() < n; ++i)
      absl::SleepFor(absl::Milliseconds(10));
    return route_->open_.load() >= n;
  }

  std::shared_ptr<TickRoute> route_ = std::make_shared<TickRoute>();
  CountingMetrics metrics_;
  std::unique_ptr<HttpServer> server_;
};

TEST_F(SseStreamRouteTest, TheLibraryFramesWhatTheRouteSends) {
  auto curl = Stream("/v1/ticks/7?topic=deploys");
  ASSERT_TRUE(WaitOpen(1));
  EXPECT_EQ(route_->topic(), "deploys on /v1/ticks/{topic_id}");
  // One at a time: an event sent while another waits replaces it.
  ASSERT_TRUE(curl->WaitFor("retry: ", absl::Seconds(5))) << curl->output();
  route_->Channel(0)->Send(TickRoute::Tick(1, "one line"));
  ASSERT_TRUE(curl->WaitFor("data: one line\n\n", absl::Seconds(5))) << curl->output();
  route_->Channel(0)->Send(TickRoute::Tick(2, "two\nlines"));
  ASSERT_TRUE(curl->WaitFor("data: lines\n\n", absl::Seconds(5))) << curl->output();
  EXPECT_THAT(curl->output(), HasSubstr("retry: "));
  EXPECT_THAT(curl->output(), HasSubstr("id: t1\nevent: tick\ndata: one line\n\n"));
  EXPECT_THAT(curl->output(), HasSubstr("id: t2\nevent: tick\ndata: two\ndata: lines\n\n"));
  // Quiet now: heartbeats name the last id.
  ASSERT_TRUE(curl->WaitFor(": heartbeat t2\n\n", absl::Seconds(5))) << curl->output();
  EXPECT_GE(route_->written_.load(), 1);
  EXPECT_EQ(metrics_.Requests("/v1/ticks/{topic_id}", 200), 1);
}

// A route that names its heartbeats: an event with only that id (no data),
// which moves the client's Last-Event-ID, instead of a comment.
TEST_F(SseStreamRouteTest, ANamedHeartbeatIsAnEventWithOnlyAnId) {
  route_->NameHeartbeats("h5", /*send_first=*/false);
  auto curl = Stream("/v1/ticks/7?topic=deploys");
  ASSERT_TRUE(curl->WaitFor("\nid: h5\n\n", absl::Seconds(5))) << curl->output();
  ASSERT_TRUE(curl->WaitFor("\nid: h5\n\nid: h5\n\n", absl::Seconds(5))) << curl->output();
  EXPECT_THAT(curl->output(), ::testing::Not(HasSubstr(": heartbeat")));
  EXPECT_EQ(route_->written_.load(), 0);  // not an event the route sent
}

// An event the route sends while it names the heartbeat (the content up to
// that id) reaches the client before the heartbeat's id does: a client that
// reconnects in between resumes from the event's id, never past it.
TEST_F(SseStreamRouteTest, AnEventSentBeforeTheHeartbeatIdGoesOutFirst) {
  route_->NameHeartbeats("t9", /*send_first=*/true);
  auto curl = Stream("/v1/ticks/7?topic=deploys");
  ASSERT_TRUE(curl->WaitFor("\nid: t9\n\n", absl::Seconds(5))) << curl->output();
  const std::string out = curl->output();
  const size_t event = out.find("id: t9\nevent: tick\ndata: before the heartbeat\n\n");
  ASSERT_NE(event, std::string::npos) << out;
  EXPECT_LT(event, out.find("\nid: t9\n\n")) << out;
}

TEST_F(SseStreamRouteTest, AFramedEventIsWrittenAsFramedToHttp11AndHttp10) {
  SseEvent framed = TickRoute::Tick(3, "shared");
  framed.frame = SseFrameEvent(framed);
  auto chunked = Stream("/v1/ticks/1?topic=x");
  auto bare = std::make_unique<CurlProcess>(std::vector<std::string>{
      "-sN", "--http1.0", "--max-time", "30",
      absl::StrCat("http://127.0.0.1:", server_->port(), "/v1/ticks/1?topic=x")});
  ASSERT_TRUE(WaitOpen(2));
  ASSERT_TRUE(chunked->WaitFor("retry: ", absl::Seconds(5))) << chunked->output();
  ASSERT_TRUE(bare->WaitFor("retry: ", absl::Seconds(5))) << bare->output();
  route_->Channel(0)->Send(framed);
  route_->Channel(1)->Send(framed);
  for (auto* curl : {chunked.get(), bare.get()}) {
    ASSERT_TRUE(curl->WaitFor("id: t3\nevent: tick\ndata: shared\n\n", absl::Seconds(5)))
        << curl->output();
  }
  // The route hears of each write once it completed.
  for (int i = 0; i < 500 && route_->written_.load() < 2; ++i) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  EXPECT_EQ(route_->written_.load(), 2);
}

TEST_F(SseStreamRouteTest, HeartbeatsNameTheResumeIdBeforeAnyEvent) {
  auto curl = Stream("/v1/ticks/1?topic=x");
  ASSERT_TRUE(curl->WaitFor(": heartbeat t0\n\n", absl::Seconds(5))) << curl->output();
}

TEST_F(SseStreamRouteTest, TheRouteRefusesARequestBeforeAnythingStreams) {
  RawResponse r = Request(server_->port(), "GET", "/v1/ticks/1");
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(r.body, HasSubstr("\"parameter\":\"topic\""));
  EXPECT_EQ(route_->open_.load(), 0);
  RawResponse head = Request(server_->port(), "HEAD", "/v1/ticks/1?topic=x");
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.Header("content-type"), "text/event-stream");
  EXPECT_EQ(route_->open_.load(), 0);
  EXPECT_EQ(Request(server_->port(), "POST", "/v1/ticks/1?topic=x").status, 405);
}

TEST_F(SseStreamRouteTest, CloseEndsTheStreamAndTheSubscriptionIsDestroyedOnce) {
  auto curl = Stream("/v1/ticks/1?topic=x");
  ASSERT_TRUE(WaitOpen(1));
  ASSERT_TRUE(curl->WaitFor("retry: ", absl::Seconds(5))) << curl->output();
  route_->Channel(0)->Send(TickRoute::Tick(1, "last"));
  route_->Channel(0)->Close();
  EXPECT_EQ(curl->WaitExit(absl::Seconds(5)), 0) << curl->output();
  EXPECT_THAT(curl->output(), HasSubstr("data: last\n\n"));
  for (int i = 0; i < 200 && route_->closed_.load() == 0; ++i)
    absl::SleepFor(absl::Milliseconds(10));
  EXPECT_EQ(route_->closed_.load(), 1);
  route_->Channel(0)->Send(TickRoute::Tick(2, "after the end"));  // ignored, no crash
  absl::SleepFor(absl::Milliseconds(50));
  EXPECT_EQ(route_->closed_.load(), 1);
}

TEST_F(SseStreamRouteTest, AClientThatLeavesEndsItsSubscription) {
  auto curl = Stream("/v1/ticks/1?topic=x");
  ASSERT_TRUE(WaitOpen(1));
  ASSERT_TRUE(curl->WaitFor("retry: ", absl::Seconds(5)));
  curl->Kill();
  for (int i = 0; i < 300 && route_->closed_.load() == 0; ++i)
    absl::SleepFor(absl::Milliseconds(10));
  EXPECT_EQ(route_->closed_.load(), 1);
}

}  // namespace
}  // namespace statuscast
