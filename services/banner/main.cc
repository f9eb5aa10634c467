// statuscast-banner: streams banner sets to frontends (gRPC and SSE), serves
// snapshots, and exports metrics. It follows PostgreSQL's change log and
// holds the current sets in memory. main only validates configuration and
// wires real things together.
#include <algorithm>
#include <grpcpp/grpcpp.h>
#include <prometheus/exposer.h>
#include <prometheus/registry.h>

#include <memory>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "libs/auth/pg_token_store.h"
#include "libs/auth/token_verifier.h"
#include "libs/banner/banner_follower.h"
#include "libs/banner/banner_hub.h"
#include "libs/base/clock.h"
#include "libs/base/log.h"
#include "libs/base/public_url.h"
#include "libs/http/client_address.h"
#include "libs/http/http_server.h"
#include "libs/notify/link_token.h"
#include "libs/notify/subscription_requests.h"
#include "libs/pgstore/pg_notification_store.h"
#include "services/banner/subscription_routes.h"
#include "libs/metrics/prometheus_transport_metrics.h"
#include "libs/pgstore/change_feed.h"
#include "libs/metrics/compliance_metrics.h"
#include "libs/pgstore/pg_banner_store.h"
#include "libs/pgstore/pg_maintenance_store.h"
#include "libs/pgstore/pg_incident_store.h"
#include "libs/rpc/health_and_reflection.h"
#include "libs/rpc/server_credentials.h"
#include "libs/rpc/server_startup.h"
#include "libs/startup/service_flags.h"
#include "services/banner/compliance_refresher.h"
#include "services/banner/banner_admin_service.h"
#include "services/banner/banner_grpc_service.h"
#include "services/banner/banner_http_endpoints.h"
#include "services/banner/banner_http_routes.h"
#include "services/banner/status_page_publisher.h"
#include "services/banner/status_page_routes.h"

ABSL_FLAG(std::string, grpc_address, "127.0.0.1:7401",
          "gRPC listen address for BannerService and BannerAdminService "
          "(env STATUSCAST_BANNER_GRPC_ADDRESS)");
ABSL_FLAG(std::string, admin_grpc_address, "",
          "gRPC listen address for BannerAdminService alone, to keep the admin API off the "
          "public port; empty: it shares --grpc_address with BannerService "
          "(env STATUSCAST_BANNER_ADMIN_GRPC_ADDRESS)");
ABSL_FLAG(std::string, tls_client_ca, "",
          "PEM CA certificate(s): require mutual TLS on the gRPC port. BannerService shares the "
          "port with BannerAdminService, so its clients then need certificates too "
          "(env STATUSCAST_TLS_CLIENT_CA)");
ABSL_FLAG(absl::Duration, tls_reload_interval, absl::Seconds(60),
          "re-read --tls_cert, --tls_key, --tls_client_ca, --http_tls_cert and --http_tls_key "
          "this often, so rotated files apply to new connections without a restart (a pair "
          "that does not load or match is refused with a log line and the old one serves "
          "on); 0: never (env STATUSCAST_TLS_RELOAD_INTERVAL)");
ABSL_FLAG(std::string, http_address, "127.0.0.1:8080",
          "HTTP listen address: SSE, JSON snapshot, status page, SDK "
          "(env STATUSCAST_BANNER_HTTP_ADDRESS)");
ABSL_FLAG(std::string, http_tls_cert, "",
          "PEM certificate chain: serve HTTPS only on --http_address; with --http_tls_key "
          "(env STATUSCAST_HTTP_TLS_CERT)");
ABSL_FLAG(std::string, http_tls_key, "",
          "PEM private key (unencrypted) of --http_tls_cert (env STATUSCAST_HTTP_TLS_KEY)");
ABSL_FLAG(double, http_rate_per_ip, 20,
          "HTTP requests per second per client address (IPv6: per /64) after the burst; "
          "beyond, 429. 0: no limit. Loopback clients are exempt "
          "(env STATUSCAST_HTTP_RATE_PER_IP)");
ABSL_FLAG(int, http_burst_per_ip, 100,
          "HTTP requests a client address may make at once above --http_rate_per_ip "
          "(env STATUSCAST_HTTP_BURST_PER_IP)");
