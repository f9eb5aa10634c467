// The status page shows the public record and nothing else: hand-built
// incidents at fixed times, rendered to HTML, JSON and Atom.
#include <gmock/gmock.h>
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "libs/base/text_limits.h"
#include "libs/statuspage/status_page_model.h"
#include "libs/statuspage/status_page_render.h"

namespace statuscast {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

absl::Time At(const std::string& hhmm, int day = 27) {
  absl::Time t;
  std::string text = "2026-11-" + std::to_string(day) + "T" + hhmm + ":00Z";
  EXPECT_TRUE(absl::ParseTime(absl::RFC3339_full, text, &t, nullptr)) << text;
  return t;
}

Update MakeUpdate(IncidentState state, const std::string& message, absl::Time posted,
                  absl::optional<absl::Time> next,
                  std::vector<Channel> channels = {Channel::kStatusPage, Channel::kPublic}) {
  Update u;
  u.kind = UpdateKind::kProgress;
  u.state = state;
  u.message = message;
  u.banner_text = "banner " + message;
  u.channels = std::move(channels);
  u.posted_at = posted;
  u.next_update_at = next;
  u.author = "alice.oncall@corp.internal";
  u.lint_override_reason = "internal override reason";
  u.severity = Severity::kSev1;
  return u;
}

// A SEV-1 declared 14:00, first update 14:05 promising 14:30, kept at 14:28
// (identified) promising 14:58.
Incident OpenSev1() {
  Incident inc;
  inc.id = 987654;
  inc.ref = "INC-7";
  inc.title = "Checkout failing";
  inc.severity = Severity::kSev1;
  inc.state = IncidentState::kIdentified;
  inc.confirmed_start = At("14:00");
  inc.declared_at = At("14:02");
  inc.investigating_at = At("14:02");
  inc.identified_at = At("14:28");
  inc.first_communication_at = At("14:05");
  inc.next_update_at = At("14:58");
  inc.updated_at = At("14:28");
  inc.version = 3;
  inc.affected = {{"checkout", ComponentStatus::kMajorOutage}};
  Update first = MakeUpdate(IncidentState::kInvestigating,
                            "We're investigating failed checkouts for all users.", At("14:05"),
                            At("14:30"), {Channel::kInAppBanner, Channel::kStatusPage});
  first.kind = UpdateKind::kFirst;
  inc.updates.push_back(first);
  inc.updates.push_back(MakeUpdate(IncidentState::kIdentified,
                                   "We found the cause and are rolling back.", At("14:28"),
                                   At("14:58")));
  return inc;
}

Incident Resolved(const std::string& ref, const std::string& title, absl::Time start,
                  absl::Time resolved) {
  Incident inc;
  inc.ref = ref;
  inc.title = title;
  inc.severity = Severity::kSev2;
  inc.state = IncidentState::kResolved;
  inc.confirmed_start = start;
  inc.declared_at = start;
  inc.investigating_at = start;
  inc.resolved_at = resolved;
  inc.updated_at = resolved;
  inc.affected = {{"search", ComponentStatus::kPartialOutage}};
  inc.updates.push_back(MakeUpdate(IncidentState::kInvestigating, "Search is slow.",
                                   start + absl::Minutes(5), absl::nullopt));
  inc.updates.push_back(
      MakeUpdate(IncidentState::kResolved, "Search is fast again.", resolved, absl::nullopt));
  return inc;
}

std::vector<Component> Catalog() {
  Component checkout;
  checkout.name = "checkout";
  checkout.group = "shop";
  checkout.status = ComponentStatus::kMajorOutage;
  checkout.created_at = At("09:00", 1);
  Component search;
  search.name = "search";
  search.group = "shop";
  search.status = ComponentStatus::kOperational;
  search.created_at = At("09:00", 1);
  Component api;
  api.name = "api";
  api.status = ComponentStatus::kOperational;
  api.created_at = At("09:00", 1);
  return {checkout, search, api};
}

StatusPageConfig Config() {
  StatusPageConfig c;
  c.title = "Example status";
  c.base_url = "https://status.example.com";
  return c;
}

google::protobuf::Struct ParseJson(const std::string& json) {
  google::protobuf::Struct s;
  auto status = google::protobuf::util::JsonStringToMessage(json, &s);
  EXPECT_TRUE(status.ok()) << status.ToString() << "\n" << json;
  return s;
}

const google::protobuf::Value& Field(const google::protobuf::Struct& s, const std::string& name) {
  auto it = s.fields().find(name);
  if (it == s.fields().end()) {
    ADD_FAILURE() << "missing field " << name;
    static const google::protobuf::Value* empty = new google::protobuf::Value();
    return *empty;
  }
  return it->second;
}

// Every output of a page, concatenated.
std::string AllOutputs(const StatusPageModel& m) {
  std::string all =
      RenderStatusPageHtml(m) + RenderSummaryJson(m) + RenderIncidentsJson(m) + RenderAtomFeed(m);
  for (const auto* list : {&m.open_incidents, &m.resolved_incidents}) {
    for (const PublicIncident& i : *list) all += *RenderIncidentPageHtml(m, i.ref);
  }
  return all;
}

TEST(StatusPageTest, AuthorsAuditDataAndInternalNotesNeverAppearInAnyOutput) {
  Incident inc = OpenSev1();
  SeverityChange change;
  change.from = Severity::kSev2;
  change.to = Severity::kSev1;
  change.reason = "bob's bad deploy of payments-v2";
  change.author = "bob.sre@corp.internal";
  change.changed_at = At("14:10");
  inc.severity_changes.push_back(change);
  Incident old = Resolved("INC-3", "Search slow", At("10:00", 20), At("11:00", 20));
  old.postmortem = Postmortem{"https://status.example.com/pm/3", "We added an index.",
                              At("12:00", 21), "carol.writer@corp.internal"};
  StatusPageModel m = BuildStatusPageModel(Config(), {inc, old}, Catalog(), At("14:40"));

  const std::string all = AllOutputs(m);
  for (const char* secret : {"alice.oncall", "bob.sre", "carol.writer", "corp.internal",
                             "bad deploy", "internal override reason", "987654"}) {
    EXPECT_THAT(all, Not(HasSubstr(secret))) << secret;
  }
  EXPECT_THAT(all, HasSubstr("We found the cause and are rolling back."));
  EXPECT_THAT(all, HasSubstr("https://status.example.com/pm/3"));
}

TEST(StatusPageTest, AnEscalationThatMovedThePromiseLeavesOneTimeOnThePage) {
  Incident inc = OpenSev1();
  inc.updates.back().message = "We found the cause and are rolling back. Next update by 14:58 UTC.";
  // Escalated at 14:30: the promise came forward to 14:50.
  inc.next_update_at = At("14:50");
  StatusPageModel m = BuildStatusPageModel(Config(), {inc}, Catalog(), At("14:40"));
  const PublicIncident* p = m.Find("INC-7");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->next_update_at, At("14:50"));
  EXPECT_EQ(p->updates.front().body,
            "We found the cause and are rolling back. Next update by 14:50 UTC (brought forward).");
  EXPECT_EQ(p->updates.front().next_update_at, At("14:50"));
  const std::string html = *RenderIncidentPageHtml(m, "INC-7");
  EXPECT_THAT(html, Not(HasSubstr("Next update by 14:58 UTC")));
  // The older update keeps what it said when it was the newest.
  EXPECT_EQ(p->updates.back().body, "We're investigating failed checkouts for all users.");
}

