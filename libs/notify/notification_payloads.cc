#include "libs/notify/notification_payloads.h"

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"

namespace statuscast {
namespace {

using nlohmann::json;

json Components(const NotificationContent& n) {
  json out = json::array();
  for (const NotifiedComponent& c : n.affected_components) {
    out.push_back({{"name", c.name}, {"status", c.status}});
  }
  return out;
}

// Slack mrkdwn: only &, < and > are special (they start entities and links).
std::string SlackEscape(const std::string& text) {
  return absl::StrReplaceAll(text, {{"&", "&amp;"}, {"<", "&lt;"}, {">", "&gt;"}});
}

// A Slack link <url|label>; the URL comes from our settings, never from the
// incident text, and '|' or '>' in it would end the link early.
std::string SlackLink(const std::string& url, const std::string& label) {
  return absl::StrCat("<", absl::StrReplaceAll(url, {{"|", "%7C"}, {">", "%3E"}}), "|",
                      SlackEscape(label), ">");
}

// nlohmann's dump throws on invalid UTF-8; replace it instead (incident text
// is checked when written, but a payload must never fail to render).
std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

}  // namespace

const char* NotificationEventName(NotificationEvent event) {
  switch (event) {
    case NotificationEvent::kUpdate:
      return "incident.updated";
    case NotificationEvent::kResolved:
      return "incident.resolved";
    case NotificationEvent::kReopened:
      return "incident.reopened";
    case NotificationEvent::kPostmortemPublished:
      return "incident.postmortem_published";
  }
  return "incident.updated";
}

bool ParseNotificationEvent(absl::string_view text, NotificationEvent* out) {
  for (NotificationEvent e : {NotificationEvent::kUpdate, NotificationEvent::kResolved,
                              NotificationEvent::kReopened,
                              NotificationEvent::kPostmortemPublished}) {
    if (text == NotificationEventName(e)) {
      *out = e;
      return true;
    }
  }
  return false;
}

std::string NotificationTime(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone());
}

std::string NextUpdateLine(const NotificationContent& n) {
  if (!n.next_update_by.has_value()) return "";
  return absl::StrCat("Next update by ", absl::FormatTime("%Y-%m-%d %H:%M UTC", *n.next_update_by,
                                                          absl::UTCTimeZone()));
}

std::string RenderWebhookJson(const NotificationContent& n) {
  json update = {{"id", n.update_id},
                 {"incident_id", n.incident_ref},
                 {"status", n.incident_state},
                 {"body", n.message},
                 {"created_at", NotificationTime(n.update_created_at)},
                 {"affected_components", Components(n)}};
  json incident = {
      {"id", n.incident_ref},
      {"name", n.incident_title},
      {"status", n.incident_state},
      {"impact", n.severity},
      {"shortlink", n.incident_url},
      {"created_at", NotificationTime(n.incident_created_at)},
      {"updated_at", NotificationTime(n.update_created_at)},
      {"next_update_by",
       n.next_update_by.has_value() ? json(NotificationTime(*n.next_update_by)) : json(nullptr)},
      {"components", Components(n)},
      {"incident_updates", json::array({update})}};
  json body = {{"id", n.notification_id},
               {"type", NotificationEventName(n.event)},
               {"timestamp", NotificationTime(n.update_created_at)},
               {"meta", {{"unsubscribe", n.unsubscribe_url}}},
               {"page", {{"name", n.page_name}, {"url", n.page_url}}},
               {"incident", incident}};
  return Dump(body);
}

std::string RenderSlackJson(const NotificationContent& n) {
  const std::string headline =
      absl::StrCat("[", n.severity, "] ", n.incident_title, " (", n.incident_state, ")");
  std::string components;
  for (const NotifiedComponent& c : n.affected_components) {
    absl::StrAppend(&components, components.empty() ? "" : ", ", SlackEscape(c.name), ": ",
                    SlackEscape(c.status));
  }
  std::string context = SlackLink(n.incident_url, "Incident page");
  if (n.next_update_by.has_value()) absl::StrAppend(&context, " · ", NextUpdateLine(n));
  absl::StrAppend(&context, " · ", SlackLink(n.unsubscribe_url, "Unsubscribe"));

  json blocks = json::array();
  // Header blocks are plain_text, at most 150 characters.
  std::string header = headline;
  if (header.size() > 150) {
    size_t cut = 147;
    while (cut > 0 && (static_cast<unsigned char>(header[cut]) & 0xC0) == 0x80) --cut;
    header = header.substr(0, cut) + "...";
  }
  blocks.push_back({{"type", "header"}, {"text", {{"type", "plain_text"}, {"text", header}}}});
  blocks.push_back(
      {{"type", "section"}, {"text", {{"type", "mrkdwn"}, {"text", SlackEscape(n.message)}}}});
  if (!components.empty()) {
    blocks.push_back({{"type", "section"},
                      {"text", {{"type", "mrkdwn"}, {"text", "*Affected:* " + components}}}});
  }
  blocks.push_back(
      {{"type", "context"}, {"elements", json::array({{{"type", "mrkdwn"}, {"text", context}}})}});
  json body = {{"text", absl::StrCat(SlackEscape(headline), ": ", SlackEscape(n.message))},
               {"blocks", blocks}};
  return Dump(body);
}

}  // namespace statuscast
