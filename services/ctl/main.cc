// statuscastctl: the responders' command-line tool for statuscast-comms.
// Wiring only: command line, channel, real clock; the commands live in
// commands.cc, the output in render.cc.
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/channel_arguments.h>

#include <iostream>

#include "libs/base/clock.h"
#include "services/ctl/command_line.h"
#include "services/ctl/commands.h"
#include "services/ctl/rpc_errors.h"
#include "services/ctl/usage.h"

int main(int argc, char** argv) {
  using namespace statuscast::ctl;  // NOLINT(build/namespaces)
  absl::StatusOr<CommandLine> cl = ParseCommandLine(argc, argv);
  if (!cl.ok()) {
    std::cerr << "statuscastctl: " << cl.status().message() << "\n" << ShortUsage();
    return kExitUsage;
  }
  if (cl->help) {
    std::string one = cl->positional.empty() ? "" : CommandUsage(cl->positional[0]);
    std::cout << (one.empty() ? UsageText() : one);
    return kExitOk;
  }
  grpc::ChannelArguments args;
  // Long watch streams notice a dead peer; the server allows pings 5 min apart.
  args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, 6 * 60 * 1000);
  args.SetInt(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 20 * 1000);
  // watch reconnects within seconds of the server coming back.
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 5 * 1000);
  args.SetString(GRPC_ARG_PRIMARY_USER_AGENT_STRING, "statuscastctl");
  std::shared_ptr<grpc::Channel> channel =
      grpc::CreateCustomChannel(cl->options.server, grpc::InsecureChannelCredentials(), args);
  auto stub = statuscast::v1::IncidentService::NewStub(channel);
  // statuscast-comms serves the ComplianceService on the same address.
  auto compliance_stub = statuscast::v1::ComplianceService::NewStub(channel);
  // Connects only when a banner command uses it.
  auto banner_stub = statuscast::v1::BannerAdminService::NewStub(grpc::CreateCustomChannel(
      cl->options.banner_server, grpc::InsecureChannelCredentials(), args));
  CommandRunner runner(cl->options, stub.get(), channel.get(), &statuscast::RealClock::Get(),
                       &std::cout, &std::cerr);
  runner.set_banner_stub(banner_stub.get());
  runner.set_compliance_stub(compliance_stub.get());
  int code = runner.Run(cl->positional);
  std::cout.flush();
  return code;
}
