#include "services/ctl/render.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"

namespace statuscast {
namespace ctl {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

absl::Time At(const char* hhmm) {
  absl::Time t;
  std::string err;
  EXPECT_TRUE(absl::ParseTime("%Y-%m-%d %H:%M", absl::StrCat("2026-11-27 ", hhmm),
                              absl::UTCTimeZone(), &t, &err))
      << err;
  return t;
}

void Set(google::protobuf::Timestamp* ts, absl::Time t) { ts->set_seconds(absl::ToUnixSeconds(t)); }

v1::Update* AddUpdate(v1::Incident* inc, const char* at, v1::UpdateKind kind,
                      v1::IncidentState state, const char* message, const char* next,
                      v1::PromiseOutcome outcome) {
  v1::TimelineEvent* ev = inc->add_timeline();
  Set(ev->mutable_at(), At(at));
  v1::Update* u = ev->mutable_update();
  u->set_kind(kind);
  u->set_state(state);
  u->set_message(message);
  Set(u->mutable_posted_at(), At(at));
  if (next != nullptr) Set(u->mutable_next_update_at(), At(next));
  u->set_author("alice");
  u->add_channels(v1::CHANNEL_STATUS_PAGE);
  u->add_channels(v1::CHANNEL_IN_APP_BANNER);
  u->set_banner_text("Card payments are failing.");
  u->set_severity(v1::SEVERITY_SEV1);
  u->set_kept_promise(outcome);
  return u;
}

// A SEV-1 whose second update kept the first promise and whose standing
// promise (14:58) is not kept by 15:02.
v1::Incident PaymentsIncident() {
  v1::Incident inc;
  inc.set_ref("INC-12");
  inc.set_title("Card payments failing at checkout");
  inc.set_severity(v1::SEVERITY_SEV1);
  inc.set_state(v1::INCIDENT_STATE_IDENTIFIED);
  Set(inc.mutable_confirmed_start(), At("13:56"));
  Set(inc.mutable_declared_at(), At("13:58"));
  Set(inc.mutable_first_communication_at(), At("14:02"));
  inc.mutable_first_communication_delay()->set_seconds(6 * 60);
  Set(inc.mutable_investigating_at(), At("14:02"));
  Set(inc.mutable_identified_at(), At("14:28"));
  Set(inc.mutable_next_update_at(), At("14:58"));
  inc.set_version(3);
  auto* c = inc.add_affected_components();
  c->set_name("checkout");
  c->set_status(v1::COMPONENT_STATUS_MAJOR_OUTAGE);
  c = inc.add_affected_components();
  c->set_name("payments");
  c->set_status(v1::COMPONENT_STATUS_DEGRADED_PERFORMANCE);
  AddUpdate(&inc, "14:02", v1::UPDATE_KIND_FIRST, v1::INCIDENT_STATE_INVESTIGATING,
            "We're investigating failed card payments at checkout.", "14:30",
            v1::PROMISE_OUTCOME_UNSPECIFIED);
  AddUpdate(&inc, "14:28", v1::UPDATE_KIND_PROGRESS, v1::INCIDENT_STATE_IDENTIFIED,
            "We found the cause: a certificate expired at our card processor's gateway. We are "
            "rolling out a renewed one now.",
            "14:58", v1::PROMISE_OUTCOME_KEPT);
  return inc;
}

TEST(RenderIncidentTest, TimelineWithKeptPromiseAndOverdueStandingOne) {
  const std::string expected =
      "INC-12  Card payments failing at checkout\n"
      "  severity         SEV-1\n"
      "  state            identified since 2026-11-27 14:28 UTC\n"
      "  confirmed start  2026-11-27 13:56 UTC\n"
      "  declared         2026-11-27 13:58 UTC\n"
      "  first update     2026-11-27 14:02 UTC, 6m after start (target 15m)\n"
      "  components       checkout  major_outage\n"
      "                   payments  degraded_performance\n"
      "\n"
      "  2026-11-27 14:02 UTC  investigating  We're investigating failed card payments at "
      "checkout.\n"
      "                                       next update by 14:30 UTC  [first update, 6m after "
      "start]\n"
      "                                       by alice to status_page, in_app_banner\n"
      "                                       banner: \"Card payments are failing.\"\n"
      "  2026-11-27 14:28 UTC  identified     We found the cause: a certificate expired at our "
      "card\n"
      "                                       processor's gateway. We are rolling out a renewed "
      "one now.\n"
      "                                       next update by 14:58 UTC  [kept]\n"
      "                                       by alice to status_page, in_app_banner\n"
      "                                       banner: \"Card payments are failing.\"\n"
      "\n"
      "OVERDUE by 4m (promised 14:58 UTC)\n";
  // Overdue is the server's verdict, as the response carries it.
  v1::Incident inc = PaymentsIncident();
  inc.set_next_update_overdue(true);
  EXPECT_EQ(RenderIncident(inc, At("15:02")), expected);
}

TEST(RenderIncidentTest, PastThePromiseButNotOverdueByTheServerIsDueNow) {
  // The server allows a grace after each promise: until it says overdue, the
  // CLI does not.
  std::string out = RenderIncident(PaymentsIncident(), At("14:58") + absl::Seconds(30));
  EXPECT_THAT(out, HasSubstr("\nnext update due now (promised 14:58 UTC, within the grace)\n"));
  EXPECT_THAT(out, Not(HasSubstr("OVERDUE")));
}

TEST(RenderIncidentTest, PromiseStillStandingSaysWhenItIsDue) {
  std::string out = RenderIncident(PaymentsIncident(), At("14:46"));
  EXPECT_THAT(out, HasSubstr("\nnext update due in 12m (by 14:58 UTC)\n"));
  EXPECT_THAT(out, Not(HasSubstr("OVERDUE")));
}

TEST(RenderIncidentTest, LateUpdateSaysByHowMuch) {
  v1::Incident inc = PaymentsIncident();
  inc.mutable_timeline(1)->mutable_update()->set_kept_promise(v1::PROMISE_OUTCOME_LATE);
  Set(inc.mutable_timeline(1)->mutable_update()->mutable_posted_at(), At("14:34"));
  EXPECT_THAT(RenderIncident(inc, At("14:40")), HasSubstr("[LATE by 4m]"));
}

TEST(RenderIncidentTest, AnUpdateWithAConfirmedThirdPartySaysSo) {
  v1::Incident inc = PaymentsIncident();
  inc.mutable_timeline(1)->mutable_update()->set_third_party_confirmed(true);
  EXPECT_THAT(RenderIncident(inc, At("14:40")),
              HasSubstr("next update by 14:58 UTC  [kept, third party confirmed]\n"));
  EXPECT_THAT(RenderIncident(PaymentsIncident(), At("14:40")),
              Not(HasSubstr("third party confirmed")));
}

TEST(RenderIncidentTest, ABannerOnlyUpdateLeavesThePromiseStanding) {
  v1::Incident inc = PaymentsIncident();
  v1::Update* u =
      AddUpdate(&inc, "14:40", v1::UPDATE_KIND_PROGRESS, v1::INCIDENT_STATE_IDENTIFIED,
                "The renewed certificate is rolling out.", "15:10", v1::PROMISE_OUTCOME_NONE);
  u->clear_channels();
  u->add_channels(v1::CHANNEL_IN_APP_BANNER);
  std::string out = RenderIncident(inc, At("14:45"));
  EXPECT_THAT(out, HasSubstr("banner only: next update still due by 14:58 UTC\n"));
  EXPECT_THAT(out, Not(HasSubstr("next update by 15:10 UTC")));
}

TEST(RenderIncidentTest, TheRolesAreInTheHeaderAndTheirChangesInTheTimeline) {
  v1::Incident inc = PaymentsIncident();
  inc.set_commander("ic-bob");
  v1::TimelineEvent* ev = inc.add_timeline();
  Set(ev->mutable_at(), At("14:40"));
  v1::RoleChange* rc = ev->mutable_role_change();
  rc->set_role(v1::INCIDENT_ROLE_COMMS_LEAD);
  rc->set_to("comms-carol");
  rc->set_author("ic-bob");
  std::string out = RenderIncident(inc, At("14:45"));
  EXPECT_THAT(out, HasSubstr("  commander        ic-bob\n"
                             "  comms lead       none named (statuscastctl roles INC-12 --comms "
                             "NAME)\n"));
  EXPECT_THAT(out, HasSubstr("  2026-11-27 14:40 UTC  roles          communications lead: "
                             "comms-carol\n"
                             "                                       by ic-bob\n"));
  inc.set_comms_lead("comms-carol");
  EXPECT_THAT(RenderIncident(inc, At("14:45")), HasSubstr("  comms lead       comms-carol\n"));
}

TEST(RenderIncidentTest, SeverityChangeAndPostmortemAndResolution) {
  v1::Incident inc = PaymentsIncident();
  v1::TimelineEvent* ev = inc.add_timeline();
  Set(ev->mutable_at(), At("14:40"));
  auto* sc = ev->mutable_severity_change();
  sc->set_from(v1::SEVERITY_SEV2);
  sc->set_to(v1::SEVERITY_SEV1);
  sc->set_reason("all regions affected");
  sc->set_author("bob");
  Set(sc->mutable_next_update_at_before(), At("15:28"));
  Set(sc->mutable_next_update_at_after(), At("15:10"));
  AddUpdate(&inc, "15:05", v1::UPDATE_KIND_RESOLUTION, v1::INCIDENT_STATE_RESOLVED,
            "Card payments work again.", nullptr, v1::PROMISE_OUTCOME_KEPT);
  inc.set_state(v1::INCIDENT_STATE_RESOLVED);
  Set(inc.mutable_resolved_at(), At("15:05"));
  inc.clear_next_update_at();
  inc.mutable_postmortem()->set_url("https://status.example.com/pm/inc-12");
  Set(inc.mutable_postmortem()->mutable_published_at(), At("16:00"));
  std::string out = RenderIncident(inc, At("17:00"));
  EXPECT_THAT(out,
              HasSubstr("state            resolved at 2026-11-27 15:05 UTC, 1h09m after start\n"));
  EXPECT_THAT(out, HasSubstr("  2026-11-27 14:40 UTC  severity       SEV-2 -> SEV-1: all regions "
                             "affected\n"
                             "                                       next update now by 15:10 UTC\n"
                             "                                       by bob\n"));
  EXPECT_THAT(out, HasSubstr("resolved       Card payments work again.  [resolution, kept]\n"));
  EXPECT_THAT(out, HasSubstr("postmortem       https://status.example.com/pm/inc-12 (published "
                             "2026-11-27 16:00 UTC)\n"));
  EXPECT_THAT(out, ::testing::EndsWith("\nresolved at 2026-11-27 15:05 UTC\n"));
}

TEST(RenderIncidentTest, NoFirstUpdatePastTheTargetIsLoud) {
  v1::Incident inc = PaymentsIncident();
  inc.clear_timeline();
  inc.clear_first_communication_at();
  inc.clear_first_communication_delay();
  inc.clear_next_update_at();
  std::string out = RenderIncident(inc, At("14:20"));
  EXPECT_THAT(out, HasSubstr("first update     NONE YET, 24m since start: LATE (target 15m, was "
                             "due 14:11 UTC)\n"));
  EXPECT_THAT(out, HasSubstr("no customer update posted yet"));
}

TEST(DescribePromiseTest, Sev3PromisesNothing) {
  v1::Incident inc = PaymentsIncident();
  inc.set_severity(v1::SEVERITY_SEV3);
  inc.clear_next_update_at();
  EXPECT_EQ(DescribePromise(inc, At("15:00")), "next update on state change (SEV-3)");
}

TEST(DescribePromiseTest, PromiseOnAnotherDayShowsTheDate) {
  v1::Incident inc = PaymentsIncident();
  Set(inc.mutable_next_update_at(), At("23:50"));
  inc.set_next_update_overdue(true);
  absl::Time now = At("23:50") + absl::Minutes(20);
  EXPECT_EQ(DescribePromise(inc, now), "OVERDUE by 20m (promised 2026-11-27 23:50 UTC)");
}

TEST(RenderIncidentTableTest, AlignedRowsWithPromiseColumn) {
  v1::ListIncidentsResponse list;
  *list.add_incidents() = PaymentsIncident();
  list.mutable_incidents(0)->set_next_update_overdue(true);
  v1::Incident minor = PaymentsIncident();
  minor.set_ref("INC-9");
  minor.set_title("Slow search");
  minor.set_severity(v1::SEVERITY_SEV3);
  minor.set_state(v1::INCIDENT_STATE_RESOLVED);
  minor.clear_next_update_at();
  *list.add_incidents() = minor;
  EXPECT_EQ(RenderIncidentTable(list, At("15:02")),
            "REF     SEV    STATE       STARTED               NEXT UPDATE  TITLE\n"
            "INC-12  SEV-1  identified  2026-11-27 13:56 UTC  OVERDUE 4m   Card payments failing "
            "at checkout\n"
            "INC-9   SEV-3  resolved    2026-11-27 13:56 UTC  resolved     Slow search\n");
  EXPECT_EQ(RenderIncidentTable(v1::ListIncidentsResponse(), At("15:02")), "no incidents match\n");
  // Past the promise within the server's grace: due now, not OVERDUE.
  list.mutable_incidents(0)->set_next_update_overdue(false);
  EXPECT_THAT(RenderIncidentTable(list, At("14:58") + absl::Seconds(30)),
              HasSubstr("  due now (14:58 UTC)  "));
}

TEST(RenderWriteResultTest, SaysWhatWasPostedAndWhatIsPromised) {
  v1::WriteIncidentResponse r;
  *r.mutable_incident() = PaymentsIncident();
  *r.mutable_update() = r.incident().timeline(1).update();
  EXPECT_EQ(RenderWriteResult("updated", r, At("14:28")),
            "INC-12 updated: SEV-1, identified  \"Card payments failing at checkout\"\n"
            "  update posted to status_page, in_app_banner\n"
            "  next update due in 30m (by 14:58 UTC)\n");
}

TEST(RenderEventTest, OneLinePerChange) {
  v1::IncidentEvent e;
  e.set_sequence(1234);
  e.set_kind(v1::IncidentEvent::KIND_UPDATED);
  Set(e.mutable_at(), At("14:28"));
  e.set_actor("alice");
  *e.mutable_incident() = PaymentsIncident();
  e.mutable_incident()->clear_timeline();
  *e.mutable_update() = PaymentsIncident().timeline(1).update();
  EXPECT_EQ(RenderEvent(e, At("14:28")),
            "2026-11-27 14:28 UTC  #1234   updated    INC-12  SEV-1  identified     We found the "
            "cause: a certificate expired at ou...  | next update due in 30m (by 14:58 UTC)  by "
            "alice\n");
}

// After a resolve, `show` agrees with `components list`: the status now,
// and the incident's record of it in parentheses.
TEST(RenderIncidentTest, AResolvedIncidentShowsItsComponentsAsTheyAreNow) {
  v1::Incident inc = PaymentsIncident();
  inc.set_state(v1::INCIDENT_STATE_RESOLVED);
  v1::ListComponentsResponse now;
  auto* k = now.add_components();
  k->set_name("checkout");
  k->set_status(v1::COMPONENT_STATUS_OPERATIONAL);
  k = now.add_components();
  k->set_name("payments");
  k->set_status(v1::COMPONENT_STATUS_OPERATIONAL);
  std::string out = RenderIncident(inc, At("15:00"), &now);
  EXPECT_THAT(out, HasSubstr("  components       checkout  operational now (major_outage during "
                             "this incident)\n"
                             "                   payments  operational now "
                             "(degraded_performance during this incident)\n"));

  // Open, with another incident weighing more on payments.
  inc.set_state(v1::INCIDENT_STATE_IDENTIFIED);
  now.mutable_components(0)->set_status(v1::COMPONENT_STATUS_MAJOR_OUTAGE);
  now.mutable_components(1)->set_status(v1::COMPONENT_STATUS_PARTIAL_OUTAGE);
  out = RenderIncident(inc, At("15:00"), &now);
  EXPECT_THAT(out, HasSubstr("  components       checkout  major_outage\n"
                             "                   payments  partial_outage now "
                             "(degraded_performance in this incident)\n"));
}

// Every change kind gets words of its own, never "event unspecified".
TEST(RenderEventTest, BannerKillSwitchAndComponentChangesSayWhatChanged) {
  auto event = [](v1::IncidentEvent::Kind kind, const std::string& summary) {
    v1::IncidentEvent e;
    e.set_sequence(77);
    e.set_kind(kind);
    Set(e.mutable_at(), At("14:28"));
    e.set_actor("sre");
    e.set_summary(summary);
    return e;
  };
  const std::string head = "2026-11-27 14:28 UTC  #77     ";
  EXPECT_EQ(RenderEvent(event(v1::IncidentEvent::KIND_BANNER_CREATED,
                              "banner 3 (maintenance): Maintenance tonight 22:00-23:00 UTC"),
                        At("14:28")),
            head +
                "banner     created banner 3 (maintenance): Maintenance tonight 22:00-23:00 "
                "UTC  by sre\n");
  EXPECT_EQ(RenderEvent(event(v1::IncidentEvent::KIND_BANNER_UPDATED,
                              "banner 3 (maintenance): Maintenance tonight 22:00-23:30 UTC"),
                        At("14:28")),
            head +
                "banner     edited banner 3 (maintenance): Maintenance tonight 22:00-23:30 "
                "UTC  by sre\n");
  EXPECT_EQ(RenderEvent(event(v1::IncidentEvent::KIND_BANNER_DISABLED,
                              "banner 3 (maintenance): Maintenance tonight"),
                        At("14:28")),
            head + "banner     disabled banner 3 (maintenance): Maintenance tonight  by sre\n");
  EXPECT_EQ(RenderEvent(event(v1::IncidentEvent::KIND_KILL_SWITCH, "ON for shop: banner loop"),
                        At("14:28")),
            head + "killswitch kill switch ON for shop: banner loop  by sre\n");
  v1::IncidentEvent component = event(v1::IncidentEvent::KIND_COMPONENT_CREATED, "");
  component.mutable_component()->set_name("checkout");
  EXPECT_EQ(RenderEvent(component, At("14:28")), head + "component  created checkout  by sre\n");
  // A kind newer than this statuscastctl: the server's summary.
  EXPECT_EQ(RenderEvent(event(static_cast<v1::IncidentEvent::Kind>(99), "maintenance window set"),
                        At("14:28")),
            head + "change     maintenance window set  by sre\n");
  for (int k = v1::IncidentEvent::Kind_MIN; k <= v1::IncidentEvent::Kind_MAX; ++k) {
    std::string line =
        RenderEvent(event(static_cast<v1::IncidentEvent::Kind>(k), "x"), At("14:28"));
    EXPECT_EQ(line.find("unspecified"), std::string::npos) << line;
  }
}

TEST(MarkSpanTest, UnderlinesTheSpanOnItsLine) {
  const std::string text = "First line.\nAWS is down; fixed in 30 minutes.";
  size_t begin = text.find("fixed in 30 minutes");
  MarkedSpan m = MarkSpan(text, begin, begin + std::string("fixed in 30 minutes").size());
  EXPECT_EQ(m.line, 2u);
  EXPECT_EQ(m.column, 14u);
  EXPECT_EQ(m.text_line, "AWS is down; fixed in 30 minutes.");
  EXPECT_EQ(m.underline, "             ^^^^^^^^^^^^^^^^^^^");
}

TEST(MarkSpanTest, CountsCodePointsAndMarksAnEmptySpanAfterTheText) {
  const std::string text = "Caf\xc3\xa9 down; ETA soon";
  size_t begin = text.find("ETA");
  MarkedSpan m = MarkSpan(text, begin, begin + 3);
  EXPECT_EQ(m.column, 12u);
  EXPECT_EQ(m.underline, "           ^^^");
  MarkedSpan missing = MarkSpan(text, text.size(), text.size());
  EXPECT_EQ(missing.underline, std::string(19, ' ') + "^");
}

TEST(MarkSpanTest, CutsALongLineAroundTheSpan) {
  const std::string text = std::string(100, 'a') + " ETA " + std::string(100, 'b');
  MarkedSpan m = MarkSpan(text, 101, 104, 40);
  EXPECT_EQ(m.text_line, "..." + std::string(19, 'a') + " ETA " + std::string(16, 'b') + "...");
  EXPECT_EQ(m.underline, std::string(3 + 20, ' ') + "^^^");
  EXPECT_EQ(m.column, 102u);
}

TEST(RenderLintFindingsTest, ShowsEachFindingWithItsSpanWhyAndRewrite) {
  const std::string text = "We sincerely apologize. AWS is having issues.";
  v1::LintUpdateResponse resp;
  v1::LintFinding* f = resp.add_findings();
  f->set_rule_id("third-party-blame");
  f->set_level(v1::LINT_LEVEL_ERROR);
  f->set_field(v1::LINT_FIELD_MESSAGE);
  f->set_span_start(24);
  f->set_span_end(44);
  f->set_excerpt("AWS is having issues");
  f->set_explanation("Name a vendor only once confirmed.");
  f->set_suggestion("an upstream provider is having issues");
  v1::LintFinding* g = resp.add_findings();
  g->set_rule_id("first-comm-missing-part");
  g->set_level(v1::LINT_LEVEL_WARNING);
  g->set_span_start(45);
  g->set_span_end(45);
  g->set_explanation("Say when the next update comes.");
  g->set_suggestion("Next update by 14:30 UTC.");
  resp.set_error_count(1);
  resp.set_warning_count(1);
  EXPECT_EQ(RenderLintFindings(text, "", resp),
            "error [third-party-blame] line 1, column 25\n"
            "    We sincerely apologize. AWS is having issues.\n"
            "                            ^^^^^^^^^^^^^^^^^^^^\n"
            "  why: Name a vendor only once confirmed.\n"
            "  rewrite: an upstream provider is having issues\n"
            "\n"
            "warning [first-comm-missing-part] missing from the text\n"
            "    We sincerely apologize. AWS is having issues.\n"
            "                                                 ^\n"
            "  why: Say when the next update comes.\n"
            "  add: Next update by 14:30 UTC.\n"
            "\n"
            "2 problems: 1 error, 1 warning\n");
  EXPECT_EQ(RenderLintFindings(text, "", v1::LintUpdateResponse()), "no problems found\n");
}

TEST(RenderBannersTest, ListsBannersAndEngagedKillSwitches) {
  v1::ListBannersResponse list;
  v1::ManualBanner* b = list.add_banners();
  b->set_id(3);
  b->set_level(v1::BANNER_LEVEL_MAINTENANCE);
  b->set_enabled(true);
  b->set_text("Maintenance tonight");
  b->mutable_target()->add_apps("shop");
  b->mutable_target()->add_path_patterns("/checkout*");
  Set(b->mutable_ends_at(), At("23:00"));
  v1::KillSwitch* k = list.add_kill_switches();
  k->set_scope("shop");
  k->set_engaged(true);
  k->set_reason("banner loop");
  k->set_set_by("alice");
  Set(k->mutable_set_at(), At("14:00"));
  std::string out = RenderBanners(list, At("14:05"));
  EXPECT_THAT(out,
              HasSubstr("3   maintenance  enabled  apps shop; paths /checkout*  until 23:00 UTC  "
                        "Maintenance tonight"));
  EXPECT_THAT(out, HasSubstr("KILL SWITCH ON for shop: every banner hidden since "
                             "2026-11-27 14:00 UTC by alice (banner loop)"));
}

void SetSpan(google::protobuf::Duration* d, absl::Duration span) {
  d->set_seconds(absl::ToInt64Seconds(span));
}

v1::PromiseEntry* AddPromise(v1::IncidentCompliance* c, const char* made, const char* due,
                             v1::PromiseStatus status, const char* kept, const char* description) {
  v1::PromiseEntry* p = c->add_ledger();
  Set(p->mutable_made_at(), At(made));
  Set(p->mutable_due(), At(due));
  p->set_status(status);
  if (kept != nullptr) {
    Set(p->mutable_kept_at(), At(kept));
    SetSpan(p->mutable_lateness(), At(kept) - At(due));
  }
  p->set_description(description);
  return p;
}

v1::UpdateGap* AddGap(v1::IncidentCompliance* c, const char* from, const char* to,
                      v1::Severity severity, absl::Duration allowed) {
  v1::UpdateGap* g = c->add_gaps();
  Set(g->mutable_from(), At(from));
  Set(g->mutable_to(), At(to));
  g->set_severity(severity);
  SetSpan(g->mutable_allowed(), allowed);
  g->set_within_cadence(At(to) - At(from) <= allowed + absl::Minutes(1));
  return g;
}

// The server's view of PaymentsIncident at 15:02: the first promise kept,
// the standing one (14:58) missed and overdue by 4m.
v1::IncidentCompliance PaymentsCompliance() {
  v1::IncidentCompliance c;
  c.set_incident_ref("INC-12");
  c.set_severity(v1::SEVERITY_SEV1);
  c.set_state(v1::INCIDENT_STATE_IDENTIFIED);
  SetSpan(c.mutable_first_communication_delay(), absl::Minutes(6));
  AddPromise(&c, "14:02", "14:30", v1::PROMISE_STATUS_KEPT, "14:28",
             "promised 14:30 UTC, posted 14:28 UTC");
  AddPromise(&c, "14:28", "14:58", v1::PROMISE_STATUS_MISSED, nullptr,
             "promised 14:58 UTC OVERDUE by 4m");
  AddGap(&c, "14:02", "14:28", v1::SEVERITY_SEV1, absl::Minutes(30));
  c.set_overdue(true);
  SetSpan(c.mutable_overdue_by(), absl::Minutes(4));
  c.set_overdue_what("next update");
  return c;
}

TEST(RenderIncidentTest, PromisesSectionFromTheServersLedger) {
  v1::Incident inc = PaymentsIncident();
  *inc.mutable_compliance() = PaymentsCompliance();
  const std::string out = RenderIncident(inc, At("15:02"));
  EXPECT_THAT(out,
              ::testing::EndsWith(
                  "                                       banner: \"Card payments are "
                  "failing.\"\n"
                  "\n"
                  "Promises: 1 kept, 1 missed\n"
                  "  first update   6m after start (target 15m)\n"
                  "  14:02 UTC  promised 14:30 UTC, posted 14:28 UTC  [kept]\n"
                  "  14:28 UTC  promised 14:58 UTC OVERDUE by 4m  [MISSED]\n"
                  "  update gaps    1, within the cadence\n"
                  "  !! OVERDUE by 4m: next update (promised 14:58 UTC)\n"
                  "     post one now: statuscastctl template INC-12 --tone no_progress --post\n"
                  "\n"
                  "OVERDUE by 4m (promised 14:58 UTC)\n"));
}

TEST(RenderIncidentTest, PromiseWithinTheGraceIsNotOverdueWhenTheServerSaysSo) {
  v1::Incident inc = PaymentsIncident();
  v1::IncidentCompliance* c = inc.mutable_compliance();
  *c = PaymentsCompliance();
  c->set_overdue(false);
  c->clear_overdue_by();
  c->clear_overdue_what();
  c->mutable_ledger(1)->set_status(v1::PROMISE_STATUS_PENDING);
  c->mutable_ledger(1)->set_description("promised 14:58 UTC, due 30s ago (within grace)");
  const std::string out = RenderIncident(inc, At("14:58") + absl::Seconds(30));
  EXPECT_THAT(out, HasSubstr("  14:28 UTC  promised 14:58 UTC, due 30s ago (within grace)  "
                             "[pending]\n"));
  EXPECT_THAT(
      out, ::testing::EndsWith("\nnext update due now (promised 14:58 UTC, within the grace)\n"));
  EXPECT_THAT(out, Not(HasSubstr("OVERDUE")));
}

TEST(RenderIncidentTest, LateFirstCommunicationAndGapBeyondTheCadence) {
  v1::IncidentCompliance c;
  c.set_incident_ref("INC-9");
  c.set_severity(v1::SEVERITY_SEV2);
  c.set_state(v1::INCIDENT_STATE_RESOLVED);
  SetSpan(c.mutable_first_communication_delay(), absl::Minutes(21));
  c.set_first_communication_late(true);
  AddPromise(&c, "10:20", "11:19", v1::PROMISE_STATUS_MISSED, "11:40",
             "promised 11:19 UTC MISSED (posted 11:40 UTC, 21m late)");
  AddGap(&c, "10:20", "11:40", v1::SEVERITY_SEV2, absl::Minutes(60));
  c.set_postmortem_expected(true);
  c.set_postmortem_overdue(true);
  EXPECT_EQ(RenderPromises(c, At("12:00") + absl::Hours(24 * 6)),
            "Promises: 1 missed\n"
            "  first update   21m after start: LATE (target 15m)\n"
            "  2026-11-27 10:20 UTC  promised 11:19 UTC MISSED (posted 11:40 UTC, 21m late)  "
            "[MISSED]\n"
            "  update gaps    1 BEYOND the cadence, 0 within\n"
            "                 2026-11-27 10:20 UTC to 2026-11-27 11:40 UTC: 1h20m, SEV-2 allowed "
            "1h00m\n"
            "  resolution     NO resolution update was posted\n"
            "  postmortem     NOT PUBLISHED, overdue\n");
}

TEST(RenderComplianceReportTest, TableBySeverityOverdueNowAndEachLedger) {
  v1::ComplianceReport r;
  Set(r.mutable_generated_at(), At("15:02"));
  v1::SeverityTotals* t = r.add_by_severity();
  t->set_severity(v1::SEVERITY_SEV1);
  t->set_incidents(2);
  t->set_first_communications(2);
  t->set_first_communications_late(1);
  t->set_promises_kept(3);
  t->set_promises_missed(1);
  t->set_promises_pending(1);
  t->set_gaps_within_cadence(3);
  t->set_gaps_beyond_cadence(1);
  t->set_postmortems_published(1);
  t = r.add_by_severity();
  t->set_severity(v1::SEVERITY_SEV2);
  t = r.add_by_severity();
  t->set_severity(v1::SEVERITY_SEV3);
  t->set_incidents(1);
  t->set_first_communications(1);
  r.set_overdue_now(1);
  SetSpan(r.mutable_largest_overdue(), absl::Minutes(4));
  *r.add_incidents() = PaymentsCompliance();
  v1::IncidentCompliance* quiet = r.add_incidents();
  quiet->set_incident_ref("INC-13");
  quiet->set_severity(v1::SEVERITY_SEV3);
  quiet->set_state(v1::INCIDENT_STATE_MONITORING);
  SetSpan(quiet->mutable_first_communication_delay(), absl::Minutes(3));
  EXPECT_EQ(
      RenderComplianceReport(r, At("00:00"), absl::nullopt, At("15:02")),
      "Incidents confirmed since 2026-11-27 00:00 UTC: communication compliance as of "
      "2026-11-27 15:02 UTC\n"
      "\n"
      "SEVERITY  INCIDENTS  FIRST COMMS  PROMISES                   GAPS            POSTMORTEMS\n"
      "                     LATE         KEPT      MISSED  PENDING  BEYOND CADENCE  PUBLISHED    "
      "MISSING\n"
      "SEV-1     2          1 of 2       3         1       1        1 of 4          1            "
      "0\n"
      "SEV-2     0          -            0         0       0        -               0            "
      "0\n"
      "SEV-3     1          0 of 1       0         0       0        -               -            "
      "-\n"
      "all       3          1 of 3       3         1       1        1 of 4          1            "
      "0\n"
      "\n"
      "!! OVERDUE NOW: 1 incident, the largest by 4m\n"
      "\n"
      "INC-12  SEV-1  identified  promises: 1 kept, 1 missed\n"
      "  first update   6m after start (target 15m)\n"
      "  14:02 UTC  promised 14:30 UTC, posted 14:28 UTC  [kept]\n"
      "  14:28 UTC  promised 14:58 UTC OVERDUE by 4m  [MISSED]\n"
      "  update gaps    1, within the cadence\n"
      "  !! OVERDUE by 4m: next update (promised 14:58 UTC)\n"
      "     post one now: statuscastctl template INC-12 --tone no_progress --post\n"
      "\n"
      "INC-13  SEV-3  monitoring  promises: none (SEV-3: updates on state change)\n"
      "  first update   3m after start (target 15m)\n");
  v1::ComplianceReport empty;
  Set(empty.mutable_generated_at(), At("15:02"));
  EXPECT_THAT(RenderComplianceReport(empty, absl::nullopt, absl::nullopt, At("15:02")),
              ::testing::EndsWith("overdue now: none\n\nno incidents in this range\n"));
}

TEST(RenderReminderTest, DueSoonIsOneLineAndMissedSaysWhatToPost) {
  v1::Reminder r;
  r.set_id(41);
  r.set_kind(v1::Reminder::KIND_DUE_SOON);
  r.set_incident_ref("INC-3");
  r.set_severity(v1::SEVERITY_SEV1);
  Set(r.mutable_due(), At("14:30"));
  Set(r.mutable_raised_at(), At("14:25"));
  r.set_text("INC-3 SEV-1: next update due by 14:30 UTC (in 5m)");
  r.set_suggested_message(
      "We're still investigating the issue; no ETA yet; next update by "
      "14:54 UTC.");
  EXPECT_EQ(RenderReminder(r, At("14:25")),
            "2026-11-27 14:25 UTC  REMINDER  INC-3 SEV-1: next update due by 14:30 UTC (in 5m)\n");
  r.set_id(42);
  r.set_kind(v1::Reminder::KIND_MISSED);
  Set(r.mutable_raised_at(), At("14:31"));
  r.set_text(
      "INC-3 SEV-1: the promised update of 14:30 UTC was MISSED (1m ago); post now, even "
      "with no progress");
  EXPECT_EQ(RenderReminder(r, At("14:31")),
            "2026-11-27 14:31 UTC  REMINDER  INC-3 SEV-1: the promised update of 14:30 UTC was "
            "MISSED (1m ago); post now, even with no progress\n"
            "                                suggested: We're still investigating the issue; no "
            "ETA yet; next update by 14:54 UTC.\n"
            "                                post it:   statuscastctl template INC-3 --tone "
            "no_progress --post\n");
  r.set_kind(v1::Reminder::KIND_FIRST_COMMUNICATION_LATE);
  r.set_text(
      "INC-3 SEV-1: the first customer communication is LATE: it was due by 14:30 UTC "
      "(1m ago)");
  EXPECT_THAT(RenderReminder(r, At("14:31")),
              ::testing::EndsWith("(1m ago)\n                                post it:   "
                                  "statuscastctl template INC-3 --tone acknowledging --post\n"));
  r.set_kind(v1::Reminder::KIND_PROMISE_MOVED);
  r.set_text(
      "INC-3 SEV-1: the next update is now due by 14:40 UTC, but the last status-page update "
      "says 15:00 UTC; post an update stating the new time");
  EXPECT_THAT(
      RenderReminder(r, At("14:31")),
      ::testing::EndsWith("stating the new time\n                                post it:   "
                          "statuscastctl template INC-3 --tone no_progress --post\n"));
}

}  // namespace
}  // namespace ctl
}  // namespace statuscast
