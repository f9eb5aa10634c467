#include "services/banner/subscription_routes.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "libs/base/markup_escape.h"
#include "libs/http/client_limits.h"
#include "libs/http/http_server.h"
#include "libs/http/request_target.h"
#include "libs/notify/delivery_sender.h"
#include "libs/notify/subscriber_directory.h"
#include "services/banner/status_page_publisher.h"

namespace statuscast {
namespace {

constexpr char kCookie[] = "statuscast_subscribe";
constexpr absl::Duration kFormTtl = absl::Hours(2);

// "https://status.example.com" from "https://status.example.com/base".
std::string OriginOf(const std::string& url) {
  size_t scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return url;
  size_t path = url.find('/', scheme_end + 3);
  return path == std::string::npos ? url : url.substr(0, path);
}

std::string CookieValue(const std::string& header, const std::string& name) {
  for (absl::string_view part : absl::StrSplit(header, ';')) {
    part = absl::StripAsciiWhitespace(part);
    if (absl::ConsumePrefix(&part, name) && absl::ConsumePrefix(&part, "=")) {
      return std::string(part);
    }
  }
  return "";
}

ClientLimitOptions SubscribeLimits(const SubscriptionPageOptions& options) {
  ClientLimitOptions limits;
  limits.rate_per_second = options.subscribe_per_hour_per_ip / 3600.0;
  limits.burst = options.subscribe_burst_per_ip;
  return limits;
}

class Pages {
 public:
  Pages(const LinkTokenSigner& signer, SubscriptionRequests& requests, const Clock& clock,
        SubscriptionPageOptions options)
      : signer_(signer),
        requests_(requests),
        clock_(clock),
        options_(std::move(options)),
        subscribe_limits_(SubscribeLimits(options_)) {}

  std::vector<ComponentChoice> Components() const {
    return options_.components ? options_.components() : std::vector<ComponentChoice>();
  }

  // The component checkboxes, `chosen` checked; none when the page has none.
  std::string ComponentFieldset(const std::vector<std::string>& chosen) const {
    const std::vector<ComponentChoice> components = Components();
    if (components.empty()) return "";
    std::string out =
        "<fieldset>\n<legend>Components</legend>\n"
        "<p>Check the components you want to hear about, or none to hear about all of "
        "them.</p>\n";
    for (size_t i = 0; i < components.size(); ++i) {
      const ComponentChoice& c = components[i];
      const bool checked = std::find(chosen.begin(), chosen.end(), c.name) != chosen.end();
      absl::StrAppend(&out, "<label for=\"component-", i,
                      "\"><input type=\"checkbox\" id=\"component-", i,
                      "\" name=\"component\" value=\"", HtmlEscape(c.name), "\"",
                      checked ? " checked" : "", "> ", HtmlEscape(c.label), "</label><br>\n");
    }
    absl::StrAppend(&out, "</fieldset>\n");
    return out;
  }

  HttpResponse Form(const HttpRequest&, int status = 200, const std::string& problem = "",
                    const std::string& email = "",
                    const std::vector<std::string>& chosen = {}) const {
    const std::string nonce = NewRandomId("");
    const std::string csrf =
        signer_.Issue(LinkPurpose::kSubscribeForm, nonce, clock_.Now() + kFormTtl);
    std::string body = absl::StrCat(
        "<h1>Subscribe to ", HtmlEscape(options_.page_name), "</h1>\n",
        "<p>Get an email for every update about an incident: when it starts, each update, "
        "when it is resolved and its postmortem; about every component, or only those you "
        "choose.</p>\n",
        problem.empty() ? "" : absl::StrCat("<p class=\"error\" role=\"alert\">",
                                            HtmlEscape(problem), "</p>\n"),
        "<form method=\"post\" action=\"/subscribe\">\n"
        "<label for=\"email\">Email address</label>\n"
        "<input id=\"email\" name=\"email\" type=\"email\" required maxlength=\"254\" "
        "autocomplete=\"email\" value=\"",
        HtmlEscape(email), "\">\n", ComponentFieldset(chosen),
        "<input type=\"hidden\" name=\"csrf\" value=\"", HtmlEscape(csrf),
        "\">\n<button type=\"submit\">Subscribe</button>\n</form>\n"
        "<p>We send a confirmation link first; nothing else is sent until you follow it. "
        "Every mail has a one-click unsubscribe link.</p>\n");
    HttpResponse r = Page(status, "Subscribe", body);
    std::string cookie =
        absl::StrCat(kCookie, "=", nonce, "; Path=/subscribe; Max-Age=",
                     absl::ToInt64Seconds(kFormTtl), "; HttpOnly; SameSite=Strict");
    if (absl::StartsWith(options_.status_page_url, "https://")) absl::StrAppend(&cookie, "; Secure");
    r.WithHeader("Set-Cookie", cookie);
    return r;
  }

