// statuscast-comms: owns incident state in PostgreSQL behind
// statuscast.v1.IncidentService. main only validates configuration and wires
// real things together; the logic lives in libs/.
#include <grpcpp/grpcpp.h>
#include <prometheus/counter.h>
#include <prometheus/exposer.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <cstdio>
#include <memory>
#include <pqxx/nontransaction>
#include <string>

#include "absl/flags/flag.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "libs/auth/pg_token_store.h"
#include "libs/auth/token_issuer.h"
#include "libs/auth/token_verifier.h"
#include "libs/base/clock.h"
#include "libs/base/log.h"
#include "libs/base/public_url.h"
#include "libs/base/time_text.h"
#include "libs/incident/incident_commands.h"
#include "libs/incident/lint_policy.h"
#include "libs/incident/post_policy.h"
#include "libs/lint/linter.h"
#include "libs/pgstore/pg_maintenance_store.h"
#include "libs/pgstore/change_feed.h"
#include "libs/pgstore/pg_incident_store.h"
#include "libs/pgstore/pg_reminder_store.h"
#include "libs/rpc/dependency_health.h"
#include "libs/rpc/health_and_reflection.h"
#include "libs/rpc/server_credentials.h"
#include "libs/rpc/server_startup.h"
#include "libs/startup/service_flags.h"
#include "services/comms/compliance_grpc_service.h"
#include "services/comms/incident_grpc_service.h"
#include "services/comms/notifier_role.h"
#include "services/comms/subscriber_grpc_service.h"
#include "services/comms/maintenance_grpc_service.h"
#include "services/comms/token_grpc_service.h"

ABSL_FLAG(std::string, grpc_address, "127.0.0.1:7400",
          "gRPC listen address (env STATUSCAST_COMMS_GRPC_ADDRESS)");
ABSL_FLAG(std::string, tls_client_ca, "",
          "PEM CA certificate(s): require mutual TLS, every client presents a certificate this "
          "CA signed; recommended for this internal API (env STATUSCAST_TLS_CLIENT_CA)");
ABSL_FLAG(absl::Duration, tls_reload_interval, absl::Seconds(60),
          "re-read --tls_cert, --tls_key and --tls_client_ca this often, so rotated files "
          "apply to new connections without a restart; 0: never (env "
          "STATUSCAST_TLS_RELOAD_INTERVAL)");
ABSL_FLAG(int, db_pool_size, 8, "PostgreSQL connections in the pool (env STATUSCAST_DB_POOL_SIZE)");
ABSL_FLAG(absl::Duration, db_health_interval, absl::Seconds(5),
          "probe PostgreSQL (SELECT 1 through the pool) this often for the gRPC health of "
          "statuscast.v1.IncidentService (env STATUSCAST_DB_HEALTH_INTERVAL)");
ABSL_FLAG(absl::Duration, db_health_timeout, absl::Seconds(2),
          "a probe that fails or has not answered in this long turns the gRPC health of "
          "statuscast.v1.IncidentService NOT_SERVING (\"\" stays SERVING: the process is "
          "alive) until a probe answers in time (env STATUSCAST_DB_HEALTH_TIMEOUT)");
ABSL_FLAG(int, max_watchers, 64,
          "concurrent WatchIncidents streams per replica (env STATUSCAST_MAX_WATCHERS)");
ABSL_FLAG(absl::Duration, watch_poll_interval, absl::Seconds(2),
          "how often followers re-read the change log without a NOTIFY "
          "(env STATUSCAST_WATCH_POLL_INTERVAL)");
ABSL_FLAG(absl::Duration, watch_token_recheck_interval, absl::Seconds(10),
          "WatchIncidents and WatchReminders re-check their token this often (and before every "
          "delivery); a revoked or expired token ends the stream with UNAUTHENTICATED "
          "(env STATUSCAST_WATCH_TOKEN_RECHECK_INTERVAL)");
ABSL_FLAG(std::string, lint_reject, statuscast::kDefaultLintReject,
          "severities at which an update with an error-level lint finding is refused "
          "(FAILED_PRECONDITION, nothing written) unless it carries a lint override reason; "
          "at other severities errors only warn. Comma-separated (SEV-1,SEV-2), \"all\" or "
          "\"none\" (env STATUSCAST_LINT_REJECT)");
