// statuscast-bench-subscriber: holds many banner subscriptions in one
// process, one TCP connection each, and records when each set arrives.
//
//   --mode=grpc  statuscast.v1.BannerService/Subscribe with the callback API;
//                one channel per subscriber with a local subchannel pool, so
//                no two subscribers share a connection.
//   --mode=sse   GET /v1/banners/stream over raw non-blocking sockets and
//                epoll (HTTP/1.1, chunked), one connection per subscriber.
//
// Every arrival is stamped with absl::Now() (CLOCK_REALTIME) as soon as the
// bytes are read, the clock the driver uses for commit times; all processes
// run on one machine. A subscriber records its first set, then each
// transition: a set whose emptiness differs from the previous set's (the
// banner appears: transition 1; it disappears: transition 2; ...).
//
// --reconnect (the reconnect storm, bench/run --storm): a stream that ends
// is reopened after a jittered --retry_ms (0.5-1.5x, as the SDKs' backoff),
// resuming from the last version seen (gRPC: of a set or a heartbeat, as
// last_version; SSE: the last `id:`, as Last-Event-ID); a refused
// connection is retried the same way. On the resumed stream
// the subscriber holds the current set when the server confirms it (gRPC:
// its first message; SSE: the response header) or sends it again (a full
// resend: any set on the resumed stream; nothing changes during a storm).
//
// Protocol with bench/run:
//   stdout, every 100 ms when something changed:
//     status started=N ready=N t1=N t2=N t3=N t4=N failed=N max_bytes=N
//            dropped=N current=N resent=N
//   SIGUSR1: writes --out, one line per subscriber
//     "<index> <first_ns> <t1_ns> <t2_ns> <t3_ns> <t4_ns> <drop_ns> <current_ns> <resent>"
//     (0: not yet; drop_ns: when its stream last ended, current_ns: when it
//     held the current set again after that), then prints "dumped <path>".
//   SIGTERM/SIGINT: exits at once (no teardown of thousands of channels).
//
// Not a library: a load tool, kept to one file.
#include <arpa/inet.h>
#include <fcntl.h>
#include <grpcpp/grpcpp.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <random>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "bench_signals.h"
#include "statuscast/v1/banner.grpc.pb.h"

ABSL_FLAG(std::string, mode, "grpc", "grpc or sse");
ABSL_FLAG(std::string, target, "127.0.0.1:7401", "host:port of the gRPC or HTTP server");
ABSL_FLAG(int, count, 1000, "subscribers (connections) this process holds");
ABSL_FLAG(int, first_index, 0, "index of this process's first subscriber, for the output");
ABSL_FLAG(std::string, app, "shop", "app to subscribe to");
ABSL_FLAG(std::string, path, "/checkout", "page path to subscribe to");
ABSL_FLAG(int, window, 200, "subscriptions opened but without their first set, at most");
ABSL_FLAG(std::string, out, "/tmp/subscriber.txt", "where SIGUSR1 writes the arrival times");
ABSL_FLAG(bool, reconnect, false, "reopen an ended stream, resuming from the last version seen");
ABSL_FLAG(int, retry_ms, 1000,
          "with --reconnect: mean wait (jittered 0.5-1.5x) before reopening an ended stream or "
          "retrying a refused connection");