MaintenanceWindow SearchReindex(MaintenanceState state = MaintenanceState::kScheduled) {
  MaintenanceWindow w;
  w.ref = "MNT-2";
  w.title = "Search reindex";
  w.message = "Search results may be incomplete for up to an hour.";
  w.components = {"search"};
  w.state = state;
  w.scheduled_start = At("22:00");
  w.scheduled_end = At("23:00");
  w.created_at = At("09:00");
  w.updated_at = At("09:00");
  w.version = 1;
  return w;
}

TEST(StatusPageTest, UpcomingMaintenanceIsListedAndInTheJsonAsScheduledMaintenances) {
  StatusPageModel m = BuildStatusPageModel(Config(), {}, Catalog(), At("14:40"), {SearchReindex()});
  ASSERT_EQ(m.maintenances.size(), 1u);
  EXPECT_EQ(m.maintenances[0].state, MaintenanceState::kScheduled);
  for (const PublicComponent& c : m.components) {
    EXPECT_NE(c.status, ComponentStatus::kUnderMaintenance) << c.name << ": not yet running";
  }
  const std::string html = RenderStatusPageHtml(m);
  EXPECT_THAT(html, HasSubstr("Scheduled maintenance</h2>"));
  EXPECT_THAT(html, HasSubstr("Search reindex"));
  EXPECT_THAT(html, HasSubstr("Search results may be incomplete for up to an hour."));
  const google::protobuf::Struct summary = ParseJson(RenderSummaryJson(m));
  const auto& list = Field(summary, "scheduled_maintenances").list_value();
  ASSERT_EQ(list.values_size(), 1);
  const google::protobuf::Struct& w = list.values(0).struct_value();
  EXPECT_EQ(Field(w, "id").string_value(), "MNT-2");
  EXPECT_EQ(Field(w, "status").string_value(), "scheduled");
  EXPECT_EQ(Field(w, "impact").string_value(), "maintenance");
  EXPECT_EQ(Field(w, "scheduled_for").string_value(), "2026-11-27T22:00:00Z");
  EXPECT_EQ(Field(w, "scheduled_until").string_value(), "2026-11-27T23:00:00Z");
  EXPECT_EQ(Field(w, "incident_updates").list_value().values_size(), 1);
  EXPECT_EQ(Field(summary, "incidents").list_value().values_size(), 0)
      << "maintenance is never an incident";
}