ABSL_FLAG(std::string, post_policy, "roles",
          "who may post customer-facing text (updates, resolve, reopen, postmortem) for an "
          "incident: roles: only its incident commander or communications lead, or an admin "
          "token (others get PERMISSION_DENIED and can propose a draft for them to approve; the "
          "declaring token is the commander unless the declaration names one); any: every token "
          "with write scope (env STATUSCAST_POST_POLICY)");
ABSL_FLAG(absl::Duration, comms_lead_reminder, absl::Minutes(10),
          "remind (and count in statuscast_comms_incidents_without_comms_lead) when a SEV-1 or "
          "SEV-2 still has no communications lead this long after it was declared; 0: never "
          "(env STATUSCAST_COMMS_LEAD_REMINDER)");
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
ABSL_FLAG(bool, notify, false,
          "run the notifier: send queued notifications to subscribers (email, webhooks, Slack); "
          "any number of replicas may (env STATUSCAST_NOTIFY)");
ABSL_FLAG(int, notify_workers, 16,
          "concurrent deliveries of this replica's notifier (env STATUSCAST_NOTIFY_WORKERS)");
ABSL_FLAG(int, notify_max_per_host, 4,
          "concurrent deliveries to one webhook host, so a slow receiver delays no other (env "
          "STATUSCAST_NOTIFY_MAX_PER_HOST)");
ABSL_FLAG(absl::Duration, notify_poll_interval, absl::Milliseconds(250),
          "how often an idle notifier looks for due notifications (env "
          "STATUSCAST_NOTIFY_POLL_INTERVAL)");
ABSL_FLAG(absl::Duration, notify_retry_base, absl::Seconds(30),
          "the first retry of a failed delivery comes within this; each next one within twice "
          "the last, at most an hour apart, with full jitter (env STATUSCAST_NOTIFY_RETRY_BASE)");
ABSL_FLAG(absl::Duration, notify_give_up_after, absl::Hours(24),
          "a notification not delivered this long after its update is given up and recorded "
          "as such (env STATUSCAST_NOTIFY_GIVE_UP_AFTER)");
ABSL_FLAG(absl::Duration, notify_lease, absl::Minutes(2),
          "a claimed notification is another replica's to retry after this long without an "
          "outcome (its notifier died); at least 35s, longer than any one send (env "
          "STATUSCAST_NOTIFY_LEASE)");
ABSL_FLAG(std::string, status_page_url, "",
          "public base URL of the status page (statuscast-banner), for the links in "
          "notifications: incident pages, confirm and unsubscribe; required with --notify (env "
          "STATUSCAST_STATUS_PAGE_URL)");
ABSL_FLAG(std::string, page_name, "Status",
          "the status page's name in notifications (env STATUSCAST_PAGE_NAME)");
ABSL_FLAG(std::string, link_token_secret_file, "",
          "file holding the key (32+ bytes) that signs confirm and unsubscribe links; the same "
          "file as statuscast-banner's; required with --notify (env "
          "STATUSCAST_LINK_TOKEN_SECRET_FILE)");
ABSL_FLAG(std::string, smtp_host, "",
          "SMTP relay for notification mail; empty: no mail is sent, it stays queued (env "
          "STATUSCAST_SMTP_HOST)");
ABSL_FLAG(int, smtp_max_connections, 8,
          "concurrent mails (SMTP sessions, each kept open for the next mail) to the relay from "
          "this replica's notifier (env STATUSCAST_SMTP_MAX_CONNECTIONS)");
ABSL_FLAG(int, smtp_port, 587, "SMTP relay port; 465 means implicit TLS (env STATUSCAST_SMTP_PORT)");
ABSL_FLAG(std::string, smtp_starttls, "required",
          "required, optional or off: STARTTLS to the relay (env STATUSCAST_SMTP_STARTTLS)");
ABSL_FLAG(std::string, smtp_user, "",
          "SMTP AUTH user name; empty: no AUTH (env STATUSCAST_SMTP_USER)");
ABSL_FLAG(std::string, smtp_password_file, "",
          "file holding the SMTP AUTH password (env STATUSCAST_SMTP_PASSWORD_FILE)");
ABSL_FLAG(std::string, mail_from, "",
          "sender address of notification mail, required with --smtp_host (env "
          "STATUSCAST_MAIL_FROM)");
ABSL_FLAG(bool, allow_private_destinations, false,
          "deliver webhooks to loopback, private and link-local addresses too (tests, private "
          "networks; opens the notifier to SSRF) (env STATUSCAST_ALLOW_PRIVATE_DESTINATIONS)");
