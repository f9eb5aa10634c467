#include "services/banner/banner_grpc_service.h"

#include <algorithm>
#include <string>
#include <thread>
#include <vector>

#include <grpcpp/support/proto_buffer_reader.h>
#include <grpcpp/support/proto_buffer_writer.h>

#include "absl/strings/str_cat.h"
#include "libs/base/log.h"
#include "libs/rpc/grpc_status.h"

namespace statuscast {

// The set handed out last, serialized once: the hub hands one set to every
// subscriber of a target in a row (and the same first set to every client
// that connects meanwhile), so their streams all write the same bytes.
class EncodedSets {
 public:
  struct Encoded {
    std::shared_ptr<const RenderedSet> set;
    grpc::ByteBuffer bytes;  // statuscast.v1.SubscribeResponse{set}
  };

  std::shared_ptr<const Encoded> For(std::shared_ptr<const RenderedSet> set) {
    absl::MutexLock lock(&mu_);
    if (last_ == nullptr || last_->set != set) {
      auto encoded = std::make_shared<Encoded>();
      bool own = false;
      grpc::SerializationTraits<v1::SubscribeResponse>::Serialize(*set->grpc_message,
                                                                  &encoded->bytes, &own);
      encoded->set = std::move(set);
      last_ = std::move(encoded);
    }
    return last_;
  }

 private:
  absl::Mutex mu_;
  std::shared_ptr<const Encoded> last_ ABSL_GUARDED_BY(mu_);
};

// The state of one Subscribe stream, shared by the reactor (owned by gRPC)
// and the hub (which holds it as a SetSink). Once the reactor is done, the
// stream ignores everything.
class GrpcBannerStream final : public SetSink {
 public:
  GrpcBannerStream(grpc::ServerWriteReactor<grpc::ByteBuffer>* reactor,
                   grpc::CallbackServerContext* context, TransportMetrics* metrics,
                   EncodedSets& encoded, std::string request_id)
      : reactor_(reactor),
        context_(context),
        metrics_(metrics),
        encoded_(encoded),
        request_id_(std::move(request_id)) {}

  // Cancels the stream when its write has been in flight longer than
  // `timeout` (a client that stopped reading: flow control holds the write).
  // The client sees CANCELLED or a reset stream and reconnects. Returns true
  // when it cancelled. Call from a thread that holds no reactor lock.
  bool CancelIfWriteStuck(absl::Time now, absl::Duration timeout) {
    grpc::CallbackServerContext* context = nullptr;
    {
      absl::MutexLock lock(&mu_);
      if (reactor_ == nullptr || !writing_ || dropped_ || now - write_started_ <= timeout) {
        return false;
      }
      dropped_ = true;
      cancelling_ = std::this_thread::get_id();
      context = context_;
    }
    LogEvent("subscriber_dropped", {{"transport", "grpc"},
                                    {"request_id", request_id_},
                                    {"reason", "write_timeout"},
                                    {"write_timeout", absl::FormatDuration(timeout)}});
    // TryCancel may run OnCancel/OnDone on this very thread before it
    // returns; OnDone waits for it only when on another thread (Detach).
    context->TryCancel();
    absl::MutexLock lock(&mu_);
    cancelling_ = std::thread::id();
    return true;
  }

  void OnSet(std::shared_ptr<const RenderedSet> set) override {
    absl::MutexLock lock(&mu_);
    if (reactor_ == nullptr || finishing_ || draining_) return;
    last_version_ = std::max(last_version_, set->version);
    valid_until_ = set->valid_until;
    std::shared_ptr<const EncodedSets::Encoded> encoded = encoded_.For(std::move(set));
    if (writing_) {
      if (pending_ && metrics_) metrics_->SetConflated(Transport::kGrpc);
      pending_ = std::move(encoded);
      return;
    }
    WriteLocked(std::move(encoded));
  }