namespace statuscast::bench {
namespace {

constexpr int kMaxTransitions = 4;

int64_t NowNanos() { return absl::ToUnixNanos(absl::Now()); }

// Arrival times of one subscriber. Written by the thread that reads its
// stream (one read at a time), read by the dumper; hence relaxed atomics.
struct Record {
  std::atomic<int64_t> first{0};
  std::atomic<int64_t> transition[kMaxTransitions] = {};
  int transitions = 0;
  bool last_nonempty = false;
  // --reconnect: the version to resume from, and the last storm's times.
  std::atomic<int64_t> version{0};
  std::atomic<int64_t> drop{0};
  std::atomic<int64_t> current{0};
  std::atomic<bool> resent{false};
};

struct Counters {
  std::atomic<int> started{0};
  std::atomic<int> ready{0};
  std::atomic<int> transitions[kMaxTransitions] = {};
  std::atomic<int> failed{0};
  std::atomic<size_t> max_bytes{0};
  std::atomic<int> dropped{0};  // subscribers whose stream ended at least once
  std::atomic<int> current{0};  // of those, holding the current set again
  std::atomic<int> resent{0};   // of those, sent a full set on the resumed stream
};

Counters counters;
std::vector<Record> records;
std::atomic<bool> error_logged{false};

// Called on every set (not heartbeat) a subscriber receives.
void OnSet(Record& r, int64_t now, bool nonempty, size_t bytes) {
  size_t seen = counters.max_bytes.load(std::memory_order_relaxed);
  while (bytes > seen && !counters.max_bytes.compare_exchange_weak(seen, bytes)) {
  }
  if (r.first.load(std::memory_order_relaxed) == 0) {
    r.first.store(now, std::memory_order_relaxed);
    r.last_nonempty = nonempty;
    counters.ready.fetch_add(1);
    return;
  }
  if (nonempty == r.last_nonempty) return;
  r.last_nonempty = nonempty;
  if (r.transitions < kMaxTransitions) {
    r.transition[r.transitions].store(now, std::memory_order_relaxed);
    counters.transitions[r.transitions].fetch_add(1);
    ++r.transitions;
  }
}

// --reconnect: the stream of `r` ended.
void MarkDropped(Record& r, int64_t now) {
  if (r.drop.exchange(now) == 0) counters.dropped.fetch_add(1);
  if (r.current.exchange(0) != 0) counters.current.fetch_sub(1);
}

// The resumed stream of `r` confirmed the set it holds.
void MarkCurrent(Record& r, int64_t now) {
  int64_t expected = 0;
  if (r.current.compare_exchange_strong(expected, now)) counters.current.fetch_add(1);
}

// The resumed stream of `r` sent a full set: it holds the current set from now.
void MarkResent(Record& r, int64_t now) {
  if (!r.resent.exchange(true)) counters.resent.fetch_add(1);
  if (r.current.exchange(now) == 0) counters.current.fetch_add(1);
}

// --reconnect: a jittered wait, 0.5-1.5x --retry_ms, in nanoseconds.
int64_t RetryDelayNanos() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  const int64_t ms = absl::GetFlag(FLAGS_retry_ms);
  return (ms / 2 + static_cast<int64_t>(rng() % static_cast<uint64_t>(ms + 1))) * 1000000;
}

// Runs functions at a later time on one thread (gRPC callbacks must not sleep).
class Later {
 public:
  Later() : thread_([this] { Run(); }) { thread_.detach(); }
  void At(int64_t due_ns, std::function<void()> fn) {
    absl::MutexLock lock(&mu_);
    due_.emplace(due_ns, std::move(fn));
  }

 private:
  void Run() {
    for (;;) {
      std::vector<std::function<void()>> ready;
      {
        absl::MutexLock lock(&mu_);
        const int64_t now = NowNanos();
        while (!due_.empty() && due_.begin()->first <= now) {
          ready.push_back(std::move(due_.begin()->second));
          due_.erase(due_.begin());
        }
      }
      for (auto& fn : ready) fn();
      absl::SleepFor(absl::Milliseconds(5));
    }
  }
  absl::Mutex mu_;
  std::multimap<int64_t, std::function<void()>> due_ ABSL_GUARDED_BY(mu_);
  std::thread thread_;
};

void OnFailure(const std::string& why) {
  counters.failed.fetch_add(1);
  if (!error_logged.exchange(true)) std::fprintf(stderr, "first failure: %s\n", why.c_str());
}

// Opens subscriptions while fewer than --window are waiting for their first set.
template <typename Open>
void OpenAll(int count, Open open) {
  const int window = absl::GetFlag(FLAGS_window);
  for (int i = 0; i < count; ++i) {
    const absl::Time give_up = absl::Now() + absl::Seconds(120);
    while (counters.started.load() - counters.ready.load() - counters.failed.load() >= window) {
      if (absl::Now() > give_up) {
        std::fprintf(stderr, "no progress opening subscriptions for 120 s\n");
        return;
      }
      absl::SleepFor(absl::Milliseconds(1));
    }
    counters.started.fetch_add(1);
    open(i);
  }
}

// ---- gRPC ----

// One Subscribe call; with --reconnect, the call that follows it when it
// ends (each deletes itself when done).
class GrpcSubscriber final : public grpc::ClientReadReactor<v1::SubscribeResponse> {
 public:
  GrpcSubscriber(std::shared_ptr<grpc::Channel> channel, Record* record, bool resumed)
      : channel_(std::move(channel)),
        stub_(v1::BannerService::NewStub(channel_)),
        record_(record),
        resumed_(resumed) {
    request_.set_app(absl::GetFlag(FLAGS_app));
    request_.set_path(absl::GetFlag(FLAGS_path));
    request_.set_last_version(record_->version.load());
    // With --reconnect, a call waits for the server to be (back) up rather
    // than fail.
    if (absl::GetFlag(FLAGS_reconnect)) context_.set_wait_for_ready(true);
    stub_->async()->Subscribe(&context_, &request_, this);
    StartRead(&response_);
    StartCall();
  }

