// CommandRunner against an in-process fake IncidentService on 127.0.0.1:0.
#include "services/ctl/commands.h"

#include "commands_fixture.h"
#include "libs/incident/promise.h"

namespace statuscast {
namespace ctl {
namespace {

TEST_F(CommandsTest, UpdateSendsTheVersionItReadAndAsksTheServerForTheDefaultPromise) {
  CtlOptions o;
  o.message = "Rolling out the fix.";
  o.given = {"message"};
  ASSERT_EQ(Run({"update", "inc-12"}, o), kExitOk) << err_.str();
  absl::MutexLock lock(&service_.mu);
  const v1::PostUpdateRequest& req = service_.last_post;
  EXPECT_EQ(req.incident_ref(), "INC-12");
  EXPECT_EQ(req.expected_version(), 7);
  EXPECT_EQ(req.author(), "alice");
  EXPECT_EQ(req.idempotency_key().size(), 32u);
  EXPECT_EQ(req.update().state(), v1::INCIDENT_STATE_IDENTIFIED);
  EXPECT_EQ(req.update().channels_size(), 2);
  // The server knows its cadence: the CLI sends no guess of its own.
  EXPECT_FALSE(req.update().has_next_update_at());
  EXPECT_TRUE(req.update().use_default_next_update());
  EXPECT_EQ(req.update().message(), "Rolling out the fix.");
  EXPECT_THAT(out_.str(), HasSubstr("INC-12 updated: SEV-1, identified"));
}

TEST_F(CommandsTest, UpdateStatesThePromisedTimeInTheTextWhenTheMessageDoesNot) {
  CtlOptions o;
  o.message = "Rolling out the fix";
  o.next = "30m";
  o.given = {"message", "next"};
  ASSERT_EQ(Run({"update", "inc-12"}, o), kExitOk) << err_.str();
  absl::MutexLock lock(&service_.mu);
  const v1::PostUpdateRequest& req = service_.last_post;
  const absl::Time promise = absl::FromUnixSeconds(req.update().next_update_at().seconds());
  EXPECT_EQ(req.update().message(),
            "Rolling out the fix. Next update by " + lint::FormatUtcClock(promise) + ".");
}

TEST_F(CommandsTest, UpdateLeavesATextThatStatesThePromisedTimeAlone) {
  CtlOptions o;
  o.next = "30m";
  o.given = {"message", "next"};
  const absl::Time promise = *ParseNextInput("30m", clock_.Now());
  o.message = "Rolling out the fix; next update by " + lint::FormatUtcClock(promise) + ".";
  ASSERT_EQ(Run({"update", "inc-12"}, o), kExitOk) << err_.str();
  absl::MutexLock lock(&service_.mu);
  EXPECT_EQ(service_.last_post.update().message(), o.message);
  EXPECT_FALSE(service_.last_post.update().use_default_next_update());
}

TEST_F(CommandsTest, UpdateTakesThePromiseFromTheTimeTheMessageNames) {
  CtlOptions o;
  o.given = {"message"};
  const absl::Time named = *ParseNextInput("25m", clock_.Now());
  o.message = "Rolling out the fix. Next update by " + lint::FormatUtcClock(named) + ".";
  ASSERT_EQ(Run({"update", "inc-12"}, o), kExitOk) << err_.str();
  absl::MutexLock lock(&service_.mu);
  const v1::UpdateDraft& d = service_.last_post.update();
  EXPECT_FALSE(d.use_default_next_update());
  EXPECT_EQ(absl::FromUnixSeconds(d.next_update_at().seconds()),
            absl::FromUnixSeconds(absl::ToUnixSeconds(named) / 60 * 60));
  EXPECT_EQ(d.message(), o.message);
}

TEST_F(CommandsTest, UpdateNeverAddsASecondTimeToAMessageNamingAnother) {
  CtlOptions o;
  o.next = "30m";
  o.given = {"message", "next"};
  const absl::Time other = *ParseNextInput("50m", clock_.Now());
  o.message = "Rolling out the fix. Next update by " + lint::FormatUtcClock(other) + ".";
  ASSERT_EQ(Run({"update", "inc-12"}, o), kExitOk) << err_.str();
  absl::MutexLock lock(&service_.mu);
  // Sent as written: the server refuses the two times, naming both.
  EXPECT_EQ(service_.last_post.update().message(), o.message);
}

TEST_F(CommandsTest, AMessageNamingAnAmbiguousTimeAsksForUtc) {
  CtlOptions o;
  o.message = "Rolling out the fix. Next update by 20:00 IST.";
  o.given = {"message"};
  EXPECT_EQ(Run({"update", "inc-12"}, o), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("--message: the message names the next update as \"20:00 "
                                    "IST\", which reads as more than one time; write it in UTC"));
}

TEST_F(CommandsTest, ABannerOnlyUpdateIsNotGivenAPromiseText) {
  CtlOptions o;
  o.message = "Checkout is slow";
  o.channels = "in_app_banner";
  o.next = "30m";
  o.given = {"message", "channels", "next"};
  ASSERT_EQ(Run({"update", "inc-12"}, o), kExitOk) << err_.str();
  absl::MutexLock lock(&service_.mu);
  EXPECT_EQ(service_.last_post.update().message(), "Checkout is slow");
}

TEST_F(CommandsTest, UpdateRejectedAsStaleSaysToRerun) {
  service_.post_status = grpc::Status(grpc::StatusCode::ABORTED, "version 7 is stale");
  CtlOptions o;
  o.message = "x";
  EXPECT_EQ(Run({"update", "INC-12"}, o), kExitFailed);
  EXPECT_THAT(err_.str(), HasSubstr("statuscastctl: someone else changed INC-12 meanwhile; "
                                    "nothing was written."));
}

TEST_F(CommandsTest, UnknownIncidentIsReportedWithTheServersMessage) {
  CtlOptions o;
  o.message = "x";
  EXPECT_EQ(Run({"update", "INC-99"}, o), kExitFailed);
  EXPECT_EQ(err_.str(), "statuscastctl: cannot read INC-99: no incident INC-99\n");
}

TEST_F(CommandsTest, DeclareShowsEachFieldViolation) {
  CtlOptions o;
  o.title = "t";
  o.severity = "sev2";
  o.components = "checkout:major";
  o.message = "We're investigating.";
  o.idempotency_key = "retry-key";
  EXPECT_EQ(Run({"declare"}, o), kExitFailed);
  EXPECT_EQ(err_.str(),
            "statuscastctl: cannot declare the incident: the incident is not valid\n"
            "statuscastctl:   title (--title): is 300 bytes; the limit is 200\n");
  absl::MutexLock lock(&service_.mu);
  EXPECT_EQ(service_.last_declare.idempotency_key(), "retry-key");
  EXPECT_EQ(service_.last_declare.severity(), v1::SEVERITY_SEV2);
  EXPECT_FALSE(service_.last_declare.first_update().has_next_update_at());
  EXPECT_TRUE(service_.last_declare.first_update().use_default_next_update());
}

TEST_F(CommandsTest, ListFollowsPagesUpToTheLimit) {
  CtlOptions o;
  o.limit = 300;
  o.json = true;
  ASSERT_EQ(Run({"list"}, o), kExitOk) << err_.str();
  absl::MutexLock lock(&service_.mu);
  ASSERT_EQ(service_.list_requests.size(), 2u);
  EXPECT_EQ(service_.list_requests[0].page_size(), 200);
  EXPECT_EQ(service_.list_requests[1].page_size(), 100);
  EXPECT_EQ(service_.list_requests[1].page_token(), "200");
  v1::ListIncidentsResponse parsed;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(out_.str(), &parsed).ok());
  EXPECT_EQ(parsed.incidents_size(), 300);
}

TEST_F(CommandsTest, UsageErrorsExitTwoAndSendNothing) {
  EXPECT_EQ(Run({"frobnicate"}), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("unknown command \"frobnicate\""));
  CtlOptions o;
  o.title = "x";
  o.given = {"title"};
  EXPECT_EQ(Run({"update", "INC-12"}, o), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("--title does not apply to update"));
  EXPECT_EQ(Run({"severity", "INC-12", "SEV-4"}), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("unknown severity \"SEV-4\""));
  absl::MutexLock lock(&service_.mu);
  EXPECT_FALSE(service_.last_post.has_update());
}

TEST_F(CommandsTest, WatchResumesAfterTheLastSequenceItPrintedAndStopsOnCtrlC) {
  EXPECT_EQ(Run({"watch"}), kExitOk);
  absl::MutexLock lock(&service_.mu);
  ASSERT_EQ(service_.watch_afters.size(), 2u);
  EXPECT_EQ(service_.watch_afters[0], 0);
  EXPECT_EQ(service_.watch_afters[1], 8);
  EXPECT_THAT(out_.str(), HasSubstr("#8"));
  EXPECT_THAT(err_.str(), HasSubstr("watch disconnected (replica going away); reconnecting in 1s, "
                                    "then resuming after sequence 8"));
  EXPECT_THAT(err_.str(), HasSubstr("reconnected to " + address_ + "; resuming after sequence 8"));
}

TEST_F(CommandsTest, WatchRemindersOnlyResumesAfterTheLastReminderIdAndStopsOnCtrlC) {
  compliance_.scripted = true;
  CtlOptions o;
  o.reminders_only = true;
  o.given = {"reminders_only"};
  EXPECT_EQ(Run({"watch"}, o), kExitOk) << err_.str();
  {
    absl::MutexLock lock(&compliance_.mu);
    EXPECT_THAT(compliance_.reminder_afters, ::testing::ElementsAre(0, 5, 6));
  }
  {
    absl::MutexLock lock(&service_.mu);
    EXPECT_TRUE(service_.watch_afters.empty());
  }
  EXPECT_EQ(out_.str(),
            "2026-11-28 14:25 UTC  REMINDER  INC-3 SEV-1: next update due by 14:30 UTC (in 5m)\n"
            "2026-11-28 14:25 UTC  REMINDER  INC-3 SEV-1: the promised update of 14:30 UTC was "
            "MISSED (1m ago); post now, even with no progress\n"
            "                                suggested: We're still investigating the issue; no "
            "ETA yet; next update by 14:59 UTC.\n"
            "                                post it:   statuscastctl template INC-3 --tone "
            "no_progress --post\n"
            "2026-11-28 14:25 UTC  REMINDER  INC-4 SEV-2: next update due by 15:00 UTC (in 5m)\n");
  EXPECT_THAT(err_.str(), HasSubstr("reminders disconnected (replica going away); reconnecting "
                                    "in 1s, then resuming reminders after reminder 5\n"));
  EXPECT_THAT(err_.str(),
              HasSubstr("reconnected to " + address_ + "; resuming reminders after reminder 6\n"));
}

TEST_F(CommandsTest, WatchFollowsIncidentsAndRemindersOnTheSameConnection) {
  compliance_.scripted = true;
  service_.wait_after_first_watch = true;
  EXPECT_EQ(Run({"watch"}), kExitOk) << err_.str();
  {
    absl::MutexLock lock(&compliance_.mu);
    EXPECT_THAT(compliance_.reminder_afters, ::testing::ElementsAre(0, 5, 6));
  }
  {
    absl::MutexLock lock(&service_.mu);
    EXPECT_THAT(service_.watch_afters, ::testing::ElementsAre(0, 8));
  }
  EXPECT_THAT(out_.str(), HasSubstr("#8"));
  EXPECT_THAT(out_.str(), HasSubstr("REMINDER  INC-4 SEV-2: next update due by 15:00 UTC"));
  EXPECT_THAT(out_.str(), HasSubstr("post it:   statuscastctl template INC-3 --tone no_progress "
                                    "--post\n"));
  EXPECT_THAT(err_.str(), HasSubstr("watch disconnected (replica going away); reconnecting in 1s, "
                                    "then resuming after sequence 8"));
  EXPECT_THAT(err_.str(), HasSubstr("resuming reminders after reminder 6"));
}

TEST_F(CommandsTest, ShowPrintsThePromisesAndTheServersOverdueVerdict) {
  {
    absl::MutexLock lock(&service_.mu);
    service_.incident.mutable_next_update_at()->set_seconds(1795876200);
    service_.incident.mutable_first_communication_at()->set_seconds(1795874520);
    v1::IncidentCompliance* c = service_.incident.mutable_compliance();
    c->set_incident_ref("INC-12");
    c->set_state(v1::INCIDENT_STATE_IDENTIFIED);
    AddMissedPromise(c);
  }
  clock_.Set(absl::FromUnixSeconds(1795876200 + 240));
  ASSERT_EQ(Run({"show", "INC-12"}), kExitOk) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("\nPromises: 1 missed\n"));
  EXPECT_THAT(out_.str(), HasSubstr("  14:02 UTC  promised 14:30 UTC OVERDUE by 4m  [MISSED]\n"));
  EXPECT_THAT(out_.str(), HasSubstr("  !! OVERDUE by 4m: next update (promised 14:30 UTC)\n"));
  EXPECT_THAT(out_.str(), ::testing::EndsWith("\nOVERDUE by 4m (promised 14:30 UTC)\n"));
}

TEST_F(CommandsTest, ReportSendsTheRangeAndPrintsTotalsAndLedgers) {
  CtlOptions o;
  o.since = "7d";
  o.given = {"since"};
  ASSERT_EQ(Run({"report"}, o), kExitOk) << err_.str();
  {
    absl::MutexLock lock(&compliance_.mu);
    EXPECT_EQ(compliance_.last_report.started_after().seconds(),
              absl::ToUnixSeconds(clock_.Now() - absl::Hours(24 * 7)));
    EXPECT_FALSE(compliance_.last_report.has_started_before());
  }
  EXPECT_THAT(out_.str(), HasSubstr("SEV-1     1          0 of 1       1         1       0"));
  EXPECT_THAT(out_.str(), HasSubstr("!! OVERDUE NOW: 1 incident, the largest by 4m\n"));
  EXPECT_THAT(out_.str(), HasSubstr("\nINC-3  SEV-1  investigating  promises: 1 missed\n"));
  EXPECT_THAT(out_.str(), HasSubstr("  promised 14:30 UTC OVERDUE by 4m  [MISSED]\n"));

  o.json = true;
  ASSERT_EQ(Run({"report"}, o), kExitOk) << err_.str();
  v1::ComplianceReport parsed;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(out_.str(), &parsed).ok());
  EXPECT_EQ(parsed.incidents(0).ledger(0).description(), "promised 14:30 UTC OVERDUE by 4m");

