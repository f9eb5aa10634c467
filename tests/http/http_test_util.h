// Real clients for HttpServer tests: a raw-socket HTTP/1.1 client, curl as
// a subprocess (the SSE client), banner worlds, and counting TransportMetrics
// and HttpMetrics.
#ifndef STATUSCAST_TESTS_HTTP_HTTP_TEST_UTIL_H_
#define STATUSCAST_TESTS_HTTP_HTTP_TEST_UTIL_H_

#include <sys/types.h>

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "libs/banner/banner_world.h"
#include "libs/banner/transport_metrics.h"
#include "libs/http/http_metrics.h"

namespace statuscast {
class BannerHub;
class Clock;
class HttpServer;
struct HttpServerOptions;

namespace testing_http {

struct RawResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string raw;
  bool Has(const std::string& name) const { return headers.count(name) != 0; }
  std::string Header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

// A connected TCP socket to 127.0.0.1:port (-1 on failure). `rcvbuf` > 0
// shrinks the receive buffer before connecting (a slow reader).
int ConnectLocal(int port, int rcvbuf = 0);
bool SendAll(int fd, const std::string& data);
// Reads until EOF or timeout.
std::string ReadAll(int fd, absl::Duration timeout);
// Parses a response with a Content-Length or close-delimited body.
RawResponse ParseResponse(const std::string& raw);

// Sends `method path` with `headers` (each "Name: value") and
// Connection: close; returns the parsed answer.
RawResponse Request(int port, const std::string& method, const std::string& target,
                    const std::vector<std::string>& headers = {}, const std::string& body = "");

// curl as a child process; reads its stdout without blocking the test.
class CurlProcess {
 public:
  explicit CurlProcess(std::vector<std::string> args);
  ~CurlProcess();
  // Waits until the output (from the start) contains `needle`.
  bool WaitFor(const std::string& needle, absl::Duration timeout);
  // Reads whatever arrives during `d`.
  void Drain(absl::Duration d);
  // Waits for the process to exit; its exit code, or -1 on timeout.
  int WaitExit(absl::Duration timeout);
  void Kill();
  const std::string& output() const { return out_; }

 private:
  bool ReadSome(absl::Duration wait);
  pid_t pid_ = -1;
  int fd_ = -1;
  bool exited_ = false;
  int exit_code_ = -1;
  std::string out_;
};

struct SseEvent {
  std::string id;
  std::string event;
  std::string data;
  std::string comment;
  std::string retry;
};
// Splits SSE text into its events (comments and retry lines included).
std::vector<SseEvent> ParseSse(const std::string& text);
// The events that carry a set (event: banners).
std::vector<SseEvent> SetEvents(const std::string& text);

// An HttpServer with `options` on 127.0.0.1, a port the kernel picks, the
// rate limit on `clock`, serving `hub`'s banner routes (no metrics), started;
// null, with a test failure naming the error, when it cannot start.
// REQUIRES: hub and clock outlive the server.
std::unique_ptr<HttpServer> StartBannerServer(HttpServerOptions options, BannerHub& hub,
                                              const Clock& clock);

// Success when an HttpServer with `options` refuses to start with
// INVALID_ARGUMENT, a message containing `part`, and no port.
::testing::AssertionResult RefusesToStart(const HttpServerOptions& options,
                                          const std::string& part);

// A world with one manual banner per text (ids 1..n), visible everywhere.
std::shared_ptr<const BannerWorld> WorldWith(int64_t sequence,
                                             const std::vector<std::string>& texts);

class CountingMetrics : public TransportMetrics, public HttpMetrics {
 public:
  void SubscriberAdded(Transport) override { ++added; }
  void SubscriberRemoved(Transport) override { ++removed; }
  void SetSent(Transport, absl::optional<absl::Duration>) override { ++sent; }
  void SetConflated(Transport) override { ++conflated; }
  void HttpRequest(const std::string& route, int status, absl::Duration) override;
  // How many distinct route labels were reported.
  size_t RouteLabels() const;
  int Requests(const std::string& route, int status) const;

  std::atomic<int> added{0}, removed{0}, sent{0}, conflated{0};

 private:
  mutable std::mutex mu_;
  std::map<std::pair<std::string, int>, int> requests_;
};

}  // namespace testing_http
}  // namespace statuscast

#endif  // STATUSCAST_TESTS_HTTP_HTTP_TEST_UTIL_H_
