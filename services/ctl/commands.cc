#include "services/ctl/commands.h"

#include <google/protobuf/util/json_util.h>
#include <grpcpp/client_context.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>
#include <tuple>
#include <type_traits>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/types/optional.h"
#include "libs/base/clock.h"
#include "libs/incident/promise.h"
#include "libs/proto_convert/lint_proto.h"
#include "libs/lint/linter.h"
#include "libs/lint/templates.h"
#include "services/ctl/command_support.h"
#include "services/ctl/command_table.h"
#include "services/ctl/inputs.h"
#include "services/ctl/render.h"
#include "services/ctl/rpc_errors.h"
#include "services/ctl/token_commands.h"
#include "services/ctl/usage.h"
#include "services/ctl/watch.h"

namespace statuscast {
namespace ctl {

std::string NewRequestId() {
  std::random_device rd;
  return absl::StrFormat("ctl-%08x%08x", rd(), rd());
}

CommandRunner::CommandRunner(CtlOptions options, v1::IncidentService::StubInterface* stub,
                             grpc::ChannelInterface* channel, const Clock* clock, std::ostream* out,
                             std::ostream* err)
    : options_(std::move(options)),
      stub_(stub),
      channel_(channel),
      clock_(clock),
      out_(out),
      err_(err),
      in_(&std::cin) {}

int CommandRunner::Run(const std::vector<std::string>& args_in) {
  if (args_in.empty()) {
    *err_ << ShortUsage();
    return kExitUsage;
  }
  if (args_in[0] == "help") {
    const std::string one = args_in.size() > 1 ? CommandUsage(args_in[1]) : "";
    *out_ << (one.empty() ? UsageText() : one);
    return kExitOk;
  }
  const CommandSpec* spec = FindCommand(args_in[0]);
  if (spec == nullptr) {
    *err_ << "statuscastctl: unknown command \"" << args_in[0] << "\"";
    const std::vector<std::string> near = SuggestCommands(args_in[0]);
    if (!near.empty()) *err_ << "; did you mean " << absl::StrJoin(near, " or ") << "?";
    *err_ << "\n" << ShortUsage();
    return kExitUsage;
  }
  // Handlers see the command's own name, whichever spelling was typed.
  std::vector<std::string> args = args_in;
  args[0] = spec->name;
  command_ = spec->name;
  for (const std::string& flag : options_.given) {
    const bool global = flag == "server" || flag == "json" || flag == "author" ||
                        flag == "timeout" || flag == "token";
    if (!global && std::find(spec->flags.begin(), spec->flags.end(), flag) == spec->flags.end()) {
      return UsageError(command_, absl::StrCat("--", flag, " does not apply to ", command_));
    }
  }
  return (this->*(spec->handler))(args);
}

int CommandRunner::Token(const std::vector<std::string>& args) {
  return RunTokenCommand(options_, token_stub_, *clock_, args, CommandUsage("token"), out_, err_);
}

int CommandRunner::FlagError(const std::string& flag, const absl::Status& why) {
  return UsageError(command_, absl::StrCat("--", flag, ": ", why.message()));
}

int CommandRunner::NoConnection(const std::string& what) {
  *err_ << "statuscastctl: no connection to " << what << "; nothing was sent\n";
  return kExitUsage;
}

int CommandRunner::UsageError(const std::string& command, const std::string& message) {
  *err_ << "statuscastctl: " << message << "\n";
  std::string usage = CommandUsage(command);
  *err_ << (usage.empty() ? ShortUsage() : usage);
  return kExitUsage;
}

std::string CommandRunner::IdempotencyKey() {
  if (idempotency_key_.empty()) {
    idempotency_key_ =
        options_.idempotency_key.empty() ? NewIdempotencyKey() : options_.idempotency_key;
  }
  return idempotency_key_;
}

void CommandRunner::PrintJson(const google::protobuf::Message& message) {
  std::string json;
  google::protobuf::util::JsonPrintOptions opts;
  opts.add_whitespace = false;
  auto st = google::protobuf::util::MessageToJsonString(message, &json, opts);
  if (!st.ok()) {
    *err_ << "statuscastctl: cannot print JSON: " << st.ToString() << "\n";
    return;
  }
  *out_ << json << "\n";
}

int CommandRunner::PrintWrite(const std::string& verb, const v1::WriteIncidentResponse& response) {
  if (options_.json) {
    PrintJson(response);
  } else {
    *out_ << RenderWriteResult(verb, response, clock_->Now())
          << RenderLintNotes(response.lint_findings());
  }
  return kExitOk;
}

bool CommandRunner::Fetch(const std::vector<std::string>& args, const std::string& command,
                          v1::Incident* incident, int* code) {
  if (args.size() < 2) {
    *code = UsageError(command, absl::StrCat(command, " needs an incident reference, e.g. INC-12"));
    return false;
  }
  absl::StatusOr<std::string> ref = ParseIncidentRef(args[1]);
  if (!ref.ok()) {
    *code = UsageError(command, std::string(ref.status().message()));
    return false;
  }
  v1::GetIncidentRequest req;
  req.set_incident_ref(*ref);
  *code = Call(&v1::IncidentService::StubInterface::GetIncident, req, incident,
               absl::StrCat("read ", *ref), "", "");
  return *code == kExitOk;
}

}  // namespace ctl
}  // namespace statuscast