  o = CtlOptions();
  o.since = "1h";
  o.until = "2h";
  o.given = {"since", "until"};
  EXPECT_EQ(Run({"report"}, o), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("must be before --until"));
  o = CtlOptions();
  o.after = 3;
  o.given = {"after"};
  EXPECT_EQ(Run({"report"}, o), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("--after does not apply to report"));
}

constexpr char kIssueExample[] =
    "We sincerely apologize for any inconvenience. AWS is having issues; should be fixed in 30 "
    "minutes.\n";

TEST_F(CommandsTest, LintSendsTheDraftAndContextAndExitsOneOnAnError) {
  in_.str("ETA soon.\n");
  CtlOptions o;
  o.severity = "SEV-1";
  o.phase = "update";
  o.incident = "12";
  EXPECT_EQ(Run({"lint"}, o), kExitFailed) << err_.str();
  EXPECT_THAT(out_.str(),
              HasSubstr("error [eta-clock] line 1, column 1\n    ETA soon.\n    ^^^\n"));
  absl::MutexLock lock(&service_.mu);
  EXPECT_EQ(service_.last_lint.message(), "ETA soon.");
  EXPECT_EQ(service_.last_lint.severity(), v1::SEVERITY_SEV1);
  EXPECT_EQ(service_.last_lint.phase(), v1::LINT_PHASE_UPDATE);
  EXPECT_EQ(service_.last_lint.incident_ref(), "INC-12");
}

