#include "services/ctl/token_commands.h"

#include <google/protobuf/util/json_util.h>

#include <ostream>
#include <random>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "libs/base/clock.h"
#include "libs/base/proto_time.h"
#include "libs/base/time_text.h"
#include "services/ctl/rpc_errors.h"

namespace statuscast {
namespace ctl {
namespace {

std::string Utc(const google::protobuf::Timestamp& ts) { return FormatUtcMinute(TimeFromProto(ts)); }

const char* ScopeText(v1::TokenScope s) {
  switch (s) {
    case v1::TOKEN_SCOPE_READ:
      return "read";
    case v1::TOKEN_SCOPE_WRITE:
      return "write";
    case v1::TOKEN_SCOPE_ADMIN:
      return "admin";
    default:
      return "?";
  }
}

void PrintJson(const google::protobuf::Message& m, std::ostream* out) {
  std::string json;
  google::protobuf::util::JsonPrintOptions opts;
  opts.add_whitespace = false;
  (void)google::protobuf::util::MessageToJsonString(m, &json, opts);
  *out << json << "\n";
}

class TokenCommand {
 public:
  TokenCommand(const CtlOptions& o, v1::TokenService::StubInterface* stub, const Clock& clock,
               const std::string& usage, std::ostream* out, std::ostream* err)
      : o_(o), stub_(stub), clock_(clock), usage_(usage), out_(out), err_(err) {}

  int Run(const std::vector<std::string>& args) {
    const std::string verb = args.size() > 1 ? args[1] : "";
    for (const std::string& flag : o_.given) {
      bool fits = flag == "server" || flag == "json" || flag == "timeout" || flag == "token" ||
                  flag == "author" || (verb == "create" && (flag == "scope" || flag == "ttl"));
      if (!fits) return Usage(absl::StrCat("--", flag, " does not apply to token ", verb));
    }
    if (verb == "create") return Create(args);
    if (verb == "list") {
      if (args.size() != 2) return Usage("token list takes no arguments");
      return List();
    }
    if (verb == "revoke") {
      if (args.size() != 3)
        return Usage("token revoke needs the token's name (statuscastctl token list)");
      return Revoke(args[2]);
    }
    return Usage("token needs create, list or revoke");
  }

 private:
  int Create(const std::vector<std::string>& args) {
    if (args.size() != 3) return Usage("token create needs one name, e.g. token create ci-deploy");
    v1::CreateTokenRequest req;
    req.set_name(args[2]);
    if (o_.scope == "read") {
      req.set_scope(v1::TOKEN_SCOPE_READ);
    } else if (o_.scope == "write") {
      req.set_scope(v1::TOKEN_SCOPE_WRITE);
    } else if (o_.scope == "admin") {
      req.set_scope(v1::TOKEN_SCOPE_ADMIN);
    } else {
      return Usage("token create needs --scope read, write or admin");
    }
    if (!o_.ttl.empty()) {
      absl::StatusOr<absl::Duration> ttl = ParseTtl(o_.ttl);
      if (!ttl.ok()) return Usage(absl::StrCat("--ttl: ", ttl.status().message()));
      req.mutable_ttl()->set_seconds(absl::ToInt64Seconds(*ttl));
    }
    v1::CreateTokenResponse resp;
    int code = Call(&v1::TokenService::StubInterface::CreateToken, req, &resp,
                    absl::StrCat("create token ", args[2]));
    if (code != kExitOk) return code;
    if (o_.json) {
      PrintJson(resp, out_);
      return kExitOk;
    }
    // The secret alone on stdout, so `export STATUSCAST_TOKEN=$(statuscastctl
    // token create ...)` works; the rest on stderr.
    *out_ << resp.secret() << "\n";
    *err_ << "created token " << resp.token().name() << " (scope "
          << ScopeText(resp.token().scope()) << ", expires " << Utc(resp.token().expires_at())
          << "); its secret, above, is shown only now\n";
    return kExitOk;
  }

