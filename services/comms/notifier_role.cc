#include "services/comms/notifier_role.h"

#include <fstream>
#include <sstream>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "libs/base/clock.h"
#include "libs/base/log.h"
#include "libs/base/status_macros.h"
#include "libs/metrics/notify_metrics.h"
#include "libs/notify/delivery_sender.h"
#include "libs/notify/link_token.h"
#include "libs/notify/webhook_transport.h"

namespace statuscast {
namespace {

absl::StatusOr<std::string> ReadTrimmedFile(const std::string& flag, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::InvalidArgumentError(absl::StrCat(flag, ": cannot read ", path));
  std::stringstream ss;
  ss << in.rdbuf();
  return std::string(absl::StripAsciiWhitespace(ss.str()));
}

}  // namespace

struct NotifierRole::Parts {
  NotifierConfig config;
  PgNotificationStore* store = nullptr;
  SystemResolver resolver;
  std::unique_ptr<LinkTokenSigner> signer;
  std::unique_ptr<WebhookTransport> webhooks;
  std::unique_ptr<SmtpTransport> smtp;
  std::unique_ptr<TransportSender> sender;
  std::unique_ptr<NotifyMetrics> metrics;
  std::unique_ptr<Notifier> notifier;
  absl::Notification stop_stats;
  std::thread stats;
};

DirectoryOptions DirectoryOptionsFor(const NotifierConfig& config) {
  DirectoryOptions o;
  o.url_policy.allow_http = config.allow_http_webhooks;
  o.destination_policy.allow_non_public = config.allow_private_destinations;
  return o;
}

absl::StatusOr<std::unique_ptr<NotifierRole>> NotifierRole::Create(
    const NotifierConfig& config, PgNotificationStore* store, prometheus::Registry* registry) {
  auto parts = std::make_unique<Parts>();
  parts->config = config;
  parts->store = store;
  const NotifierOptions& n = config.notifier;
  if (n.workers < 1 || n.workers > 512) {
    return absl::InvalidArgumentError("--notify_workers must be 1..512");
  }
  if (n.max_per_host < 1 || n.max_per_host > n.workers) {
    return absl::InvalidArgumentError("--notify_max_per_host must be 1..--notify_workers");
  }
  if (n.max_smtp < 1 || n.max_smtp > n.workers) {
    return absl::InvalidArgumentError("--smtp_max_connections must be 1..--notify_workers");
  }
  if (n.poll_interval < absl::Milliseconds(10)) {
    return absl::InvalidArgumentError("--notify_poll_interval must be at least 10ms");
  }
  if (n.retry.base < absl::Milliseconds(10) || n.retry.base > n.retry.cap) {
    return absl::InvalidArgumentError("--notify_retry_base must be 10ms..1h");
  }
  // A lease that ends during a send lets another claim send it again.
  if (n.lease < absl::Seconds(35)) {
    return absl::InvalidArgumentError(
        "--notify_lease must be at least 35s: longer than a webhook (10s) or mail (30s) send");
  }
  if (n.retry.give_up_after < absl::Seconds(1)) {
    return absl::InvalidArgumentError("--notify_give_up_after must be at least 1s");
  }
  if (config.status_page_url.empty()) {
    return absl::InvalidArgumentError(
        "--notify needs --status_page_url: the public base URL that links in notifications "
        "point to (https://status.example.com)");
  }
  ASSIGN_OR_RETURN(std::string key,
                   ReadLinkSecret("--link_token_secret_file", config.link_secret_file));
  ASSIGN_OR_RETURN(LinkTokenSigner signer, LinkTokenSigner::Create(key, &RealClock::Get()));
  parts->signer = std::make_unique<LinkTokenSigner>(std::move(signer));

  WebhookTransportOptions w;
  const DirectoryOptions d = DirectoryOptionsFor(config);
  w.url_policy = d.url_policy;
  w.destination_policy = d.destination_policy;
  parts->webhooks = std::make_unique<WebhookTransport>(w, &parts->resolver);

  SenderSettings settings;
  settings.page_name = config.page_name;
  settings.public_base_url = config.status_page_url;
  if (!config.smtp_host.empty()) {
    if (config.mail_from.empty() || config.mail_from.find('@') == std::string::npos) {
      return absl::InvalidArgumentError(
          "--smtp_host needs --mail_from, the sender address (status@example.com)");
    }
    if (config.smtp_port < 1 || config.smtp_port > 65535) {
      return absl::InvalidArgumentError("--smtp_port must be 1..65535");
    }
    SmtpOptions smtp;
    smtp.url = absl::StrCat(config.smtp_port == 465 ? "smtps://" : "smtp://", config.smtp_host,
                            ":", config.smtp_port);
    if (config.smtp_starttls == "required") {
      smtp.starttls = StartTls::kRequired;
    } else if (config.smtp_starttls == "optional") {
      smtp.starttls = StartTls::kOptional;
    } else if (config.smtp_starttls == "off") {
      smtp.starttls = StartTls::kOff;
    } else {
      return absl::InvalidArgumentError("--smtp_starttls must be required, optional or off");
    }
    smtp.username = config.smtp_user;
    if (!config.smtp_password_file.empty()) {
      ASSIGN_OR_RETURN(smtp.password,
                       ReadTrimmedFile("--smtp_password_file", config.smtp_password_file));
    }
    parts->smtp = std::make_unique<SmtpTransport>(smtp);
    settings.mail.from_address = config.mail_from;
    settings.mail.from_name = config.page_name;
  }
  parts->sender = std::make_unique<TransportSender>(settings, parts->signer.get(),
                                                    parts->webhooks.get(), parts->smtp.get(),
                                                    &RealClock::Get());
  parts->metrics = std::make_unique<NotifyMetrics>(*registry);
  parts->notifier = std::make_unique<Notifier>(store, store, parts->sender.get(),
                                               &RealClock::Get(), n, parts->metrics.get());
  return std::unique_ptr<NotifierRole>(new NotifierRole(std::move(parts)));
}

NotifierRole::NotifierRole(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}

NotifierRole::~NotifierRole() { Stop(); }

void NotifierRole::Start() {
  Parts* p = parts_.get();
  p->notifier->Start();
  p->stats = std::thread([p] {
    do {
      absl::StatusOr<QueueStats> s = p->store->Stats(RealClock::Get().Now());
      if (s.ok()) p->metrics->SetQueue(*s);
    } while (!p->stop_stats.WaitForNotificationWithTimeout(p->config.stats_interval));
  });
  LogEvent("notifier_started", {{"workers", absl::StrCat(p->config.notifier.workers)},
                                {"max_per_host", absl::StrCat(p->config.notifier.max_per_host)},
                                {"smtp", p->smtp ? p->config.smtp_host : "none"},
                                {"smtp_max_connections", absl::StrCat(p->config.notifier.max_smtp)}});
}

void NotifierRole::Stop() {
  if (!parts_ || !parts_->stats.joinable()) return;
  parts_->notifier->Stop();
  parts_->stop_stats.Notify();
  parts_->stats.join();
}

}  // namespace statuscast