TEST_F(CommandsTest, LintWithoutAServerNamesTheIssuesThreeProblemsWithTheBuiltInRules) {
  in_.str(kIssueExample);
  CtlOptions o;
  o.local = true;
  EXPECT_EQ(Run({"lint"}, o), kExitFailed) << err_.str();
  const std::string out = out_.str();
  for (const char* rule : {"[performative-apology]", "[third-party-blame]", "[eta-clock]"}) {
    EXPECT_THAT(out, HasSubstr(rule));
  }
  EXPECT_THAT(out, HasSubstr("3 problems: 2 errors, 1 warning"));
  EXPECT_THAT(out, HasSubstr("rewrite: "));
  EXPECT_THAT(out, HasSubstr("^^^^"));
}

TEST_F(CommandsTest, LintFallsBackToTheBuiltInRulesWhenTheServerIsDown) {
  server_->Shutdown();
  in_.str("All good here.");
  CtlOptions o;
  o.json = true;
  EXPECT_EQ(Run({"lint"}, o), kExitOk) << err_.str();
  EXPECT_THAT(err_.str(), HasSubstr("linted with the built-in rules only"));
  EXPECT_EQ(out_.str(), "{}\n");
}

TEST_F(CommandsTest, UpdatePrintsTheLintFindingsAndSendsTheOverride) {
  CtlOptions o;
  o.message = "Mistakes were made.";
  o.override_reason = "quoting the customer";
  o.given = {"message", "override"};
  ASSERT_EQ(Run({"update", "INC-12"}, o), kExitOk) << err_.str();
  EXPECT_THAT(out_.str(),
              HasSubstr("  lint:\n    warning [passive-voice] \"were made\" -> we made\n"));
  absl::MutexLock lock(&service_.mu);
  EXPECT_EQ(service_.last_post.lint_override_reason(), "quoting the customer");
}