TEST(StatusPageTest, DuringTheWindowItsComponentsAreUnderMaintenance) {
  StatusPageModel m = BuildStatusPageModel(Config(), {}, Catalog(), At("22:10"), {SearchReindex()});
  ASSERT_EQ(m.maintenances.size(), 1u);
  EXPECT_EQ(m.maintenances[0].state, MaintenanceState::kInProgress);
  for (const PublicComponent& c : m.components) {
    if (c.name == "search") {
      EXPECT_EQ(c.status, ComponentStatus::kUnderMaintenance);
    } else if (c.name == "api") {
      EXPECT_EQ(c.status, ComponentStatus::kOperational);
    }
  }
  std::vector<Component> healthy = Catalog();
  for (Component& c : healthy) c.status = ComponentStatus::kOperational;
  EXPECT_EQ(BuildStatusPageModel(Config(), {}, healthy, At("22:10"), {SearchReindex()}).description,
            "Service Under Maintenance");
  const google::protobuf::Struct summary = ParseJson(RenderSummaryJson(m));
  EXPECT_EQ(Field(Field(summary, "scheduled_maintenances").list_value().values(0).struct_value(),
                  "status")
                .string_value(),
            "in_progress");
  EXPECT_THAT(RenderStatusPageHtml(m), HasSubstr("In progress"));
  // An incident's outage on the component outranks the maintenance.
  std::vector<Component> catalog = Catalog();
  for (Component& c : catalog) {
    if (c.name == "search") c.status = ComponentStatus::kMajorOutage;
  }
  m = BuildStatusPageModel(Config(), {}, catalog, At("22:10"), {SearchReindex()});
  for (const PublicComponent& c : m.components) {
    if (c.name == "search") {
      EXPECT_EQ(c.status, ComponentStatus::kMajorOutage);
    }
  }
}

TEST(StatusPageTest, FinishedAndCancelledMaintenanceLeaveThePage) {
  StatusPageModel m =
      BuildStatusPageModel(Config(), {}, Catalog(), At("23:00"),
                           {SearchReindex(), SearchReindex(MaintenanceState::kCancelled)});
  EXPECT_TRUE(m.maintenances.empty());
  for (const PublicComponent& c : m.components) {
    EXPECT_NE(c.status, ComponentStatus::kUnderMaintenance) << c.name;
  }
  EXPECT_THAT(RenderStatusPageHtml(m), Not(HasSubstr("Scheduled maintenance</h2>")));
  EXPECT_THAT(RenderSummaryJson(m), HasSubstr("\"scheduled_maintenances\":[]"));
}

TEST(StatusPageTest, UpdatesSentOnlyToTheBannerDoNotAppear) {
  Incident inc = OpenSev1();
  inc.updates.push_back(MakeUpdate(IncidentState::kIdentified, "Banner-only wording for the app",
                                   At("14:35"), At("15:05"), {Channel::kInAppBanner}));
  StatusPageModel m = BuildStatusPageModel(Config(), {inc}, Catalog(), At("14:40"));

  ASSERT_EQ(m.open_incidents.size(), 1u);
  EXPECT_EQ(m.open_incidents[0].updates.size(), 2u);
  EXPECT_THAT(AllOutputs(m), Not(HasSubstr("Banner-only wording")));
  // Banner texts never appear either: the status page shows messages.
  EXPECT_THAT(AllOutputs(m), Not(HasSubstr("banner We")));
}