  // Ends the stream with UNAVAILABLE. With `current`: first the set still
  // pending, then a heartbeat naming current->version, so the client
  // resumes from it and a restarted replica sends it nothing.
  void OnClose(std::shared_ptr<const RenderedSet> current) override {
    grpc::Status status(grpc::StatusCode::UNAVAILABLE,
                        "statuscast-banner is shutting down; reconnect and resume with "
                        "last_version");
    if (current == nullptr) return FinishWith(std::move(status));
    absl::MutexLock lock(&mu_);
    if (reactor_ == nullptr || finishing_ || draining_) return;
    draining_ = true;
    final_status_ = std::move(status);
    close_version_ = current->version;
    close_valid_until_ = current->valid_until;
    if (!writing_) DrainLocked();
  }

  // A heartbeat when the stream is quiet; extends the client's validity.
  // `world`: BannerHub::HeartbeatVersion(), read before this call. Once
  // subscribed, every set up to it was handed to this stream before (and,
  // the stream being quiet, written), so the heartbeat names it and a
  // client that resumes from it after a crash of this replica gets no full
  // resend.
  void Heartbeat(absl::Time valid_until, int64_t world) {
    absl::MutexLock lock(&mu_);
    if (reactor_ == nullptr || finishing_ || draining_ || writing_) return;
    if (subscribed_) last_version_ = std::max(last_version_, world);
    HeartbeatLocked(last_version_, valid_until);
  }

  // Right after subscribing, when the hub sent nothing (the client resumed
  // with a current version): a heartbeat naming `current`, so the client
  // learns at once that its set stands and until when.
  void Acknowledge(const RenderedSet& current) {
    absl::MutexLock lock(&mu_);
    if (reactor_ == nullptr || finishing_ || draining_ || writing_ || wrote_) return;
    last_version_ = std::max(last_version_, current.version);
    HeartbeatLocked(last_version_, current.valid_until);
  }

  void WriteDone(bool ok) {
    absl::MutexLock lock(&mu_);
    writing_ = false;
    if (in_flight_ && ok && metrics_) {
      absl::optional<absl::Duration> latency;
      if (in_flight_->set->oldest_commit) {
        latency = absl::Now() - *in_flight_->set->oldest_commit;
      }
      metrics_->SetSent(Transport::kGrpc, latency);
    }
    in_flight_.reset();
    if (reactor_ == nullptr) return;
    if (finishing_) {
      if (!finished_) {
        finished_ = true;
        reactor_->Finish(final_status_);
      }
      return;
    }
    if (draining_) {
      if (!ok) close_version_ = 0;  // the stream broke: nothing more to say
      return DrainLocked();
    }
    if (ok && pending_) WriteLocked(std::move(pending_));
  }

  void FinishWith(grpc::Status status) {
    absl::MutexLock lock(&mu_);
    if (reactor_ == nullptr || finishing_) return;
    finishing_ = true;
    final_status_ = std::move(status);
    pending_.reset();
    if (!writing_) {
      finished_ = true;
      reactor_->Finish(final_status_);
    }
  }

  void Detach() {
    absl::MutexLock lock(&mu_);
    // A write-timeout cancel on another thread still uses the context.
    const std::thread::id self = std::this_thread::get_id();
    auto cancel_done = [this, self]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return cancelling_ == std::thread::id() || cancelling_ == self;
    };
    mu_.Await(absl::Condition(&cancel_done));
    reactor_ = nullptr;
    pending_.reset();
    in_flight_.reset();
  }

  void set_last_version(int64_t v) {
    absl::MutexLock lock(&mu_);
    last_version_ = std::max(last_version_, v);
  }

  // BannerHub::Subscribe has returned: from now on the hub hands this
  // stream every change, so heartbeats may name the world's version.
  void MarkSubscribed() {
    absl::MutexLock lock(&mu_);
    subscribed_ = true;
  }

  uint64_t hub_id = 0;
  size_t heartbeat_slot = 0;  // BannerGrpcService's, set by Register

