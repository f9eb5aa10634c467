// gRPC request metrics for a server, through a server interceptor (so every
// service and method is counted the same way, sync or callback):
//   statuscast_grpc_requests_total{method,code}          counter
//   statuscast_grpc_request_duration_seconds{method}     histogram (unary and
//                                                         whole-stream time)
// Method is the full name ("/statuscast.v1.IncidentService/PostUpdate"),
// code the gRPC status name ("OK", "INVALID_ARGUMENT").
// Thread safety: safe from any thread.
#ifndef STATUSCAST_LIBS_METRICS_GRPC_REQUEST_METRICS_H_
#define STATUSCAST_LIBS_METRICS_GRPC_REQUEST_METRICS_H_

#include <memory>

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
// REQUIRES: `registry` outlives the server.
std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> GrpcRequestMetrics(
    prometheus::Registry& registry);

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_METRICS_GRPC_REQUEST_METRICS_H_
