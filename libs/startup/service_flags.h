// The flags both service mains (statuscast-comms, statuscast-banner) define
// alike, defined once here, and the start-up steps that read them. Each
// main.cc defines only the flags that are its own (its addresses, pool size,
// --auth and --tls_client_ca/--tls_reload_interval, whose help speaks of its
// own ports) and --help lists both files' flags.
//
//   int Fail(const std::string& m) { return StartupFailure("statuscast-comms", m); }
//   absl::StatusOr<ServerTls> tls = StartService(__FILE__, kUsage, argc, argv);
//   if (!tls.ok()) return Fail(std::string(tls.status().message()));
//   absl::StatusOr<std::string> url = DatabaseUrlFromFlag();
//   absl::StatusOr<GrpcConnectionSettings> connections = ConnectionSettingsFromFlags();
//   absl::StatusOr<CadencePolicy> policy = CadenceFromFlags();
//   ... the main's own checks ...
//   absl::Status migrated = MigrateDatabase(*url);
//
// Shared here (env variables as the help names them): --log_format,
// --tls_cert, --tls_key, --database_url, --startup_db_timeout,
// --shutdown_grace, --keepalive_time, --max_connection_age,
// --max_connection_age_grace, --cadence, --first_communication_target,
// --promise_grace, --postmortem_due.
//
// Every error is a message for stderr that names the flag at fault (the mains
// exit with StartupFailure's code 2).
// Thread safety: call from main before other threads start.
#ifndef STATUSCAST_LIBS_STARTUP_SERVICE_FLAGS_H_
#define STATUSCAST_LIBS_STARTUP_SERVICE_FLAGS_H_

#include <chrono>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "libs/cadence/compliance.h"
#include "libs/incident/cadence_policy.h"
#include "libs/rpc/server_credentials.h"
#include "libs/rpc/server_startup.h"

namespace statuscast {

// ParseServiceFlags over the flags of `main_file` (__FILE__ of main.cc) and
// of this library, then --log_format, the soft limit on open files raised to
// the hard one (one log line), and the gRPC port's TLS (--tls_cert,
// --tls_key, --tls_client_ca, --tls_reload_interval): the first steps of
// both services, in this order.
// REQUIRES: main.cc defines --tls_client_ca and --tls_reload_interval.
absl::StatusOr<ServerTls> StartService(const char* main_file, const char* usage, int argc,
                                       char** argv);

// --database_url; INVALID_ARGUMENT with an example when it is empty.
absl::StatusOr<std::string> DatabaseUrlFromFlag();

// Applies the migrations to `url`, waiting up to --startup_db_timeout for
// PostgreSQL (MigrateAtStartup).
absl::Status MigrateDatabase(const std::string& url);

// --keepalive_time, --max_connection_age (1s..576h) and
// --max_connection_age_grace (finite and positive, up to 576h, or aged
// streams never end).
absl::StatusOr<GrpcConnectionSettings> ConnectionSettingsFromFlags();

// --cadence, --first_communication_target and --promise_grace; the error
// starts "--cadence: ".
absl::StatusOr<CadencePolicy> CadenceFromFlags();

// --postmortem_due.
ComplianceOptions ComplianceFromFlags();

// --shutdown_grace from now, for grpc::Server::Shutdown.
std::chrono::system_clock::time_point ShutdownDeadlineFromFlag();

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_STARTUP_SERVICE_FLAGS_H_