TEST(StatusPageTest, HtmlShowsEveryUpdateWithItsStateAndUtcTimeNewestFirst) {
  StatusPageModel m = BuildStatusPageModel(Config(), {OpenSev1()}, Catalog(), At("14:40"));
  const std::string html = RenderStatusPageHtml(m);

  const size_t identified = html.find(
      "<strong class=\"state\">Identified</strong> \xC2\xB7 "
      "<time datetime=\"2026-11-27T14:28:00Z\">2026-11-27 14:28 UTC");
  const size_t investigating = html.find(
      "<strong class=\"state\">Investigating</strong> \xC2\xB7 "
      "<time datetime=\"2026-11-27T14:05:00Z\">2026-11-27 14:05 UTC");
  ASSERT_NE(identified, std::string::npos) << html;
  ASSERT_NE(investigating, std::string::npos);
  EXPECT_LT(identified, investigating);
  EXPECT_THAT(html, HasSubstr("Next update by <time datetime=\"2026-11-27T14:58:00Z\">14:58 UTC"));
  EXPECT_THAT(html, HasSubstr("id=\"overall-status\">Major System Outage<"));
  EXPECT_THAT(html, HasSubstr("<span class=\"name\">checkout</span>"));
  EXPECT_THAT(html, HasSubstr("cs-major_outage\">Major outage</span>"));
  EXPECT_THAT(html, HasSubstr("href=\"/incidents/INC-7\""));
}

TEST(StatusPageTest, LedgerSaysWhenEachPromiseWasKept) {
  StatusPageModel m = BuildStatusPageModel(Config(), {OpenSev1()}, Catalog(), At("14:40"));
  const std::string html = RenderStatusPageHtml(m);

  EXPECT_THAT(html, HasSubstr("<li class=\"promise-kept\">next update by 14:30 UTC \xE2\x80\x94 "
                              "posted 14:28 UTC</li>"));
  EXPECT_THAT(html, HasSubstr("<li class=\"promise-pending\">next update by 14:58 UTC \xE2\x80\x94 "
                              "pending</li>"));
}

TEST(StatusPageTest, LedgerTextForLateOverdueAndEscalatedPromises) {
  PromiseEntry late;
  late.due = At("14:30");
  late.status = PromiseStatus::kMissed;
  late.kept_at = At("14:41");
  late.lateness = absl::Minutes(11);
  EXPECT_EQ(LedgerText(late), "next update by 14:30 UTC \xE2\x80\x94 posted 14:41 UTC, 11m late");

  PromiseEntry overdue;
  overdue.due = At("15:00");
  overdue.status = PromiseStatus::kMissed;
  EXPECT_EQ(LedgerText(overdue), "next update by 15:00 UTC \xE2\x80\x94 overdue");

  PromiseEntry escalated;
  escalated.due = At("14:45");
  escalated.status = PromiseStatus::kKept;
  escalated.kept_at = At("14:44");
  escalated.from_escalation = true;
  EXPECT_EQ(LedgerText(escalated),
            "next update by 14:45 UTC \xE2\x80\x94 posted 14:44 UTC (brought forward by an "
            "escalation)");
}

TEST(StatusPageTest, AMissedPromiseShowsOnceItIsOverdue) {
  StatusPageModel m = BuildStatusPageModel(Config(), {OpenSev1()}, Catalog(), At("15:10"));
  EXPECT_THAT(RenderStatusPageHtml(m),
              HasSubstr("<li class=\"promise-missed\">next update by 14:58 UTC \xE2\x80\x94 "
                        "overdue</li>"));
}

TEST(StatusPageTest, EscapesTextInHtmlJsonAndAtom) {
  Incident inc = OpenSev1();
  inc.title = "<script>alert(\"t\")</script> & 'co'";
  inc.updates[1].message = "Fails for <b>some</b> users & \"guests\"";
  StatusPageConfig config = Config();
  config.title = "Status <i>";
  StatusPageModel m = BuildStatusPageModel(config, {inc}, Catalog(), At("14:40"));

  const std::string html = RenderStatusPageHtml(m) + *RenderIncidentPageHtml(m, "INC-7");
  EXPECT_THAT(html, Not(HasSubstr("<script>alert")));
  EXPECT_THAT(html, Not(HasSubstr("<b>some")));
  EXPECT_THAT(html, Not(HasSubstr("<i>")));
  EXPECT_THAT(html,
              HasSubstr("&lt;script&gt;alert(&quot;t&quot;)&lt;/script&gt; &amp; &#39;co&#39;"));
  EXPECT_THAT(html, HasSubstr("Fails for &lt;b&gt;some&lt;/b&gt; users &amp; &quot;guests&quot;"));

  const std::string atom = RenderAtomFeed(m);
  EXPECT_THAT(atom, Not(HasSubstr("<b>")));
  EXPECT_THAT(atom, HasSubstr("&lt;b&gt;some&lt;/b&gt; users &amp; &quot;guests&quot;"));
  EXPECT_THAT(atom, HasSubstr("<title>Status &lt;i&gt;</title>"));

  google::protobuf::Struct summary = ParseJson(RenderSummaryJson(m));
  const auto& incident = Field(summary, "incidents").list_value().values(0).struct_value();
  EXPECT_EQ(Field(incident, "name").string_value(), inc.title);
  EXPECT_EQ(Field(Field(incident, "incident_updates").list_value().values(0).struct_value(), "body")
                .string_value(),
            inc.updates[1].message);
}

