// statuscast-bench-baseline: the trivial gRPC streaming server that
// statuscast-banner is measured against (the "naive loop" of TOOLCHAIN.md).
//
// It serves statuscast.v1.BannerService/Subscribe with the callback API, so
// the same subscriber tool connects to both. Each stream gets an empty set at
// once. On SIGUSR1 one thread walks every stream and starts a write of the
// same message (the k-th push alternates: a set with one banner of about
// --message_bytes, then an empty set), serializing it per stream as a naive
// server would. It prints "push <k> <start_ns> <end_ns> <streams>", the start
// being absl::Now() just before the loop: the baseline's "commit time".
// Nothing else: no database, no targeting, no heartbeats, no HTTP.
//
// At most one write in flight per stream; a push that finds one in flight
// replaces the pending message (the same conflation statuscast-banner does).
#include <grpcpp/grpcpp.h>
#include <signal.h>

#include <cstdio>
#include <memory>
#include <set>
#include <string>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "bench_signals.h"
#include "statuscast/v1/banner.grpc.pb.h"

ABSL_FLAG(std::string, address, "127.0.0.1:7501", "gRPC listen address");
ABSL_FLAG(int, message_bytes, 300, "serialized size of the pushed set, about");

namespace statuscast::bench {
namespace {

using Message = std::shared_ptr<const v1::SubscribeResponse>;

class BaselineService;

class Stream final : public grpc::ServerWriteReactor<v1::SubscribeResponse> {
 public:
  Stream(BaselineService* service, Message first);
  void Push(Message message) {
    absl::MutexLock lock(&mu_);
    if (done_ || cancelled_) return;
    if (writing_) {
      pending_ = std::move(message);
      return;
    }
    WriteLocked(std::move(message));
  }
  void OnWriteDone(bool ok) override {
    absl::MutexLock lock(&mu_);
    writing_ = false;
    in_flight_.reset();
    if (cancelled_ || !ok) return FinishLocked();
    if (pending_ && !done_) WriteLocked(std::move(pending_));
  }
  // Finish once, and never with a write in flight.
  void OnCancel() override {
    absl::MutexLock lock(&mu_);
    cancelled_ = true;
    pending_.reset();
    if (!writing_) FinishLocked();
  }
  void OnDone() override;

 private:
  void FinishLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (finished_) return;
    finished_ = true;
    Finish(grpc::Status::CANCELLED);
  }
  void WriteLocked(Message message) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    writing_ = true;
    in_flight_ = std::move(message);
    StartWrite(in_flight_.get());
  }

  BaselineService* service_;
  absl::Mutex mu_;
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool done_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  bool cancelled_ ABSL_GUARDED_BY(mu_) = false;
  Message in_flight_ ABSL_GUARDED_BY(mu_);
  Message pending_ ABSL_GUARDED_BY(mu_);
};

class BaselineService final : public v1::BannerService::CallbackService {
 public:
  explicit BaselineService(Message empty) : empty_(std::move(empty)) {}

  grpc::ServerWriteReactor<v1::SubscribeResponse>* Subscribe(
      grpc::CallbackServerContext* context, const v1::SubscribeRequest* request) override {
    return new Stream(this, empty_);
  }

  void Add(Stream* s) {
    absl::MutexLock lock(&mu_);
    streams_.insert(s);
  }
  void Remove(Stream* s) {
    absl::MutexLock lock(&mu_);
    streams_.erase(s);
  }

  // The naive loop: one thread, every stream, the same message.
  size_t PushToAll(const Message& message) {
    absl::MutexLock lock(&mu_);
    for (Stream* s : streams_) s->Push(message);
    return streams_.size();
  }

 private:
  Message empty_;
  absl::Mutex mu_;
  std::set<Stream*> streams_ ABSL_GUARDED_BY(mu_);
};

Stream::Stream(BaselineService* service, Message first) : service_(service) {
  service_->Add(this);
  Push(std::move(first));
}

void Stream::OnDone() {
  {
    absl::MutexLock lock(&mu_);
    done_ = true;
  }
  service_->Remove(this);
  delete this;
}

Message MakeSet(int64_t version, int target_bytes) {
  auto response = std::make_shared<v1::SubscribeResponse>();
  v1::BannerSet* set = response->mutable_set();
  set->set_app("shop");
  set->set_path("/checkout");
  set->set_version(version);
  const int64_t now = absl::ToUnixSeconds(absl::Now());
  set->mutable_generated_at()->set_seconds(now);
  set->mutable_valid_until()->set_seconds(now + 90);
  if (target_bytes <= 0) return response;
  v1::Banner* b = set->add_banners();
  b->set_id("incident-INC-1");
  b->set_content_version(version);
  b->set_source(v1::BANNER_SOURCE_INCIDENT);
  b->set_level(v1::BANNER_LEVEL_CRITICAL);
  b->set_link("http://127.0.0.1:8080/incidents/INC-1");
  b->set_incident_ref("INC-1");
  b->set_severity(v1::SEVERITY_SEV1);
  b->set_state(v1::INCIDENT_STATE_INVESTIGATING);
  b->add_components("checkout");
  b->mutable_posted_at()->set_seconds(now);
  b->mutable_next_update_at()->set_seconds(now + 1500);
  b->set_dismissible(true);
  std::string text = "We're experiencing issues with checkout. We're working on it.";
  while (static_cast<int>(response->ByteSizeLong() - b->text().size() + text.size()) <
         target_bytes) {
    text.push_back('.');
  }
  b->set_text(text);
  return response;
}

int Main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  // The same start-up statuscast-banner does in release builds.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);

  const sigset_t signals = BlockBenchSignals();

  BaselineService service(MakeSet(1, 0));
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(absl::GetFlag(FLAGS_address), grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&service);
  // The keepalive statuscast-banner uses, so idle connections cost the same.
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, 30000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 10000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 10000);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server || port == 0) {
    std::fprintf(stderr, "cannot listen on %s\n", absl::GetFlag(FLAGS_address).c_str());
    return 2;
  }
  std::printf("listening %d\n", port);
  std::fflush(stdout);

  for (int k = 1;; ++k) {
    int sig = 0;
    sigwait(&signals, &sig);
    if (sig != SIGUSR1) break;
    Message message = MakeSet(k + 1, k % 2 == 1 ? absl::GetFlag(FLAGS_message_bytes) : 0);
    const absl::Time start = absl::Now();
    size_t streams = service.PushToAll(message);
    const absl::Time end = absl::Now();
    std::printf("push %d %lld %lld %zu bytes=%zu\n", k,
                static_cast<long long>(absl::ToUnixNanos(start)),
                static_cast<long long>(absl::ToUnixNanos(end)), streams, message->ByteSizeLong());
    std::fflush(stdout);
  }
  std::fflush(stdout);
  _exit(0);  // Like the subscribers: no orderly teardown of thousands of streams.
}

}  // namespace
}  // namespace statuscast::bench

int main(int argc, char** argv) { return statuscast::bench::Main(argc, argv); }
