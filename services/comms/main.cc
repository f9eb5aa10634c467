// statuscast-comms: owns incident state in PostgreSQL behind
// statuscast.v1.IncidentService. main only validates configuration and wires
// real things together; the logic lives in libs/.
#include <grpcpp/grpcpp.h>
#include <prometheus/exposer.h>
#include <prometheus/registry.h>
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <memory>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "libs/auth/pg_token_store.h"
#include "libs/auth/token_issuer.h"
#include "libs/auth/token_verifier.h"
#include "libs/base/clock.h"
#include "libs/base/flag_env.h"
#include "libs/base/time_text.h"
#include "libs/base/log.h"
#include "libs/incident/incident_commands.h"
#include "libs/incident/lint_policy.h"
#include "libs/lint/linter.h"
#include "libs/pgstore/change_feed.h"
#include "libs/pgstore/migrator.h"
#include "libs/pgstore/pg_incident_store.h"
#include "libs/metrics/grpc_request_metrics.h"
#include "libs/pgstore/pg_reminder_store.h"
#include "libs/rpc/health_and_reflection.h"
#include "libs/rpc/server_credentials.h"
#include "services/comms/compliance_grpc_service.h"
#include "services/comms/incident_grpc_service.h"
#include "services/comms/token_grpc_service.h"

ABSL_FLAG(std::string, grpc_address, "127.0.0.1:7400",
          "gRPC listen address (env STATUSCAST_COMMS_GRPC_ADDRESS)");
ABSL_FLAG(std::string, tls_cert, "",
          "PEM certificate chain for gRPC over TLS; with --tls_key. Empty: plaintext "
          "(env STATUSCAST_TLS_CERT)");
ABSL_FLAG(std::string, tls_key, "",
          "PEM private key (unencrypted) of --tls_cert (env STATUSCAST_TLS_KEY)");
ABSL_FLAG(std::string, tls_client_ca, "",
          "PEM CA certificate(s): require mutual TLS, every client presents a certificate this "
          "CA signed; recommended for this internal API (env STATUSCAST_TLS_CLIENT_CA)");
ABSL_FLAG(absl::Duration, tls_reload_interval, absl::Seconds(60),
          "re-read --tls_cert, --tls_key and --tls_client_ca this often, so rotated files "
          "apply to new connections without a restart; 0: never (env "
          "STATUSCAST_TLS_RELOAD_INTERVAL)");
ABSL_FLAG(std::string, database_url, "",
          "PostgreSQL connection URL, required (env STATUSCAST_DATABASE_URL)");
ABSL_FLAG(int, db_pool_size, 8, "PostgreSQL connections in the pool (env STATUSCAST_DB_POOL_SIZE)");
ABSL_FLAG(std::string, cadence, "SEV-1=30m,SEV-2=60m",
          "longest gap a next-update promise may reach, per severity; SEV-3 has none "
          "(env STATUSCAST_CADENCE)");
ABSL_FLAG(absl::Duration, first_communication_target, absl::Minutes(15),
          "first update due this long after the confirmed start "
          "(env STATUSCAST_FIRST_COMMUNICATION_TARGET)");
ABSL_FLAG(absl::Duration, promise_grace, absl::Seconds(60),
          "an update this late still keeps its promise (env STATUSCAST_PROMISE_GRACE)");
ABSL_FLAG(std::string, log_format, "text", "text or json (env STATUSCAST_LOG_FORMAT)");
ABSL_FLAG(int, max_watchers, 64,
          "concurrent WatchIncidents streams per replica (env STATUSCAST_MAX_WATCHERS)");
ABSL_FLAG(absl::Duration, watch_poll_interval, absl::Seconds(2),
          "how often followers re-read the change log without a NOTIFY "
          "(env STATUSCAST_WATCH_POLL_INTERVAL)");
ABSL_FLAG(absl::Duration, watch_token_recheck_interval, absl::Seconds(10),
          "WatchIncidents and WatchReminders re-check their token this often (and before every "
          "delivery); a revoked or expired token ends the stream with UNAUTHENTICATED "
          "(env STATUSCAST_WATCH_TOKEN_RECHECK_INTERVAL)");
ABSL_FLAG(absl::Duration, startup_db_timeout, absl::Seconds(60),
          "how long start-up waits for PostgreSQL before giving up "
          "(env STATUSCAST_STARTUP_DB_TIMEOUT)");
