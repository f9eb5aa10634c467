// statuscast.v1.BannerService over the in-memory BannerHub, with the
// callback API: no thread per stream. Each Subscribe stream has at most one
// write in flight and only the newest set pending (conflation), so a slow
// subscriber holds bounded memory and delays nobody. Heartbeats (naming the
// world's version, so a client resumes from it even after a crash) go out on
// quiet streams from one timer thread, spread evenly over the interval (not
// one burst of every stream at once), and the thread also cancels a stream whose
// write has not completed within the write timeout (a client that stopped
// reading, or vanished: its HTTP/2 window stays shut), so it reconnects and
// its server-side state goes.
// Thread safety: gRPC calls it from its threads; Start/Stop from main.
#ifndef STATUSCAST_SERVICES_BANNER_BANNER_GRPC_SERVICE_H_
#define STATUSCAST_SERVICES_BANNER_BANNER_GRPC_SERVICE_H_

#include <array>
#include <map>
#include <memory>
#include <thread>

#include "absl/synchronization/mutex.h"
#include "libs/banner/banner_hub.h"
#include "libs/banner/subscriber_limits.h"
#include "libs/banner/transport_metrics.h"
#include "statuscast/v1/banner.grpc.pb.h"

namespace statuscast {

class GrpcBannerStream;
class EncodedSets;

// Subscribe is a raw method: each set is serialized once (EncodedSets) and
// the same bytes written to every stream of its target.
using BannerServiceBase = v1::BannerService::WithRawCallbackMethod_Subscribe<
    v1::BannerService::WithCallbackMethod_GetBanners<v1::BannerService::Service>>;

class BannerGrpcService final : public BannerServiceBase {
 public:
  // REQUIRES: hub (and limits, when given) outlive this service; metrics
  // may be null. `limits` admits each Subscribe by its peer's address; a
  // refusal ends the stream with RESOURCE_EXHAUSTED. Null: no limits.
  // write_timeout: a stream whose write has not completed in this time is
  // cancelled; InfiniteDuration() never cancels a stuck stream.
  BannerGrpcService(BannerHub& hub, TransportMetrics* metrics, absl::Duration heartbeat_interval,
                    SubscriberLimits* limits = nullptr,
                    absl::Duration write_timeout = absl::InfiniteDuration());
  ~BannerGrpcService() override;

  // `request`: a serialized statuscast.v1.SubscribeRequest; the stream
  // carries serialized statuscast.v1.SubscribeResponse messages.
  grpc::ServerWriteReactor<grpc::ByteBuffer>* Subscribe(grpc::CallbackServerContext* context,
                                                        const grpc::ByteBuffer* request) override;
  grpc::ServerUnaryReactor* GetBanners(grpc::CallbackServerContext* context,
                                       const v1::GetBannersRequest* request,
                                       v1::BannerSet* response) override;

  // Starts the heartbeat thread.
  void Start();
  // Stops heartbeats (streams are ended through BannerHub::CloseAll).
  void Stop();

  // Registry used by streams.
  void Register(std::shared_ptr<GrpcBannerStream> stream);
  void Forget(GrpcBannerStream* stream);

 private:
  BannerHub& hub_;
  TransportMetrics* const metrics_;
  const absl::Duration heartbeat_interval_;
  const absl::Duration write_timeout_;
  SubscriberLimits* const limits_;
  const std::unique_ptr<EncodedSets> encoded_;
  // Heartbeats go to one slot of the streams at a time (see Start).
  static constexpr size_t kHeartbeatSlots = 30;
  absl::Mutex mu_;
  std::array<std::map<GrpcBannerStream*, std::shared_ptr<GrpcBannerStream>>, kHeartbeatSlots>
      slots_ ABSL_GUARDED_BY(mu_);
  size_t next_slot_ ABSL_GUARDED_BY(mu_) = 0;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread heartbeats_;
};

}  // namespace statuscast

#endif  // STATUSCAST_SERVICES_BANNER_BANNER_GRPC_SERVICE_H_
