// HealthAndReflection: the two public services (no token) that every
// statuscast gRPC server carries for probes and tools, wired in one place:
//   - grpc.health.v1.Health (HealthService): "" is SERVING while the server
//     runs, NOT_SERVING from Shutdown on;
//   - server reflection (grpc.reflection.v1alpha), which lists every
//     registered service and can describe each one, health included.
// gRPC's own health service stays off, even if something enabled it
// globally: it has no descriptor and would make reflection clients fail.
//
//   HealthAndReflection health_and_reflection;  // outlives the server
//   grpc::ServerBuilder builder;
//   health_and_reflection.AddTo(builder);
//   ... builder.RegisterService(&my_service); server = builder.BuildAndStart();
//   on SIGTERM: health_and_reflection.Shutdown(); server->Shutdown(deadline);
//
// Thread safety: AddTo before BuildAndStart, from the thread that builds;
// health() and Shutdown() from any thread.
#ifndef STATUSCAST_LIBS_RPC_HEALTH_AND_REFLECTION_H_
#define STATUSCAST_LIBS_RPC_HEALTH_AND_REFLECTION_H_

#include "libs/rpc/health_service.h"

namespace grpc {
class ServerBuilder;
}  // namespace grpc

namespace statuscast {

class HealthAndReflection {
 public:
  HealthAndReflection() = default;
  HealthAndReflection(const HealthAndReflection&) = delete;
  HealthAndReflection& operator=(const HealthAndReflection&) = delete;

  // Registers the health service and reflection with `builder` and turns
  // gRPC's default health service off for it.
  void AddTo(grpc::ServerBuilder& builder);

  HealthService& health() { return health_; }

  // Health turns NOT_SERVING for good and Watch streams end, so that probes
  // and load balancers stop sending before the server stops accepting.
  void Shutdown() { health_.Shutdown(); }

 private:
  HealthService health_;
};

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_RPC_HEALTH_AND_REFLECTION_H_