// Rows stored before the write-time checks refused them: U+FFFF (which XML
// 1.0 forbids) in an update, an unclosed right-to-left override (U+202E) in
// a title. Every output drops both, so the feed stays well-formed and the
// override cannot reverse the text after it (up to the page title).
TEST(StatusPageTest, StoredXmlForbiddenAndBidiCharactersAreDroppedFromEveryOutput) {
  Incident inc = OpenSev1();
  inc.title = "Checkout \xE2\x80\xAE failing";
  inc.updates[1].message = "Rolling back\xEF\xBF\xBF now\xEF\xBF\xBE.\x01";
  StatusPageModel m = BuildStatusPageModel(Config(), {inc}, Catalog(), At("14:40"));

  const std::string atom = RenderAtomFeed(m);
  const std::string html = RenderStatusPageHtml(m) + *RenderIncidentPageHtml(m, "INC-7");
  for (const std::string* out : {&atom, &html}) {
    EXPECT_TRUE(IsValidUtf8(*out));
    for (const char* bad : {"\xEF\xBF\xBF", "\xEF\xBF\xBE", "\xE2\x80\xAE", "\x01"}) {
      EXPECT_EQ(out->find(bad), std::string::npos) << "found " << bad;
    }
    EXPECT_THAT(*out, HasSubstr("Checkout  failing"));
    EXPECT_THAT(*out, HasSubstr("Rolling back now."));
  }
  size_t len = 0;
  for (absl::string_view rest = atom; !rest.empty(); rest.remove_prefix(len)) {
    ASSERT_FALSE(IsXmlForbidden(DecodeUtf8(rest, &len)));
  }
}

TEST(StatusPageTest, PostmortemLinksOnlyToHttpUrls) {
  Incident good = Resolved("INC-3", "Search slow", At("10:00", 20), At("11:00", 20));
  good.postmortem = Postmortem{"https://status.example.com/pm/3", "", At("12:00", 21), "x"};
  Incident evil = Resolved("INC-4", "Search slow again", At("10:00", 21), At("11:00", 21));
  evil.postmortem = Postmortem{"javascript:alert(document.cookie)", "", At("12:00", 22), "x"};
  StatusPageModel m = BuildStatusPageModel(Config(), {good, evil}, Catalog(), At("14:40"));

  const std::string all = AllOutputs(m);
  EXPECT_THAT(all, HasSubstr("<a class=\"postmortem\" href=\"https://status.example.com/pm/3\">"));
  EXPECT_THAT(all, Not(HasSubstr("javascript:")));
}

