// What both service mains (statuscast-comms, statuscast-banner) do the same
// way between argv and serving: flags from the environment and the command
// line, logging, TLS for the gRPC port, the gRPC connection settings, the
// Prometheus exposer, a gRPC server with request metrics, and a graceful stop
// on SIGTERM or SIGINT. The flags the mains share, and StartService, which
// reads them, are in libs/startup/service_flags.h.
//
//   StopSignals stop;  // before any thread starts
//   absl::StatusOr<std::unique_ptr<prometheus::Exposer>> exposer = ServeMetrics(address, registry);
//   grpc::ServerBuilder builder;  ... RegisterService ...
//   ApplyConnectionSettings(builder, settings);
//   absl::StatusOr<ListeningServer> server =
//       StartGrpcServer(builder, address, "--grpc_address", tls, *registry, {"statuscast.v1.X"});
//   LogEvent("listening", ...);
//   stop.Wait();  // logs shutting_down; then stop the parts in order
//
// Every error is a message for stderr that names the flag at fault; the
// mains turn it into exit code 2 with StartupFailure.
//
// Thread safety: call from main, before other threads start (StopSignals::Wait
// then blocks main until a stop signal).
#ifndef STATUSCAST_LIBS_RPC_SERVER_STARTUP_H_
#define STATUSCAST_LIBS_RPC_SERVER_STARTUP_H_

#include <signal.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "libs/rpc/server_credentials.h"

namespace grpc {
class Server;
class ServerBuilder;
}  // namespace grpc
namespace prometheus {
class Exposer;
class Registry;
}  // namespace prometheus

namespace statuscast {

// Prints "<program>: <message>" on stderr; returns 2, the exit code of a
// start-up refused for its configuration.
int StartupFailure(absl::string_view program, absl::string_view message);

// Sets the --help usage text, lists the flags of `flag_files` (__FILE__ of
// main.cc and of the libraries that define the shared ones) in --help, sets
// each of them from the environment variable its help names
// (ApplyEnvironmentNamedInHelp), then parses the command line, which wins.
// In release builds it also turns off Abseil's lock-order checking (a fifth
// of the CPU under gRPC load). The error: a variable that does not parse.
absl::Status ParseServiceFlags(const std::vector<std::string>& flag_files, const char* usage,
                               int argc, char** argv);

// --log_format: "text" or "json"; sets the format of LogEvent lines.
absl::Status ApplyLogFormatFlag(const std::string& value);

// --auth: true for "required", false for "disabled"; an error otherwise.
absl::StatusOr<bool> ParseAuthFlag(const std::string& value);

// The gRPC port's TLS flags, named as both services name them: --tls_cert,
// --tls_key, --tls_client_ca and --tls_reload_interval.
ServerTlsFlags GrpcTlsFlags(const std::string& cert, const std::string& key,
                            const std::string& client_ca, absl::Duration reload_interval);

// Settings every statuscast gRPC server applies to its connections.
struct GrpcConnectionSettings {
  absl::Duration keepalive_time;            // --keepalive_time
  absl::Duration max_connection_age;        // --max_connection_age
  absl::Duration max_connection_age_grace;  // --max_connection_age_grace
};
// Server keepalive pings every keepalive_time (10 s to answer), clients may
// ping without calls every 10 s at most, and connections end after
// max_connection_age plus max_connection_age_grace for calls still running.
void ApplyConnectionSettings(grpc::ServerBuilder& builder, const GrpcConnectionSettings& settings);

// `served` (for GrpcRequestMetrics) with the methods of HealthAndReflection
// added, which every statuscast gRPC server carries.
std::vector<std::string> WithHealthAndReflection(std::vector<std::string> served);

// A gRPC server started from `builder` (services registered, channel
// arguments set), listening on `address` with `tls`'s credentials, every call
// of `served` (plus health and reflection) counted in `registry`
// (GrpcRequestMetrics). The error: CannotListen(address, address_flag).
// REQUIRES: `registry` outlives the server.
struct ListeningServer {
  std::unique_ptr<grpc::Server> server;
  int port = 0;  // the port bound (address may name port 0)
};
absl::StatusOr<ListeningServer> StartGrpcServer(grpc::ServerBuilder& builder,
                                                const std::string& address,
                                                const std::string& address_flag,
                                                const ServerTls& tls,
                                                prometheus::Registry& registry,
                                                std::vector<std::string> served);

// A Prometheus exposer serving `registry` at http://`address`/metrics. The
// error names the address and the flag to change (--metrics_address).
absl::StatusOr<std::unique_ptr<prometheus::Exposer>> ServeMetrics(
    const std::string& address, std::shared_ptr<prometheus::Registry> registry);

// The error for a gRPC listener that did not start: "cannot listen on
// <address> (in use? set <flag>)".
std::string CannotListen(const std::string& address, const std::string& flag);

// SIGTERM and SIGINT, blocked in the constructor (so every thread started
// later inherits the mask) and awaited by Wait.
class StopSignals {
 public:
  StopSignals();
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

  // Blocks until a stop signal arrives, logs "shutting_down" with its
  // number, and returns the number.
  int Wait();

 private:
  sigset_t signals_;
};

// The chrono deadline `grace` from now, for grpc::Server::Shutdown.
std::chrono::system_clock::time_point ShutdownDeadline(absl::Duration grace);

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_RPC_SERVER_STARTUP_H_