ABSL_FLAG(absl::Duration, shutdown_grace, absl::Seconds(10),
          "on SIGTERM, how long in-flight calls may finish (env STATUSCAST_SHUTDOWN_GRACE)");
ABSL_FLAG(absl::Duration, keepalive_time, absl::Seconds(30),
          "server keepalive ping interval (env STATUSCAST_KEEPALIVE_TIME)");
ABSL_FLAG(absl::Duration, max_connection_age, absl::Minutes(30),
          "gRPC connections are closed after this long, so no connection outlives the checks "
          "made when it opened (env STATUSCAST_MAX_CONNECTION_AGE)");
ABSL_FLAG(absl::Duration, max_connection_age_grace, absl::Seconds(30),
          "grace for calls on an aged connection; then they are ended "
          "(env STATUSCAST_MAX_CONNECTION_AGE_GRACE)");
ABSL_FLAG(std::string, lint_reject, statuscast::kDefaultLintReject,
          "severities at which an update with an error-level lint finding is refused "
          "(FAILED_PRECONDITION, nothing written) unless it carries a lint override reason; "
          "at other severities errors only warn. Comma-separated (SEV-1,SEV-2), \"all\" or "
          "\"none\" (env STATUSCAST_LINT_REJECT)");
ABSL_FLAG(std::string, lint_rules, "",
          "extra lint rule files (LintRuleSet text format), comma-separated, applied after the "
          "built-in rules (env STATUSCAST_LINT_RULES)");
ABSL_FLAG(std::string, metrics_address, "127.0.0.1:9400",
          "Prometheus /metrics listen address; empty turns it off "
          "(env STATUSCAST_COMMS_METRICS_ADDRESS)");
ABSL_FLAG(absl::Duration, reminder_lead, absl::Minutes(5),
          "remind this long before a promised update falls due (env STATUSCAST_REMINDER_LEAD)");
ABSL_FLAG(absl::Duration, reminder_check_interval, absl::Seconds(10),
          "how often reminders are checked (env STATUSCAST_REMINDER_CHECK_INTERVAL)");
ABSL_FLAG(absl::Duration, postmortem_due, absl::Hours(24 * 5),
          "a resolved SEV-1/SEV-2 without a published postmortem after this counts as missing "
          "(env STATUSCAST_POSTMORTEM_DUE)");
ABSL_FLAG(bool, migrate_only, false,
          "apply database migrations and exit (env STATUSCAST_MIGRATE_ONLY)");
ABSL_FLAG(std::string, auth, "required",
          "required: every call needs a bearer token (statuscast.v1.TokenService) and the "
          "token's name is recorded as author and actor; disabled: no tokens, request author "
          "fields are trusted (only for a closed network) (env STATUSCAST_AUTH)");
ABSL_FLAG(std::string, create_token, "",
          "create an API token with this name, print its secret to stdout and exit (after "
          "applying migrations); the way to make the first admin token. Command line only");
ABSL_FLAG(std::string, token_scope, "",
          "scope of --create_token: read, write or admin. Command line only");
ABSL_FLAG(absl::Duration, token_ttl, statuscast::kDefaultTokenTtl,
          "lifetime of --create_token, at most 8760h. Command line only");