TEST(StatusPageTest, SummaryJsonHasTheCommonStatusPageShape) {
  Incident old = Resolved("INC-3", "Search slow", At("10:00", 20), At("11:00", 20));
  StatusPageModel m = BuildStatusPageModel(Config(), {OpenSev1(), old}, Catalog(), At("14:40"));
  google::protobuf::Struct s = ParseJson(RenderSummaryJson(m));

  const auto& page = Field(s, "page").struct_value();
  EXPECT_EQ(Field(page, "name").string_value(), "Example status");
  EXPECT_EQ(Field(page, "url").string_value(), "https://status.example.com");
  EXPECT_EQ(Field(page, "updated_at").string_value(), "2026-11-27T14:28:00Z");
  const auto& status = Field(s, "status").struct_value();
  EXPECT_EQ(Field(status, "indicator").string_value(), "critical");
  EXPECT_EQ(Field(status, "description").string_value(), "Major System Outage");

  const auto& components = Field(s, "components").list_value();
  ASSERT_EQ(components.values_size(), 4);  // api, checkout, search, and the group "shop"
  const auto& checkout = components.values(1).struct_value();
  EXPECT_EQ(Field(checkout, "name").string_value(), "checkout");
  EXPECT_EQ(Field(checkout, "status").string_value(), "major_outage");
  EXPECT_EQ(Field(checkout, "group_id").string_value(), "group:shop");
  const auto& group = components.values(3).struct_value();
  EXPECT_TRUE(Field(group, "group").bool_value());
  EXPECT_EQ(Field(group, "status").string_value(), "major_outage");

  // Summaries list unresolved incidents only.
  const auto& incidents = Field(s, "incidents").list_value();
  ASSERT_EQ(incidents.values_size(), 1);
  const auto& inc = incidents.values(0).struct_value();
  EXPECT_EQ(Field(inc, "id").string_value(), "INC-7");
  EXPECT_EQ(Field(inc, "name").string_value(), "Checkout failing");
  EXPECT_EQ(Field(inc, "status").string_value(), "identified");
  EXPECT_EQ(Field(inc, "impact").string_value(), "critical");
  EXPECT_EQ(Field(inc, "shortlink").string_value(), "https://status.example.com/incidents/INC-7");
  EXPECT_EQ(Field(inc, "created_at").string_value(), "2026-11-27T14:02:00Z");
  EXPECT_EQ(Field(inc, "updated_at").string_value(), "2026-11-27T14:28:00Z");
  const auto& updates = Field(inc, "incident_updates").list_value();
  ASSERT_EQ(updates.values_size(), 2);
  EXPECT_EQ(Field(updates.values(0).struct_value(), "status").string_value(), "identified");
  EXPECT_EQ(Field(updates.values(0).struct_value(), "created_at").string_value(),
            "2026-11-27T14:28:00Z");
  EXPECT_EQ(Field(updates.values(1).struct_value(), "body").string_value(),
            "We're investigating failed checkouts for all users.");
  EXPECT_EQ(Field(s, "scheduled_maintenances").list_value().values_size(), 0);

  google::protobuf::Struct all = ParseJson(RenderIncidentsJson(m));
  EXPECT_EQ(Field(all, "incidents").list_value().values_size(), 2);
}

struct IndicatorCase {
  std::vector<Severity> open;
  ComponentStatus component;
  const char* indicator;
  const char* description;
};

TEST(StatusPageTest, IndicatorFollowsTheWorstOpenIncidentAndComponent) {
  const std::vector<IndicatorCase> cases = {
      {{}, ComponentStatus::kOperational, "none", "All Systems Operational"},
      {{}, ComponentStatus::kUnderMaintenance, "none", "Service Under Maintenance"},
      {{}, ComponentStatus::kDegradedPerformance, "minor", "Minor Service Outage"},
      {{}, ComponentStatus::kMajorOutage, "major", "Partial System Outage"},
      {{Severity::kSev3}, ComponentStatus::kOperational, "minor", "Minor Service Outage"},
      {{Severity::kSev2, Severity::kSev3},
       ComponentStatus::kOperational,
       "major",
       "Partial System Outage"},
      {{Severity::kSev3, Severity::kSev1},
       ComponentStatus::kPartialOutage,
       "critical",
       "Major System Outage"},
  };
  for (const IndicatorCase& c : cases) {
    std::vector<Incident> incidents;
    int n = 1;
    for (Severity s : c.open) {
      Incident inc = OpenSev1();
      inc.ref = "INC-" + std::to_string(n++);
      inc.severity = s;
      incidents.push_back(inc);
    }
    // A resolved SEV-1 never counts.
    Incident done = Resolved("INC-99", "Old", At("10:00", 20), At("11:00", 20));
    done.severity = Severity::kSev1;
    incidents.push_back(done);
    Component comp;
    comp.name = "api";
    comp.status = c.component;
    StatusPageModel m = BuildStatusPageModel(Config(), incidents, {comp}, At("14:40"));
    EXPECT_STREQ(IndicatorName(m.indicator), c.indicator) << c.description;
    EXPECT_EQ(m.description, c.description);
  }
  EXPECT_EQ(ImpactForSeverity(Severity::kSev1), Indicator::kCritical);
  EXPECT_EQ(ImpactForSeverity(Severity::kSev2), Indicator::kMajor);
  EXPECT_EQ(ImpactForSeverity(Severity::kSev3), Indicator::kMinor);
}

