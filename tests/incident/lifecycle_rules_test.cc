// IncidentRules: severity changes (escalation and the promise), resolve,
// reopen and the postmortem.
#include "tests/incident/incident_rules_fixture.h"

namespace statuscast::incident_testing {
namespace {

// ---------------------------------------------------------------------------
// ApplySeverityChange

TEST_F(IncidentRulesTest, EscalationTightensTheStandingPromiseToTheNewCadence) {
  Incident inc = Declared(Severity::kSev2);  // promised kStart + 40m
  clock_.Advance(absl::Minutes(5));          // now + 30m = kStart + 35m
  absl::StatusOr<SeverityChange> c =
      rules_.ApplySeverityChange(inc, Severity::kSev1, "more regions", "carol", Now());
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->from, Severity::kSev2);
  EXPECT_EQ(c->to, Severity::kSev1);
  EXPECT_EQ(c->reason, "more regions");
  EXPECT_EQ(c->author, "carol");
  EXPECT_EQ(c->changed_at, Now());
  EXPECT_EQ(c->next_update_at_before, kStart + absl::Minutes(40));
  EXPECT_EQ(c->next_update_at_after, Now() + absl::Minutes(30));
  EXPECT_EQ(inc.severity, Severity::kSev1);
  EXPECT_EQ(inc.next_update_at, Now() + absl::Minutes(30));
  EXPECT_EQ(inc.updated_at, Now());
}

TEST_F(IncidentRulesTest, EscalationLeavesAnEarlierPromiseAlone) {
  Incident inc = Declared(Severity::kSev2);  // promised kStart + 40m
  clock_.Advance(absl::Minutes(25));         // now + 30m = kStart + 55m
  absl::StatusOr<SeverityChange> c =
      rules_.ApplySeverityChange(inc, Severity::kSev1, "", "carol", Now());
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(inc.next_update_at, kStart + absl::Minutes(40));
  EXPECT_EQ(c->next_update_at_before, c->next_update_at_after);
}

TEST_F(IncidentRulesTest, EscalationLeavesAnOverduePromiseAlone) {
  Incident inc = Declared(Severity::kSev2);  // promised kStart + 40m
  clock_.Advance(absl::Hours(2));
  ASSERT_TRUE(rules_.ApplySeverityChange(inc, Severity::kSev1, "", "carol", Now()).ok());
  EXPECT_EQ(inc.next_update_at, kStart + absl::Minutes(40)) << "overdue stays overdue";
}

TEST_F(IncidentRulesTest, EscalationFromSev3StartsAPromise) {
  Incident inc = Declared(Severity::kSev3);
  ASSERT_EQ(inc.next_update_at, absl::nullopt);
  clock_.Advance(absl::Minutes(5));
  absl::StatusOr<SeverityChange> c =
      rules_.ApplySeverityChange(inc, Severity::kSev2, "", "carol", Now());
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->next_update_at_before, absl::nullopt);
  EXPECT_EQ(inc.next_update_at, Now() + absl::Minutes(60));
}

TEST_F(IncidentRulesTest, EscalationBeforeAnyCommunicationMakesNoPromise) {
  Incident inc = Silent(Severity::kSev3);
  ASSERT_TRUE(rules_.ApplySeverityChange(inc, Severity::kSev1, "", "carol", Now()).ok());
  EXPECT_EQ(inc.severity, Severity::kSev1);
  EXPECT_EQ(inc.next_update_at, absl::nullopt);
}

TEST_F(IncidentRulesTest, DeescalationKeepsTheStandingPromise) {
  for (Severity to : {Severity::kSev2, Severity::kSev3}) {
    clock_.Set(kStart);
    Incident inc = Declared(Severity::kSev1);  // promised kStart + 20m
    clock_.Advance(absl::Minutes(5));
    absl::StatusOr<SeverityChange> c =
        rules_.ApplySeverityChange(inc, to, "contained", "carol", Now());
    ASSERT_TRUE(c.ok()) << c.status();
    EXPECT_EQ(inc.severity, to);
    EXPECT_EQ(inc.next_update_at, kStart + absl::Minutes(20)) << SeverityName(to);
    EXPECT_EQ(c->next_update_at_after, kStart + absl::Minutes(20));
  }
}

