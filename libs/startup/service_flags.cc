#include "libs/startup/service_flags.h"

#include <sys/resource.h>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "libs/base/log.h"
#include "libs/pgstore/startup_database.h"

ABSL_FLAG(std::string, log_format, "text", "text or json (env STATUSCAST_LOG_FORMAT)");
ABSL_FLAG(std::string, tls_cert, "",
          "PEM certificate chain for gRPC over TLS; with --tls_key. Empty: plaintext "
          "(env STATUSCAST_TLS_CERT)");
ABSL_FLAG(std::string, tls_key, "",
          "PEM private key (unencrypted) of --tls_cert (env STATUSCAST_TLS_KEY)");
ABSL_FLAG(std::string, database_url, "",
          "PostgreSQL connection URL, required (env STATUSCAST_DATABASE_URL)");
ABSL_FLAG(absl::Duration, startup_db_timeout, absl::Seconds(60),
          "how long start-up waits for PostgreSQL before giving up "
          "(env STATUSCAST_STARTUP_DB_TIMEOUT)");
ABSL_FLAG(absl::Duration, shutdown_grace, absl::Seconds(10),
          "on SIGTERM, how long in-flight calls may finish (env STATUSCAST_SHUTDOWN_GRACE)");
ABSL_FLAG(absl::Duration, keepalive_time, absl::Seconds(30),
          "gRPC server keepalive ping interval (env STATUSCAST_KEEPALIVE_TIME)");
ABSL_FLAG(absl::Duration, max_connection_age, absl::Minutes(30),
          "gRPC connections are closed after this long, so streams rebalance across replicas "
          "and no connection outlives the checks made when it opened; 1s..576h "
          "(env STATUSCAST_MAX_CONNECTION_AGE)");
ABSL_FLAG(absl::Duration, max_connection_age_grace, absl::Seconds(30),
          "grace for calls and streams on an aged connection; then they are ended "
          "(env STATUSCAST_MAX_CONNECTION_AGE_GRACE)");
ABSL_FLAG(std::string, cadence, "SEV-1=30m,SEV-2=60m",
          "longest gap a next-update promise may reach, per severity; SEV-3 has none. Give "
          "statuscast-comms and statuscast-banner (compliance metrics) the same "
          "(env STATUSCAST_CADENCE)");
ABSL_FLAG(absl::Duration, first_communication_target, absl::Minutes(15),
          "first update due this long after the confirmed start "
          "(env STATUSCAST_FIRST_COMMUNICATION_TARGET)");
ABSL_FLAG(absl::Duration, promise_grace, absl::Seconds(60),
          "an update this late still keeps its promise (env STATUSCAST_PROMISE_GRACE)");
ABSL_FLAG(absl::Duration, postmortem_due, absl::Hours(24 * 5),
          "a resolved SEV-1/SEV-2 without a published postmortem after this counts as missing "
          "(env STATUSCAST_POSTMORTEM_DUE)");

// Defined in each service's main.cc: their help speaks of that service's ports.
ABSL_DECLARE_FLAG(std::string, tls_client_ca);
ABSL_DECLARE_FLAG(absl::Duration, tls_reload_interval);

namespace statuscast {

namespace {

// Every subscriber stream holds a socket: a process started with a low soft
// limit on open files (1,024 under many init systems) would stop accepting
// long before the machine's limit (gRPC stops accepting for good after one
// "Too many open files"). The soft limit is raised to the hard one, as the Go
// runtime does, and logged.
void RaiseOpenFileLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  const rlim_t before = limit.rlim_cur;
  if (limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &limit) != 0) limit.rlim_cur = before;
  }
  auto text = [](rlim_t v) {
    return v == RLIM_INFINITY ? std::string("unlimited") : absl::StrCat(v);
  };
  LogEvent("open_file_limit",
           {{"soft", text(limit.rlim_cur)}, {"hard", text(limit.rlim_max)},
            {"was", text(before)}});
}

}  // namespace

absl::StatusOr<ServerTls> StartService(const char* main_file, const char* usage, int argc,
                                       char** argv) {
  if (absl::Status s = ParseServiceFlags({main_file, __FILE__}, usage, argc, argv); !s.ok()) {
    return s;
  }
  if (absl::Status s = ApplyLogFormatFlag(absl::GetFlag(FLAGS_log_format)); !s.ok()) return s;
  RaiseOpenFileLimit();
  return LoadServerTls(GrpcTlsFlags(absl::GetFlag(FLAGS_tls_cert), absl::GetFlag(FLAGS_tls_key),
                                    absl::GetFlag(FLAGS_tls_client_ca),
                                    absl::GetFlag(FLAGS_tls_reload_interval)));
}

absl::StatusOr<std::string> DatabaseUrlFromFlag() {
  std::string url = absl::GetFlag(FLAGS_database_url);
  if (absl::Status s = CheckDatabaseUrlFlag(url); !s.ok()) return s;
  return url;
}

absl::Status MigrateDatabase(const std::string& url) {
  return MigrateAtStartup(url, absl::GetFlag(FLAGS_startup_db_timeout));
}

absl::StatusOr<GrpcConnectionSettings> ConnectionSettingsFromFlags() {
  GrpcConnectionSettings s{absl::GetFlag(FLAGS_keepalive_time),
                           absl::GetFlag(FLAGS_max_connection_age),
                           absl::GetFlag(FLAGS_max_connection_age_grace)};
  if (s.max_connection_age < absl::Seconds(1) || s.max_connection_age > absl::Hours(24 * 24)) {
    return absl::InvalidArgumentError("--max_connection_age must be 1s..576h");
  }
  if (s.max_connection_age_grace <= absl::ZeroDuration() ||
      s.max_connection_age_grace > absl::Hours(24 * 24)) {
    return absl::InvalidArgumentError(
        "--max_connection_age_grace must be finite and positive (up to 576h), or aged streams "
        "never end");
  }
  return s;
}

absl::StatusOr<CadencePolicy> CadenceFromFlags() {
  absl::StatusOr<CadencePolicy> policy = CadencePolicy::Parse(
      absl::GetFlag(FLAGS_cadence), absl::GetFlag(FLAGS_first_communication_target),
      absl::GetFlag(FLAGS_promise_grace));
  if (!policy.ok()) {
    return absl::Status(policy.status().code(),
                        absl::StrCat("--cadence: ", policy.status().message()));
  }
  return policy;
}

ComplianceOptions ComplianceFromFlags() {
  ComplianceOptions options;
  options.postmortem_due = absl::GetFlag(FLAGS_postmortem_due);
  return options;
}

std::chrono::system_clock::time_point ShutdownDeadlineFromFlag() {
  return ShutdownDeadline(absl::GetFlag(FLAGS_shutdown_grace));
}

}  // namespace statuscast