TEST_F(CommandsTest, ThirdPartyConfirmedIsSentWithUpdateAndDeclare) {
  CtlOptions o;
  o.message = "Our card processor confirmed an outage on their side.";
  o.third_party_confirmed = true;
  o.given = {"message", "third_party_confirmed"};
  ASSERT_EQ(Run({"update", "INC-12"}, o), kExitOk) << err_.str();
  {
    absl::MutexLock lock(&service_.mu);
    EXPECT_TRUE(service_.last_post.update().third_party_confirmed());
  }
  o.title = "t";
  o.severity = "sev2";
  o.components = "checkout:major";
  o.given = {"message", "third_party_confirmed", "title", "severity", "components"};
  EXPECT_EQ(Run({"declare"}, o), kExitFailed);  // the fake refuses every declaration
  absl::MutexLock lock(&service_.mu);
  EXPECT_TRUE(service_.last_declare.first_update().third_party_confirmed());
}

TEST_F(CommandsTest, ThirdPartyConfirmedOnDeclareNeedsAMessage) {
  CtlOptions o;
  o.title = "t";
  o.severity = "sev2";
  o.components = "checkout:major";
  o.third_party_confirmed = true;
  o.given = {"title", "severity", "components", "third_party_confirmed"};
  EXPECT_EQ(Run({"declare"}, o), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("--third_party_confirmed needs --message"));
}