ABSL_FLAG(bool, allow_http_webhooks, false,
          "accept http:// webhook URLs, not only https:// (env STATUSCAST_ALLOW_HTTP_WEBHOOKS)");

namespace statuscast {
namespace {

int Fail(const std::string& message) { return StartupFailure("statuscast-comms", message); }

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
  absl::StatusOr<ServerTls> tls = StartService(
      __FILE__,
      "incident state in PostgreSQL behind gRPC "
      "statuscast.v1.IncidentService.\nEvery flag can also be set by the environment "
      "variable named in its help.\nUsage: statuscast-comms --database_url=postgresql://...\n"
      "The first admin token: statuscast-comms --database_url=... --create_token=NAME "
      "--token_scope=admin",
      argc, argv);
  if (!tls.ok()) return Fail(std::string(tls.status().message()));
  absl::StatusOr<std::string> database_url = DatabaseUrlFromFlag();
  if (!database_url.ok()) return Fail(std::string(database_url.status().message()));
  const std::string& url = *database_url;
  if (absl::GetFlag(FLAGS_db_pool_size) < 1 || absl::GetFlag(FLAGS_db_pool_size) > 200) {
    return Fail("--db_pool_size must be 1..200");
  }
  if (absl::GetFlag(FLAGS_db_health_interval) < absl::Milliseconds(100) ||
      absl::GetFlag(FLAGS_db_health_timeout) < absl::Milliseconds(100)) {
    return Fail("--db_health_interval and --db_health_timeout must be at least 100ms");
  }
  if (absl::GetFlag(FLAGS_max_watchers) < 0) return Fail("--max_watchers must be >= 0");
  if (absl::GetFlag(FLAGS_watch_token_recheck_interval) < absl::Milliseconds(100) ||
      absl::GetFlag(FLAGS_watch_token_recheck_interval) > absl::Hours(1)) {
    return Fail("--watch_token_recheck_interval must be 100ms..1h");
  }
  absl::StatusOr<GrpcConnectionSettings> connections = ConnectionSettingsFromFlags();
  if (!connections.ok()) return Fail(std::string(connections.status().message()));
  if (absl::GetFlag(FLAGS_watch_poll_interval) < absl::Milliseconds(50)) {
    return Fail("--watch_poll_interval must be at least 50ms");
  }
  absl::StatusOr<CadencePolicy> policy = CadenceFromFlags();
  if (!policy.ok()) return Fail(std::string(policy.status().message()));
  absl::StatusOr<LintPolicy> lint_policy = LintPolicy::Parse(absl::GetFlag(FLAGS_lint_reject));
  if (!lint_policy.ok()) {
    return Fail(absl::StrCat("--lint_reject: ", lint_policy.status().message()));
  }
  absl::StatusOr<PostPolicy> post_policy = ParsePostPolicy(absl::GetFlag(FLAGS_post_policy));
  if (!post_policy.ok()) {
    return Fail(absl::StrCat("--post_policy: ", post_policy.status().message()));
  }
  if (absl::GetFlag(FLAGS_comms_lead_reminder) < absl::ZeroDuration()) {
    return Fail("--comms_lead_reminder must be 0 (never) or positive");
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
  absl::StatusOr<bool> require_tokens = ParseAuthFlag(auth);
  if (!require_tokens.ok()) return Fail(std::string(require_tokens.status().message()));
  absl::optional<Scope> token_scope;
  if (!absl::GetFlag(FLAGS_create_token).empty()) {
    token_scope = ParseScope(absl::GetFlag(FLAGS_token_scope));
    if (!token_scope) return Fail("--create_token needs --token_scope=read, write or admin");
  }

  NotifierConfig notify;
  notify.enabled = absl::GetFlag(FLAGS_notify);
  notify.notifier.workers = absl::GetFlag(FLAGS_notify_workers);
  notify.notifier.max_per_host = absl::GetFlag(FLAGS_notify_max_per_host);
  notify.notifier.max_smtp = absl::GetFlag(FLAGS_smtp_max_connections);
  notify.notifier.poll_interval = absl::GetFlag(FLAGS_notify_poll_interval);
  notify.notifier.retry.base = absl::GetFlag(FLAGS_notify_retry_base);
  notify.notifier.lease = absl::GetFlag(FLAGS_notify_lease);
  notify.notifier.retry.give_up_after = absl::GetFlag(FLAGS_notify_give_up_after);
  notify.page_name = absl::GetFlag(FLAGS_page_name);
  if (!absl::GetFlag(FLAGS_status_page_url).empty()) {
    absl::StatusOr<std::string> page_url =
        NormalizePublicUrl("--status_page_url", absl::GetFlag(FLAGS_status_page_url));
    if (!page_url.ok()) return Fail(std::string(page_url.status().message()));
    notify.status_page_url = *page_url;
  }
  notify.link_secret_file = absl::GetFlag(FLAGS_link_token_secret_file);
  notify.smtp_host = absl::GetFlag(FLAGS_smtp_host);
  notify.smtp_port = absl::GetFlag(FLAGS_smtp_port);
  notify.smtp_starttls = absl::GetFlag(FLAGS_smtp_starttls);
  notify.smtp_user = absl::GetFlag(FLAGS_smtp_user);
  notify.smtp_password_file = absl::GetFlag(FLAGS_smtp_password_file);
  notify.mail_from = absl::GetFlag(FLAGS_mail_from);
  notify.allow_private_destinations = absl::GetFlag(FLAGS_allow_private_destinations);
  notify.allow_http_webhooks = absl::GetFlag(FLAGS_allow_http_webhooks);

  // Migrations: wait for PostgreSQL a while at start-up, then fail fast.
  if (absl::Status s = MigrateDatabase(url); !s.ok()) return Fail(std::string(s.message()));
  if (absl::GetFlag(FLAGS_migrate_only)) return 0;
  if (token_scope) return CreateToken(url, *token_scope);

  StopSignals stop_signals;  // before any thread starts; main waits for them

  PgPool pool(url, absl::GetFlag(FLAGS_db_pool_size));
  PgIncidentStore store(pool);
  IncidentCommands commands(RealClock::Get(), store, IncidentRules(*policy, InputLimits()),
                            linter->get(), *lint_policy, *post_policy);
  ChangeFeed feed(url, absl::GetFlag(FLAGS_watch_poll_interval));
  feed.Start();
  WatchOptions watch;
  watch.max_watchers = absl::GetFlag(FLAGS_max_watchers);
  watch.poll_interval = absl::GetFlag(FLAGS_watch_poll_interval);
  watch.token_recheck_interval = absl::GetFlag(FLAGS_watch_token_recheck_interval);
  const ComplianceOptions compliance_options = ComplianceFromFlags();
  PgTokenStore tokens(pool);
  TokenIssuer token_issuer(tokens, RealClock::Get());
  TokenVerifier verifier(tokens, RealClock::Get());
  TokenVerifier* const token_verifier = *require_tokens ? &verifier : nullptr;
  IncidentGrpcService service(commands, feed, token_verifier, watch, compliance_options);
  TokenGrpcService token_service(token_issuer, token_verifier);
  PgMaintenanceStore maintenance_store(pool);
  MaintenanceCommands maintenance(maintenance_store, RealClock::Get());
  MaintenanceGrpcService maintenance_service(maintenance, RealClock::Get(), token_verifier);
  auto registry = std::make_shared<prometheus::Registry>();
  auto& reminders_raised = prometheus::BuildCounter()
                               .Name("statuscast_comms_reminders_raised_total")
                               .Help(
                                   "reminders raised, by kind (due_soon, missed, first_due_soon, "
                                   "first_late, no_comms_lead, draft_waiting)")
                               .Register(*registry);
  prometheus::Gauge& without_comms_lead =
      prometheus::BuildGauge()
          .Name("statuscast_comms_incidents_without_comms_lead")
          .Help(
              "open SEV-1/SEV-2 incidents with no communications lead --comms_lead_reminder "
              "after they were declared")
          .Register(*registry)
          .Add({});
  PgReminderStore reminders(pool);
  ReminderOptions reminder_options;
  reminder_options.comms_lead_after = absl::GetFlag(FLAGS_comms_lead_reminder);
  reminder_options.on_raised = [&reminders_raised](const std::string& kind) {
    reminders_raised.Add({{"kind", kind}}).Increment();
  };
  reminder_options.on_without_comms_lead = [&without_comms_lead](int n) {
    without_comms_lead.Set(n);
  };
  reminder_options.lead = absl::GetFlag(FLAGS_reminder_lead);
  reminder_options.check_interval = absl::GetFlag(FLAGS_reminder_check_interval);
  reminder_options.token_recheck_interval = absl::GetFlag(FLAGS_watch_token_recheck_interval);
  ComplianceGrpcService compliance(store, reminders, RealClock::Get(), token_verifier, *policy,
                                   compliance_options, reminder_options);
  compliance.Start();

  PgNotificationStore notification_store(pool);
  SystemResolver resolver;
  SubscriberDirectory subscribers(&notification_store, &resolver, &RealClock::Get(),
                                  DirectoryOptionsFor(notify));
  SubscriberGrpcService subscriber_service(subscribers, token_verifier);
  std::unique_ptr<NotifierRole> notifier;
  if (notify.enabled) {
    absl::StatusOr<std::unique_ptr<NotifierRole>> role =
        NotifierRole::Create(notify, &notification_store, registry.get());
    if (!role.ok()) {
      feed.Stop();
      compliance.Stop();
      return Fail(std::string(role.status().message()));
    }
    notifier = std::move(*role);
  }
  std::unique_ptr<prometheus::Exposer> exposer;
  if (!absl::GetFlag(FLAGS_metrics_address).empty()) {
    absl::StatusOr<std::unique_ptr<prometheus::Exposer>> serving =
        ServeMetrics(absl::GetFlag(FLAGS_metrics_address), registry);
    if (!serving.ok()) {
      feed.Stop();
      return Fail(std::string(serving.status().message()));
    }
    exposer = std::move(*serving);
  }

  HealthAndReflection health_and_reflection;  // public: grpc.health.v1.Health, reflection
  // statuscast.v1.IncidentService is SERVING while PostgreSQL answers in time.
  HealthService& health = health_and_reflection.health();
  health.SetServingStatus("statuscast.v1.IncidentService", true);
  prometheus::Gauge& database_healthy =
      prometheus::BuildGauge()
          .Name("statuscast_comms_database_healthy")
          .Help("1 while PostgreSQL answers the health probe within --db_health_timeout")
          .Register(*registry)
          .Add({});
  database_healthy.Set(1);
  DependencyHealth database_health(
      [&pool] {
        return pool.Run([](pqxx::connection& c) {
          pqxx::nontransaction(c).exec("SELECT 1");
          return absl::OkStatus();
        });
      },
      {absl::GetFlag(FLAGS_db_health_interval), absl::GetFlag(FLAGS_db_health_timeout)},
      [&](bool healthy, const std::string& reason) {
        health.SetServingStatus("statuscast.v1.IncidentService", healthy);
        database_healthy.Set(healthy ? 1 : 0);
        if (healthy) {
          LogEvent("database_healthy", {});
        } else {
          LogEvent("database_unhealthy", {{"error", reason}});
        }
      });
  database_health.Start();
  grpc::ServerBuilder builder;
  health_and_reflection.AddTo(builder);
  builder.RegisterService(&service);
  builder.RegisterService(&compliance);
  builder.RegisterService(&token_service);
  builder.RegisterService(&subscriber_service);
  builder.RegisterService(&maintenance_service);
  ApplyConnectionSettings(builder, *connections);
  absl::StatusOr<ListeningServer> server = StartGrpcServer(
      builder, absl::GetFlag(FLAGS_grpc_address), "--grpc_address", *tls, *registry,
      {"statuscast.v1.IncidentService", "statuscast.v1.ComplianceService",
       "statuscast.v1.TokenService", "statuscast.v1.SubscriberService",
       "statuscast.v1.MaintenanceService"});
  if (!server.ok()) {
    feed.Stop();
    return Fail(std::string(server.status().message()));
  }
  LogEvent("listening", {{"grpc_address", absl::GetFlag(FLAGS_grpc_address)},
                         {"port", absl::StrCat(server->port)},
                         {"tls", tls->ModeName()},
                         {"auth", auth},
                         {"lint_reject", lint_policy->Describe()},
                         {"post_policy", PostPolicyName(*post_policy)},
                         {"lint_rules", absl::StrCat((*linter)->RuleIds().size())},
                         {"notify", notifier ? "on" : "off"}});
  if (notifier) notifier->Start();

  stop_signals.Wait();
  if (notifier) notifier->Stop();  // sends in flight finish and are recorded
  database_health.Stop();
  health_and_reflection.Shutdown();  // probes see NOT_SERVING; health watches end
  feed.Stop();        // ends WatchIncidents streams; clients resume elsewhere
  compliance.Stop();  // ends reminder streams
  server->server->Shutdown(ShutdownDeadlineFromFlag());
  LogEvent("stopped", {});
  return 0;
}

}  // namespace
}  // namespace statuscast

int main(int argc, char** argv) { return statuscast::Main(argc, argv); }