 private:
  void HeartbeatLocked(int64_t version, absl::Time valid_until)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    heartbeat_.mutable_heartbeat()->set_version(version);
    heartbeat_.mutable_heartbeat()->mutable_valid_until()->set_seconds(
        absl::ToUnixSeconds(valid_until));
    bool own = false;
    grpc::SerializationTraits<v1::SubscribeResponse>::Serialize(heartbeat_, &heartbeat_bytes_,
                                                                &own);
    writing_ = true;
    wrote_ = true;
    write_started_ = absl::Now();
    in_flight_.reset();
    reactor_->StartWrite(&heartbeat_bytes_);
  }

  // Closing (OnClose with a version), no write in flight: the pending set,
  // then the closing heartbeat, then the status.
  void DrainLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (pending_) return WriteLocked(std::move(pending_));
    if (close_version_ > 0) {
      const int64_t version = std::max(last_version_, close_version_);
      close_version_ = 0;
      return HeartbeatLocked(version, close_valid_until_);
    }
    finishing_ = true;
    finished_ = true;
    reactor_->Finish(final_status_);
  }

  void WriteLocked(std::shared_ptr<const EncodedSets::Encoded> set)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    in_flight_ = std::move(set);
    writing_ = true;
    wrote_ = true;
    write_started_ = absl::Now();
    reactor_->StartWrite(&in_flight_->bytes);
  }

  absl::Mutex mu_;
  grpc::ServerWriteReactor<grpc::ByteBuffer>* reactor_ ABSL_GUARDED_BY(mu_);
  grpc::CallbackServerContext* const context_;
  TransportMetrics* const metrics_;
  EncodedSets& encoded_;
  const std::string request_id_;
  absl::Time write_started_ ABSL_GUARDED_BY(mu_);
  bool dropped_ ABSL_GUARDED_BY(mu_) = false;
  // The thread inside CancelIfWriteStuck's TryCancel, if any.
  std::thread::id cancelling_ ABSL_GUARDED_BY(mu_);
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool finishing_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  // OnClose with a version: writing what is left before finishing.
  bool draining_ ABSL_GUARDED_BY(mu_) = false;
  int64_t close_version_ ABSL_GUARDED_BY(mu_) = 0;  // 0: the heartbeat is written
  absl::Time close_valid_until_ ABSL_GUARDED_BY(mu_);
  bool wrote_ ABSL_GUARDED_BY(mu_) = false;  // any write started
  bool subscribed_ ABSL_GUARDED_BY(mu_) = false;  // MarkSubscribed
  grpc::Status final_status_ ABSL_GUARDED_BY(mu_);
  std::shared_ptr<const EncodedSets::Encoded> in_flight_ ABSL_GUARDED_BY(mu_);
  std::shared_ptr<const EncodedSets::Encoded> pending_ ABSL_GUARDED_BY(mu_);
  v1::SubscribeResponse heartbeat_ ABSL_GUARDED_BY(mu_);
  grpc::ByteBuffer heartbeat_bytes_ ABSL_GUARDED_BY(mu_);
  int64_t last_version_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Time valid_until_ ABSL_GUARDED_BY(mu_);
};