TEST_F(IncidentRulesTest, SeverityOfAResolvedIncidentCannotChange) {
  Incident inc = Resolved(Severity::kSev2);
  const Incident before = inc;
  absl::StatusOr<SeverityChange> c =
      rules_.ApplySeverityChange(inc, Severity::kSev1, "", "carol", Now());
  EXPECT_TRUE(IsError(c, absl::StatusCode::kFailedPrecondition,
                      "INC-7 is resolved; reopen it first (a reopen is recorded)"));
  ExpectUnchanged(before, inc);
}

TEST_F(IncidentRulesTest, ChangingToTheSameSeverityIsRefused) {
  Incident inc = Declared(Severity::kSev2);
  const Incident before = inc;
  EXPECT_TRUE(IsError(rules_.ApplySeverityChange(inc, Severity::kSev2, "", "carol", Now()),
                      absl::StatusCode::kFailedPrecondition, "INC-7 is already SEV-2"));
  ExpectUnchanged(before, inc);
}

TEST_F(IncidentRulesTest, SeverityChangeRejectsAnUnknownSeverity) {
  Incident inc = Declared(Severity::kSev2);
  const Incident before = inc;
  for (Severity to : {Severity::kUnspecified, static_cast<Severity>(99)}) {
    absl::StatusOr<SeverityChange> c = rules_.ApplySeverityChange(inc, to, "", "carol", Now());
    EXPECT_TRUE(
        IsError(c, absl::StatusCode::kInvalidArgument, "severity: must be SEV-1, SEV-2 or SEV-3"));
    EXPECT_TRUE(HasFieldViolation(c, "severity", "must be SEV-1, SEV-2 or SEV-3"));
  }
  ExpectUnchanged(before, inc);
}

TEST_F(IncidentRulesTest, SeverityChangeBoundsTheReason) {
  Incident inc = Declared(Severity::kSev2);
  const Incident before = inc;
  EXPECT_TRUE(HasFieldViolation(
      rules_.ApplySeverityChange(inc, Severity::kSev1, std::string(1001, 'r'), "carol", Now()),
      "reason", "is 1001 bytes; the limit is 1000"));
  EXPECT_TRUE(HasFieldViolation(
      rules_.ApplySeverityChange(inc, Severity::kSev1, "bad \xC3", "carol", Now()), "reason",
      "is not valid UTF-8"));
  ExpectUnchanged(before, inc);
  EXPECT_TRUE(
      rules_.ApplySeverityChange(inc, Severity::kSev1, "two lines\nof reason", "carol", Now())
          .ok());
}

// ---------------------------------------------------------------------------
// ApplyResolve

TEST_F(IncidentRulesTest, ResolveClearsThePromiseAndStampsTheResolution) {
  Incident inc = Declared(Severity::kSev1, IncidentState::kMonitoring);
  clock_.Advance(absl::Minutes(12));
  absl::StatusOr<Update> u =
      rules_.ApplyResolve(inc, "Checkouts work again. Sorry.", {}, "dave", Now());
  ASSERT_TRUE(u.ok()) << u.status();
  EXPECT_EQ(u->kind, UpdateKind::kResolution);
  EXPECT_EQ(u->state, IncidentState::kResolved);
  EXPECT_EQ(u->next_update_at, absl::nullopt);
  EXPECT_EQ(u->kept_promise, PromiseOutcome::kKept);
  EXPECT_EQ(u->banner_text, "Checkouts work again.");
  EXPECT_EQ(u->author, "dave");
  EXPECT_EQ(u->channels, (std::vector<Channel>{Channel::kStatusPage, Channel::kPublic}))
      << "no channels means status page and public";
  EXPECT_EQ(inc.state, IncidentState::kResolved);
  EXPECT_EQ(inc.resolved_at, Now());
  EXPECT_EQ(inc.next_update_at, absl::nullopt);
  EXPECT_EQ(inc.updated_at, Now());
}

TEST_F(IncidentRulesTest, ResolveMayComeStraightFromInvestigating) {
  Incident inc = Declared(Severity::kSev3);
  ASSERT_TRUE(rules_.ApplyResolve(inc, "False alarm.", {}, "dave", Now()).ok());
  EXPECT_EQ(inc.state, IncidentState::kResolved);
}

TEST_F(IncidentRulesTest, ResolveUsesTheChannelsGiven) {
  Incident inc = Declared(Severity::kSev2);
  absl::StatusOr<Update> u =
      rules_.ApplyResolve(inc, "Fixed.", {Channel::kInAppBanner}, "dave", Now());
  ASSERT_TRUE(u.ok()) << u.status();
  EXPECT_EQ(u->channels, std::vector<Channel>{Channel::kInAppBanner});
}