  HttpResponse Subscribe(const HttpRequest& req) {
    if (!req.limit_key.empty() && subscribe_limits_.rate_limited()) {
      const ClientLimits::Verdict verdict =
          subscribe_limits_.AllowRequest(req.limit_key, clock_.Now());
      if (!verdict.allowed) {
        const int64_t seconds = std::max<int64_t>(
            1, absl::ToInt64Seconds(absl::Ceil(verdict.retry_after, absl::Seconds(1))));
        return Page(429, "Too many requests",
                    absl::StrCat("<h1>Too many requests</h1>\n<p>This address has sent the "
                                 "subscribe form too often; please try again in about ",
                                 (seconds + 59) / 60, " min.</p>\n"))
            .WithHeader("Retry-After", std::to_string(seconds));
      }
    }
    const std::string& origin = req.Header("origin");
    if (!origin.empty() && origin != OriginOf(options_.status_page_url)) {
      return Page(403, "Not allowed",
                  "<p>This form can only be sent from the status page itself.</p>");
    }
    std::multimap<std::string, std::string> fields;
    if (!ParseFormBody(req.body, &fields)) {
      return Form(req, 400, "The form could not be read; please try again.");
    }
    auto field = [&fields](const std::string& name) {
      auto it = fields.find(name);
      return it == fields.end() ? std::string() : it->second;
    };
    absl::StatusOr<std::string> nonce = signer_.Verify(LinkPurpose::kSubscribeForm, field("csrf"));
    if (!nonce.ok() || *nonce != CookieValue(req.Header("cookie"), kCookie)) {
      return Form(req, 403,
                  "The form expired or was not sent from this page (cookies must be on); "
                  "please send it again.");
    }
    const std::string email(absl::StripAsciiWhitespace(field("email")));
    std::vector<std::string> chosen;
    for (auto [it, end] = fields.equal_range("component"); it != end; ++it) {
      if (std::find(chosen.begin(), chosen.end(), it->second) == chosen.end()) {
        chosen.push_back(it->second);
      }
    }
    if (absl::Status s = ValidateEmailAddress(email); !s.ok()) {
      return Form(req, 400, absl::StrCat("That ", s.message(), "."), email, chosen);
    }
    const std::vector<ComponentChoice> components = Components();
    for (const std::string& name : chosen) {
      const bool known = std::any_of(components.begin(), components.end(),
                                     [&name](const ComponentChoice& c) { return c.name == name; });
      if (!known) {
        std::vector<std::string> known_only;
        for (const std::string& n : chosen) {
          if (n != name) known_only.push_back(n);
        }
        return Form(req, 400,
                    absl::StrCat("There is no component \"", name.substr(0, 100),
                                 "\" on this page; choose from the list below, or none for "
                                 "all components."),
                    email, known_only);
      }
    }
    SubscriptionRequest r;
    r.action = SubscriptionRequest::Action::kSubscribeEmail;
    r.email = email;
    r.scope = chosen.empty() ? ComponentScope::Everything() : ComponentScope::Only(chosen);
    if (!requests_.Enqueue(std::move(r))) return Busy();
    // The same answer whether the address is new, waiting or subscribed.
    return Page(200, "Check your inbox",
                absl::StrCat("<h1>Check your inbox</h1>\n<p>If ", HtmlEscape(email),
                             " can receive our mail, a confirmation link is on its way. "
                             "Nothing else is sent until you follow it.</p>\n"));
  }