namespace {

class SubscribeReactor final : public grpc::ServerWriteReactor<grpc::ByteBuffer> {
 public:
  SubscribeReactor(BannerGrpcService& service, BannerHub& hub, TransportMetrics* metrics,
                   SubscriberLimits* limits, EncodedSets& encoded,
                   grpc::CallbackServerContext* context, const grpc::ByteBuffer& raw_request,
                   const std::string& request_id, PeerAddress peer)
      : service_(service),
        hub_(hub),
        metrics_(metrics),
        limits_(limits),
        request_id_(request_id),
        peer_(std::move(peer)) {
    stream_ = std::make_shared<GrpcBannerStream>(this, context, metrics, encoded, request_id);
    v1::SubscribeRequest request;
    grpc::ByteBuffer raw(raw_request);
    if (!grpc::SerializationTraits<v1::SubscribeRequest>::Deserialize(&raw, &request).ok()) {
      stream_->FinishWith(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                                       "the request is not a statuscast.v1.SubscribeRequest"));
      return;
    }
    BannerTarget target{request.app(), request.path()};
    absl::Status valid = ValidateTarget(target);
    if (valid.ok() && request.last_version() < 0) {
      valid = absl::InvalidArgumentError("last_version: must be 0 or a version this service sent");
    }
    if (!valid.ok()) {
      LogEvent("subscribe_rejected", {{"transport", "grpc"}, {"request_id", request_id_},
                                      {"error", std::string(valid.message())}});
      stream_->FinishWith(ToGrpcStatus(valid));
      return;
    }
    if (limits_ != nullptr) {
      if (absl::Status admitted = limits_->Acquire(peer_); !admitted.ok()) {
        LogEvent("subscribe_refused", {{"transport", "grpc"},
                                       {"request_id", request_id_},
                                       {"peer", peer_.key},
                                       {"error", std::string(admitted.message())}});
        stream_->FinishWith(ToGrpcStatus(admitted));
        return;
      }
      admitted_ = true;
    }
    if (metrics_) metrics_->SubscriberAdded(Transport::kGrpc);
    counted_ = true;
    service_.Register(stream_);
    stream_->set_last_version(request.last_version());
    stream_->hub_id = hub_.Subscribe(target, request.last_version(), stream_);
    stream_->MarkSubscribed();
    // The hub sends no first set to a client that has it; tell it so.
    std::shared_ptr<const RenderedSet> current = hub_.Current(target);
    if (current != nullptr && current->version >= request.last_version()) {
      stream_->Acknowledge(*current);
    }
  }

  void OnWriteDone(bool ok) override { stream_->WriteDone(ok); }

  void OnCancel() override {
    if (stream_->hub_id != 0) hub_.Unsubscribe(stream_->hub_id);
    stream_->FinishWith(grpc::Status::CANCELLED);
  }

  void OnDone() override {
    if (stream_->hub_id != 0) hub_.Unsubscribe(stream_->hub_id);
    stream_->Detach();
    service_.Forget(stream_.get());
    if (counted_ && metrics_) metrics_->SubscriberRemoved(Transport::kGrpc);
    if (admitted_) limits_->Release(peer_);
    delete this;
  }

 private:
  BannerGrpcService& service_;
  BannerHub& hub_;
  TransportMetrics* const metrics_;
  SubscriberLimits* const limits_;
  const std::string request_id_;
  const PeerAddress peer_;
  std::shared_ptr<GrpcBannerStream> stream_;
  bool counted_ = false;
  bool admitted_ = false;
};

std::string RequestId(grpc::CallbackServerContext* context) {
  auto it = context->client_metadata().find("x-request-id");
  if (it != context->client_metadata().end() && it->second.size() <= 64) {
    return std::string(it->second.data(), it->second.size());
  }
  return absl::StrCat(reinterpret_cast<uintptr_t>(context));
}

}  // namespace

BannerGrpcService::BannerGrpcService(BannerHub& hub, TransportMetrics* metrics,
                                     absl::Duration heartbeat_interval, SubscriberLimits* limits,
                                     absl::Duration write_timeout)
    : hub_(hub),
      metrics_(metrics),
      heartbeat_interval_(heartbeat_interval),
      write_timeout_(write_timeout),
      limits_(limits),
      encoded_(std::make_unique<EncodedSets>()) {}

BannerGrpcService::~BannerGrpcService() { Stop(); }

void BannerGrpcService::Register(std::shared_ptr<GrpcBannerStream> stream) {
  absl::MutexLock lock(&mu_);
  stream->heartbeat_slot = next_slot_;
  next_slot_ = (next_slot_ + 1) % kHeartbeatSlots;
  GrpcBannerStream* key = stream.get();
  slots_[key->heartbeat_slot].emplace(key, std::move(stream));
}