  int List() {
    v1::ListTokensResponse resp;
    int code = Call(&v1::TokenService::StubInterface::ListTokens, v1::ListTokensRequest(), &resp,
                    "list tokens");
    if (code != kExitOk) return code;
    if (o_.json) {
      PrintJson(resp, out_);
      return kExitOk;
    }
    const absl::Time now = clock_.Now();
    *out_ << absl::StrFormat("%-24s %-6s %-8s %-21s %-21s %s\n", "NAME", "SCOPE", "STATE",
                             "CREATED", "EXPIRES", "CREATED BY");
    for (const v1::ApiToken& t : resp.tokens()) {
      const char* state = t.has_revoked_at()              ? "revoked"
                          : TimeFromProto(t.expires_at()) <= now ? "expired"
                                                          : "active";
      *out_ << absl::StrFormat("%-24s %-6s %-8s %-21s %-21s %s\n", t.name(), ScopeText(t.scope()),
                               state, Utc(t.created_at()), Utc(t.expires_at()), t.created_by());
    }
    return kExitOk;
  }

  int Revoke(const std::string& name) {
    v1::RevokeTokenRequest req;
    req.set_name(name);
    v1::ApiToken resp;
    int code = Call(&v1::TokenService::StubInterface::RevokeToken, req, &resp,
                    absl::StrCat("revoke token ", name));
    if (code != kExitOk) return code;
    if (o_.json) {
      PrintJson(resp, out_);
      return kExitOk;
    }
    *out_ << "revoked token " << resp.name() << " at " << Utc(resp.revoked_at())
          << " (every replica refuses it within 5 s)\n";
    return kExitOk;
  }

  template <typename Req, typename Resp>
  int Call(grpc::Status (v1::TokenService::StubInterface::*method)(grpc::ClientContext*, const Req&,
                                                                   Resp*),
           const Req& req, Resp* resp, const std::string& action) {
    if (stub_ == nullptr) {
      *err_ << "statuscastctl: token commands need statuscast-comms; nothing was sent\n";
      return kExitUsage;
    }
    RpcCall call;
    call.action = action;
    call.server = o_.server;
    std::random_device rd;
    call.request_id = absl::StrFormat("ctl-%08x%08x", rd(), rd());
    call.timeout = absl::FormatDuration(o_.timeout);
    grpc::ClientContext ctx;
    ctx.set_deadline(absl::ToChronoTime(absl::Now() + o_.timeout));
    ctx.AddMetadata("x-request-id", call.request_id);
    grpc::Status status = (stub_->*method)(&ctx, req, resp);
    if (status.ok()) return kExitOk;
    call.server_answered =
        !ctx.GetServerInitialMetadata().empty() || !ctx.GetServerTrailingMetadata().empty();
    RpcFailure failure = DescribeRpcFailure(status, call);
    for (const std::string& line : failure.lines) *err_ << "statuscastctl: " << line << "\n";
    return failure.exit_code;
  }

  int Usage(const std::string& message) {
    *err_ << "statuscastctl: " << message << "\n" << usage_;
    return kExitUsage;
  }

  const CtlOptions& o_;
  v1::TokenService::StubInterface* stub_;
  const Clock& clock_;
  const std::string& usage_;
  std::ostream* out_;
  std::ostream* err_;
};

}  // namespace

absl::StatusOr<absl::Duration> ParseTtl(const std::string& text) {
  absl::Duration d;
  int64_t days = 0;
  if (absl::EndsWith(text, "d") && absl::SimpleAtoi(text.substr(0, text.size() - 1), &days)) {
    d = absl::Hours(24 * days);
  } else if (!absl::ParseDuration(text, &d)) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", text, "\" is not a duration; e.g. 720h, 90m or 30d"));
  }
  if (d <= absl::ZeroDuration()) return absl::InvalidArgumentError("must be positive");
  return d;
}

int RunTokenCommand(const CtlOptions& options, v1::TokenService::StubInterface* stub,
                    const Clock& clock, const std::vector<std::string>& args,
                    const std::string& usage, std::ostream* out, std::ostream* err) {
  return TokenCommand(options, stub, clock, usage, out, err).Run(args);
}

}  // namespace ctl
}  // namespace statuscast
