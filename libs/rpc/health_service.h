// HealthService: grpc.health.v1.Health served from our own generated classes
// (proto/grpc/health/v1/health.proto), so that server reflection can describe
// it. It replaces grpc::EnableDefaultHealthCheckService, whose service has no
// descriptor and makes reflection clients (buf curl, grpcurl, grpcui) fail on
// the whole server, and keeps that service's behaviour:
//   - "" (the server as a whole) is SERVING from construction; any other name
//     is unknown until SetServingStatus names it.
//   - Check: the name's status; NOT_FOUND for an unknown name.
//   - Watch: the name's status at once (SERVICE_UNKNOWN for an unknown name),
//     then every change. At most one write is in flight per stream and only
//     the newest status waits behind it, so a slow watcher holds bounded
//     memory and delays nobody.
//   - Shutdown: every name turns NOT_SERVING for good (later SetServingStatus
//     calls are ignored); each Watch stream is sent NOT_SERVING and then ends
//     with UNAVAILABLE, so it does not hold up the server's shutdown.
// Public: it checks no token, like reflection.
//
// Thread safety: every method is safe from any thread. REQUIRES: the service
// outlives the grpc::Server it is registered with (after Server::Shutdown
// returns, gRPC calls it no more).
#ifndef STATUSCAST_LIBS_RPC_HEALTH_SERVICE_H_
#define STATUSCAST_LIBS_RPC_HEALTH_SERVICE_H_

#include <map>
#include <memory>
#include <string>

#include "absl/synchronization/mutex.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace statuscast {

class HealthWatch;

class HealthService final : public grpc::health::v1::Health::CallbackService {
 public:
  using ServingStatus = grpc::health::v1::HealthCheckResponse::ServingStatus;

  HealthService();
  ~HealthService() override;

  HealthService(const HealthService&) = delete;
  HealthService& operator=(const HealthService&) = delete;

  // Sets `service` ("" for the whole server) to SERVING or NOT_SERVING and
  // tells its watchers. Ignored after Shutdown.
  void SetServingStatus(const std::string& service, bool serving);

  // Every name NOT_SERVING for good; Watch streams get that and end.
  void Shutdown();

  grpc::ServerUnaryReactor* Check(grpc::CallbackServerContext* context,
                                  const grpc::health::v1::HealthCheckRequest* request,
                                  grpc::health::v1::HealthCheckResponse* response) override;
  grpc::ServerWriteReactor<grpc::health::v1::HealthCheckResponse>* Watch(
      grpc::CallbackServerContext* context,
      const grpc::health::v1::HealthCheckRequest* request) override;

  // For the Watch reactor: registers a stream at its start (sending it the
  // current status) and forgets it when it is done.
  void Register(const std::string& service, std::shared_ptr<HealthWatch> watch);
  void Forget(const std::string& service, HealthWatch* watch);

 private:
  ServingStatus StatusLocked(const std::string& service) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  absl::Mutex mu_;
  std::map<std::string, ServingStatus> statuses_ ABSL_GUARDED_BY(mu_);
  // Open Watch streams by the name they watch.
  std::map<std::string, std::map<HealthWatch*, std::shared_ptr<HealthWatch>>> watches_
      ABSL_GUARDED_BY(mu_);
  bool shut_down_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_RPC_HEALTH_SERVICE_H_
