// Drives libs/notify's transports for the Python delivery tests: renders the
// sample notification, signs and sends it, and prints the DeliveryResult as
// one JSON object on stdout.
//
//   notify_send_tool webhook --url=URL --secret=whsec_... [--id=msg_1]
//       [--timestamp=UNIX] [--kind=webhook|slack] [--timeout_ms=N]
//       [--max_response_bytes=N] [--allow_http] [--allow_non_public]
//       [--resolve=HOST=ADDRESS]   (a test resolver instead of DNS)
//       [--until_done [--retry_base_ms=N]]  (retry as the notifier would)
//   notify_send_tool mail --smtp_url=smtp://127.0.0.1:PORT --to=ADDRESS
//       [--title=TEXT] [--from_name=TEXT] [--starttls=off|optional|required]
//       [--user=U --password=P] [--ca_file=PEM]
//       [--count=N [--pause_ms=M]]  (N mails through one transport, M ms
//                                    apart; prints the last result and how
//                                    many were delivered)
//   notify_send_tool sign --secret=S --id=ID --timestamp=UNIX --body=TEXT
#include <chrono>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "libs/notify/delivery_decision.h"
#include "libs/notify/email_message.h"
#include "libs/notify/notification_payloads.h"
#include "libs/notify/smtp_transport.h"
#include "libs/notify/webhook_signature.h"
#include "libs/notify/webhook_transport.h"
#include "tests/notify/fixed_resolver.h"
#include "tests/notify/sample_notification.h"

namespace statuscast {
namespace {

using Args = std::map<std::string, std::string>;

Args ParseArgs(int argc, char** argv) {
  Args args;
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("--", 0) != 0) continue;
    a = a.substr(2);
    size_t eq = a.find('=');
    if (eq == std::string::npos) {
      args[a] = "true";
    } else {
      args[a.substr(0, eq)] = a.substr(eq + 1);
    }
  }
  return args;
}

std::string Get(const Args& args, const std::string& name, const std::string& fallback = "") {
  auto it = args.find(name);
  return it == args.end() ? fallback : it->second;
}

int64_t GetInt(const Args& args, const std::string& name, int64_t fallback) {
  int64_t v = fallback;
  auto it = args.find(name);
  if (it != args.end() && !absl::SimpleAtoi(it->second, &v)) {
    std::cerr << "--" << name << " is not a number\n";
    std::exit(2);
  }
  return v;
}

int Print(const DeliveryResult& r, double elapsed_ms,
          nlohmann::json extra = nlohmann::json::object()) {
  extra["outcome"] = DeliveryOutcomeName(r.outcome);
  extra["status"] = r.status_code;
  extra["detail"] = r.detail;
  extra["response_bytes"] = r.response_bytes;
  extra["truncated"] = r.response_truncated;
  extra["sockets_requested"] = r.sockets_requested;
  extra["sockets_opened"] = r.sockets_opened;
  extra["elapsed_ms"] = elapsed_ms;
  std::cout << extra.dump() << std::endl;
  return 0;
}

double MillisSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

