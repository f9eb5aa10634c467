// What statuscastctl says when a call fails, and with which exit code.
//
// The message tells a responder what to do next, following the gRPC code:
// UNAVAILABLE / DEADLINE_EXCEEDED: retry (writes: with the same idempotency
// key, printed), ABORTED: someone else changed the incident, re-run;
// UNAUTHENTICATED: how to get or fix the token; PERMISSION_DENIED: the scope
// needed; anything else: the server's message plus one line per google.rpc.BadRequest
// field violation, with the flag to change. Thread safety: pure functions.
#ifndef STATUSCAST_SERVICES_CTL_RPC_ERRORS_H_
#define STATUSCAST_SERVICES_CTL_RPC_ERRORS_H_

#include <grpcpp/support/status.h>

#include <string>
#include <utility>
#include <vector>

namespace statuscast {
namespace ctl {

// Process exit codes (documented in the usage text).
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;       // the server rejected the request, or it failed
inline constexpr int kExitUsage = 2;        // bad command line; nothing was sent
inline constexpr int kExitUnreachable = 3;  // server unreachable, unavailable or too slow

// What the failed call was.
struct RpcCall {
  std::string action;           // "post the update to INC-12"
  std::string server;           // "127.0.0.1:7400"
  std::string incident_ref;     // for ABORTED; may be empty
  std::string idempotency_key;  // for writes; empty for reads
  std::string request_id;       // the x-request-id sent
  // The server sent metadata back, so it was reached (an UNAVAILABLE then
  // comes from the service, e.g. its database is down).
  bool server_answered = false;
  std::string timeout = "10s";  // as the user gave it, e.g. "10s"
  // Which service was called, and the flag that points at it.
  std::string service = "statuscast-comms";
  std::string server_flag = "--server or STATUSCAST_SERVER";
};

struct RpcFailure {
  int exit_code = kExitFailed;
  // One or more lines, without the "statuscastctl: " prefix.
  std::vector<std::string> lines;
};

RpcFailure DescribeRpcFailure(const grpc::Status& status, const RpcCall& call);

// (field, description) pairs from the status's google.rpc.BadRequest details;
// empty when there are none or they do not parse.
std::vector<std::pair<std::string, std::string>> FieldViolationsOf(const grpc::Status& status);

// The statuscastctl flag that sets a request field, e.g.
// "update.next_update_at" -> "--next"; empty when there is none.
std::string FlagForField(const std::string& field);

}  // namespace ctl
}  // namespace statuscast

#endif  // STATUSCAST_SERVICES_CTL_RPC_ERRORS_H_