  void OnReadDone(bool ok) override {
    const int64_t now = NowNanos();
    if (!ok) return;  // OnDone follows with the status.
    if (response_.has_set()) {
      record_->version.store(response_.set().version());
      if (resumed_ && !got_message_) MarkResent(*record_, now);
      OnSet(*record_, now, response_.set().banners_size() > 0, response_.ByteSizeLong());
    } else if (response_.has_heartbeat()) {
      if (response_.heartbeat().version() > record_->version.load()) {
        record_->version.store(response_.heartbeat().version());
      }
      if (resumed_ && !got_message_) MarkCurrent(*record_, now);
    }
    got_message_ = true;
    StartRead(&response_);
  }

  void OnDone(const grpc::Status& status) override {
    if (absl::GetFlag(FLAGS_reconnect)) {
      // Before its first set it is still connecting, not resuming.
      const bool resumed = record_->first.load() != 0;
      if (resumed) MarkDropped(*record_, NowNanos());
      static Later* later = new Later();
      later->At(NowNanos() + RetryDelayNanos(),
                [channel = channel_, record = record_, resumed] {
                  new GrpcSubscriber(channel, record, resumed);
                });
    } else {
      OnFailure(
          absl::StrCat("gRPC stream ended: ", status.error_code(), " ", status.error_message()));
    }
    delete this;
  }

 private:
  const std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::BannerService::Stub> stub_;
  grpc::ClientContext context_;
  v1::SubscribeRequest request_;
  v1::SubscribeResponse response_;
  Record* record_;
  const bool resumed_;
  bool got_message_ = false;
};

void RunGrpc(int count) {
  const std::string target = absl::GetFlag(FLAGS_target);
  OpenAll(count, [&](int i) {
    grpc::ChannelArguments args;
    // Without this, channels with equal arguments share one connection.
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    args.SetInt(GRPC_ARG_ENABLE_RETRIES, 0);
    if (absl::GetFlag(FLAGS_reconnect)) {
      // Reconnect to a restarted server every --retry_ms (the default
      // backoff starts at 1 s and grows). Not GRPC_ARG_MIN_RECONNECT_BACKOFF_MS:
      // it is also the connect timeout, which a busy server would miss.
      const int retry_ms = absl::GetFlag(FLAGS_retry_ms);
      args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, retry_ms);
      args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, retry_ms);
    }
    auto channel = grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args);
    new GrpcSubscriber(std::move(channel), &records[i], /*resumed=*/false);
  });
  for (;;) pause();  // Callbacks run on gRPC's threads; signals end us.
}

// ---- SSE ----

// One SSE connection: HTTP/1.1 response header, chunked framing, then SSE
// lines. A `data:` line is one set (the JSON is one line).
struct SseConnection {
  enum class State { kConnecting, kHeader, kChunkSize, kChunkData, kChunkEnd, kPlainBody };
  int fd = -1;
  int index = 0;
  State state = State::kConnecting;
  std::string pending;  // bytes not yet parsed (header, chunk-size line)
  std::string line;     // the SSE line being assembled
  size_t chunk_left = 0;
  std::string last_id;  // the last `id:`, resumed from as Last-Event-ID
  bool resumed = false;  // reopened after its stream ended (--reconnect)
  bool got_set = false;  // a set arrived on this connection
};

