#include "services/ctl/watch.h"

#include <google/protobuf/util/json_util.h>
#include <grpcpp/client_context.h>
#include <grpcpp/impl/codegen/channel_interface.h>

#include <atomic>
#include <csignal>
#include <functional>
#include <memory>
#include <ostream>
#include <set>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/types/optional.h"
#include "libs/base/clock.h"
#include "services/ctl/render.h"
#include "services/ctl/rpc_errors.h"

namespace statuscast {
namespace ctl {
namespace {

std::atomic<bool> g_interrupted{false};

extern "C" void OnInterrupt(int) { g_interrupted.store(true); }

// What the streams of one watch share: the output (each message is written
// whole, under a lock, so the two streams never interleave within a line),
// and the end. A signal handler only sets a flag; this session's thread
// turns it (or Stop) into ClientContext::TryCancel on every stream in
// flight.
class Session {
 public:
  Session(std::ostream* out, std::ostream* err)
      : out_(out), err_(err), thread_([this] { Loop(); }) {}
  ~Session() {
    {
      absl::MutexLock lock(&mu_);
      done_ = true;
    }
    thread_.join();
  }

  // Interrupted, or another stream ended the watch.
  bool Done() const { return g_interrupted.load() || stopped_.load(); }
  void Stop() { stopped_.store(true); }

  void Add(grpc::ClientContext* ctx) {
    absl::MutexLock lock(&mu_);
    contexts_.insert(ctx);
    if (Done()) ctx->TryCancel();
  }
  void Remove(grpc::ClientContext* ctx) {
    absl::MutexLock lock(&mu_);
    contexts_.erase(ctx);
  }

  void Print(const std::string& text) {
    absl::MutexLock lock(&print_mu_);
    *out_ << text;
    out_->flush();
  }
  // `lines`, each prefixed "statuscastctl: ", to stderr.
  void Warn(const std::vector<std::string>& lines) {
    absl::MutexLock lock(&print_mu_);
    out_->flush();
    for (const std::string& line : lines) *err_ << "statuscastctl: " << line << "\n";
    err_->flush();
  }

 private:
  // Polls with a relative sleep: a signal handler cannot wake a condition,
  // and a timed wait on the mutex would take an absolute wall-clock deadline
  // that a stepped (or faked) clock can push far away.
  void Loop() {
    while (true) {
      {
        absl::MutexLock lock(&mu_);
        if (done_) return;
        if (Done()) {
          for (grpc::ClientContext* ctx : contexts_) ctx->TryCancel();
        }
      }
      absl::SleepFor(absl::Milliseconds(100));
    }
  }

