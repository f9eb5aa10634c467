// BannerTestServer: statuscast-banner's gRPC side in-process on
// 127.0.0.1:<free port> over a real PostgreSQL database: hub, follower,
// change feed, BannerService and BannerAdminService.
#ifndef STATUSCAST_TESTS_SUPPORT_BANNER_TEST_SERVER_H_
#define STATUSCAST_TESTS_SUPPORT_BANNER_TEST_SERVER_H_

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <memory>
#include <string>

#include "libs/banner/banner_hub.h"
#include "libs/banner/transport_metrics.h"
#include "statuscast/v1/banner.grpc.pb.h"

namespace statuscast {
class PgPool;
class PgBannerStore;
class ChangeFeed;
class BannerFollower;
class BannerGrpcService;
class BannerAdminService;
class PgTokenStore;
class TokenVerifier;
}  // namespace statuscast

namespace statuscast::testing {

// Counts what transports report.
class CountingMetrics final : public TransportMetrics {
 public:
  void SubscriberAdded(Transport) override { ++subscribers; }
  void SubscriberRemoved(Transport) override { --subscribers; }
  void SetSent(Transport, absl::optional<absl::Duration> latency) override {
    ++sent;
    if (latency) ++with_latency;
  }
  void SetConflated(Transport) override { ++conflated; }
  std::atomic<int> subscribers{0}, sent{0}, with_latency{0}, conflated{0};
};

class BannerTestServer {
 public:
  // require_tokens: BannerAdminService checks tokens (--auth=required); off
  // by default, as --auth=disabled.
  explicit BannerTestServer(const std::string& database_url,
                            absl::Duration heartbeat = absl::Seconds(5),
                            bool require_tokens = false);
  ~BannerTestServer();

  const std::string& address() const { return address_; }
  // How long a set stays valid without news: three heartbeats.
  absl::Duration validity() const { return validity_; }
  std::unique_ptr<v1::BannerService::Stub> NewStub() const;
  std::unique_ptr<v1::BannerAdminService::Stub> NewAdminStub() const;
  BannerHub& hub() { return *hub_; }
  BannerFollower& follower() { return *follower_; }
  CountingMetrics& metrics() { return metrics_; }
  void Shutdown();

 private:
  CountingMetrics metrics_;
  std::unique_ptr<PgPool> pool_;
  std::unique_ptr<PgBannerStore> store_;
  std::unique_ptr<BannerHub> hub_;
  std::unique_ptr<ChangeFeed> feed_;
  std::unique_ptr<BannerFollower> follower_;
  std::unique_ptr<BannerGrpcService> service_;
  std::unique_ptr<PgTokenStore> token_store_;
  std::unique_ptr<TokenVerifier> verifier_;
  std::unique_ptr<BannerAdminService> admin_;
  std::unique_ptr<grpc::Server> server_;
  std::string address_;
  absl::Duration validity_;
};

}  // namespace statuscast::testing

#endif  // STATUSCAST_TESTS_SUPPORT_BANNER_TEST_SERVER_H_