namespace statuscast {
namespace {

int Fail(const std::string& message) {
  std::fprintf(stderr, "statuscast-comms: %s\n", message.c_str());
  return 2;
}

// --create_token: the secret alone on stdout (for scripts), the rest on stderr.
int CreateToken(const std::string& url, Scope scope) {
  PgPool pool(url, 1);
  PgTokenStore store(pool);
  TokenIssuer issuer(store, RealClock::Get());
  TokenExpiry expiry;
  expiry.ttl = absl::GetFlag(FLAGS_token_ttl);
  absl::StatusOr<IssuedToken> issued =
      issuer.Create(absl::GetFlag(FLAGS_create_token), scope, expiry, "bootstrap", "bootstrap");
  if (!issued.ok()) {
    std::fprintf(stderr, "statuscast-comms: --create_token: %s\n",
                 std::string(issued.status().message()).c_str());
    return 1;
  }
  std::printf("%s\n", issued->secret.c_str());
  std::fprintf(stderr,
               "statuscast-comms: created token \"%s\" (scope %s, expires %s). Its secret, "
               "printed above, is shown only now: export STATUSCAST_TOKEN=<secret> for "
               "statuscastctl, or send \"authorization: Bearer <secret>\".\n",
               issued->token.name.c_str(), ScopeName(scope),
               FormatUtcMinute(issued->token.expires_at).c_str());
  return 0;
}

int Main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "incident state in PostgreSQL behind gRPC "
      "statuscast.v1.IncidentService.\nEvery flag can also be set by the environment variable "
      "named in its help.\nUsage: statuscast-comms --database_url=postgresql://...\n"
      "The first admin token: statuscast-comms --database_url=... --create_token=NAME "
      "--token_scope=admin");
  absl::Status env = ApplyEnvironmentToFlags({
      {"grpc_address", "STATUSCAST_COMMS_GRPC_ADDRESS"},
      {"tls_cert", "STATUSCAST_TLS_CERT"},
      {"tls_key", "STATUSCAST_TLS_KEY"},
      {"tls_client_ca", "STATUSCAST_TLS_CLIENT_CA"},
      {"tls_reload_interval", "STATUSCAST_TLS_RELOAD_INTERVAL"},
      {"database_url", "STATUSCAST_DATABASE_URL"},
      {"db_pool_size", "STATUSCAST_DB_POOL_SIZE"},
      {"cadence", "STATUSCAST_CADENCE"},
      {"first_communication_target", "STATUSCAST_FIRST_COMMUNICATION_TARGET"},
      {"promise_grace", "STATUSCAST_PROMISE_GRACE"},
      {"log_format", "STATUSCAST_LOG_FORMAT"},
      {"max_watchers", "STATUSCAST_MAX_WATCHERS"},
      {"watch_poll_interval", "STATUSCAST_WATCH_POLL_INTERVAL"},
      {"startup_db_timeout", "STATUSCAST_STARTUP_DB_TIMEOUT"},
      {"shutdown_grace", "STATUSCAST_SHUTDOWN_GRACE"},
      {"keepalive_time", "STATUSCAST_KEEPALIVE_TIME"},
      {"watch_token_recheck_interval", "STATUSCAST_WATCH_TOKEN_RECHECK_INTERVAL"},
      {"max_connection_age", "STATUSCAST_MAX_CONNECTION_AGE"},
      {"max_connection_age_grace", "STATUSCAST_MAX_CONNECTION_AGE_GRACE"},
      {"migrate_only", "STATUSCAST_MIGRATE_ONLY"},
      {"metrics_address", "STATUSCAST_COMMS_METRICS_ADDRESS"},
      {"reminder_lead", "STATUSCAST_REMINDER_LEAD"},
      {"reminder_check_interval", "STATUSCAST_REMINDER_CHECK_INTERVAL"},
      {"postmortem_due", "STATUSCAST_POSTMORTEM_DUE"},
      {"lint_reject", "STATUSCAST_LINT_REJECT"},
      {"lint_rules", "STATUSCAST_LINT_RULES"},
      {"auth", "STATUSCAST_AUTH"},
  });
  if (!env.ok()) return Fail(std::string(env.message()));
  ShowMainFlagsInHelp(__FILE__);
  absl::ParseCommandLine(argc, argv);

#ifdef NDEBUG
  // Abseil's lock-order checking costs a fifth of the CPU under gRPC load.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
#endif

