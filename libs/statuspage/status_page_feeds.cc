// The status page's machine-readable outputs: the Statuspage-shaped JSON
// (summary and incidents) and the Atom feed (status_page_render.h).
#include <algorithm>
#include <map>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "libs/base/public_url.h"
#include "libs/base/time_text.h"
#include "libs/statuspage/labels.h"
#include "libs/statuspage/markdown.h"
#include "libs/statuspage/markup.h"
#include "libs/statuspage/status_page_render.h"

namespace statuscast {
namespace {

// ---- JSON ----

std::string JsonTime(const absl::optional<absl::Time>& t) {
  return t ? JsonString(FormatRfc3339(*t)) : "null";
}

std::string PageJson(const StatusPageModel& m) {
  return absl::StrCat(
      "{\"id\":\"statuscast\",\"name\":", JsonString(m.title), ",\"url\":", JsonString(m.base_url),
      ",\"time_zone\":\"Etc/UTC\",\"updated_at\":", JsonString(FormatRfc3339(m.updated_at)), "}");
}

std::string IncidentJson(const PublicIncident& i) {
  std::vector<std::string> updates;
  for (const PublicUpdate& u : i.updates) {
    std::vector<std::string> revisions;
    for (const PublicRevision& r : u.revisions) {
      revisions.push_back(absl::StrCat("{\"revision\":", r.number, ",\"body\":", JsonString(r.body),
                                       ",\"at\":", JsonString(FormatRfc3339(r.at)), "}"));
    }
    updates.push_back(absl::StrCat(
        "{\"id\":", JsonString(absl::StrCat(i.ref, "-", u.number)),
        ",\"status\":", JsonString(StateName(u.state)), ",\"body\":", JsonString(u.body),
        ",\"incident_id\":", JsonString(i.ref),
        ",\"created_at\":", JsonString(FormatRfc3339(u.posted_at)),
        ",\"updated_at\":", JsonString(FormatRfc3339(u.edited_at.value_or(u.posted_at))),
        ",\"display_at\":", JsonString(FormatRfc3339(u.posted_at)),
        ",\"next_update_at\":", JsonTime(u.next_update_at), ",\"edited_at\":", JsonTime(u.edited_at),
        ",\"revisions\":[", absl::StrJoin(revisions, ","), "]}"));
  }
  std::vector<std::string> components;
  for (size_t k = 0; k < i.affected.size(); ++k) {
    const AffectedComponent& a = i.affected[k];
    const std::string& label = k < i.affected_labels.size() ? i.affected_labels[k] : a.name;
    components.push_back(
        absl::StrCat("{\"id\":", JsonString(a.name), ",\"name\":", JsonString(label),
                     ",\"status\":", JsonString(ComponentStatusName(a.status)), "}"));
  }
  std::vector<std::string> ledger;
  for (const PublicPromise& p : i.ledger) {
    ledger.push_back(absl::StrCat("{\"due_at\":", JsonString(FormatRfc3339(p.due)),
                                  ",\"status\":", JsonString(PromiseStatusName(p.status)),
                                  ",\"posted_at\":", JsonTime(p.posted_at),
                                  ",\"text\":", JsonString(p.text), "}"));
  }
  return absl::StrCat(
      "{\"id\":", JsonString(i.ref), ",\"name\":", JsonString(i.title),
      ",\"status\":", JsonString(StateName(i.state)),
      ",\"impact\":", JsonString(IndicatorName(i.impact)),
      ",\"created_at\":", JsonString(FormatRfc3339(i.created_at)),
      ",\"updated_at\":", JsonString(FormatRfc3339(i.updated_at)),
      ",\"started_at\":", JsonString(FormatRfc3339(i.started_at)),
      ",\"monitoring_at\":", JsonTime(i.monitoring_at),
      ",\"resolved_at\":", JsonTime(i.resolved_at), ",\"shortlink\":", JsonString(i.shortlink),
      ",\"page_id\":\"statuscast\"", ",\"next_update_at\":", JsonTime(i.next_update_at),
      ",\"postmortem_url\":", i.postmortem_url.empty() ? "null" : JsonString(i.postmortem_url),
      ",\"postmortem_published_at\":", JsonTime(i.postmortem_published_at),
      ",\"incident_updates\":[", absl::StrJoin(updates, ","), "]", ",\"components\":[",
      absl::StrJoin(components, ","), "]", ",\"update_promises\":[", absl::StrJoin(ledger, ","),
      "]}");
}

// Statuspage models a group as a component with "group": true whose
// children name it in group_id.
std::string ComponentsJson(const StatusPageModel& m) {
  std::map<std::string, std::vector<std::string>> groups;
  std::map<std::string, ComponentStatus> group_status;
  for (const PublicComponent& c : m.components) {
    if (c.group.empty()) continue;
    groups[c.group].push_back(c.name);
    ComponentStatus& s = group_status[c.group];
    if (s == ComponentStatus::kUnspecified ||
        (c.status != ComponentStatus::kUnderMaintenance &&
         (s == ComponentStatus::kUnderMaintenance ||
          static_cast<int>(c.status) > static_cast<int>(s)))) {
      s = c.status;
    }
  }
  std::vector<std::string> out;
  int position = 1;
  const std::string updated = JsonString(FormatRfc3339(m.updated_at));
  for (const PublicComponent& c : m.components) {
    out.push_back(absl::StrCat(
        "{\"id\":", JsonString(c.name), ",\"name\":", JsonString(c.label.empty() ? c.name : c.label),
        ",\"status\":", JsonString(ComponentStatusName(c.status)),
        ",\"description\":", c.description.empty() ? "null" : JsonString(c.description),
        ",\"created_at\":", JsonString(FormatRfc3339(c.created_at)), ",\"updated_at\":", updated,
        ",\"position\":", position++, ",\"showcase\":true,\"only_show_if_degraded\":false",
        ",\"group\":false,\"group_id\":",
        c.group.empty() ? "null" : JsonString(absl::StrCat("group:", c.group)),
        ",\"page_id\":\"statuscast\"}"));
  }
  for (const auto& [group, members] : groups) {
    std::vector<std::string> ids;
    for (const std::string& n : members) ids.push_back(JsonString(n));
    out.push_back(absl::StrCat(
        "{\"id\":", JsonString(absl::StrCat("group:", group)), ",\"name\":", JsonString(group),
        ",\"status\":", JsonString(ComponentStatusName(group_status[group])),
        ",\"description\":null,\"created_at\":", updated, ",\"updated_at\":", updated,
        ",\"position\":", position++, ",\"showcase\":false,\"only_show_if_degraded\":false",
        ",\"group\":true,\"group_id\":null,\"page_id\":\"statuscast\",\"components\":[",
        absl::StrJoin(ids, ","), "]}"));
  }
  return absl::StrCat("[", absl::StrJoin(out, ","), "]");
}

// Statuspage's scheduled_maintenances: an "incident" with impact
// "maintenance", scheduled_for/scheduled_until and one update (the
// announcement).
std::string MaintenancesJson(const StatusPageModel& m) {
  std::vector<std::string> out;
  for (const PublicMaintenance& w : m.maintenances) {
    const char* status = MaintenanceStateName(w.state);
    std::vector<std::string> components;
    for (const std::string& c : w.components) {
      components.push_back(
          absl::StrCat("{\"id\":", JsonString(c), ",\"name\":", JsonString(c), ",\"status\":",
                       JsonString(w.state == MaintenanceState::kInProgress ? "under_maintenance"
                                                                           : "operational"),
                       "}"));
    }
    const std::string created = JsonString(FormatRfc3339(w.created_at));
    out.push_back(absl::StrCat(
        "{\"id\":", JsonString(w.ref), ",\"name\":", JsonString(w.title),
        ",\"status\":", JsonString(status), ",\"impact\":\"maintenance\"",
        ",\"created_at\":", created, ",\"updated_at\":", JsonString(FormatRfc3339(w.updated_at)),
        ",\"started_at\":", JsonTime(w.started_at), ",\"resolved_at\":null",
        ",\"scheduled_for\":", JsonString(FormatRfc3339(w.scheduled_start)),
        ",\"scheduled_until\":", JsonString(FormatRfc3339(w.scheduled_end)),
        ",\"shortlink\":", JsonString(JoinPublicUrl(m.base_url, absl::StrCat("/#", w.ref))),
        ",\"page_id\":\"statuscast\",\"incident_updates\":[{\"id\":",
        JsonString(absl::StrCat(w.ref, "-1")), ",\"status\":\"scheduled\",\"body\":",
        JsonString(w.message), ",\"incident_id\":", JsonString(w.ref), ",\"created_at\":", created,
        ",\"updated_at\":", created, ",\"display_at\":", created, "}],\"components\":[",
        absl::StrJoin(components, ","), "]}"));
  }
  return absl::StrCat("[", absl::StrJoin(out, ","), "]");
}

// The Atom entry of an incident's postmortem: its rendered body (markdown.h)
// as HTML content, or a pointer to the write-up; one entry, updated when
// republished.
std::string PostmortemEntry(const PublicIncident& i) {
  const absl::Time updated = *i.postmortem_published_at;
  const absl::Time published = i.postmortem_first_published_at.value_or(updated);
  std::string html;
  if (!i.postmortem_url.empty()) {
    html = absl::StrCat("<p>The full postmortem: <a href=\"", HtmlEscape(i.postmortem_url), "\">",
                        HtmlEscape(i.postmortem_url), "</a></p>\n");
  }
  if (!i.postmortem_body.empty()) absl::StrAppend(&html, RenderMarkdown(i.postmortem_body, 1));
  if (i.postmortem_first_published_at) {
    absl::StrAppend(&html, "<p>Revised ", HtmlEscape(FormatUtcMinute(updated)), ".</p>\n");
  }
  const std::string& link = i.postmortem_url.empty() ? i.shortlink : i.postmortem_url;
  return absl::StrCat("<entry>\n<id>", XmlEscape(i.shortlink), "#postmortem</id>\n<title>",
                      XmlEscape(absl::StrCat("Postmortem: ", i.title)), "</title>\n<updated>",
                      FormatRfc3339(updated), "</updated>\n<published>", FormatRfc3339(published),
                      "</published>\n<link rel=\"alternate\" type=\"text/html\" href=\"",
                      XmlEscape(link), "\"/>\n<category term=\"postmortem\"/>\n<content "
                      "type=\"html\">", XmlEscape(html), "</content>\n</entry>\n");
}

}  // namespace

std::string RenderSummaryJson(const StatusPageModel& m) {
  std::vector<std::string> incidents;
  for (const PublicIncident& i : m.open_incidents) incidents.push_back(IncidentJson(i));
  return absl::StrCat("{\"page\":", PageJson(m),
                      ",\"status\":{\"indicator\":", JsonString(IndicatorName(m.indicator)),
                      ",\"description\":", JsonString(m.description),
                      "},\"components\":", ComponentsJson(m), ",\"incidents\":[",
                      absl::StrJoin(incidents, ","),
                      "],\"scheduled_maintenances\":", MaintenancesJson(m), "}");
}

std::string RenderIncidentsJson(const StatusPageModel& m) {
  std::vector<std::string> incidents;
  for (const PublicIncident& i : m.open_incidents) incidents.push_back(IncidentJson(i));
  for (const PublicIncident& i : m.resolved_incidents) incidents.push_back(IncidentJson(i));
  return absl::StrCat("{\"page\":", PageJson(m), ",\"incidents\":[", absl::StrJoin(incidents, ","),
                      "]}");
}

std::string RenderAtomFeed(const StatusPageModel& m, size_t max_entries) {
  struct Entry {
    const PublicIncident* incident;
    const PublicUpdate* update;  // null: the incident's postmortem
    absl::Time at;
    int number;
  };
  std::vector<Entry> entries;
  for (const auto* list : {&m.open_incidents, &m.resolved_incidents}) {
    for (const PublicIncident& i : *list) {
      for (const PublicUpdate& u : i.updates) entries.push_back({&i, &u, u.posted_at, u.number});
      if (i.postmortem_published_at) {
        entries.push_back({&i, nullptr, *i.postmortem_published_at, 1 << 30});
      }
    }
  }
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    return std::make_tuple(b.at, b.incident->ref, b.number) <
           std::make_tuple(a.at, a.incident->ref, a.number);
  });
  if (entries.size() > max_entries) entries.resize(max_entries);

  std::string out = absl::StrCat(
      "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
      "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"en\">\n"
      "<id>",
      XmlEscape(JoinPublicUrl(m.base_url, "/feed.atom")),
      "</id>\n"
      "<title>",
      XmlEscape(m.title),
      "</title>\n"
      "<subtitle>Incident updates</subtitle>\n"
      "<updated>",
      FormatRfc3339(m.updated_at),
      "</updated>\n"
      "<link rel=\"self\" type=\"application/atom+xml\" href=\"",
      XmlEscape(JoinPublicUrl(m.base_url, "/feed.atom")),
      "\"/>\n"
      "<link rel=\"alternate\" type=\"text/html\" href=\"",
      XmlEscape(JoinPublicUrl(m.base_url, "/")),
      "\"/>\n"
      "<author><name>",
      XmlEscape(m.title), "</name></author>\n");
  for (const Entry& e : entries) {
    const PublicIncident& i = *e.incident;
    if (e.update == nullptr) {
      absl::StrAppend(&out, PostmortemEntry(i));
      continue;
    }
    const PublicUpdate& u = *e.update;
    std::string text = absl::StrCat(StateLabel(u.state), " \xE2\x80\x94 ",
                                    FormatUtcMinute(u.posted_at), "\n\n", u.body);
    if (u.next_update_at)
      absl::StrAppend(&text, "\n\nNext update by ", FormatUtcMinute(*u.next_update_at));
    if (u.edited_at) {
      absl::StrAppend(&text, "\n\nEdited ", FormatUtcMinute(*u.edited_at), ". Earlier versions:");
      for (size_t r = 0; r + 1 < u.revisions.size(); ++r) {
        absl::StrAppend(&text, "\n\n[", FormatUtcMinute(u.revisions[r].at), "] ",
                        u.revisions[r].body);
      }
    }
    absl::StrAppend(&out, "<entry>\n<id>", XmlEscape(i.shortlink), "#update-", u.number,
                    "</id>\n<title>", XmlEscape(absl::StrCat(StateLabel(u.state), ": ", i.title)),
                    "</title>\n<updated>", FormatRfc3339(u.edited_at.value_or(u.posted_at)),
                    "</updated>\n<published>",
                    FormatRfc3339(u.posted_at),
                    "</published>\n<link rel=\"alternate\" type=\"text/html\" href=\"",
                    XmlEscape(i.shortlink), "\"/>\n<category term=\"", StateName(u.state),
                    "\"/>\n<content type=\"text\">", XmlEscape(text), "</content>\n</entry>\n");
  }
  absl::StrAppend(&out, "</feed>\n");
  return out;
}

}  // namespace statuscast