void BannerGrpcService::Forget(GrpcBannerStream* stream) {
  absl::MutexLock lock(&mu_);
  slots_[stream->heartbeat_slot].erase(stream);
}

void BannerGrpcService::Start() {
  // One thread ticks for heartbeats and for the write deadline. Heartbeats:
  // every heartbeat interval / kHeartbeatSlots, one slot of the streams, so
  // each stream gets one per interval and they go out evenly, not in one
  // burst. The write deadline: every quarter of the write timeout, all
  // streams (a mutex and a comparison each).
  const absl::Duration slot_tick = heartbeat_interval_ / kHeartbeatSlots;
  const absl::Duration stuck_tick = write_timeout_ / 4;
  heartbeats_ = std::thread([this, slot_tick, stuck_tick] {
    absl::MutexLock lock(&mu_);
    absl::Time next_slot_at = absl::Now() + slot_tick;
    absl::Time next_stuck_check = absl::Now() + stuck_tick;  // InfiniteFuture: no timeout
    size_t slot = 0;
    while (!stopping_) {
      auto stopping = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stopping_; };
      if (mu_.AwaitWithDeadline(absl::Condition(&stopping),
                                std::min(next_slot_at, next_stuck_check))) {
        break;
      }
      const absl::Time now = absl::Now();
      std::vector<std::shared_ptr<GrpcBannerStream>> check, beat;
      if (now >= next_stuck_check) {
        next_stuck_check = now + stuck_tick;
        for (const auto& streams : slots_) {
          for (const auto& [key, s] : streams) check.push_back(s);
        }
      }
      if (now >= next_slot_at) {
        next_slot_at += slot_tick;
        if (next_slot_at < now) next_slot_at = now + slot_tick;  // fell behind (a pause)
        for (const auto& [key, s] : slots_[slot]) beat.push_back(s);
        slot = (slot + 1) % kHeartbeatSlots;
      }
      mu_.Unlock();
      for (auto& s : check) s->CancelIfWriteStuck(now, write_timeout_);
      if (!beat.empty()) {
        // Read before any stream is told: see GrpcBannerStream::Heartbeat.
        const int64_t world = hub_.HeartbeatVersion();
        // Not now + validity: while PostgreSQL is unreachable this stays put.
        absl::Time valid_until = hub_.ValidUntil();
        if (valid_until == absl::InfinitePast()) valid_until = absl::Now();  // nothing loaded yet
        for (auto& s : beat) s->Heartbeat(valid_until, world);
      }
      mu_.Lock();
    }
  });
}

void BannerGrpcService::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (heartbeats_.joinable()) heartbeats_.join();
}

grpc::ServerWriteReactor<grpc::ByteBuffer>* BannerGrpcService::Subscribe(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request) {
  return new SubscribeReactor(*this, hub_, metrics_, limits_, *encoded_, context, *request,
                              RequestId(context), PeerFromGrpc(context->peer()));
}

grpc::ServerUnaryReactor* BannerGrpcService::GetBanners(grpc::CallbackServerContext* context,
                                                        const v1::GetBannersRequest* request,
                                                        v1::BannerSet* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  BannerTarget target{request->app(), request->path()};
  absl::Status valid = ValidateTarget(target);
  if (!valid.ok()) {
    reactor->Finish(ToGrpcStatus(valid));
    return reactor;
  }
  std::shared_ptr<const RenderedSet> set = hub_.Current(target);
  if (!set) {
    reactor->Finish(grpc::Status(grpc::StatusCode::UNAVAILABLE,
                                 "banner sets are not loaded yet (PostgreSQL unreachable since "
                                 "start-up?); retry shortly"));
    return reactor;
  }
  *response = set->grpc_message->set();
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

}  // namespace statuscast
