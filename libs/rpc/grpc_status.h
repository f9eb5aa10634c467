// The one place an absl::Status becomes a grpc::Status.
//
// Codes map one to one; field violations (libs/base/field_violations.h)
// travel as google.rpc.BadRequest in the status details, so any gRPC client
// can show which field to fix.
#ifndef STATUSCAST_LIBS_RPC_GRPC_STATUS_H_
#define STATUSCAST_LIBS_RPC_GRPC_STATUS_H_

#include <string>

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace grpc {
class ServerContext;
}  // namespace grpc

namespace statuscast {

grpc::Status ToGrpcStatus(const absl::Status& status);

// The caller's x-request-id when it sent a sane one, else a fresh random id;
// echoed back to the caller as initial metadata.
std::string RequestIdFor(grpc::ServerContext* context);

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_RPC_GRPC_STATUS_H_
