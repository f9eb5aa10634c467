// What customers read of corrections, managed components and postmortems:
// "edited" and "revised" marks, every revision in JSON and Atom, display
// names instead of ids, retired components hidden, the worst impact said as
// such, and postmortem Markdown rendered without raw HTML or unsafe links.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "absl/time/civil_time.h"
#include "libs/statuspage/markdown.h"
#include "libs/statuspage/status_page_model.h"
#include "libs/statuspage/status_page_render.h"

namespace statuscast {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

absl::Time T(int hour, int minute) {
  return absl::FromCivil(absl::CivilMinute(2026, 11, 27, hour, minute), absl::UTCTimeZone());
}

// INC-4, SEV-2, resolved 15:00, one public update posted 14:05 and corrected
// at 14:09, on component "checkout" ("Checkout & payments" to customers).
Incident Corrected() {
  Incident inc;
  inc.ref = "INC-4";
  inc.title = "Payments failing";
  inc.severity = Severity::kSev2;
  inc.state = IncidentState::kResolved;
  inc.confirmed_start = inc.declared_at = T(14, 0);
  inc.investigating_at = T(14, 0);
  inc.first_communication_at = T(14, 5);
  inc.resolved_at = T(15, 0);
  inc.updated_at = T(15, 0);
  inc.affected = {{"checkout", ComponentStatus::kPartialOutage}};
  Update u;
  u.id = 11;
  u.kind = UpdateKind::kFirst;
  u.state = IncidentState::kInvestigating;
  u.channels = {Channel::kStatusPage};
  u.posted_at = T(14, 5);
  u.author = "alice";
  u.message = "Payments fail for 5% of users.";
  u.revisions = {{1, "Payments fail for 50% of users.", "", T(14, 5), "alice", ""},
                 {2, "Payments fail for 5% of users.", "", T(14, 9), "bob", "wrong figure"}};
  inc.updates.push_back(u);
  return inc;
}

std::vector<Component> Catalog() {
  Component checkout;
  checkout.name = "checkout";
  checkout.display_name = "Checkout & payments";
  Component old;
  old.name = "legacy-test";
  old.retired_at = T(9, 0);
  Component api;
  api.name = "api";
  return {checkout, old, api};
}

StatusPageModel Page(const Incident& inc) {
  StatusPageConfig c;
  c.title = "Example status";
  c.base_url = "https://status.example.com";
  return BuildStatusPageModel(c, {inc}, Catalog(), T(16, 0));
}

TEST(CorrectionOnThePageTest, TheUpdateIsMarkedEditedAndKeepsItsPostingTime) {
  StatusPageModel m = Page(Corrected());
  const std::string html = *RenderIncidentPageHtml(m, "INC-4");
  EXPECT_THAT(html, HasSubstr("2026-11-27 14:05 UTC"));
  EXPECT_THAT(html, HasSubstr("edited <time datetime=\"2026-11-27T14:09:00Z\">14:09 UTC</time>"));
  EXPECT_THAT(html, HasSubstr("Payments fail for 5% of users."));
  EXPECT_THAT(html, HasSubstr("Earlier versions"));
  EXPECT_THAT(html, HasSubstr("Payments fail for 50% of users."));
  EXPECT_THAT(html, Not(HasSubstr("bob")));  // the page names no author
}

TEST(CorrectionOnThePageTest, JsonAndAtomCarryEveryRevision) {
  StatusPageModel m = Page(Corrected());
  const std::string json = RenderIncidentsJson(m);
  EXPECT_THAT(json, HasSubstr("\"edited_at\":\"2026-11-27T14:09:00Z\""));
  EXPECT_THAT(json, HasSubstr("\"updated_at\":\"2026-11-27T14:09:00Z\""));
  EXPECT_THAT(json, HasSubstr("\"created_at\":\"2026-11-27T14:05:00Z\""));
  EXPECT_THAT(json, HasSubstr("{\"revision\":1,\"body\":\"Payments fail for 50% of users.\""));
  EXPECT_THAT(json, HasSubstr("{\"revision\":2,\"body\":\"Payments fail for 5% of users.\""));
  const std::string atom = RenderAtomFeed(m);
  EXPECT_THAT(atom, HasSubstr("<updated>2026-11-27T14:09:00Z</updated>\n<published>"
                              "2026-11-27T14:05:00Z</published>"));
  EXPECT_THAT(atom, HasSubstr("Edited 2026-11-27 14:09 UTC. Earlier versions:"));
  EXPECT_THAT(atom, HasSubstr("[2026-11-27 14:05 UTC] Payments fail for 50% of users."));
}

TEST(ComponentsOnThePageTest, CustomersReadDisplayNamesAndNeverRetiredComponents) {
  StatusPageModel m = Page(Corrected());
  const std::string html = RenderStatusPageHtml(m);
  EXPECT_THAT(html, HasSubstr("<span class=\"name\">Checkout &amp; payments</span>"));
  EXPECT_THAT(html, HasSubstr("<span class=\"name\">api</span>"));
  EXPECT_THAT(html, Not(HasSubstr("legacy-test")));
  EXPECT_THAT(html, HasSubstr("Affects Checkout &amp; payments (Partial outage)"));
  const std::string summary = RenderSummaryJson(m);
  EXPECT_THAT(summary, HasSubstr("{\"id\":\"checkout\",\"name\":\"Checkout \\u0026 payments\""));
  EXPECT_THAT(summary, Not(HasSubstr("legacy-test")));
}

TEST(ComponentsOnThePageTest, ARetiredComponentKeepsItsNameInPastIncidents) {
  Incident inc = Corrected();
  inc.affected = {{"legacy-test", ComponentStatus::kMajorOutage}};
  const std::string html = *RenderIncidentPageHtml(Page(inc), "INC-4");
  EXPECT_THAT(html, HasSubstr("Affects legacy-test (Major outage)"));
}

TEST(ComponentsOnThePageTest, TheImpactShownIsSaidToBeTheWorstReached) {
  Incident inc = Corrected();
  inc.severity_changes.push_back({Severity::kSev1, Severity::kSev2, "", "bob", T(14, 30)});
  const std::string html = *RenderIncidentPageHtml(Page(inc), "INC-4");
  EXPECT_THAT(html, HasSubstr("Critical impact (worst reached)"));
}

TEST(PostmortemOnThePageTest, MarkdownIsRenderedAndRevisionsAreMarked) {
  Incident inc = Corrected();
  inc.postmortem = Postmortem{"", "# What happened\n\nA *faulty* [change](https://example.com/x).",
                              T(18, 30), "carol"};
  inc.postmortem->revision = 2;
  inc.postmortem->first_published_at = T(17, 0);
  const std::string html = *RenderIncidentPageHtml(Page(inc), "INC-4");
  EXPECT_THAT(html, HasSubstr("<h4>What happened</h4>"));
  EXPECT_THAT(html, HasSubstr("<em>faulty</em> <a href=\"https://example.com/x\">change</a>"));
  EXPECT_THAT(html, HasSubstr("Published <time datetime=\"2026-11-27T17:00:00Z\">"));
  EXPECT_THAT(html, HasSubstr("revised <time datetime=\"2026-11-27T18:30:00Z\">18:30 UTC</time>"));
}

TEST(PostmortemOnThePageTest, APublishedPostmortemHasAnAtomEntry) {
  Incident inc = Corrected();
  inc.postmortem = Postmortem{"https://blog.example.com/pm-4", "We **rolled back**.", T(18, 0),
                              "carol"};
  inc.postmortem->first_published_at = T(18, 0);
  const std::string atom = RenderAtomFeed(Page(inc));
  EXPECT_THAT(atom, HasSubstr("<id>https://status.example.com/incidents/INC-4#postmortem</id>"));
  EXPECT_THAT(atom, HasSubstr("<title>Postmortem: Payments failing</title>"));
  EXPECT_THAT(atom, HasSubstr("href=\"https://blog.example.com/pm-4\"/>"));
  EXPECT_THAT(atom, HasSubstr("&lt;strong&gt;rolled back&lt;/strong&gt;"));
  // Newest first: the postmortem (18:00) before the update (14:05).
  EXPECT_LT(atom.find("#postmortem"), atom.find("#update-1"));
}

TEST(MarkdownTest, RawHtmlAndScriptsNeverPassThrough) {
  const std::string html = RenderMarkdown(
      "<script>alert(1)</script>\n\nText <b onclick=\"x()\">bold</b> "
      "<img src=x onerror=alert(2)>\n\n<div>block</div>",
      0);
  EXPECT_THAT(html, Not(HasSubstr("<script")));
  EXPECT_THAT(html, Not(HasSubstr("<b ")));
  EXPECT_THAT(html, Not(HasSubstr("onerror")));
  EXPECT_THAT(html, Not(HasSubstr("onclick")));
  EXPECT_THAT(html, Not(HasSubstr("<div")));
  EXPECT_THAT(html, HasSubstr("Text"));
}

TEST(MarkdownTest, OnlyHttpLinksStayLinks) {
  const std::string html = RenderMarkdown(
      "[a](javascript:alert(1)) [b](JAVASCRIPT:alert(1)) [c](data:text/html,x) "
      "[d](/relative) [e](mailto:x@example.com) [f](https://ok.example/) <javascript:alert(3)> "
      "[g](http://also.example/path?q=1)",
      0);
  // Refused targets keep their text and lose the link.
  EXPECT_THAT(html, Not(HasSubstr("href=\"javascript")));
  EXPECT_THAT(html, Not(HasSubstr("href=\"JAVASCRIPT")));
  EXPECT_THAT(html, Not(HasSubstr("href=\"data:")));
  EXPECT_THAT(html, Not(HasSubstr("href=\"/relative\"")));
  EXPECT_THAT(html, Not(HasSubstr("mailto:")));
  EXPECT_THAT(html, HasSubstr(" javascript:alert(3) "));  // an autolink, now plain text
  EXPECT_EQ(html.find("<a "), html.find("<a href=\"https://ok.example/\">"));
  EXPECT_THAT(html, HasSubstr("<a href=\"https://ok.example/\">f</a>"));
  EXPECT_THAT(html, HasSubstr("<a href=\"http://also.example/path?q=1\">g</a>"));
  EXPECT_THAT(html, HasSubstr("a b c d e"));  // the text of every refused link stays
}

TEST(MarkdownTest, ImagesBecomeTheirAltTextAndHeadingsMoveDown) {
  const std::string html =
      RenderMarkdown("# Top\n\n###### Deep\n\n![graph of errors](https://x.example/g.png)", 3);
  EXPECT_THAT(html, HasSubstr("<h4>Top</h4>"));
  EXPECT_THAT(html, HasSubstr("<h6>Deep</h6>"));
  EXPECT_THAT(html, Not(HasSubstr("<img")));
  EXPECT_THAT(html, HasSubstr("graph of errors"));
}

}  // namespace
}  // namespace statuscast