TEST_F(CommandsTest, ResolvingTemplateRefusesToPostWithPlaceholdersLeftAndNamesTheFlags) {
  CtlOptions o;
  o.tone = "resolving";
  o.post = true;
  o.impact = "checking out";
  o.given = {"tone", "post", "impact"};
  EXPECT_EQ(Run({"template", "INC-12"}, o), kExitUsage);
  EXPECT_THAT(err_.str(),
              HasSubstr("the template has placeholders left: <the cause, in plain words> "
                        "(--what-happened), <the change we are making> (--prevention); fill them "
                        "before --post, nothing was sent"));
  absl::MutexLock lock(&service_.mu);
  EXPECT_FALSE(service_.last_fill.has_next_update_at());
  EXPECT_TRUE(service_.last_fill.incident_ref().empty()) << "nothing was sent";
}

TEST_F(CommandsTest, ResolvingTemplateSendsEveryPlaceholderFlagAndListsTheMissingOnes) {
  CtlOptions o;
  o.tone = "resolving";
  o.given = {"tone"};
  ASSERT_EQ(Run({"template", "INC-12"}, o), kExitOk) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("fill in the <...> placeholders with --what-happened, "
                                    "--impact, --prevention\n"));
  o.what_happened = "A settings change stopped card payments";
  o.impact = "paying by card";
  o.prevention = "We now check such changes automatically";
  o.learned = "unused by resolving";
  o.given = {"tone", "what_happened", "impact", "prevention", "learned"};
  ASSERT_EQ(Run({"template", "INC-12"}, o), kExitOk) << err_.str();
  EXPECT_THAT(out_.str(), Not(HasSubstr("fill in")));
  absl::MutexLock lock(&service_.mu);
  EXPECT_EQ(service_.last_fill.what_happened(), "A settings change stopped card payments");
  EXPECT_EQ(service_.last_fill.impact(), "paying by card");
  EXPECT_EQ(service_.last_fill.prevention(), "We now check such changes automatically");
  EXPECT_EQ(service_.last_fill.learned(), "unused by resolving");
}

