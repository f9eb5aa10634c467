// What the statuscastctl command handlers share (internal to services/ctl):
// the RPC call with its failure report, the defaults, and timestamps.
// Included only by the handler files (*_commands.cc), never by a header.
#ifndef STATUSCAST_SERVICES_CTL_COMMAND_SUPPORT_H_
#define STATUSCAST_SERVICES_CTL_COMMAND_SUPPORT_H_

#include <grpcpp/client_context.h>

#include <string>
#include <type_traits>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "services/ctl/commands.h"
#include "services/ctl/rpc_errors.h"

namespace statuscast {
namespace ctl {

constexpr int kMaxPageSize = 200;
constexpr char kDefaultChannels[] = "status_page,in_app_banner";
constexpr char kResolveChannels[] = "status_page";

inline void ToProto(absl::Time t, google::protobuf::Timestamp* ts) {
  int64_t s = absl::ToUnixSeconds(t);
  ts->set_seconds(s);
  ts->set_nanos(static_cast<int32_t>(absl::ToInt64Nanoseconds(t - absl::FromUnixSeconds(s))));
}

// How a user types the flag an option's canonical name names:
// "no_progress" -> "--no-progress".
inline std::string FlagSpelling(std::string name) {
  for (char& c : name) {
    if (c == '_') c = '-';
  }
  return absl::StrCat("--", name);
}

inline bool ServerAnswered(const grpc::ClientContext& ctx) {
  return !ctx.GetServerInitialMetadata().empty() || !ctx.GetServerTrailingMetadata().empty();
}

// "ctl-" and 16 random hex digits, sent as x-request-id.
std::string NewRequestId();

template <typename Req, typename Resp>
int CommandRunner::Call(grpc::Status (v1::IncidentService::StubInterface::*method)(
                            grpc::ClientContext*, const Req&, Resp*),
                        const Req& request, Resp* response, const std::string& action,
                        const std::string& incident_ref, const std::string& idempotency_key) {
  return CallOn(stub_, method, request, response, action, incident_ref, idempotency_key);
}

template <typename Stub, typename Req, typename Resp>
int CommandRunner::CallOn(Stub* stub,
                          grpc::Status (Stub::*method)(grpc::ClientContext*, const Req&, Resp*),
                          const Req& request, Resp* response, const std::string& action,
                          const std::string& incident_ref, const std::string& idempotency_key) {
  RpcCall call;
  call.action = action;
  call.server = options_.server;
  if constexpr (std::is_same_v<Stub, v1::BannerAdminService::StubInterface>) {
    call.server = options_.banner_server;
    call.service = "statuscast-banner";
    call.server_flag = "--banner_server or STATUSCAST_BANNER_SERVER";
  }
  call.incident_ref = incident_ref;
  call.idempotency_key = idempotency_key;
  call.request_id = NewRequestId();
  call.timeout = absl::FormatDuration(options_.timeout);
  grpc::ClientContext ctx;
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + options_.timeout));
  ctx.AddMetadata("x-request-id", call.request_id);
  grpc::Status status = (stub->*method)(&ctx, request, response);
  if (status.ok()) return kExitOk;
  call.server_answered = ServerAnswered(ctx);
  RpcFailure failure = DescribeRpcFailure(status, call);
  for (const std::string& line : failure.lines) *err_ << "statuscastctl: " << line << "\n";
  return failure.exit_code;
}

template <typename Req>
int CommandRunner::WriteExisting(grpc::Status (v1::IncidentService::StubInterface::*method)(
                                     grpc::ClientContext*, const Req&, v1::WriteIncidentResponse*),
                                 const v1::Incident& inc, Req& req, const std::string& action,
                                 const std::string& verb) {
  req.set_incident_ref(inc.ref());
  req.set_expected_version(inc.version());
  req.set_author(options_.author);
  req.set_idempotency_key(IdempotencyKey());
  v1::WriteIncidentResponse resp;
  int code = Call(method, req, &resp, action, inc.ref(), req.idempotency_key());
  if (code != kExitOk) return code;
  return PrintWrite(verb, resp);
}

}  // namespace ctl
}  // namespace statuscast

#endif  // STATUSCAST_SERVICES_CTL_COMMAND_SUPPORT_H_