// One attempt, or with --until_done the notifier's loop in small: attempts
// (each signed afresh with the same webhook-id) until DecideNextStep says
// anything but retry, waiting its (short, real-time) delays between them.
int Webhook(const Args& args) {
  NotificationContent n = SampleNotification();
  n.notification_id = Get(args, "id", n.notification_id);
  const std::string body =
      Get(args, "kind", "webhook") == "slack" ? RenderSlackJson(n) : RenderWebhookJson(n);
  WebhookTransportOptions options;
  options.url_policy.allow_http = args.count("allow_http") > 0;
  options.destination_policy.allow_non_public = args.count("allow_non_public") > 0;
  options.timeout = absl::Milliseconds(GetInt(args, "timeout_ms", 10000));
  options.max_response_bytes = static_cast<size_t>(GetInt(args, "max_response_bytes", 16384));
  SystemResolver system;
  FixedResolver fixed;
  HostResolver* resolver = &system;
  if (args.count("resolve")) {
    std::pair<std::string, std::string> hr = absl::StrSplit(Get(args, "resolve"), '=');
    fixed.Add(hr.first, {hr.second});
    resolver = &fixed;
  }
  WebhookTransport transport(options, resolver);
  const absl::Duration base = absl::Milliseconds(GetInt(args, "retry_base_ms", 20));
  RetrySchedule schedule(RetryPolicy{base, base * 8, absl::Minutes(1)});
  BitGenRandomSource random;
  const bool until_done = args.count("until_done") > 0;
  const absl::Time made = absl::Now();
  nlohmann::json attempts = nlohmann::json::array();
  const auto start = std::chrono::steady_clock::now();
  DeliveryResult r;
  Decision decision;
  for (int attempt = 1;; ++attempt) {
    const absl::Time timestamp =
        args.count("timestamp") ? absl::FromUnixSeconds(GetInt(args, "timestamp", 0)) : absl::Now();
    auto headers = WebhookHeaders(Get(args, "secret"), n.notification_id, timestamp, body);
    if (!headers.ok()) {
      std::cerr << headers.status() << "\n";
      return 2;
    }
    r = transport.Post(Get(args, "url"), body, *headers);
    decision = DecideNextStep(r, attempt, absl::Now() - made, schedule, random);
    attempts.push_back({{"status", r.status_code}, {"next", NextStepName(decision.step)}});
    if (!until_done || decision.step != NextStep::kRetryLater) break;
    absl::SleepFor(decision.retry_after);
  }
  return Print(r, MillisSince(start),
               {{"webhook_id", n.notification_id},
                {"body", body},
                {"attempts", attempts},
                {"next", NextStepName(decision.step)}});
}

int Mail(const Args& args) {
  NotificationContent n = SampleNotification();
  n.incident_title = Get(args, "title", n.incident_title);
  MailSettings settings{"status@example.com", Get(args, "from_name", "Example Status"),
                        "unsubscribe@example.com"};
  EmailMessage m = RenderNotificationEmail(n, settings, Get(args, "to"), absl::Now());
  SmtpOptions options;
  options.url = Get(args, "smtp_url");
  const std::string tls = Get(args, "starttls", "required");
  options.starttls = tls == "off"        ? StartTls::kOff
                     : tls == "optional" ? StartTls::kOptional
                                         : StartTls::kRequired;
  options.username = Get(args, "user");
  options.password = Get(args, "password");
  options.timeout = absl::Milliseconds(GetInt(args, "timeout_ms", 10000));
  options.ca_file = Get(args, "ca_file");
  SmtpTransport transport(options);
  const auto start = std::chrono::steady_clock::now();
  const int64_t count = GetInt(args, "count", 1);
  int delivered = 0;
  DeliveryResult r;
  for (int64_t i = 0; i < count; ++i) {
    if (i > 0) absl::SleepFor(absl::Milliseconds(GetInt(args, "pause_ms", 0)));
    r = transport.Send(m);
    if (r.outcome == DeliveryOutcome::kDelivered) ++delivered;
  }
  return Print(r, MillisSince(start),
               {{"message_id", m.Header("Message-ID")},
                {"delivered", delivered},
                {"notification", nlohmann::json::parse(RenderWebhookJson(n))}});
}

int Sign(const Args& args) {
  absl::StatusOr<std::string> sig =
      SignWebhook(Get(args, "secret"), Get(args, "id"),
                  absl::FromUnixSeconds(GetInt(args, "timestamp", 0)), Get(args, "body"));
  if (!sig.ok()) {
    std::cerr << sig.status() << "\n";
    return 2;
  }
  std::cout << *sig << std::endl;
  return 0;
}

}  // namespace
}  // namespace statuscast

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: notify_send_tool webhook|mail|sign --flag=value ...\n";
    return 2;
  }
  const std::string command = argv[1];
  const statuscast::Args args = statuscast::ParseArgs(argc, argv);
  if (command == "webhook") return statuscast::Webhook(args);
  if (command == "mail") return statuscast::Mail(args);
  if (command == "sign") return statuscast::Sign(args);
  std::cerr << "unknown command " << command << "\n";
  return 2;
}