  HttpResponse Link(const HttpRequest& req, LinkPurpose purpose) const {
    const std::string* token = req.Query("token");
    absl::StatusOr<std::string> id = signer_.Verify(purpose, token ? *token : "");
    if (!id.ok()) return BadLink(id.status());
    const bool confirm = purpose == LinkPurpose::kConfirm;
    const std::string action = absl::StrCat(
        confirm ? ConfirmLinkPath() : UnsubscribeLinkPath(), "?token=", *token);
    if (req.method != "POST") {
      return Page(200, confirm ? "Confirm your subscription" : "Unsubscribe",
                  absl::StrCat("<h1>", confirm ? "Confirm your subscription" : "Unsubscribe",
                               "</h1>\n<form method=\"post\" action=\"", HtmlEscape(action),
                               "\">\n<button type=\"submit\">",
                               confirm ? "Confirm my subscription" : "Unsubscribe me",
                               "</button>\n</form>\n"));
    }
    SubscriptionRequest r;
    r.action = confirm ? SubscriptionRequest::Action::kConfirm
                       : SubscriptionRequest::Action::kUnsubscribe;
    r.subscriber_id = *id;
    r.reason = absl::StrContains(req.body, "List-Unsubscribe=One-Click")
                   ? "one-click unsubscribe (List-Unsubscribe-Post)"
                   : "unsubscribe link";
    if (!requests_.Enqueue(std::move(r))) return Busy();
    if (confirm) {
      return Page(200, "Subscribed",
                  absl::StrCat("<h1>You are subscribed</h1>\n<p>You will hear from ",
                               HtmlEscape(options_.page_name),
                               " about every incident update. Every mail has a link to "
                               "unsubscribe.</p>\n"));
    }
    return Page(200, "Unsubscribed",
                "<h1>You are unsubscribed</h1>\n<p>Nothing more will be sent to you, not even "
                "what was already on its way.</p>\n");
  }

 private:
  HttpResponse Page(int status, const std::string& title, const std::string& body) const {
    HttpResponse r;
    r.status = status;
    r.content_type = "text/html; charset=utf-8";
    r.body = absl::StrCat("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                          "<meta name=\"viewport\" content=\"width=device-width\">"
                          "<title>", HtmlEscape(title), " - ", HtmlEscape(options_.page_name),
                          "</title></head>\n<body>\n", body,
                          "<p><a href=\"/\">Current status</a></p>\n</body></html>\n");
    r.WithHeader("Cache-Control", "no-store");
    r.WithHeader("X-Frame-Options", "DENY");
    // same-origin, not no-referrer: under no-referrer browsers send
    // "Origin: null" with the form's POST, which the Origin check refuses.
    // Link tokens in a URL still never leave this origin in a Referer.
    r.WithHeader("Referrer-Policy", "same-origin");
    return r;
  }

  HttpResponse Busy() const {
    return Page(503, "Busy", "<p>Too many requests right now; please try again in a minute.</p>")
        .WithHeader("Retry-After", "60");
  }

  HttpResponse BadLink(const absl::Status& s) const {
    int status = 403;
    if (s.code() == absl::StatusCode::kInvalidArgument) status = 400;
    if (s.code() == absl::StatusCode::kFailedPrecondition) status = 410;
    return Page(status, "Link not valid",
                absl::StrCat("<h1>This link is not valid</h1>\n<p>", HtmlEscape(std::string(s.message())),
                             ".</p>\n<p>To subscribe again, use <a href=\"/subscribe\">the "
                             "subscribe form</a>.</p>\n"));
  }

  const LinkTokenSigner& signer_;
  SubscriptionRequests& requests_;
  const Clock& clock_;
  const SubscriptionPageOptions options_;
  ClientLimits subscribe_limits_;
};

}  // namespace

std::vector<ComponentChoice> SubscribableComponents(
    const std::shared_ptr<const StatusPageSnapshot>& snapshot) {
  std::vector<ComponentChoice> out;
  if (snapshot == nullptr) return out;
  for (const PublicComponent& c : snapshot->components) out.push_back({c.name, c.label});
  return out;
}

void AddSubscriptionRoutes(HttpServer& server, const LinkTokenSigner& signer,
                           SubscriptionRequests& requests, const Clock& clock,
                           SubscriptionPageOptions options) {
  auto pages = std::make_shared<Pages>(signer, requests, clock, std::move(options));
  const HttpMethods get_post = {HttpMethod::kGet, HttpMethod::kHead, HttpMethod::kPost};
  server.AddRoute(
      "/subscribe",
      [pages](const HttpRequest& req) {
        return req.method == "POST" ? pages->Subscribe(req) : pages->Form(req);
      },
      get_post);
  server.AddRoute(
      ConfirmLinkPath(),
      [pages](const HttpRequest& req) { return pages->Link(req, LinkPurpose::kConfirm); },
      get_post);
  server.AddRoute(
      UnsubscribeLinkPath(),
      [pages](const HttpRequest& req) { return pages->Link(req, LinkPurpose::kUnsubscribe); },
      get_post);
}

}  // namespace statuscast