  std::ostream* out_;
  std::ostream* err_;
  std::atomic<bool> stopped_{false};
  absl::Mutex print_mu_;
  absl::Mutex mu_;
  bool done_ ABSL_GUARDED_BY(mu_) = false;
  std::set<grpc::ClientContext*> contexts_ ABSL_GUARDED_BY(mu_);
  std::thread thread_;
};

// Sleeps `d` unless the watch ends first; false when it ended.
bool SleepUnlessDone(const Session& session, absl::Duration d) {
  absl::Time end = absl::Now() + d;
  while (!session.Done()) {
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

// How one stream speaks of itself on stderr.
struct StreamWords {
  // "watch disconnected (...)".
  std::string name;
  // "resuming after sequence 8" / "resuming reminders after reminder 5".
  std::function<std::string(int64_t)> resuming;
  // What happens with nothing to resume from: ", then starting over".
  std::string restart;
  // After "reconnected to ADDR" with nothing to resume from.
  std::string reconnected;
};

// Follows one server stream until the watch ends (OK) or the server gives a
// failure not worth retrying (returned). `open` starts the stream after
// `after`; `show` prints a message and returns the position to resume after,
// when the message moves it.
template <typename Msg>
grpc::Status Follow(Session& session, grpc::ChannelInterface* channel, const Clock& clock,
                    const WatchOptions& options, const StreamWords& words, int64_t initial_after,
                    const std::function<std::unique_ptr<grpc::ClientReaderInterface<Msg>>(
                        grpc::ClientContext*, int64_t)>& open,
                    const std::function<absl::optional<int64_t>(const Msg&)>& show) {
  int64_t resume = initial_after;
  bool resumable = initial_after > 0;
  absl::Duration backoff = options.initial_backoff;
  bool reconnecting = false;
  while (!session.Done()) {
    if (reconnecting && channel != nullptr) {
      // Wait for the server to be back before resuming, so that the user
      // hears about it when it happens.
      while (!session.Done() && !channel->WaitForConnected(
                                    absl::ToChronoTime(absl::Now() + absl::Milliseconds(250)))) {
      }
      if (session.Done()) break;
      session.Warn({absl::StrCat(
          "reconnected to ", options.server,
          resumable ? absl::StrCat("; ", words.resuming(resume)) : words.reconnected)});
      reconnecting = false;
    }
    grpc::ClientContext ctx;
    // A stream waits for the channel to be ready instead of failing while
    // gRPC backs off between connection attempts.
    ctx.set_wait_for_ready(true);
    session.Add(&ctx);
    std::unique_ptr<grpc::ClientReaderInterface<Msg>> reader =
        open(&ctx, resumable ? resume : initial_after);
    Msg message;
    while (reader->Read(&message)) {
      backoff = options.initial_backoff;
      absl::optional<int64_t> moved = show(message);
      if (moved) {
        resume = *moved;
        resumable = true;
      }
    }
    grpc::Status status = reader->Finish();
    session.Remove(&ctx);
    if (session.Done()) break;
    if (!Retryable(status.error_code())) return status;
    session.Warn({absl::StrCat(
        words.name, " disconnected (", Describe(status), "); reconnecting in ", FormatSpan(backoff),
        resumable ? absl::StrCat(", then ", words.resuming(resume)) : words.restart)});
    reconnecting = true;
    if (!SleepUnlessDone(session, backoff)) break;
    backoff = std::min(backoff * 2, options.max_backoff);
  }
  return grpc::Status::OK;
}

std::string JsonLine(const google::protobuf::Message& m) {
  google::protobuf::util::JsonPrintOptions json_options;
  json_options.add_whitespace = false;
  std::string json;
  (void)google::protobuf::util::MessageToJsonString(m, &json, json_options);
  return json + "\n";
}

}  // namespace

int RunWatch(v1::IncidentService::StubInterface* stub,
             v1::ComplianceService::StubInterface* compliance, grpc::ChannelInterface* channel,
             const Clock& clock, const WatchOptions& options, std::ostream* out,
             std::ostream* err) {
  g_interrupted.store(false);
  std::signal(SIGINT, OnInterrupt);
  std::signal(SIGTERM, OnInterrupt);

  const bool reminders = options.reminders && compliance != nullptr;
  RpcCall call;
  call.action = options.incidents ? "watch incidents" : "watch reminders";
  call.server = options.server;
  call.timeout = absl::FormatDuration(options.connect_timeout);
  if (channel != nullptr &&
      !channel->WaitForConnected(absl::ToChronoTime(absl::Now() + options.connect_timeout))) {
    if (g_interrupted.load()) return kExitOk;
    RpcFailure f = DescribeRpcFailure(
        grpc::Status(
            grpc::StatusCode::UNAVAILABLE,
            absl::StrCat("no connection within ", absl::FormatDuration(options.connect_timeout))),
        call);
    for (const std::string& line : f.lines) *err << "statuscastctl: " << line << "\n";
    return f.exit_code;
  }

  Session session(out, err);
  auto fail = [&session](const grpc::Status& status, const RpcCall& c) {
    RpcFailure f = DescribeRpcFailure(status, c);
    session.Warn(f.lines);
    return f.exit_code;
  };

  // Reminders resume after the last id printed; 0 asks for those still
  // relevant for open incidents, then new ones.
  StreamWords reminder_words{
      "reminders",
      [](int64_t id) { return absl::StrCat("resuming reminders after reminder ", id); },
      ", then asking for the current reminders again", " (reminders)"};
  std::function<std::unique_ptr<grpc::ClientReaderInterface<v1::Reminder>>(grpc::ClientContext*,
                                                                           int64_t)>
      open_reminders = [compliance](grpc::ClientContext* ctx, int64_t after) {
        v1::WatchRemindersRequest req;
        req.set_after_id(after);
        return compliance->WatchReminders(ctx, req);
      };
  std::function<absl::optional<int64_t>(const v1::Reminder&)> show_reminder =
      [&](const v1::Reminder& r) -> absl::optional<int64_t> {
    session.Print(options.json ? JsonLine(r) : RenderReminder(r, clock.Now()));
    return r.id() > 0 ? absl::optional<int64_t>(r.id()) : absl::nullopt;
  };
  auto follow_reminders = [&]() {
    return Follow<v1::Reminder>(session, channel, clock, options, reminder_words, 0, open_reminders,
                                show_reminder);
  };

  if (!options.incidents) {
    if (!reminders) return kExitOk;
    grpc::Status status = follow_reminders();
    out->flush();
    return status.ok() ? kExitOk : fail(status, call);
  }

  std::thread reminder_thread;
  if (reminders) {
    reminder_thread = std::thread([&] {
      grpc::Status status = follow_reminders();
      if (status.ok()) return;
      if (status.error_code() == grpc::StatusCode::UNIMPLEMENTED) {
        session.Warn({absl::StrCat("the server at ", options.server,
                                   " sends no reminders (it does not offer the "
                                   "ComplianceService); watching incidents only")});
        return;
      }
      RpcCall reminder_call = call;
      reminder_call.action = "watch reminders";
      fail(status, reminder_call);
      session.Warn({"reminders stopped; watching incidents only"});
    });
  }

  // Resume point: the last change printed. Snapshot lines do not move it: a
  // break inside the snapshot restarts the snapshot.
  StreamWords incident_words{
      "watch", [](int64_t seq) { return absl::StrCat("resuming after sequence ", seq); },
      ", then starting over", ""};
  std::function<std::unique_ptr<grpc::ClientReaderInterface<v1::IncidentEvent>>(
      grpc::ClientContext*, int64_t)>
      open_incidents = [stub](grpc::ClientContext* ctx, int64_t after) {
        v1::WatchIncidentsRequest req;
        req.set_after_sequence(after);
        return stub->WatchIncidents(ctx, req);
      };
  std::function<absl::optional<int64_t>(const v1::IncidentEvent&)> show_event =
      [&](const v1::IncidentEvent& e) -> absl::optional<int64_t> {
    session.Print(options.json ? JsonLine(e) : RenderEvent(e, clock.Now()));
    if (e.kind() == v1::IncidentEvent::KIND_SNAPSHOT) return absl::nullopt;
    return e.sequence();
  };
  grpc::Status status = Follow<v1::IncidentEvent>(session, channel, clock, options, incident_words,
                                                  options.after, open_incidents, show_event);
  session.Stop();
  if (reminder_thread.joinable()) reminder_thread.join();
  out->flush();
  return status.ok() ? kExitOk : fail(status, call);
}

}  // namespace ctl
}  // namespace statuscast