bool ParseHostPort(const std::string& hostport, sockaddr_in* addr) {
  size_t colon = hostport.rfind(':');
  if (colon == std::string::npos) return false;
  std::memset(addr, 0, sizeof(*addr));
  addr->sin_family = AF_INET;
  addr->sin_port = htons(static_cast<uint16_t>(std::stoi(hostport.substr(colon + 1))));
  return inet_pton(AF_INET, hostport.substr(0, colon).c_str(), &addr->sin_addr) == 1;
}

void SseLine(SseConnection& c, int64_t now) {
  if (!c.line.empty() && c.line.back() == '\r') c.line.pop_back();
  if (c.line.rfind("data:", 0) == 0) {
    const bool nonempty = c.line.find("\"banners\":[]") == std::string::npos;
    if (c.resumed && !c.got_set) MarkResent(records[c.index], now);
    c.got_set = true;
    OnSet(records[c.index], now, nonempty, c.line.size());
  } else if (c.line.rfind("id:", 0) == 0) {
    // An id alone (no data) moves Last-Event-ID too, as in a browser.
    c.last_id = c.line.substr(c.line.size() > 3 && c.line[3] == ' ' ? 4 : 3);
    records[c.index].version.store(std::atoll(c.last_id.c_str()));
  }
  c.line.clear();
}

void SseBytes(SseConnection& c, const char* data, size_t n, int64_t now) {
  for (size_t i = 0; i < n; ++i) {
    if (data[i] == '\n') {
      SseLine(c, now);
    } else {
      c.line.push_back(data[i]);
    }
  }
}

// Returns false when the connection is unusable.
bool SseParse(SseConnection& c, const char* data, size_t n, int64_t now) {
  c.pending.append(data, n);
  for (;;) {
    switch (c.state) {
      case SseConnection::State::kConnecting:
        return false;
      case SseConnection::State::kHeader: {
        size_t end = c.pending.find("\r\n\r\n");
        if (end == std::string::npos) return c.pending.size() < 16384;
        std::string header = c.pending.substr(0, end);
        if (header.rfind("HTTP/1.1 200", 0) != 0) {
          OnFailure("SSE: " + header.substr(0, header.find('\r')));
          return false;
        }
        for (char& ch : header)
          ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        c.state = header.find("transfer-encoding: chunked") != std::string::npos
                      ? SseConnection::State::kChunkSize
                      : SseConnection::State::kPlainBody;
        c.pending.erase(0, end + 4);
        if (c.resumed) MarkCurrent(records[c.index], now);
        break;
      }
      case SseConnection::State::kChunkSize: {
        size_t end = c.pending.find("\r\n");
        if (end == std::string::npos) return c.pending.size() < 64;
        c.chunk_left = std::stoul(c.pending.substr(0, end), nullptr, 16);
        c.pending.erase(0, end + 2);
        if (c.chunk_left == 0) return false;  // the server ended the stream
        c.state = SseConnection::State::kChunkData;
        break;
      }
      case SseConnection::State::kChunkData: {
        if (c.pending.empty()) return true;
        size_t take = std::min(c.chunk_left, c.pending.size());
        SseBytes(c, c.pending.data(), take, now);
        c.pending.erase(0, take);
        c.chunk_left -= take;
        if (c.chunk_left == 0) c.state = SseConnection::State::kChunkEnd;
        break;
      }
      case SseConnection::State::kChunkEnd:
        if (c.pending.size() < 2) return true;
        c.pending.erase(0, 2);
        c.state = SseConnection::State::kChunkSize;
        break;
      case SseConnection::State::kPlainBody:
        SseBytes(c, c.pending.data(), c.pending.size(), now);
        c.pending.clear();
        return true;
    }
  }
}