ABSL_FLAG(int, http_max_streams_per_ip, 100,
          "open SSE streams per client address; beyond, 429. 0: no limit. Loopback clients are "
          "exempt (env STATUSCAST_HTTP_MAX_STREAMS_PER_IP)");
ABSL_FLAG(int, http_max_connections_per_ip, 200,
          "open HTTP connections per client address (IPv6: per /64); a connection beyond it is "
          "closed at once. 0: no limit. Loopback and --http_trusted_proxies are exempt "
          "(env STATUSCAST_HTTP_MAX_CONNECTIONS_PER_IP)");
ABSL_FLAG(absl::Duration, http_header_timeout, absl::Seconds(5),
          "a new HTTP connection must finish TLS and send its first request header within this, "
          "or it is closed (env STATUSCAST_HTTP_HEADER_TIMEOUT)");
ABSL_FLAG(std::string, http_trusted_proxies, "",
          "comma-separated addresses or CIDR blocks of reverse proxies; from them the client "
          "address (limits, logs) is the right-most X-Forwarded-For entry not listed here "
          "(env STATUSCAST_HTTP_TRUSTED_PROXIES)");
ABSL_FLAG(bool, http_limit_loopback, false,
          "apply the per-address HTTP limits to loopback clients too (by default they are exempt) "
          "(env STATUSCAST_HTTP_LIMIT_LOOPBACK)");
ABSL_FLAG(std::string, metrics_address, "127.0.0.1:9401",
          "Prometheus /metrics listen address (env STATUSCAST_BANNER_METRICS_ADDRESS)");
ABSL_FLAG(int, db_pool_size, 4, "PostgreSQL connections in the pool (env STATUSCAST_DB_POOL_SIZE)");
ABSL_FLAG(std::string, status_page_url, "",
          "public http(s) base URL of the status page, for banner, JSON and Atom links, e.g. "
          "https://status.example.com; required unless --http_address is loopback (then "
          "http://<http_address>) (env STATUSCAST_STATUS_PAGE_URL)");
ABSL_FLAG(std::string, status_page_title, "Service status",
          "the public status page's name (page title, JSON summary, Atom feed) "
          "(env STATUSCAST_STATUS_PAGE_TITLE)");
ABSL_FLAG(std::string, link_token_secret_file, "",
          "file holding the key (32+ bytes) that signs confirm and unsubscribe links, the same "
          "file as statuscast-comms'; set, the status page serves /subscribe and the confirm "
          "and unsubscribe pages; empty, it does not (env STATUSCAST_LINK_TOKEN_SECRET_FILE)");
ABSL_FLAG(double, subscribe_per_hour_per_ip, 10,
          "subscribe-form posts per hour per client address (IPv6: per /64) after the burst, "
          "each of which may send a confirmation mail; beyond, 429 and nothing is stored. 0: "
          "only the --http_rate_per_ip limit. Loopback clients are exempt unless "
          "--http_limit_loopback (env STATUSCAST_SUBSCRIBE_PER_HOUR_PER_IP)");
ABSL_FLAG(int, subscribe_burst_per_ip, 5,
          "subscribe-form posts a client address may send at once above "
          "--subscribe_per_hour_per_ip (env STATUSCAST_SUBSCRIBE_BURST_PER_IP)");
ABSL_FLAG(absl::Duration, heartbeat_interval, absl::Seconds(30),
          "heartbeat on a quiet stream this often: a gRPC Heartbeat (extends valid_until) or "
          "an SSE comment (keeps proxies from closing it); keep it under --banner_validity / 2 "
          "and under any proxy's idle timeout (env STATUSCAST_HEARTBEAT_INTERVAL)");
ABSL_FLAG(absl::Duration, banner_validity, absl::Seconds(90),
          "a client that hears nothing for this long hides its banners "
          "(env STATUSCAST_BANNER_VALIDITY)");
ABSL_FLAG(absl::Duration, reconcile_interval, absl::Seconds(30),
          "reload from PostgreSQL this often even without a NOTIFY "
          "(env STATUSCAST_RECONCILE_INTERVAL)");
ABSL_FLAG(std::string, cors_origins, "*",
          "comma-separated origins allowed to read banners from a browser; * for any "
          "(env STATUSCAST_CORS_ORIGINS)");
ABSL_FLAG(int, max_http_connections, 19000,
          "HTTP connections held at most; beyond, 503 (env STATUSCAST_MAX_HTTP_CONNECTIONS)");
