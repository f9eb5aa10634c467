#include "libs/rpc/health_service.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/types/optional.h"

namespace statuscast {

using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

// The state of one Watch stream, shared by its reactor (owned by gRPC) and
// the service. Every Send comes from the service under the service's lock,
// so statuses go out in the order they were set. Once the reactor is done,
// the watch ignores everything.
class HealthWatch {
 public:
  using ServingStatus = HealthService::ServingStatus;

  explicit HealthWatch(grpc::ServerWriteReactor<HealthCheckResponse>* reactor)
      : reactor_(reactor) {}

  // Sends `status` unless it is the one last sent or queued; while a write is
  // in flight only the newest status waits.
  void Send(ServingStatus status) {
    absl::MutexLock lock(&mu_);
    if (reactor_ == nullptr || finishing_) return;
    if (writing_) {
      pending_ = status;
      if (status == sent_) pending_.reset();
      return;
    }
    if (sent_ && *sent_ == status) return;
    WriteLocked(status);
  }

  // Ends the stream with `status` once what is queued has been written.
  void FinishAfterWrites(grpc::Status status) {
    absl::MutexLock lock(&mu_);
    if (reactor_ == nullptr || finishing_) return;
    finishing_ = true;
    final_status_ = std::move(status);
    if (!writing_) FinishLocked();
  }

  // The client went away: end now, dropping what is queued.
  void Cancelled() {
    absl::MutexLock lock(&mu_);
    if (reactor_ == nullptr) return;
    pending_.reset();
    if (!finishing_) {
      finishing_ = true;
      final_status_ = grpc::Status::CANCELLED;
    }
    if (!writing_) FinishLocked();
  }

  void WriteDone(bool ok) {
    absl::MutexLock lock(&mu_);
    writing_ = false;
    if (reactor_ == nullptr) return;
    if (!ok) {
      // The stream is broken: nothing more can be written.
      pending_.reset();
      if (!finishing_) {
        finishing_ = true;
        final_status_ = grpc::Status::CANCELLED;
      }
    }
    if (pending_) {
      ServingStatus next = *pending_;
      pending_.reset();
      WriteLocked(next);
      return;
    }
    if (finishing_) FinishLocked();
  }

  void Detach() {
    absl::MutexLock lock(&mu_);
    reactor_ = nullptr;
  }

 private:
  void WriteLocked(ServingStatus status) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    response_.set_status(status);  // not in flight: writing_ is false
    sent_ = status;
    writing_ = true;
    reactor_->StartWrite(&response_);
  }

  void FinishLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (finished_) return;
    finished_ = true;
    reactor_->Finish(final_status_);
  }

  absl::Mutex mu_;
  grpc::ServerWriteReactor<HealthCheckResponse>* reactor_ ABSL_GUARDED_BY(mu_);
  HealthCheckResponse response_ ABSL_GUARDED_BY(mu_);  // lives until OnWriteDone
  absl::optional<ServingStatus> sent_ ABSL_GUARDED_BY(mu_);
  absl::optional<ServingStatus> pending_ ABSL_GUARDED_BY(mu_);
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool finishing_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  grpc::Status final_status_ ABSL_GUARDED_BY(mu_);
};

namespace {

const grpc::Status kShuttingDown(grpc::StatusCode::UNAVAILABLE,
                                 "the server is shutting down; watch another replica");

class WatchReactor final : public grpc::ServerWriteReactor<HealthCheckResponse> {
 public:
  WatchReactor(HealthService& service, std::string name)
      : service_(service), name_(std::move(name)), watch_(std::make_shared<HealthWatch>(this)) {
    service_.Register(name_, watch_);
  }

  void OnWriteDone(bool ok) override { watch_->WriteDone(ok); }
  void OnCancel() override { watch_->Cancelled(); }
  void OnDone() override {
    service_.Forget(name_, watch_.get());
    watch_->Detach();
    delete this;
  }

 private:
  HealthService& service_;
  const std::string name_;
  const std::shared_ptr<HealthWatch> watch_;
};

}  // namespace

HealthService::HealthService() {
  absl::MutexLock lock(&mu_);
  statuses_[""] = HealthCheckResponse::SERVING;
}

HealthService::~HealthService() = default;

HealthService::ServingStatus HealthService::StatusLocked(const std::string& service) const {
  auto it = statuses_.find(service);
  return it == statuses_.end() ? HealthCheckResponse::SERVICE_UNKNOWN : it->second;
}

void HealthService::SetServingStatus(const std::string& service, bool serving) {
  absl::MutexLock lock(&mu_);
  if (shut_down_) return;
  const ServingStatus status =
      serving ? HealthCheckResponse::SERVING : HealthCheckResponse::NOT_SERVING;
  statuses_[service] = status;
  auto it = watches_.find(service);
  if (it == watches_.end()) return;
  for (auto& [ptr, watch] : it->second) watch->Send(status);
}

void HealthService::Shutdown() {
  absl::MutexLock lock(&mu_);
  if (shut_down_) return;
  shut_down_ = true;
  for (auto& [name, status] : statuses_) status = HealthCheckResponse::NOT_SERVING;
  for (auto& [name, watches] : watches_) {
    const ServingStatus status = StatusLocked(name);
    for (auto& [ptr, watch] : watches) {
      watch->Send(status);
      watch->FinishAfterWrites(kShuttingDown);
    }
  }
}

void HealthService::Register(const std::string& service, std::shared_ptr<HealthWatch> watch) {
  absl::MutexLock lock(&mu_);
  const ServingStatus status = StatusLocked(service);
  watch->Send(status);
  if (shut_down_) watch->FinishAfterWrites(kShuttingDown);
  HealthWatch* key = watch.get();
  watches_[service].emplace(key, std::move(watch));
}

void HealthService::Forget(const std::string& service, HealthWatch* watch) {
  absl::MutexLock lock(&mu_);
  auto it = watches_.find(service);
  if (it == watches_.end()) return;
  it->second.erase(watch);
  if (it->second.empty()) watches_.erase(it);
}

grpc::ServerUnaryReactor* HealthService::Check(grpc::CallbackServerContext* context,
                                               const HealthCheckRequest* request,
                                               HealthCheckResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  ServingStatus status;
  {
    absl::MutexLock lock(&mu_);
    status = StatusLocked(request->service());
  }
  if (status == HealthCheckResponse::SERVICE_UNKNOWN) {
    reactor->Finish(grpc::Status(grpc::StatusCode::NOT_FOUND,
                                 absl::StrCat("unknown service \"", request->service(),
                                              "\"; \"\" checks the whole server")));
  } else {
    response->set_status(status);
    reactor->Finish(grpc::Status::OK);
  }
  return reactor;
}

grpc::ServerWriteReactor<HealthCheckResponse>* HealthService::Watch(
    grpc::CallbackServerContext* context, const HealthCheckRequest* request) {
  return new WatchReactor(*this, request->service());
}

}  // namespace statuscast