void RunSse(int count) {
  sockaddr_in addr;
  if (!ParseHostPort(absl::GetFlag(FLAGS_target), &addr)) {
    std::fprintf(stderr, "--target must be IPv4 host:port for sse\n");
    std::exit(2);
  }
  const bool reconnect = absl::GetFlag(FLAGS_reconnect);
  const std::string request_head = absl::StrCat(
      "GET /v1/banners/stream?app=", absl::GetFlag(FLAGS_app), "&path=", absl::GetFlag(FLAGS_path),
      " HTTP/1.1\r\nHost: ", absl::GetFlag(FLAGS_target),
      "\r\nAccept: text/event-stream\r\nCache-Control: no-cache\r\n");
  const int epoll = epoll_create1(EPOLL_CLOEXEC);
  std::vector<SseConnection> connections(count);
  // --reconnect: connections to reopen, and when.
  absl::Mutex retry_mu;
  std::vector<std::pair<int64_t, int>> retries;

  auto close_connection = [&](SseConnection& c) {
    if (c.fd < 0) return;
    epoll_ctl(epoll, EPOLL_CTL_DEL, c.fd, nullptr);
    close(c.fd);
    c.fd = -1;
  };
  auto retry_later = [&](SseConnection& c) {
    absl::MutexLock lock(&retry_mu);
    retries.emplace_back(NowNanos() + RetryDelayNanos(), c.index);
  };
  // Starts a non-blocking connect; the loop sends the request when it is up.
  auto open = [&](SseConnection& c) {
    c.state = SseConnection::State::kConnecting;
    c.pending.clear();
    c.line.clear();
    c.chunk_left = 0;
    c.got_set = false;
    c.fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (c.fd < 0) {
      OnFailure(absl::StrCat("socket: ", std::strerror(errno)));
      return;
    }
    int one = 1;
    setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    epoll_event ev{};
    ev.events = EPOLLOUT;
    ev.data.u32 = static_cast<uint32_t>(c.index);
    if (connect(c.fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 &&
        errno != EINPROGRESS) {
      const int err = errno;
      close(c.fd);
      c.fd = -1;
      if (reconnect) return retry_later(c);
      OnFailure(absl::StrCat("connect: ", std::strerror(err)));
      return;
    }
    epoll_ctl(epoll, EPOLL_CTL_ADD, c.fd, &ev);
  };
  // The stream of `c` ended (or never came up): reopen it, or count it failed.
  auto ended = [&](SseConnection& c, const std::string& why, bool was_streaming) {
    close_connection(c);
    if (!reconnect) return OnFailure(why);
    if (was_streaming) {
      // Before its first set it is still connecting, not resuming.
      c.resumed = records[c.index].first.load() != 0;
      if (c.resumed) MarkDropped(records[c.index], NowNanos());
    }
    retry_later(c);  // after a jittered wait, like a browser's EventSource
  };

  // The event loop runs on its own thread so the opener can pace itself.
  std::thread loop([&] {
    std::vector<epoll_event> events(1024);
    std::vector<char> buffer(1 << 16);
    for (;;) {
      int n = epoll_wait(epoll, events.data(), static_cast<int>(events.size()), reconnect ? 10 : 100);
      for (int i = 0; i < n; ++i) {
        SseConnection& c = connections[events[i].data.u32];
        if (c.fd < 0) continue;
        if (c.state == SseConnection::State::kConnecting) {
          int err = 0;
          socklen_t len = sizeof(err);
          getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &err, &len);
          std::string request = request_head;
          if (!c.last_id.empty()) absl::StrAppend(&request, "Last-Event-ID: ", c.last_id, "\r\n");
          request += "\r\n";
          if (err != 0 || send(c.fd, request.data(), request.size(), MSG_NOSIGNAL) !=
                              static_cast<ssize_t>(request.size())) {
            ended(c, absl::StrCat("SSE connect: ", std::strerror(err != 0 ? err : errno)),
                  /*was_streaming=*/false);
            continue;
          }
          c.state = SseConnection::State::kHeader;
          epoll_event ev{};
          ev.events = EPOLLIN;
          ev.data.u32 = static_cast<uint32_t>(c.index);
          epoll_ctl(epoll, EPOLL_CTL_MOD, c.fd, &ev);
          continue;
        }
        for (;;) {
          ssize_t got = recv(c.fd, buffer.data(), buffer.size(), 0);
          if (got > 0) {
            if (!SseParse(c, buffer.data(), static_cast<size_t>(got), NowNanos())) {
              ended(c, "SSE stream ended or malformed", /*was_streaming=*/true);
              break;
            }
            continue;
          }
          if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
          if (got < 0 && errno == EINTR) continue;
          ended(c,
                got == 0 ? "SSE: server closed the connection"
                         : absl::StrCat("SSE recv: ", std::strerror(errno)),
                /*was_streaming=*/true);
          break;
        }
      }
      if (reconnect) {
        std::vector<int> due;
        {
          const int64_t now = NowNanos();
          absl::MutexLock lock(&retry_mu);
          for (size_t k = 0; k < retries.size();) {
            if (retries[k].first <= now) {
              due.push_back(retries[k].second);
              retries[k] = retries.back();
              retries.pop_back();
            } else {
              ++k;
            }
          }
        }
        for (int index : due) open(connections[index]);
      }
    }
  });

  OpenAll(count, [&](int i) {
    connections[i].index = i;
    open(connections[i]);
  });
  loop.join();
}

