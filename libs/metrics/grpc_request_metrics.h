// gRPC request metrics for a server, through a server interceptor (so every
// service and method is counted the same way, sync or callback):
//   statuscast_grpc_requests_total{method,code}          counter
//   statuscast_grpc_request_duration_seconds{method}     histogram (unary and
//                                                         whole-stream time)
// Method is the full name ("/statuscast.v1.IncidentService/PostUpdate") of a
// method the server serves, or "unknown" for any other path, so a client
// cannot mint new series by calling made-up methods; code is the gRPC status
// name ("OK", "INVALID_ARGUMENT").
// Thread safety: safe from any thread.
#ifndef STATUSCAST_LIBS_METRICS_GRPC_REQUEST_METRICS_H_
#define STATUSCAST_LIBS_METRICS_GRPC_REQUEST_METRICS_H_

#include <memory>
#include <string>
#include <vector>

namespace grpc {
namespace experimental {
class ServerInterceptorFactoryInterface;
}  // namespace experimental
}  // namespace grpc

namespace prometheus {
class Registry;
}  // namespace prometheus

namespace statuscast {

// An interceptor factory for ServerBuilder::experimental().SetInterceptorCreators.
// `served` lists what gets its own label: a service's full name
// ("statuscast.v1.BannerService": every method of it, from the generated
// descriptor pool) or one method's path ("/grpc.health.v1.Health/Check", for
// services whose descriptors are not in the pool). Anything else: "unknown".
// REQUIRES: `registry` outlives the server.
std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> GrpcRequestMetrics(
    prometheus::Registry& registry, const std::vector<std::string>& served);

// The method paths `served` expands to (as above), for tests.
std::vector<std::string> ServedMethodPaths(const std::vector<std::string>& served);

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_METRICS_GRPC_REQUEST_METRICS_H_