ABSL_FLAG(int, http_threads, 2, "HTTP I/O threads (env STATUSCAST_HTTP_THREADS)");
ABSL_FLAG(absl::Duration, grpc_write_timeout, absl::Seconds(60),
          "a Subscribe stream whose write has not completed in this time (a client that "
          "stopped reading or vanished) is cancelled (env STATUSCAST_GRPC_WRITE_TIMEOUT)");
ABSL_FLAG(absl::Duration, http_tcp_user_timeout, absl::Seconds(60),
          "an HTTP client (SSE included) that has acknowledged nothing for this long is "
          "dropped by the kernel (TCP_USER_TIMEOUT), and an idle connection is probed after "
          "it (TCP keepalive): finds clients that vanished without closing. 0: the kernel's "
          "defaults, about 15 minutes (env STATUSCAST_HTTP_TCP_USER_TIMEOUT)");
ABSL_FLAG(absl::Duration, sse_write_timeout, absl::Seconds(60),
          "an SSE stream whose write has not completed in this time is closed "
          "(env STATUSCAST_SSE_WRITE_TIMEOUT)");
ABSL_FLAG(int, grpc_max_streams_per_connection, 100,
          "HTTP/2 streams (calls) one gRPC connection may hold open at once; a client's further "
          "streams wait for one to end (env STATUSCAST_GRPC_MAX_STREAMS_PER_CONNECTION)");
ABSL_FLAG(int, grpc_max_subscribers_per_ip, 100,
          "open BannerService.Subscribe streams per client address (IPv6: per /64); beyond, "
          "RESOURCE_EXHAUSTED. 0: no limit. Loopback clients are exempt unless "
          "--grpc_limit_loopback (env STATUSCAST_GRPC_MAX_SUBSCRIBERS_PER_IP)");
ABSL_FLAG(int, grpc_max_subscribers, 15000,
          "open BannerService.Subscribe streams in all; beyond, RESOURCE_EXHAUSTED. 0: no limit "
          "(env STATUSCAST_GRPC_MAX_SUBSCRIBERS)");
ABSL_FLAG(bool, grpc_limit_loopback, false,
          "apply --grpc_max_subscribers_per_ip to loopback clients too "
          "(env STATUSCAST_GRPC_LIMIT_LOOPBACK)");
ABSL_FLAG(int, grpc_memory_quota_mib, 1024,
          "memory gRPC may use for connections and calls, in MiB; at it, new connections and "
          "calls are refused (env STATUSCAST_GRPC_MEMORY_QUOTA_MIB)");
ABSL_FLAG(int, grpc_max_threads, 64,
          "threads gRPC may use for this server's calls (env STATUSCAST_GRPC_MAX_THREADS)");
ABSL_FLAG(absl::Duration, compliance_refresh_interval, absl::Seconds(15),
          "re-derive compliance metrics from PostgreSQL this often "
          "(env STATUSCAST_COMPLIANCE_REFRESH_INTERVAL)");
ABSL_FLAG(std::string, auth, "required",
          "required: BannerAdminService calls need a bearer token from statuscast-comms' "
          "TokenService (same database) and the token's name is recorded; disabled: no tokens, "
          "request author fields are trusted. BannerService, SSE, snapshots and the status "
          "page are always public (env STATUSCAST_AUTH)");