// ---- reporting ----

void Dump(const std::string& path) {
  const int first_index = absl::GetFlag(FLAGS_first_index);
  std::string tmp = path + ".tmp";
  FILE* f = std::fopen(tmp.c_str(), "w");
  if (f == nullptr) {
    std::fprintf(stderr, "cannot write %s\n", tmp.c_str());
    return;
  }
  for (size_t i = 0; i < records.size(); ++i) {
    const Record& r = records[i];
    std::fprintf(f, "%zu %lld", first_index + i,
                 static_cast<long long>(r.first.load(std::memory_order_relaxed)));
    for (int k = 0; k < kMaxTransitions; ++k) {
      std::fprintf(f, " %lld",
                   static_cast<long long>(r.transition[k].load(std::memory_order_relaxed)));
    }
    std::fprintf(f, " %lld %lld %d\n", static_cast<long long>(r.drop.load()),
                 static_cast<long long>(r.current.load()), r.resent.load() ? 1 : 0);
  }
  std::fclose(f);
  std::rename(tmp.c_str(), path.c_str());
  std::printf("dumped %s\n", path.c_str());
  std::fflush(stdout);
}

// "versions=V:N,V:N": how many subscribers would resume from each version
// (--reconnect: the last set's, heartbeat's or `id:`), so bench/storm.sh can
// tell how many heard the current version before the server goes.
std::string VersionCounts() {
  std::map<int64_t, int> counts;
  for (const Record& r : records) ++counts[r.version.load(std::memory_order_relaxed)];
  std::string out;
  for (const auto& [version, n] : counts) {
    absl::StrAppend(&out, out.empty() ? "" : ",", version, ":", n);
  }
  return out;
}

void StatusLoop() {
  std::string last;
  for (;;) {
    std::string line =
        absl::StrCat("status started=", counters.started.load(), " ready=", counters.ready.load(),
                     " t1=", counters.transitions[0].load(), " t2=", counters.transitions[1].load(),
                     " t3=", counters.transitions[2].load(), " t4=", counters.transitions[3].load(),
                     " failed=", counters.failed.load(), " max_bytes=", counters.max_bytes.load(),
                     " dropped=", counters.dropped.load(), " current=", counters.current.load(),
                     " resent=", counters.resent.load(), " versions=", VersionCounts());
    if (line != last) {
      std::printf("%s\n", line.c_str());
      std::fflush(stdout);
      last = line;
    }
    absl::SleepFor(absl::Milliseconds(100));
  }
}

int Main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  // gRPC locks absl mutexes everywhere; lock-order checking costs the client
  // CPU that the server under test would otherwise get (TOOLCHAIN.md).
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  rlimit limit;
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
  const int count = absl::GetFlag(FLAGS_count);
  const std::string mode = absl::GetFlag(FLAGS_mode);
  if (count < 1 || (mode != "grpc" && mode != "sse")) {
    std::fprintf(stderr, "--count must be positive and --mode grpc or sse\n");
    return 2;
  }
  records = std::vector<Record>(count);

  const sigset_t signals = BlockBenchSignals();
  signal(SIGPIPE, SIG_IGN);
  std::thread([signals] {
    for (;;) {
      int sig = 0;
      sigwait(&signals, &sig);
      if (sig == SIGUSR1) {
        Dump(absl::GetFlag(FLAGS_out));
      } else {
        std::fflush(stdout);
        _exit(0);
      }
    }
  }).detach();
  std::thread(StatusLoop).detach();

  if (mode == "grpc") {
    RunGrpc(count);
  } else {
    RunSse(count);
  }
  return 0;
}

}  // namespace
}  // namespace statuscast::bench

int main(int argc, char** argv) { return statuscast::bench::Main(argc, argv); }