TEST_F(IncidentRulesTest, LateResolutionIsRecordedAsLate) {
  Incident inc = Declared(Severity::kSev1);  // promised kStart + 20m
  clock_.Set(kStart + absl::Minutes(45));
  absl::StatusOr<Update> u = rules_.ApplyResolve(inc, "Fixed.", {}, "dave", Now());
  ASSERT_TRUE(u.ok()) << u.status();
  EXPECT_EQ(u->kept_promise, PromiseOutcome::kLate);
}

TEST_F(IncidentRulesTest, ResolvingWithoutEarlierCommunicationCountsAsTheFirst) {
  Incident inc = Silent(Severity::kSev2);
  clock_.Advance(absl::Minutes(4));
  absl::StatusOr<Update> u = rules_.ApplyResolve(inc, "Blip; all fine.", {}, "dave", Now());
  ASSERT_TRUE(u.ok()) << u.status();
  EXPECT_EQ(u->kind, UpdateKind::kResolution);
  EXPECT_EQ(inc.first_communication_at, Now());
}

TEST_F(IncidentRulesTest, ResolveNeedsAMessage) {
  Incident inc = Declared(Severity::kSev1);
  const Incident before = inc;
  absl::StatusOr<Update> u = rules_.ApplyResolve(inc, " ", {}, "dave", Now());
  EXPECT_TRUE(IsError(u, absl::StatusCode::kInvalidArgument, "message: is required"));
  EXPECT_TRUE(HasFieldViolation(u, "message", "is required"));
  ExpectUnchanged(before, inc);
}

TEST_F(IncidentRulesTest, ResolveRejectsBadChannels) {
  Incident inc = Declared(Severity::kSev1);
  const Incident before = inc;
  EXPECT_TRUE(HasFieldViolation(
      rules_.ApplyResolve(inc, "Fixed.", {Channel::kPublic, Channel::kPublic}, "dave", Now()),
      "channels", "lists public twice"));
  EXPECT_TRUE(HasFieldViolation(
      rules_.ApplyResolve(inc, "Fixed.", {static_cast<Channel>(7)}, "dave", Now()), "channels",
      "holds an unknown channel"));
  ExpectUnchanged(before, inc);
}

TEST_F(IncidentRulesTest, ResolvingTwiceIsRefused) {
  Incident inc = Resolved(Severity::kSev2);
  const Incident before = inc;
  clock_.Advance(absl::Minutes(1));
  EXPECT_TRUE(IsError(rules_.ApplyResolve(inc, "Really fixed.", {}, "dave", Now()),
                      absl::StatusCode::kFailedPrecondition, "INC-7 is already resolved"));
  ExpectUnchanged(before, inc);
}

// ---------------------------------------------------------------------------
// ApplyReopen

TEST_F(IncidentRulesTest, ReopenReturnsAResolvedIncidentToInvestigating) {
  Incident inc = Resolved(Severity::kSev1);
  const absl::optional<absl::Time> first_communication = inc.first_communication_at;
  clock_.Advance(absl::Minutes(30));
  absl::StatusOr<Update> u = rules_.ApplyReopen(
      inc, "errors are back", Draft(IncidentState::kUnspecified, Now() + absl::Minutes(30)), "erin",
      Now());
  ASSERT_TRUE(u.ok()) << u.status();
  EXPECT_EQ(u->kind, UpdateKind::kReopen);
  EXPECT_EQ(u->state, IncidentState::kInvestigating);
  EXPECT_EQ(u->kept_promise, PromiseOutcome::kNone) << "a resolved incident promised nothing";
  EXPECT_EQ(u->author, "erin");
  EXPECT_EQ(inc.state, IncidentState::kInvestigating);
  EXPECT_EQ(inc.reopen_count, 1);
  EXPECT_EQ(inc.resolved_at, absl::nullopt);
  EXPECT_EQ(inc.investigating_at, Now());
  EXPECT_EQ(inc.next_update_at, Now() + absl::Minutes(30));
  EXPECT_EQ(inc.first_communication_at, first_communication);
  EXPECT_EQ(inc.updated_at, Now());
}

TEST_F(IncidentRulesTest, ReopenMayGoToIdentified) {
  Incident inc = Resolved(Severity::kSev3);
  absl::StatusOr<Update> u = rules_.ApplyReopen(
      inc, "same cause", Draft(IncidentState::kIdentified, absl::nullopt), "erin", Now());
  ASSERT_TRUE(u.ok()) << u.status();
  EXPECT_EQ(inc.state, IncidentState::kIdentified);
  EXPECT_EQ(inc.identified_at, Now());
}