namespace statuscast {
namespace {

int Fail(const std::string& message) { return StartupFailure("statuscast-banner", message); }

bool SplitHostPort(const std::string& address, std::string* host, int* port) {
  size_t colon = address.rfind(':');
  if (colon == std::string::npos) return false;
  *host = address.substr(0, colon);
  return absl::SimpleAtoi(address.substr(colon + 1), port) && *port >= 0 && *port < 65536;
}

int Main(int argc, char** argv) {
  absl::StatusOr<ServerTls> tls = StartService(
      __FILE__,
      "in-app banners over gRPC and Server-Sent Events, the public status "
      "page, and Prometheus metrics.\nEvery flag can also be set by the environment "
      "variable named in its help.\nUsage: statuscast-banner --database_url=postgresql://...",
      argc, argv);
  if (!tls.ok()) return Fail(std::string(tls.status().message()));
  const PemFileFlag http_tls_cert{"--http_tls_cert", absl::GetFlag(FLAGS_http_tls_cert)};
  const PemFileFlag http_tls_key{"--http_tls_key", absl::GetFlag(FLAGS_http_tls_key)};
  if (absl::StatusOr<KeyPairPem> pair = LoadKeyPair(http_tls_cert, http_tls_key); !pair.ok()) {
    return Fail(std::string(pair.status().message()));
  }
  if (!(absl::GetFlag(FLAGS_http_rate_per_ip) >= 0)) return Fail("--http_rate_per_ip must be >= 0");
  if (!(absl::GetFlag(FLAGS_subscribe_per_hour_per_ip) >= 0)) {
    return Fail("--subscribe_per_hour_per_ip must be >= 0");
  }
  if (absl::GetFlag(FLAGS_subscribe_per_hour_per_ip) > 0 &&
      absl::GetFlag(FLAGS_subscribe_burst_per_ip) < 1) {
    return Fail("--subscribe_burst_per_ip must be >= 1 when --subscribe_per_hour_per_ip is set");
  }
  if (absl::GetFlag(FLAGS_http_rate_per_ip) > 0 && absl::GetFlag(FLAGS_http_burst_per_ip) < 1) {
    return Fail("--http_burst_per_ip must be >= 1 when --http_rate_per_ip is set");
  }
  if (absl::GetFlag(FLAGS_http_max_streams_per_ip) < 0) {
    return Fail("--http_max_streams_per_ip must be >= 0");
  }
  if (absl::GetFlag(FLAGS_http_max_connections_per_ip) < 0) {
    return Fail("--http_max_connections_per_ip must be >= 0");
  }
  if (absl::GetFlag(FLAGS_http_header_timeout) < absl::Milliseconds(100) ||
      absl::GetFlag(FLAGS_http_header_timeout) > absl::Minutes(5)) {
    return Fail("--http_header_timeout must be between 100ms and 5m");
  }
  const std::vector<std::string> http_trusted_proxies =
      absl::StrSplit(absl::GetFlag(FLAGS_http_trusted_proxies), ',', absl::SkipWhitespace());
  if (absl::StatusOr<TrustedProxies> proxies = TrustedProxies::Parse(http_trusted_proxies);
      !proxies.ok()) {
    return Fail(absl::StrCat("--http_trusted_proxies: ", proxies.status().message()));
  }
  absl::StatusOr<std::string> database_url = DatabaseUrlFromFlag();
  if (!database_url.ok()) return Fail(std::string(database_url.status().message()));
  const std::string& url = *database_url;
  std::string http_host;
  int http_port = 0;
  if (!SplitHostPort(absl::GetFlag(FLAGS_http_address), &http_host, &http_port)) {
    return Fail("--http_address must be host:port, e.g. 127.0.0.1:8080");
  }
  std::string public_url = absl::GetFlag(FLAGS_status_page_url);
  if (public_url.empty()) {
    if (http_host != "localhost" && http_host.rfind("127.", 0) != 0 && http_host != "[::1]") {
      return Fail("--status_page_url (or STATUSCAST_STATUS_PAGE_URL) is required when "
                  "--http_address is not loopback: every banner links to it, e.g. "
                  "https://status.example.com");
    }
    public_url = "http://" + absl::GetFlag(FLAGS_http_address);
  }
  absl::StatusOr<std::string> status_page_url = NormalizePublicUrl("--status_page_url", public_url);
  if (!status_page_url.ok()) return Fail(std::string(status_page_url.status().message()));
  if (absl::GetFlag(FLAGS_heartbeat_interval) < absl::Milliseconds(100) ||
      absl::GetFlag(FLAGS_banner_validity) <= absl::GetFlag(FLAGS_heartbeat_interval)) {
    return Fail("--heartbeat_interval must be >= 100ms and shorter than --banner_validity");
  }
  if (absl::GetFlag(FLAGS_grpc_write_timeout) < absl::Seconds(1) ||
      absl::GetFlag(FLAGS_sse_write_timeout) < absl::Seconds(1)) {
    return Fail("--grpc_write_timeout and --sse_write_timeout must be at least 1s");
  }
  if (absl::GetFlag(FLAGS_http_tcp_user_timeout) != absl::ZeroDuration() &&
      (absl::GetFlag(FLAGS_http_tcp_user_timeout) < absl::Seconds(1) ||
       absl::GetFlag(FLAGS_http_tcp_user_timeout) > absl::Hours(1))) {
    return Fail("--http_tcp_user_timeout must be 0 (kernel defaults) or 1s..1h");
  }
  absl::StatusOr<GrpcConnectionSettings> connections = ConnectionSettingsFromFlags();
  if (!connections.ok()) return Fail(std::string(connections.status().message()));
  if (absl::GetFlag(FLAGS_grpc_max_streams_per_connection) < 1) {
    return Fail("--grpc_max_streams_per_connection must be >= 1");
  }
  if (absl::GetFlag(FLAGS_grpc_max_subscribers_per_ip) < 0 ||
      absl::GetFlag(FLAGS_grpc_max_subscribers) < 0) {
    return Fail("--grpc_max_subscribers_per_ip and --grpc_max_subscribers must be >= 0");
  }
  if (absl::GetFlag(FLAGS_grpc_memory_quota_mib) < 16 ||
      absl::GetFlag(FLAGS_grpc_memory_quota_mib) > 1024 * 1024) {
    return Fail("--grpc_memory_quota_mib must be 16..1048576");
  }
  if (absl::GetFlag(FLAGS_grpc_max_threads) < 2) return Fail("--grpc_max_threads must be >= 2");
  if (absl::GetFlag(FLAGS_http_threads) < 1 || absl::GetFlag(FLAGS_http_threads) > 64) {
    return Fail("--http_threads must be 1..64");
  }
  absl::StatusOr<CadencePolicy> policy = CadenceFromFlags();
  if (!policy.ok()) return Fail(std::string(policy.status().message()));
  if (absl::GetFlag(FLAGS_compliance_refresh_interval) < absl::Seconds(1)) {
    return Fail("--compliance_refresh_interval must be at least 1s");
  }
  if (absl::GetFlag(FLAGS_status_page_title).empty()) {
    return Fail("--status_page_title must not be empty, e.g. \"Example Inc. status\"");
  }
  absl::StatusOr<bool> require_tokens = ParseAuthFlag(absl::GetFlag(FLAGS_auth));
  if (!require_tokens.ok()) return Fail(std::string(require_tokens.status().message()));

  if (absl::Status s = MigrateDatabase(url); !s.ok()) return Fail(std::string(s.message()));

  StopSignals stop_signals;  // before any thread starts; main waits for them

  auto registry = std::make_shared<prometheus::Registry>();
  PrometheusTransportMetrics metrics(*registry);
  absl::StatusOr<std::unique_ptr<prometheus::Exposer>> exposer =
      ServeMetrics(absl::GetFlag(FLAGS_metrics_address), registry);
  if (!exposer.ok()) return Fail(std::string(exposer.status().message()));

  PgPool pool(url, absl::GetFlag(FLAGS_db_pool_size));
  PgBannerStore store(pool);
  PgIncidentStore incidents(pool);
  BannerHubOptions hub_options;
  hub_options.status_page_url = *status_page_url;
  hub_options.validity = absl::GetFlag(FLAGS_banner_validity);
  BannerHub hub(RealClock::Get(), hub_options);
  ChangeFeed feed(url, absl::GetFlag(FLAGS_reconcile_interval));
  feed.Start();
  BannerFollowerOptions follower_options;
  // A set is valid for --banner_validity after the last load from
  // PostgreSQL, so reload at least three times per validity.
  follower_options.reconcile_interval =
      std::min(absl::GetFlag(FLAGS_reconcile_interval), absl::GetFlag(FLAGS_banner_validity) / 3);
  BannerFollower follower(
      hub, RealClock::Get(), [&store](int64_t after) { return store.LoadWorld(after); },
      [&feed](int64_t seq, absl::Time deadline) { return feed.WaitBeyond(seq, deadline); },
      follower_options);
  if (absl::Status s = follower.SyncOnce(); !s.ok()) {
    LogEvent("initial_sync_failed", {{"error", std::string(s.message())}});
  }
  follower.Start();

  auto compliance_metrics = std::make_shared<ComplianceMetrics>();
  const ComplianceOptions compliance_options = ComplianceFromFlags();
  ComplianceRefresher compliance(incidents, hub, *compliance_metrics, RealClock::Get(), *policy,
                                 compliance_options,
                                 absl::GetFlag(FLAGS_compliance_refresh_interval));
  (*exposer)->RegisterCollectable(compliance_metrics);
  compliance.Start();

  StatusPageConfig status_page_config;
  status_page_config.title = absl::GetFlag(FLAGS_status_page_title);
  status_page_config.base_url = *status_page_url;
  status_page_config.policy = *policy;
  status_page_config.compliance = compliance_options;
  StatusPagePublisher status_page(
      incidents, RealClock::Get(), status_page_config,
      [&feed](int64_t seq, absl::Time deadline) { return feed.WaitBeyond(seq, deadline); });
  PgMaintenanceStore maintenance(pool);
  status_page.set_maintenance_store(&maintenance);
  status_page.Start();

  SubscriberLimitOptions subscriber_limit_options;
  subscriber_limit_options.max_per_peer =
      static_cast<size_t>(absl::GetFlag(FLAGS_grpc_max_subscribers_per_ip));
  subscriber_limit_options.max_total =
      static_cast<size_t>(absl::GetFlag(FLAGS_grpc_max_subscribers));
  subscriber_limit_options.limit_loopback = absl::GetFlag(FLAGS_grpc_limit_loopback);
  SubscriberLimits subscriber_limits(subscriber_limit_options);
  BannerGrpcService banner_service(hub, &metrics, absl::GetFlag(FLAGS_heartbeat_interval),
                                   &subscriber_limits, absl::GetFlag(FLAGS_grpc_write_timeout));
  banner_service.Start();
  PgTokenStore tokens(pool);
  TokenVerifier verifier(tokens, RealClock::Get());
  BannerAdminService admin_service(store, RealClock::Get(),
                                   *require_tokens ? &verifier : nullptr);

  HealthAndReflection health_and_reflection;  // public: grpc.health.v1.Health, reflection
  grpc::ServerBuilder builder;
  health_and_reflection.AddTo(builder);
  builder.RegisterService(&banner_service);
  const std::string admin_address = absl::GetFlag(FLAGS_admin_grpc_address);
  if (admin_address.empty()) builder.RegisterService(&admin_service);
  ApplyConnectionSettings(builder, *connections);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS,
                             absl::GetFlag(FLAGS_grpc_max_streams_per_connection));
  grpc::ResourceQuota grpc_quota("statuscast-banner");
  grpc_quota.Resize(static_cast<size_t>(absl::GetFlag(FLAGS_grpc_memory_quota_mib)) << 20);
  grpc_quota.SetMaxThreads(absl::GetFlag(FLAGS_grpc_max_threads));
  builder.SetResourceQuota(grpc_quota);
  absl::StatusOr<ListeningServer> server =
      StartGrpcServer(builder, absl::GetFlag(FLAGS_grpc_address), "--grpc_address", *tls, *registry,
                      {"statuscast.v1.BannerService", "statuscast.v1.BannerAdminService"});
  if (!server.ok()) return Fail(std::string(server.status().message()));
  std::unique_ptr<grpc::Server> admin_server;  // with --admin_grpc_address
  if (!admin_address.empty()) {
    grpc::ServerBuilder admin_builder;
    admin_builder.RegisterService(&admin_service);
    absl::StatusOr<ListeningServer> admin =
        StartGrpcServer(admin_builder, admin_address, "--admin_grpc_address", *tls, *registry,
                        {"statuscast.v1.BannerAdminService"});
    if (!admin.ok()) return Fail(std::string(admin.status().message()));
    admin_server = std::move(admin->server);
  }