  LogFormat log_format;
  if (!ParseLogFormat(absl::GetFlag(FLAGS_log_format), &log_format)) {
    return Fail("--log_format must be text or json");
  }
  SetLogFormat(log_format);
  ServerTlsFlags tls_flags;
  tls_flags.cert.path = absl::GetFlag(FLAGS_tls_cert);
  tls_flags.key.path = absl::GetFlag(FLAGS_tls_key);
  tls_flags.client_ca.path = absl::GetFlag(FLAGS_tls_client_ca);
  tls_flags.reload_interval = absl::GetFlag(FLAGS_tls_reload_interval);
  absl::StatusOr<ServerTls> tls = LoadServerTls(tls_flags);
  if (!tls.ok()) return Fail(std::string(tls.status().message()));
  const std::string url = absl::GetFlag(FLAGS_database_url);
  if (url.empty()) {
    return Fail("--database_url (or STATUSCAST_DATABASE_URL) is required, e.g. "
                "postgresql://statuscast@127.0.0.1:5432/statuscast");
  }
  if (absl::GetFlag(FLAGS_db_pool_size) < 1 || absl::GetFlag(FLAGS_db_pool_size) > 200) {
    return Fail("--db_pool_size must be 1..200");
  }
  if (absl::GetFlag(FLAGS_max_watchers) < 0) return Fail("--max_watchers must be >= 0");
  if (absl::GetFlag(FLAGS_watch_token_recheck_interval) < absl::Milliseconds(100) ||
      absl::GetFlag(FLAGS_watch_token_recheck_interval) > absl::Hours(1)) {
    return Fail("--watch_token_recheck_interval must be 100ms..1h");
  }
  if (absl::GetFlag(FLAGS_max_connection_age) < absl::Seconds(1) ||
      absl::GetFlag(FLAGS_max_connection_age) > absl::Hours(24 * 24)) {
    return Fail("--max_connection_age must be 1s..576h");
  }
  if (absl::GetFlag(FLAGS_max_connection_age_grace) <= absl::ZeroDuration() ||
      absl::GetFlag(FLAGS_max_connection_age_grace) > absl::Hours(24 * 24)) {
    return Fail(
        "--max_connection_age_grace must be finite and positive (up to 576h), or aged "
        "streams never end");
  }
  if (absl::GetFlag(FLAGS_watch_poll_interval) < absl::Milliseconds(50)) {
    return Fail("--watch_poll_interval must be at least 50ms");
  }
  absl::StatusOr<CadencePolicy> policy =
      CadencePolicy::Parse(absl::GetFlag(FLAGS_cadence),
                           absl::GetFlag(FLAGS_first_communication_target),
                           absl::GetFlag(FLAGS_promise_grace));
  if (!policy.ok()) return Fail(absl::StrCat("--cadence: ", policy.status().message()));
  absl::StatusOr<LintPolicy> lint_policy = LintPolicy::Parse(absl::GetFlag(FLAGS_lint_reject));
  if (!lint_policy.ok()) {
    return Fail(absl::StrCat("--lint_reject: ", lint_policy.status().message()));
  }
  std::vector<std::string> lint_rule_files =
      absl::StrSplit(absl::GetFlag(FLAGS_lint_rules), ',', absl::SkipWhitespace());
  for (std::string& f : lint_rule_files) f = std::string(absl::StripAsciiWhitespace(f));
  absl::StatusOr<std::unique_ptr<lint::Linter>> linter = lint::Linter::Default(lint_rule_files);
  if (!linter.ok()) {
    // Name the file at fault even when the linter's message does not.
    std::string message(linter.status().message());
    for (const std::string& f : lint_rule_files) {
      if (!lint::Linter::Default({f}).ok()) {
        if (!absl::StrContains(message, f)) message = absl::StrCat(f, ": ", message);
        break;
      }
    }
    return Fail(absl::StrCat("--lint_rules: ", message));
  }
  const std::string auth = absl::GetFlag(FLAGS_auth);
  if (auth != "required" && auth != "disabled") {
    return Fail("--auth (or STATUSCAST_AUTH) must be required or disabled");
  }
  absl::optional<Scope> token_scope;
  if (!absl::GetFlag(FLAGS_create_token).empty()) {
    token_scope = ParseScope(absl::GetFlag(FLAGS_token_scope));
    if (!token_scope) return Fail("--create_token needs --token_scope=read, write or admin");
  }
  setenv("PGCONNECT_TIMEOUT", "5", 0);

  // Migrations: wait for PostgreSQL a while at start-up, then fail fast.
  if (absl::StatusOr<int> applied =
          ApplyMigrationsWhenReachable(url, absl::GetFlag(FLAGS_startup_db_timeout));
      !applied.ok()) {
    return Fail(absl::StrCat("database migrations failed: ", applied.status().message()));
  }
  if (absl::GetFlag(FLAGS_migrate_only)) return 0;
  if (token_scope) return CreateToken(url, *token_scope);

