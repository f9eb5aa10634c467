// statuscastctl: the responders' command-line tool for statuscast-comms.
// Wiring only: command line, channel, real clock; the commands live in
// commands.cc, the output in render.cc.
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/channel_arguments.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "libs/base/clock.h"
#include "services/ctl/bearer_token.h"
#include "services/ctl/command_line.h"
#include "services/ctl/commands.h"
#include "services/ctl/rpc_errors.h"
#include "services/ctl/token_transport.h"
#include "services/ctl/usage.h"

namespace {

// --tls_ca, --tls_cert, --tls_key (env STATUSCAST_TLS_CA,
// STATUSCAST_TLS_CLIENT_CERT, STATUSCAST_TLS_CLIENT_KEY; not the servers'
// STATUSCAST_TLS_CERT/KEY, which may be set where this runs): TLS to both
// servers, with a client certificate for mutual TLS. Taken out of argv here,
// before the command line parser, which does not know them.
struct TlsFlags {
  std::string ca, cert, key;
};

TlsFlags TakeTlsFlags(int* argc, char** argv) {
  TlsFlags tls;
  struct Named {
    const char* flag;
    const char* env;
    std::string* path;
  };
  const Named named[] = {{"--tls_ca", "STATUSCAST_TLS_CA", &tls.ca},
                         {"--tls_cert", "STATUSCAST_TLS_CLIENT_CERT", &tls.cert},
                         {"--tls_key", "STATUSCAST_TLS_CLIENT_KEY", &tls.key}};
  for (const Named& n : named) {
    if (const char* v = std::getenv(n.env)) *n.path = v;
  }
  int out = 1;
  bool flags_done = false;
  for (int i = 1; i < *argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--") flags_done = true;
    const Named* match = nullptr;
    for (const Named& n : named) {
      const size_t len = std::strlen(n.flag);
      if (!flags_done && arg.compare(0, len, n.flag) == 0 &&
          (arg.size() == len || arg[len] == '=')) {
        match = &n;
      }
    }
    if (match == nullptr) {
      argv[out++] = argv[i];
      continue;
    }
    const size_t eq = arg.find('=');
    if (eq != std::string::npos) {
      *match->path = arg.substr(eq + 1);
    } else if (i + 1 < *argc) {
      *match->path = argv[++i];
    } else {
      *match->path = "";
    }
  }
  *argc = out;
  argv[out] = nullptr;
  return tls;
}

// The file's text, or an error naming `flag` (the servers check their
// files the same way: libs/rpc/server_credentials.h).
bool ReadPem(const char* flag, const std::string& path, std::string* text, std::string* error) {
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  if (in) s << in.rdbuf();
  if (!in || s.str().empty()) {
    *error = std::string(flag) + ": cannot read " + path;
    if (errno != 0) *error += std::string(": ") + std::strerror(errno);
    return false;
  }
  *text = s.str();
  return true;
}

// Plaintext without flags; else TLS verifying the servers against --tls_ca
// (the system roots without it), presenting --tls_cert for mutual TLS.
std::shared_ptr<grpc::ChannelCredentials> ChannelCredentials(const TlsFlags& tls,
                                                             std::string* error) {
  if (tls.ca.empty() && tls.cert.empty() && tls.key.empty()) {
    return grpc::InsecureChannelCredentials();
  }
  if (tls.cert.empty() != tls.key.empty()) {
    *error = tls.cert.empty() ? "--tls_cert: must be set together with --tls_key"
                              : "--tls_key: must be set together with --tls_cert";
    return nullptr;
  }
  grpc::SslCredentialsOptions options;
  if (!tls.ca.empty() && !ReadPem("--tls_ca", tls.ca, &options.pem_root_certs, error)) {
    return nullptr;
  }
  if (!tls.cert.empty() && (!ReadPem("--tls_cert", tls.cert, &options.pem_cert_chain, error) ||
                            !ReadPem("--tls_key", tls.key, &options.pem_private_key, error))) {
    return nullptr;
  }
  return grpc::SslCredentials(options);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace statuscast::ctl;  // NOLINT(build/namespaces)
  const TlsFlags tls_flags = TakeTlsFlags(&argc, argv);
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
  std::string tls_error;
  const std::shared_ptr<grpc::ChannelCredentials> credentials =
      ChannelCredentials(tls_flags, &tls_error);
  if (credentials == nullptr) {
    std::cerr << "statuscastctl: " << tls_error << "\n";
    return kExitUsage;
  }
  // A token goes in plaintext only to loopback unless --insecure; the banner
  // server is only reached by banner and killswitch.
  const std::string command = cl->positional.empty() ? "" : cl->positional[0];
  std::vector<TokenTransport> transports = {{cl->options.server, "--server"}};
  if (command == "banner" || command == "killswitch") {
    transports.push_back({cl->options.banner_server, "--banner_server"});
  }
  for (TokenTransport& t : transports) {
    t.tls = !(tls_flags.ca.empty() && tls_flags.cert.empty() && tls_flags.key.empty());
    t.has_token = !cl->options.token.empty();
    t.insecure = cl->options.insecure;
    std::string warning;
    if (absl::Status s = CheckTokenTransport(t, &warning); !s.ok()) {
      std::cerr << "statuscastctl: " << s.message() << "\n";
      return kExitUsage;
    }
    if (!warning.empty()) std::cerr << "statuscastctl: " << warning << "\n";
  }
  grpc::ChannelArguments args;
  // Long watch streams notice a dead peer; the server allows pings 5 min apart.
  args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, 6 * 60 * 1000);
  args.SetInt(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 20 * 1000);
  // watch reconnects within seconds of the server coming back.
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 5 * 1000);
  args.SetString(GRPC_ARG_PRIMARY_USER_AGENT_STRING, "statuscastctl");
  // Every call on both channels carries --token (STATUSCAST_TOKEN).
  std::shared_ptr<grpc::Channel> channel =
      NewChannelWithToken(cl->options.server, credentials, args, cl->options.token);
  auto stub = statuscast::v1::IncidentService::NewStub(channel);
  // statuscast-comms serves the ComplianceService on the same address.
  auto compliance_stub = statuscast::v1::ComplianceService::NewStub(channel);
  auto token_stub = statuscast::v1::TokenService::NewStub(channel);
  auto subscriber_stub = statuscast::v1::SubscriberService::NewStub(channel);
  auto maintenance_stub = statuscast::v1::MaintenanceService::NewStub(channel);
  // Connects only when a banner command uses it.
  auto banner_stub = statuscast::v1::BannerAdminService::NewStub(
      NewChannelWithToken(cl->options.banner_server, credentials, args, cl->options.token));
  CommandRunner runner(cl->options, stub.get(), channel.get(), &statuscast::RealClock::Get(),
                       &std::cout, &std::cerr);
  runner.set_banner_stub(banner_stub.get());
  runner.set_compliance_stub(compliance_stub.get());
  runner.set_token_stub(token_stub.get());
  runner.set_subscriber_stub(subscriber_stub.get());
  runner.set_maintenance_stub(maintenance_stub.get());
  int code = runner.Run(cl->positional);
  std::cout.flush();
  return code;
}