  HttpServerOptions http_options;
  http_options.address = http_host;
  http_options.port = http_port;
  http_options.io_threads = absl::GetFlag(FLAGS_http_threads);
  http_options.cors_origins =
      absl::StrSplit(absl::GetFlag(FLAGS_cors_origins), ',', absl::SkipWhitespace());
  http_options.max_connections = static_cast<size_t>(absl::GetFlag(FLAGS_max_http_connections));
  http_options.heartbeat_interval = absl::GetFlag(FLAGS_heartbeat_interval);
  http_options.sse_write_timeout = absl::GetFlag(FLAGS_sse_write_timeout);
  http_options.tcp_user_timeout = absl::GetFlag(FLAGS_http_tcp_user_timeout);
  http_options.tls_cert_file = http_tls_cert.path;
  http_options.tls_key_file = http_tls_key.path;
  http_options.tls_reload_interval = absl::GetFlag(FLAGS_tls_reload_interval);
  http_options.rate_per_ip = absl::GetFlag(FLAGS_http_rate_per_ip);
  http_options.burst_per_ip = absl::GetFlag(FLAGS_http_burst_per_ip);
  http_options.max_streams_per_ip =
      static_cast<size_t>(absl::GetFlag(FLAGS_http_max_streams_per_ip));
  http_options.max_connections_per_ip =
      static_cast<size_t>(absl::GetFlag(FLAGS_http_max_connections_per_ip));
  http_options.header_timeout = absl::GetFlag(FLAGS_http_header_timeout);
  http_options.trusted_proxies = http_trusted_proxies;
  http_options.limit_loopback = absl::GetFlag(FLAGS_http_limit_loopback);
  HttpServer http(http_options, &metrics);
  // Email subscriptions from the status page (double opt-in): the pages
  // queue requests that a worker applies (handlers never block on the
  // database); comms' notifier sends the confirmation mail.
  PgNotificationStore notification_store(pool);
  SystemResolver resolver;  // the form takes email only: never used to resolve
  SubscriberDirectory subscribers(&notification_store, &resolver, &RealClock::Get(),
                                  DirectoryOptions());
  SubscriptionRequests subscription_requests(&subscribers);
  std::unique_ptr<LinkTokenSigner> link_signer;
  if (!absl::GetFlag(FLAGS_link_token_secret_file).empty()) {
    absl::StatusOr<std::string> key =
        ReadLinkSecret("--link_token_secret_file", absl::GetFlag(FLAGS_link_token_secret_file));
    if (!key.ok()) return Fail(std::string(key.status().message()));
    absl::StatusOr<LinkTokenSigner> signer = LinkTokenSigner::Create(*key, &RealClock::Get());
    if (!signer.ok()) return Fail(std::string(signer.status().message()));
    link_signer = std::make_unique<LinkTokenSigner>(std::move(*signer));
    SubscriptionPageOptions pages;
    pages.page_name = absl::GetFlag(FLAGS_status_page_title);
    pages.status_page_url = *status_page_url;
    pages.subscribe_per_hour_per_ip = absl::GetFlag(FLAGS_subscribe_per_hour_per_ip);
    pages.subscribe_burst_per_ip = absl::GetFlag(FLAGS_subscribe_burst_per_ip);
    pages.components = [&status_page] { return SubscribableComponents(status_page.Current()); };
    AddSubscriptionRoutes(http, *link_signer, subscription_requests, RealClock::Get(), pages);
    subscription_requests.Start();
  }
  AddBannerRoutes(http, hub, &metrics, RealClock::Get());
  AddBannerServiceRoutes(http, hub, follower);
  AddStatusPageRoutes(http, [&status_page] { return status_page.Current(); });
  if (absl::Status s = http.Start(); !s.ok()) {
    return Fail(absl::StrCat("cannot serve HTTP on ", absl::GetFlag(FLAGS_http_address), ": ",
                             s.message()));
  }
  LogEvent("listening",
           {{"grpc_address", absl::GetFlag(FLAGS_grpc_address)},
            {"admin_grpc_address",
             admin_address.empty() ? absl::GetFlag(FLAGS_grpc_address) : admin_address},
            {"http_port", absl::StrCat(http.port())},
            {"grpc_tls", tls->ModeName()},
            {"http_tls", http_tls_cert.path.empty() ? "off" : "on"},
            {"metrics_address", absl::GetFlag(FLAGS_metrics_address)}});

  stop_signals.Wait();
  health_and_reflection.Shutdown();  // probes see NOT_SERVING; health watches end
  // End every stream first so clients reconnect to another replica.
  banner_service.Stop();
  hub.CloseAll();
  http.Stop();
  subscription_requests.Stop();  // applies what the pages accepted
  server->server->Shutdown(ShutdownDeadlineFromFlag());
  if (admin_server) admin_server->Shutdown(ShutdownDeadlineFromFlag());
  feed.Stop();
  status_page.Stop();
  follower.Stop();
  compliance.Stop();
  LogEvent("stopped", {});
  return 0;
}

}  // namespace
}  // namespace statuscast

int main(int argc, char** argv) { return statuscast::Main(argc, argv); }
