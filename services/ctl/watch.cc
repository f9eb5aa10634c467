#include "services/ctl/watch.h"

#include <google/protobuf/util/json_util.h>
#include <grpcpp/client_context.h>
#include <grpcpp/impl/codegen/channel_interface.h>

#include <atomic>
#include <csignal>
#include <ostream>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "libs/base/clock.h"
#include "services/ctl/render.h"
#include "services/ctl/rpc_errors.h"

namespace statuscast {
namespace ctl {
namespace {

std::atomic<bool> g_interrupted{false};

extern "C" void OnInterrupt(int) { g_interrupted.store(true); }

// Cancels the stream in flight when a signal arrives: the handler only sets
// a flag; this thread turns it into ClientContext::TryCancel.
class InterruptWatcher {
 public:
  InterruptWatcher() : thread_([this] { Loop(); }) {}
  ~InterruptWatcher() {
    {
      absl::MutexLock lock(&mu_);
      done_ = true;
    }
    thread_.join();
  }
  void Set(grpc::ClientContext* ctx) {
    absl::MutexLock lock(&mu_);
    ctx_ = ctx;
    if (ctx_ != nullptr && g_interrupted.load()) ctx_->TryCancel();
  }

 private:
  void Loop() {
    absl::MutexLock lock(&mu_);
    while (!done_) {
      mu_.AwaitWithTimeout(absl::Condition(&done_), absl::Milliseconds(100));
      if (g_interrupted.load() && ctx_ != nullptr) ctx_->TryCancel();
    }
  }
  absl::Mutex mu_;
  bool done_ ABSL_GUARDED_BY(mu_) = false;
  grpc::ClientContext* ctx_ ABSL_GUARDED_BY(mu_) = nullptr;
  std::thread thread_;
};

// Sleeps `d` unless interrupted first; false when interrupted.
bool SleepUnlessInterrupted(absl::Duration d) {
  absl::Time end = absl::Now() + d;
  while (!g_interrupted.load()) {
    absl::Duration left = end - absl::Now();
    if (left <= absl::ZeroDuration()) return true;
    absl::SleepFor(std::min(left, absl::Milliseconds(100)));
  }
  return false;
}

bool Retryable(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::INVALID_ARGUMENT:
    case grpc::StatusCode::NOT_FOUND:
    case grpc::StatusCode::FAILED_PRECONDITION:
    case grpc::StatusCode::OUT_OF_RANGE:
    case grpc::StatusCode::PERMISSION_DENIED:
    case grpc::StatusCode::UNAUTHENTICATED:
    case grpc::StatusCode::UNIMPLEMENTED:
      return false;
    default:
      return true;
  }
}

std::string Describe(const grpc::Status& status) {
  if (status.ok()) return "the server ended the stream";
  return status.error_message().empty() ? std::string("connection lost") : status.error_message();
}

}  // namespace

int RunWatch(v1::IncidentService::StubInterface* stub, grpc::ChannelInterface* channel,
             const Clock& clock, const WatchOptions& options, std::ostream* out,
             std::ostream* err) {
  g_interrupted.store(false);
  std::signal(SIGINT, OnInterrupt);
  std::signal(SIGTERM, OnInterrupt);

  RpcCall call;
  call.action = "watch incidents";
  call.server = options.server;
  call.timeout = absl::FormatDuration(options.connect_timeout);
  if (channel != nullptr &&
      !channel->WaitForConnected(absl::ToChronoTime(clock.Now() + options.connect_timeout))) {
    if (g_interrupted.load()) return kExitOk;
    RpcFailure f = DescribeRpcFailure(
        grpc::Status(
            grpc::StatusCode::UNAVAILABLE,
            absl::StrCat("no connection within ", absl::FormatDuration(options.connect_timeout))),
        call);
    for (const std::string& line : f.lines) *err << "statuscastctl: " << line << "\n";
    return f.exit_code;
  }

  InterruptWatcher interrupts;
  // Resume point: the last change printed. Snapshot lines do not move it: a
  // break inside the snapshot restarts the snapshot.
  int64_t resume = options.after;
  bool resumable = options.after > 0;
  absl::Duration backoff = options.initial_backoff;
  bool reconnecting = false;
  google::protobuf::util::JsonPrintOptions json_options;
  json_options.add_whitespace = false;

  while (!g_interrupted.load()) {
    if (reconnecting && channel != nullptr) {
      // Wait for the server to be back before resuming, so that the user
      // hears about it when it happens.
      while (!g_interrupted.load() && !channel->WaitForConnected(absl::ToChronoTime(
                                          clock.Now() + absl::Milliseconds(250)))) {
      }
      if (g_interrupted.load()) break;
      *err << "statuscastctl: reconnected to " << options.server
           << (resumable ? absl::StrCat("; resuming after sequence ", resume) : std::string())
           << "\n";
      reconnecting = false;
    }
    grpc::ClientContext ctx;
    // A stream waits for the channel to be ready instead of failing while
    // gRPC backs off between connection attempts.
    ctx.set_wait_for_ready(true);
    interrupts.Set(&ctx);
    v1::WatchIncidentsRequest req;
    req.set_after_sequence(resumable ? resume : options.after);
    std::unique_ptr<grpc::ClientReaderInterface<v1::IncidentEvent>> reader =
        stub->WatchIncidents(&ctx, req);
    v1::IncidentEvent event;
    while (reader->Read(&event)) {
      backoff = options.initial_backoff;
      if (options.json) {
        std::string json;
        (void)google::protobuf::util::MessageToJsonString(event, &json, json_options);
        *out << json << "\n";
      } else {
        *out << RenderEvent(event, clock.Now());
      }
      out->flush();
      if (event.kind() != v1::IncidentEvent::KIND_SNAPSHOT) {
        resume = event.sequence();
        resumable = true;
      }
    }
    grpc::Status status = reader->Finish();
    interrupts.Set(nullptr);
    if (g_interrupted.load()) break;
    if (!Retryable(status.error_code())) {
      RpcFailure f = DescribeRpcFailure(status, call);
      for (const std::string& line : f.lines) *err << "statuscastctl: " << line << "\n";
      return f.exit_code;
    }
    *err << "statuscastctl: watch disconnected (" << Describe(status) << "); reconnecting in "
         << FormatSpan(backoff)
         << (resumable ? absl::StrCat(", then resuming after sequence ", resume)
                       : std::string(", then starting over"))
         << "\n";
    reconnecting = true;
    if (!SleepUnlessInterrupted(backoff)) break;
    backoff = std::min(backoff * 2, options.max_backoff);
  }
  out->flush();
  return kExitOk;
}

}  // namespace ctl
}  // namespace statuscast