TEST_F(IncidentRulesTest, EachReopenIsCounted) {
  Incident inc = Resolved(Severity::kSev3);
  ASSERT_TRUE(rules_
                  .ApplyReopen(inc, "back", Draft(IncidentState::kInvestigating, absl::nullopt),
                               "erin", Now())
                  .ok());
  ASSERT_TRUE(rules_.ApplyResolve(inc, "Fixed again.", {}, "erin", Now()).ok());
  ASSERT_TRUE(rules_
                  .ApplyReopen(inc, "back again",
                               Draft(IncidentState::kInvestigating, absl::nullopt), "erin", Now())
                  .ok());
  EXPECT_EQ(inc.reopen_count, 2);
}

TEST_F(IncidentRulesTest, ReopenOnlyToInvestigatingOrIdentified) {
  Incident inc = Resolved(Severity::kSev3);
  const Incident before = inc;
  for (IncidentState st :
       {IncidentState::kMonitoring, IncidentState::kResolved, static_cast<IncidentState>(42)}) {
    absl::StatusOr<Update> u =
        rules_.ApplyReopen(inc, "back", Draft(st, absl::nullopt), "erin", Now());
    EXPECT_TRUE(
        HasFieldViolation(u, "update.state", "a reopened incident is investigating or identified"))
        << static_cast<int>(st);
    ExpectUnchanged(before, inc);
  }
}

TEST_F(IncidentRulesTest, ReopenNeedsAReason) {
  Incident inc = Resolved(Severity::kSev3);
  const Incident before = inc;
  absl::StatusOr<Update> u = rules_.ApplyReopen(
      inc, "", Draft(IncidentState::kInvestigating, absl::nullopt), "erin", Now());
  EXPECT_TRUE(IsError(u, absl::StatusCode::kInvalidArgument, "reason: is required"));
  EXPECT_TRUE(HasFieldViolation(u, "reason", "is required"));
  ExpectUnchanged(before, inc);
}

TEST_F(IncidentRulesTest, ReopenNeedsAMessage) {
  Incident inc = Resolved(Severity::kSev3);
  UpdateDraft d = Draft(IncidentState::kInvestigating, absl::nullopt);
  d.message.clear();
  EXPECT_TRUE(HasFieldViolation(rules_.ApplyReopen(inc, "back", d, "erin", Now()), "update.message",
                                "is required"));
}

TEST_F(IncidentRulesTest, ReopenOfASev1MustPromiseTheNextUpdate) {
  Incident inc = Resolved(Severity::kSev1);
  const Incident before = inc;
  absl::StatusOr<Update> u = rules_.ApplyReopen(
      inc, "back", Draft(IncidentState::kInvestigating, absl::nullopt), "erin", Now());
  EXPECT_TRUE(HasFieldViolation(u, "update.next_update_at",
                                "is required for SEV-1: promise the next update within 30m"));
  ExpectUnchanged(before, inc);
}

TEST_F(IncidentRulesTest, ReopenOfAnOpenIncidentIsRefused) {
  Incident inc = Declared(Severity::kSev1, IncidentState::kMonitoring);
  const Incident before = inc;
  absl::StatusOr<Update> u = rules_.ApplyReopen(
      inc, "back", Draft(IncidentState::kInvestigating, Now() + absl::Minutes(30)), "erin", Now());
  EXPECT_TRUE(IsError(u, absl::StatusCode::kFailedPrecondition,
                      "INC-7 is monitoring, not resolved; post an update instead"));
  ExpectUnchanged(before, inc);
}

// ---------------------------------------------------------------------------
// ApplyPostmortem

TEST_F(IncidentRulesTest, PostmortemIsPublishedOnAResolvedIncident) {
  Incident inc = Resolved(Severity::kSev1);
  clock_.Advance(absl::Hours(48));
  absl::StatusOr<Postmortem> p =
      rules_.ApplyPostmortem(inc, "https://wiki.example.com/pm/inc-7", "", "frank", Now());
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->url, "https://wiki.example.com/pm/inc-7");
  EXPECT_EQ(p->body, "");
  EXPECT_EQ(p->published_at, Now());
  EXPECT_EQ(p->author, "frank");
  ASSERT_TRUE(inc.postmortem.has_value());
  EXPECT_EQ(inc.postmortem->url, p->url);
  EXPECT_EQ(inc.updated_at, Now());
  EXPECT_EQ(inc.state, IncidentState::kResolved);
}

