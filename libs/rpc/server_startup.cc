#include "libs/rpc/server_startup.h"

#include <grpcpp/grpcpp.h>
#include <prometheus/exposer.h>
#include <prometheus/registry.h>

#include <cstdio>
#include <exception>

#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "libs/base/flag_env.h"
#include "libs/base/log.h"
#include "libs/metrics/grpc_request_metrics.h"

namespace statuscast {
namespace {

int Millis(absl::Duration d) { return static_cast<int>(absl::ToInt64Milliseconds(d)); }

}  // namespace

int StartupFailure(absl::string_view program, absl::string_view message) {
  std::fprintf(stderr, "%s: %s\n", std::string(program).c_str(), std::string(message).c_str());
  return 2;
}

absl::Status ParseServiceFlags(const std::vector<std::string>& flag_files, const char* usage,
                               int argc, char** argv) {
  absl::SetProgramUsageMessage(usage);
  if (absl::Status env = ApplyEnvironmentNamedInHelp(flag_files); !env.ok()) return env;
  ShowMainFlagsInHelp(flag_files);
  absl::ParseCommandLine(argc, argv);
#ifdef NDEBUG
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
#endif
  return absl::OkStatus();
}

absl::Status ApplyLogFormatFlag(const std::string& value) {
  LogFormat format;
  if (!ParseLogFormat(value, &format)) {
    return absl::InvalidArgumentError("--log_format must be text or json");
  }
  SetLogFormat(format);
  return absl::OkStatus();
}

absl::StatusOr<bool> ParseAuthFlag(const std::string& value) {
  if (value == "required") return true;
  if (value == "disabled") return false;
  return absl::InvalidArgumentError("--auth (or STATUSCAST_AUTH) must be required or disabled");
}

ServerTlsFlags GrpcTlsFlags(const std::string& cert, const std::string& key,
                            const std::string& client_ca, absl::Duration reload_interval) {
  ServerTlsFlags flags;
  flags.cert.path = cert;
  flags.key.path = key;
  flags.client_ca.path = client_ca;
  flags.reload_interval = reload_interval;
  return flags;
}

void ApplyConnectionSettings(grpc::ServerBuilder& builder, const GrpcConnectionSettings& s) {
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, Millis(s.keepalive_time));
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 10000);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 10000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_MS, Millis(s.max_connection_age));
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_GRACE_MS,
                             Millis(s.max_connection_age_grace));
}

std::vector<std::string> WithHealthAndReflection(std::vector<std::string> served) {
  served.push_back("/grpc.health.v1.Health/Check");
  served.push_back("/grpc.health.v1.Health/Watch");
  served.push_back("/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo");
  return served;
}

absl::StatusOr<ListeningServer> StartGrpcServer(grpc::ServerBuilder& builder,
                                                const std::string& address,
                                                const std::string& address_flag,
                                                const ServerTls& tls,
                                                prometheus::Registry& registry,
                                                std::vector<std::string> served) {
  ListeningServer out;
  builder.AddListeningPort(address, ServerCredentialsFor(tls), &out.port);
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(GrpcRequestMetrics(registry, WithHealthAndReflection(std::move(served))));
  builder.experimental().SetInterceptorCreators(std::move(interceptors));
  out.server = builder.BuildAndStart();
  if (!out.server || out.port == 0) {
    return absl::UnavailableError(CannotListen(address, address_flag));
  }
  return out;
}

absl::StatusOr<std::unique_ptr<prometheus::Exposer>> ServeMetrics(
    const std::string& address, std::shared_ptr<prometheus::Registry> registry) {
  std::unique_ptr<prometheus::Exposer> exposer;
  try {
    exposer = std::make_unique<prometheus::Exposer>(address);
  } catch (const std::exception& e) {
    return absl::UnavailableError(absl::StrCat(
        "cannot serve metrics on ", address, " (in use? set --metrics_address): ", e.what()));
  }
  exposer->RegisterCollectable(registry);
  return exposer;
}

std::string CannotListen(const std::string& address, const std::string& flag) {
  return absl::StrCat("cannot listen on ", address, " (in use? set ", flag, ")");
}

StopSignals::StopSignals() {
  sigemptyset(&signals_);
  sigaddset(&signals_, SIGTERM);
  sigaddset(&signals_, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals_, nullptr);
}

int StopSignals::Wait() {
  int signal_number = 0;
  sigwait(&signals_, &signal_number);
  LogEvent("shutting_down", {{"signal", absl::StrCat(signal_number)}});
  return signal_number;
}

std::chrono::system_clock::time_point ShutdownDeadline(absl::Duration grace) {
  return std::chrono::system_clock::now() +
         std::chrono::duration_cast<std::chrono::system_clock::duration>(
             absl::ToChronoNanoseconds(grace));
}

}  // namespace statuscast