TEST(StatusPageTest, ResolvedIncidentsOfTheLast90DaysOnlyNewestFirst) {
  const absl::Time now = At("14:40");
  Incident recent = Resolved("INC-5", "Recent", now - absl::Hours(30), now - absl::Hours(29));
  Incident edge = Resolved("INC-4", "Edge", now - absl::Hours(24 * 90), now - absl::Hours(24 * 89));
  Incident old =
      Resolved("INC-2", "Too old", now - absl::Hours(24 * 92), now - absl::Hours(24 * 91));
  Incident long_open = OpenSev1();
  long_open.confirmed_start = now - absl::Hours(24 * 200);
  StatusPageModel m = BuildStatusPageModel(Config(), {old, edge, recent, long_open}, {}, now);

  ASSERT_EQ(m.resolved_incidents.size(), 2u);
  EXPECT_EQ(m.resolved_incidents[0].ref, "INC-5");
  EXPECT_EQ(m.resolved_incidents[1].ref, "INC-4");
  EXPECT_EQ(m.open_incidents.size(), 1u);
  const std::string html = RenderStatusPageHtml(m);
  EXPECT_THAT(html, HasSubstr("Resolved incidents, last 90 days"));
  EXPECT_THAT(html, Not(HasSubstr("Too old")));
  EXPECT_FALSE(RenderIncidentPageHtml(m, "INC-2").has_value());
}

TEST(StatusPageTest, IncidentPageShowsTheWholeRecord) {
  Incident old = Resolved("INC-3", "Search slow", At("10:00", 20), At("11:00", 20));
  old.postmortem = Postmortem{"https://status.example.com/pm/3", "We added an index.\nAnd alerts.",
                              At("12:00", 21), "carol"};
  StatusPageModel m = BuildStatusPageModel(Config(), {old}, Catalog(), At("14:40"));
  absl::optional<std::string> page = RenderIncidentPageHtml(m, "INC-3");
  ASSERT_TRUE(page.has_value());
  EXPECT_THAT(*page, HasSubstr("<title>Search slow \xC2\xB7 Example status</title>"));
  EXPECT_THAT(
      *page,
      HasSubstr(
          "Resolved <time datetime=\"2026-11-20T11:00:00Z\">2026-11-20 11:00 UTC</time> (1 h)"));
  EXPECT_THAT(*page, HasSubstr("Search is fast again."));
  EXPECT_THAT(*page, HasSubstr("We added an index.\nAnd alerts."));
  EXPECT_THAT(*page, HasSubstr("Postmortem</a>"));
  EXPECT_FALSE(RenderIncidentPageHtml(m, "INC-404").has_value());
}

TEST(StatusPageTest, AtomFeedHasOneEntryPerPublicUpdateNewestFirst) {
  Incident old = Resolved("INC-3", "Search slow", At("10:00", 20), At("11:00", 20));
  StatusPageModel m = BuildStatusPageModel(Config(), {OpenSev1(), old}, Catalog(), At("14:40"));
  const std::string atom = RenderAtomFeed(m);

  EXPECT_THAT(atom, HasSubstr("<feed xmlns=\"http://www.w3.org/2005/Atom\""));
  EXPECT_THAT(atom, HasSubstr("<updated>2026-11-27T14:28:00Z</updated>"));
  EXPECT_THAT(atom, HasSubstr("<author><name>Example status</name></author>"));
  size_t entries = 0;
  for (size_t at = atom.find("<entry>"); at != std::string::npos;
       at = atom.find("<entry>", at + 1)) {
    ++entries;
  }
  EXPECT_EQ(entries, 4u);
  const size_t newest = atom.find("<id>https://status.example.com/incidents/INC-7#update-2</id>");
  const size_t oldest = atom.find("<id>https://status.example.com/incidents/INC-3#update-1</id>");
  ASSERT_NE(newest, std::string::npos);
  ASSERT_NE(oldest, std::string::npos);
  EXPECT_LT(newest, oldest);
  EXPECT_THAT(atom, HasSubstr("<title>Identified: Checkout failing</title>"));
  EXPECT_EQ(RenderAtomFeed(m, 1).find("INC-3"), std::string::npos);
}

TEST(StatusPageTest, AnUnchangedModelRendersTheSameBytes) {
  StatusPageModel a = BuildStatusPageModel(Config(), {OpenSev1()}, Catalog(), At("14:40"));
  StatusPageModel b = BuildStatusPageModel(Config(), {OpenSev1()}, Catalog(), At("14:41"));
  EXPECT_EQ(RenderStatusPageHtml(a), RenderStatusPageHtml(b));
  EXPECT_EQ(ContentEtag(RenderSummaryJson(a)), ContentEtag(RenderSummaryJson(b)));
  Incident changed = OpenSev1();
  changed.updates[1].message = "Rolled back; watching.";
  StatusPageModel c = BuildStatusPageModel(Config(), {changed}, Catalog(), At("14:40"));
  EXPECT_NE(ContentEtag(RenderStatusPageHtml(a)), ContentEtag(RenderStatusPageHtml(c)));
}