TEST_F(CommandsTest, TemplatePrintsTheMessageAndPostsItAsANoProgressUpdate) {
  CtlOptions o;
  o.tone = "no-progress";
  o.given = {"tone"};
  ASSERT_EQ(Run({"template", "INC-12"}, o), kExitOk) << err_.str();
  EXPECT_THAT(out_.str(),
              HasSubstr("We're still investigating; no ETA yet; next update by 14:59 UTC.\n"));
  o.post = true;
  o.given.insert("post");
  ASSERT_EQ(Run({"template", "INC-12"}, o), kExitOk) << err_.str();
  absl::MutexLock lock(&service_.mu);
  EXPECT_EQ(service_.last_fill.tone(), v1::TEMPLATE_TONE_NO_PROGRESS);
  EXPECT_TRUE(service_.last_post.update().no_progress());
  EXPECT_EQ(service_.last_post.update().message(),
            "We're still investigating; no ETA yet; next update by 14:59 UTC.");
  EXPECT_EQ(service_.last_post.update().next_update_at().seconds(), 1234567);
  EXPECT_EQ(service_.last_post.update().state(), v1::INCIDENT_STATE_IDENTIFIED);
}

TEST_F(CommandsTest, BannerCreateEditAndKillSwitchSendWhatTheFlagsSay) {
  CtlOptions o;
  o.text = "Maintenance tonight";
  o.level = "maintenance";
  o.apps = "shop, admin";
  o.paths = "/checkout*";
  o.ends = "2h";
  o.given = {"text", "level", "apps", "paths", "ends"};
  ASSERT_EQ(Run({"banner", "create"}, o), kExitOk) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("banner 5 (maintenance, enabled"));
  {
    absl::MutexLock lock(&banner_admin_.mu);
    const v1::ManualBanner& b = banner_admin_.last_create.banner();
    EXPECT_EQ(b.text(), "Maintenance tonight");
    EXPECT_EQ(b.level(), v1::BANNER_LEVEL_MAINTENANCE);
    EXPECT_EQ(b.target().apps_size(), 2);
    EXPECT_EQ(b.target().path_patterns(0), "/checkout*");
    EXPECT_FALSE(b.has_starts_at());
    EXPECT_EQ(b.ends_at().seconds(), absl::ToUnixSeconds(clock_.Now() + absl::Hours(2)));
    EXPECT_EQ(banner_admin_.last_create.author(), "alice");
  }
  CtlOptions edit;
  edit.text = "New text";
  edit.given = {"text"};
  ASSERT_EQ(Run({"banner", "edit", "5"}, edit), kExitOk) << err_.str();
  {
    absl::MutexLock lock(&banner_admin_.mu);
    EXPECT_EQ(banner_admin_.last_update.banner().text(), "New text");
    EXPECT_EQ(banner_admin_.last_update.banner().target().apps(0), "shop");  // kept
  }
  CtlOptions kill;
  kill.app = "shop";
  kill.reason = "banner loop";
  kill.given = {"app", "reason"};
  ASSERT_EQ(Run({"killswitch", "on"}, kill), kExitOk) << err_.str();
  EXPECT_EQ(out_.str(), "kill switch ON for shop: its banners are hidden now\n");
  absl::MutexLock lock(&banner_admin_.mu);
  EXPECT_EQ(banner_admin_.last_kill.scope(), "shop");
  EXPECT_TRUE(banner_admin_.last_kill.engaged());
  EXPECT_EQ(Run({"killswitch", "maybe"}, kill), kExitUsage);
}

TEST_F(CommandsTest, ComponentsCreateSendsWhereItsBannerShows) {
  CtlOptions o;
  o.banner_apps = "shop";
  o.banner_paths = "/checkout*,/cart";
  o.given = {"banner_apps", "banner_paths"};
  ASSERT_EQ(Run({"components", "create", "checkout"}, o), kExitOk) << err_.str();
  EXPECT_THAT(out_.str(),
              HasSubstr("its incident banner shows in apps shop on pages /checkout*,/cart"));
  absl::MutexLock lock(&service_.mu);
  ASSERT_EQ(service_.last_component.banner_paths_size(), 2);
  EXPECT_EQ(service_.last_component.banner_paths(1), "/cart");
}

}  // namespace
}  // namespace ctl
}  // namespace statuscast
