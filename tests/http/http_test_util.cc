#include "tests/http/http_test_util.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gtest/gtest.h"
#include "libs/http/http_server.h"
#include "services/banner/banner_http_endpoints.h"

namespace statuscast {
namespace testing_http {

int ConnectLocal(int port, int rcvbuf) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  if (rcvbuf > 0) ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

bool SendAll(int fd, const std::string& data) {
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::send(fd, data.data() + off, data.size() - off, MSG_NOSIGNAL);
    if (n <= 0) return false;
    off += static_cast<size_t>(n);
  }
  return true;
}

std::string ReadAll(int fd, absl::Duration timeout) {
  std::string out;
  const absl::Time deadline = absl::Now() + timeout;
  char buf[16384];
  while (absl::Now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    int ms = static_cast<int>(absl::ToInt64Milliseconds(deadline - absl::Now()));
    if (::poll(&p, 1, ms < 1 ? 1 : ms) <= 0) continue;
    ssize_t n = ::recv(fd, buf, sizeof(buf), 0);
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

RawResponse ParseResponse(const std::string& raw) {
  RawResponse r;
  r.raw = raw;
  size_t end = raw.find("\r\n\r\n");
  std::string head = raw.substr(0, end);
  if (end != std::string::npos) r.body = raw.substr(end + 4);
  std::vector<std::string> lines = absl::StrSplit(head, "\r\n");
  if (lines.empty()) return r;
  std::vector<std::string> first = absl::StrSplit(lines[0], ' ');
  if (first.size() >= 2) absl::SimpleAtoi(first[1], &r.status);
  for (size_t i = 1; i < lines.size(); ++i) {
    size_t colon = lines[i].find(':');
    if (colon == std::string::npos) continue;
    std::string name = absl::AsciiStrToLower(lines[i].substr(0, colon));
    r.headers[name] = std::string(absl::StripAsciiWhitespace(lines[i].substr(colon + 1)));
  }
  return r;
}

RawResponse Request(int port, const std::string& method, const std::string& target,
                    const std::vector<std::string>& headers, const std::string& body) {
  int fd = ConnectLocal(port);
  if (fd < 0) return RawResponse{};
  std::string req = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
  for (const std::string& h : headers) req += h + "\r\n";
  if (!body.empty()) req += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  req += "\r\n" + body;
  SendAll(fd, req);
  std::string raw = ReadAll(fd, absl::Seconds(5));
  ::close(fd);
  return ParseResponse(raw);
}

CurlProcess::CurlProcess(std::vector<std::string> args) {
  int pipefd[2];
  if (::pipe(pipefd) != 0) return;
  pid_ = ::fork();
  if (pid_ == 0) {
    ::dup2(pipefd[1], STDOUT_FILENO);
    int devnull = ::open("/dev/null", O_WRONLY);
    ::dup2(devnull, STDERR_FILENO);
    ::close(pipefd[0]);
    ::close(pipefd[1]);
    std::vector<char*> argv;
    static char curl[] = "curl";
    argv.push_back(curl);
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execvp("curl", argv.data());
    ::_exit(127);
  }
  ::close(pipefd[1]);
  fd_ = pipefd[0];
  ::fcntl(fd_, F_SETFL, ::fcntl(fd_, F_GETFL) | O_NONBLOCK);
}

CurlProcess::~CurlProcess() {
  Kill();
  if (fd_ >= 0) ::close(fd_);
}

bool CurlProcess::ReadSome(absl::Duration wait) {
  if (fd_ < 0) return false;
  pollfd p{fd_, POLLIN, 0};
  int ms = static_cast<int>(absl::ToInt64Milliseconds(wait));
  if (::poll(&p, 1, ms < 1 ? 1 : ms) <= 0) return false;
  char buf[65536];
  bool any = false;
  for (;;) {
    ssize_t n = ::read(fd_, buf, sizeof(buf));
    if (n <= 0) break;
    out_.append(buf, static_cast<size_t>(n));
    any = true;
  }
  return any;
}

bool CurlProcess::WaitFor(const std::string& needle, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (out_.find(needle) == std::string::npos) {
    if (absl::Now() >= deadline) return false;
    ReadSome(absl::Milliseconds(20));
  }
  return true;
}

void CurlProcess::Drain(absl::Duration d) {
  const absl::Time deadline = absl::Now() + d;
  for (absl::Time now = absl::Now(); now < deadline; now = absl::Now()) {
    ReadSome(std::min(absl::Milliseconds(20), deadline - now));
  }
}

int CurlProcess::WaitExit(absl::Duration timeout) {
  if (exited_) return exit_code_;
  const absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    ReadSome(absl::Milliseconds(10));
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      exited_ = true;
      exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      ReadSome(absl::Milliseconds(1));
      return exit_code_;
    }
  }
  return -1;
}

void CurlProcess::Kill() {
  if (pid_ <= 0 || exited_) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  exited_ = true;
}

std::vector<SseEvent> ParseSse(const std::string& text) {
  std::vector<SseEvent> events;
  for (absl::string_view block : absl::StrSplit(text, "\n\n", absl::SkipEmpty())) {
    SseEvent e;
    bool any = false;
    for (absl::string_view line : absl::StrSplit(block, '\n', absl::SkipEmpty())) {
      any = true;
      if (absl::ConsumePrefix(&line, ":")) {
        e.comment = std::string(absl::StripLeadingAsciiWhitespace(line));
      } else if (absl::ConsumePrefix(&line, "id: ")) {
        e.id = std::string(line);
      } else if (absl::ConsumePrefix(&line, "event: ")) {
        e.event = std::string(line);
      } else if (absl::ConsumePrefix(&line, "data: ")) {
        if (!e.data.empty()) e.data += "\n";
        e.data += std::string(line);
      } else if (absl::ConsumePrefix(&line, "retry: ")) {
        e.retry = std::string(line);
      }
    }
    if (any) events.push_back(std::move(e));
  }
  return events;
}

std::vector<SseEvent> SetEvents(const std::string& text) {
  std::vector<SseEvent> out;
  // Only complete events: drop a trailing block without its blank line.
  size_t complete = text.rfind("\n\n");
  if (complete == std::string::npos) return out;
  for (SseEvent& e : ParseSse(text.substr(0, complete + 2))) {
    if (e.event == "banners") out.push_back(std::move(e));
  }
  return out;
}

std::unique_ptr<HttpServer> StartBannerServer(HttpServerOptions options, BannerHub& hub,
                                              const Clock& clock) {
  options.address = "127.0.0.1";
  options.port = 0;
  options.clock = &clock;
  auto server = std::make_unique<HttpServer>(std::move(options));
  AddBannerRoutes(*server, hub, nullptr, clock);
  absl::Status started = server->Start();
  if (!started.ok()) {
    ADD_FAILURE() << "the HttpServer did not start: " << started;
    return nullptr;
  }
  return server;
}

::testing::AssertionResult RefusesToStart(const HttpServerOptions& options,
                                          const std::string& part) {
  HttpServer server(options);
  absl::Status s = server.Start();
  if (s.code() != absl::StatusCode::kInvalidArgument || !absl::StrContains(s.message(), part) ||
      server.port() != 0) {
    return ::testing::AssertionFailure()
           << "expected INVALID_ARGUMENT containing \"" << part << "\" and no port; got " << s
           << " on port " << server.port();
  }
  return ::testing::AssertionSuccess();
}

std::shared_ptr<const BannerWorld> WorldWith(int64_t sequence,
                                             const std::vector<std::string>& texts) {
  auto world = std::make_shared<BannerWorld>();
  world->sequence = sequence;
  int64_t id = 1;
  for (const std::string& text : texts) {
    ManualBannerRecord m;
    m.id = id++;
    m.text = text;
    m.level = BannerLevel::kMaintenance;
    m.enabled = true;
    m.content_version = 1;
    m.updated_at = absl::FromUnixSeconds(1700000000);
    world->manual.push_back(std::move(m));
  }
  return world;
}

void CountingMetrics::HttpRequest(const std::string& route, int status, absl::Duration) {
  std::lock_guard<std::mutex> lock(mu_);
  ++requests_[{route, status}];
}

size_t CountingMetrics::RouteLabels() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::set<std::string> routes;
  for (const auto& [key, n] : requests_) routes.insert(key.first);
  return routes.size();
}

int CountingMetrics::Requests(const std::string& route, int status) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = requests_.find({route, status});
  return it == requests_.end() ? 0 : it->second;
}

}  // namespace testing_http
}  // namespace statuscast