TEST_F(IncidentRulesTest, PostmortemMayBeABodyOrAPlainHttpLink) {
  Incident inc = Resolved(Severity::kSev2);
  absl::StatusOr<Postmortem> body =
      rules_.ApplyPostmortem(inc, "", "# What happened\n\nA bad deploy.", "frank", Now());
  ASSERT_TRUE(body.ok()) << body.status();
  EXPECT_EQ(inc.postmortem->body, "# What happened\n\nA bad deploy.");
  absl::StatusOr<Postmortem> http =
      rules_.ApplyPostmortem(inc, "http://intranet/pm/7", "Summary.", "frank", Now());
  ASSERT_TRUE(http.ok()) << http.status();
}

TEST_F(IncidentRulesTest, PostmortemNeedsALinkOrABody) {
  Incident inc = Resolved(Severity::kSev2);
  const Incident before = inc;
  absl::StatusOr<Postmortem> p = rules_.ApplyPostmortem(inc, "", "", "frank", Now());
  EXPECT_TRUE(IsError(p, absl::StatusCode::kInvalidArgument,
                      "url: give a link to the postmortem, its body, or both"));
  ExpectUnchanged(before, inc);
}

TEST_F(IncidentRulesTest, PostmortemWithABlankBodyAndNoLinkIsRejected) {
  Incident inc = Resolved(Severity::kSev2);
  const Incident before = inc;
  absl::StatusOr<Postmortem> p = rules_.ApplyPostmortem(inc, "", " \n\t ", "frank", Now());
  EXPECT_TRUE(HasFieldViolation(p, "url", "give a link to the postmortem, its body, or both"));
  ExpectUnchanged(before, inc);
}

TEST_F(IncidentRulesTest, PostmortemLinkMustBeHttpOrHttps) {
  Incident inc = Resolved(Severity::kSev2);
  const Incident before = inc;
  for (const char* url : {"ftp://files.example.com/pm", "javascript:alert(1)",
                          "wiki.example.com/pm", "file:///etc/passwd", " https://x.example"}) {
    EXPECT_TRUE(IsError(rules_.ApplyPostmortem(inc, url, "", "frank", Now()),
                        absl::StatusCode::kInvalidArgument,
                        "url: must be an http:// or https:// link"))
        << url;
  }
  ExpectUnchanged(before, inc);
}

TEST_F(IncidentRulesTest, PostmortemLinkIsOneBoundedLine) {
  Incident inc = Resolved(Severity::kSev2);
  EXPECT_TRUE(HasFieldViolation(
      rules_.ApplyPostmortem(inc, "https://x.example/\nSet-Cookie: a", "", "frank", Now()), "url",
      "must be a single line"));
  EXPECT_TRUE(
      HasFieldViolation(rules_.ApplyPostmortem(inc, "https://x.example/" + std::string(2031, 'p'),
                                               "", "frank", Now()),
                        "url", "is 2049 bytes; the limit is 2048"));
  EXPECT_FALSE(inc.postmortem.has_value());
}

TEST_F(IncidentRulesTest, PostmortemBodyIsBounded) {
  Incident inc = Resolved(Severity::kSev2);
  EXPECT_TRUE(
      HasFieldViolation(rules_.ApplyPostmortem(inc, "", std::string(100001, 'b'), "frank", Now()),
                        "body", "is 100001 bytes; the limit is 100000"));
  EXPECT_TRUE(HasFieldViolation(rules_.ApplyPostmortem(inc, "", "bad \xC3", "frank", Now()), "body",
                                "is not valid UTF-8"));
  EXPECT_FALSE(inc.postmortem.has_value());
}

TEST_F(IncidentRulesTest, PostmortemWaitsForTheResolution) {
  Incident inc = Declared(Severity::kSev2, IncidentState::kMonitoring);
  const Incident before = inc;
  absl::StatusOr<Postmortem> p =
      rules_.ApplyPostmortem(inc, "https://wiki.example.com/pm", "", "frank", Now());
  EXPECT_TRUE(IsError(p, absl::StatusCode::kFailedPrecondition,
                      "INC-7 is monitoring; a postmortem is published once the incident is "
                      "resolved"));
  ExpectUnchanged(before, inc);
}

}  // namespace
}  // namespace statuscast::incident_testing