TEST(StatusPageTest, PageWorksWithoutJavaScriptAndRefreshesInPlaceWithIt) {
  StatusPageModel m = BuildStatusPageModel(Config(), {}, {}, At("14:40"));
  const std::string html = RenderStatusPageHtml(m);
  // Never reloads itself (WCAG 2.2.1): without JavaScript it offers a link.
  EXPECT_THAT(html, Not(HasSubstr("http-equiv")));
  EXPECT_THAT(html, HasSubstr("<noscript><p>This page does not update itself without JavaScript: "
                              "<a href=\"/\">reload it</a>"));
  EXPECT_THAT(html, HasSubstr("<main id=\"sc-live\" data-version=\"sp-"));
  EXPECT_THAT(html, HasSubstr("<div id=\"sc-announce\" class=\"sr\" role=\"status\"></div>"));
  EXPECT_THAT(html, HasSubstr("No open incidents."));
  EXPECT_THAT(html, HasSubstr("All Systems Operational"));
}

TEST(StatusPageTest, PagesHaveADescriptionAndAnInlineIconInTheOverallColour) {
  StatusPageModel calm = BuildStatusPageModel(Config(), {}, {}, At("14:40"));
  EXPECT_THAT(RenderStatusPageHtml(calm),
              HasSubstr("<meta name=\"description\" content=\"Live status of Example status: All "
                        "Systems Operational. "));
  EXPECT_THAT(RenderStatusPageHtml(calm), HasSubstr("fill='%231e7a3c'"));
  StatusPageModel m = BuildStatusPageModel(Config(), {OpenSev1()}, Catalog(), At("14:40"));
  absl::optional<std::string> page = RenderIncidentPageHtml(m, "INC-7");
  ASSERT_TRUE(page.has_value());
  EXPECT_THAT(*page, HasSubstr("<meta name=\"description\" content=\"INC-7 on Example status: "
                               "Checkout failing. Identified, Critical impact. "));
  EXPECT_THAT(*page, HasSubstr("<link rel=\"icon\" href=\"data:image/svg+xml,"));
  EXPECT_THAT(*page, HasSubstr("fill='%23a0171c'"));
  EXPECT_THAT(*page, HasSubstr("<a href=\"/incidents/INC-7\">reload it</a>"));
}

TEST(StatusPageTest, HeadingsDescendOneLevelAtATime) {
  StatusPageModel m = BuildStatusPageModel(Config(), {OpenSev1()}, Catalog(), At("14:40"));
  // The status page: h2 section, h3 incident, h4 parts of it.
  const std::string html = RenderStatusPageHtml(m);
  EXPECT_THAT(html, HasSubstr("<h3 id=\"INC-7-title\">"));
  EXPECT_THAT(html, HasSubstr("<h4 class=\"sub\">Updates</h4>"));
  // The incident page: h2 incident, h3 parts of it.
  absl::optional<std::string> page = RenderIncidentPageHtml(m, "INC-7");
  ASSERT_TRUE(page.has_value());
  EXPECT_THAT(*page, HasSubstr("<h3 class=\"sub\">Updates</h3>"));
  EXPECT_THAT(*page, HasSubstr("<h3 class=\"sub\">Update promises</h3>"));
  EXPECT_THAT(*page, Not(HasSubstr("<h4")));
}

}  // namespace
}  // namespace statuscast

namespace statuscast {
namespace {

TEST(StatusPageTest, ImpactIsTheWorstSeverityTheIncidentReached) {
  Incident inc = OpenSev1();
  inc.severity = Severity::kSev3;
  SeverityChange down;
  down.from = Severity::kSev1;
  down.to = Severity::kSev3;
  down.changed_at = At("14:20");
  inc.severity_changes.push_back(down);
  StatusPageModel m = BuildStatusPageModel(Config(), {inc}, {}, At("14:40"));
  ASSERT_EQ(m.open_incidents.size(), 1u);
  EXPECT_EQ(m.open_incidents[0].impact, Indicator::kCritical);
  // The overall status says how things are now.
  EXPECT_EQ(m.indicator, Indicator::kMinor);
}

}  // namespace
}  // namespace statuscast