  // Block the stop signals before any thread starts; main waits for them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  PgPool pool(url, absl::GetFlag(FLAGS_db_pool_size));
  PgIncidentStore store(pool);
  IncidentCommands commands(RealClock::Get(), store, IncidentRules(*policy, InputLimits()),
                            linter->get(), *lint_policy);
  ChangeFeed feed(url, absl::GetFlag(FLAGS_watch_poll_interval));
  feed.Start();
  WatchOptions watch;
  watch.max_watchers = absl::GetFlag(FLAGS_max_watchers);
  watch.poll_interval = absl::GetFlag(FLAGS_watch_poll_interval);
  watch.token_recheck_interval = absl::GetFlag(FLAGS_watch_token_recheck_interval);
  ComplianceOptions compliance_options;
  compliance_options.postmortem_due = absl::GetFlag(FLAGS_postmortem_due);
  PgTokenStore tokens(pool);
  TokenIssuer token_issuer(tokens, RealClock::Get());
  TokenVerifier verifier(tokens, RealClock::Get());
  TokenVerifier* const token_verifier = auth == "required" ? &verifier : nullptr;
  IncidentGrpcService service(commands, feed, token_verifier, watch, compliance_options);
  TokenGrpcService token_service(token_issuer, token_verifier);
  PgReminderStore reminders(pool);
  ReminderOptions reminder_options;
  reminder_options.lead = absl::GetFlag(FLAGS_reminder_lead);
  reminder_options.check_interval = absl::GetFlag(FLAGS_reminder_check_interval);
  reminder_options.token_recheck_interval = absl::GetFlag(FLAGS_watch_token_recheck_interval);
  ComplianceGrpcService compliance(store, reminders, RealClock::Get(), token_verifier, *policy,
                                   compliance_options, reminder_options);
  compliance.Start();

  auto registry = std::make_shared<prometheus::Registry>();
  std::unique_ptr<prometheus::Exposer> exposer;
  if (!absl::GetFlag(FLAGS_metrics_address).empty()) {
    try {
      exposer = std::make_unique<prometheus::Exposer>(absl::GetFlag(FLAGS_metrics_address));
    } catch (const std::exception& e) {
      feed.Stop();
      return Fail(absl::StrCat("cannot serve metrics on ", absl::GetFlag(FLAGS_metrics_address),
                               " (in use? set --metrics_address): ", e.what()));
    }
    exposer->RegisterCollectable(registry);
  }

  HealthAndReflection health_and_reflection;  // public: grpc.health.v1.Health, reflection
  grpc::ServerBuilder builder;
  health_and_reflection.AddTo(builder);
  int port = 0;
  builder.AddListeningPort(absl::GetFlag(FLAGS_grpc_address), ServerCredentialsFor(*tls), &port);
  builder.RegisterService(&service);
  builder.RegisterService(&compliance);
  builder.RegisterService(&token_service);
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(GrpcRequestMetrics(
      *registry,
      {"statuscast.v1.IncidentService", "statuscast.v1.ComplianceService",
       "statuscast.v1.TokenService", "/grpc.health.v1.Health/Check", "/grpc.health.v1.Health/Watch",
       "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo"}));
  builder.experimental().SetInterceptorCreators(std::move(interceptors));
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS,
                             static_cast<int>(absl::ToInt64Milliseconds(
                                 absl::GetFlag(FLAGS_keepalive_time))));
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 10000);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 10000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  builder.AddChannelArgument(
      GRPC_ARG_MAX_CONNECTION_AGE_MS,
      static_cast<int>(absl::ToInt64Milliseconds(absl::GetFlag(FLAGS_max_connection_age))));
  builder.AddChannelArgument(
      GRPC_ARG_MAX_CONNECTION_AGE_GRACE_MS,
      static_cast<int>(absl::ToInt64Milliseconds(absl::GetFlag(FLAGS_max_connection_age_grace))));
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server || port == 0) {
    feed.Stop();
    return Fail(absl::StrCat("cannot listen on ", absl::GetFlag(FLAGS_grpc_address),
                             " (in use? set --grpc_address)"));
  }
  LogEvent("listening", {{"grpc_address", absl::GetFlag(FLAGS_grpc_address)},
                         {"port", absl::StrCat(port)},
                         {"tls", tls->ModeName()},
                         {"auth", auth},
                         {"lint_reject", lint_policy->Describe()},
                         {"lint_rules", absl::StrCat((*linter)->RuleIds().size())}});

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  LogEvent("shutting_down", {{"signal", absl::StrCat(signal_number)}});
  health_and_reflection.Shutdown();  // probes see NOT_SERVING; health watches end
  feed.Stop();        // ends WatchIncidents streams; clients resume elsewhere
  compliance.Stop();  // ends reminder streams
  server->Shutdown(std::chrono::system_clock::now() +
                   absl::ToChronoNanoseconds(absl::GetFlag(FLAGS_shutdown_grace)));
  LogEvent("stopped", {});
  return 0;
}

}  // namespace
}  // namespace statuscast

int main(int argc, char** argv) { return statuscast::Main(argc, argv); }
