// IncidentRules::ApplyUpdate: states, text, banner, channels and affected
// components.
#include "tests/incident/incident_rules_fixture.h"

namespace statuscast::incident_testing {
namespace {

// ---------------------------------------------------------------------------
// ApplyUpdate: states

TEST_F(IncidentRulesTest, UpdateMovesForwardAndStampsTheNewState) {
  Incident inc = Declared(Severity::kSev1);
  clock_.Advance(absl::Minutes(10));
  absl::StatusOr<Update> u = rules_.ApplyUpdate(
      inc, Draft(IncidentState::kIdentified, Now() + absl::Minutes(25)), {}, "bob", Now());
  ASSERT_TRUE(u.ok()) << u.status();
  EXPECT_EQ(u->kind, UpdateKind::kProgress);
  EXPECT_EQ(u->state, IncidentState::kIdentified);
  EXPECT_EQ(u->posted_at, Now());
  EXPECT_EQ(u->author, "bob");
  EXPECT_EQ(u->severity, Severity::kSev1);
  EXPECT_EQ(u->next_update_at, Now() + absl::Minutes(25));
  EXPECT_EQ(u->channels, (std::vector<Channel>{Channel::kInAppBanner, Channel::kStatusPage}));
  EXPECT_EQ(inc.state, IncidentState::kIdentified);
  EXPECT_EQ(inc.identified_at, Now());
  EXPECT_EQ(inc.investigating_at, kStart);
  EXPECT_EQ(inc.next_update_at, Now() + absl::Minutes(25));
  EXPECT_EQ(inc.updated_at, Now());
  EXPECT_EQ(inc.first_communication_at, kStart) << "only the first update sets it";
}

TEST_F(IncidentRulesTest, UpdateMaySkipStates) {
  Incident inc = Declared(Severity::kSev2);
  clock_.Advance(absl::Minutes(10));
  absl::StatusOr<Update> u = rules_.ApplyUpdate(
      inc, Draft(IncidentState::kMonitoring, Now() + absl::Minutes(60)), {}, "bob", Now());
  ASSERT_TRUE(u.ok()) << u.status();
  EXPECT_EQ(inc.state, IncidentState::kMonitoring);
  EXPECT_EQ(inc.monitoring_at, Now());
  EXPECT_EQ(inc.identified_at, absl::nullopt);
}

TEST_F(IncidentRulesTest, UpdateWithoutAStateKeepsTheCurrentOne) {
  Incident inc = Declared(Severity::kSev2, IncidentState::kIdentified);
  clock_.Advance(absl::Minutes(10));
  absl::StatusOr<Update> u = rules_.ApplyUpdate(
      inc, Draft(IncidentState::kUnspecified, Now() + absl::Minutes(60)), {}, "bob", Now());
  ASSERT_TRUE(u.ok()) << u.status();
  EXPECT_EQ(u->state, IncidentState::kIdentified);
  EXPECT_EQ(inc.state, IncidentState::kIdentified);
  EXPECT_EQ(inc.identified_at, kStart) << "staying in a state does not restamp it";
}

TEST_F(IncidentRulesTest, UpdateMayGoFromMonitoringBackToIdentified) {
  Incident inc = Declared(Severity::kSev1, IncidentState::kMonitoring);
  clock_.Advance(absl::Minutes(10));
  absl::StatusOr<Update> u = rules_.ApplyUpdate(
      inc, Draft(IncidentState::kIdentified, Now() + absl::Minutes(30)), {}, "bob", Now());
  ASSERT_TRUE(u.ok()) << u.status();
  EXPECT_EQ(inc.state, IncidentState::kIdentified);
  EXPECT_EQ(inc.identified_at, Now());
}

TEST_F(IncidentRulesTest, UpdateCannotGoFromIdentifiedBackToInvestigating) {
  Incident inc = Declared(Severity::kSev1, IncidentState::kIdentified);
  const Incident before = inc;
  clock_.Advance(absl::Minutes(10));
  absl::StatusOr<Update> u = rules_.ApplyUpdate(
      inc, Draft(IncidentState::kInvestigating, Now() + absl::Minutes(30)), {}, "bob", Now());
  EXPECT_TRUE(IsError(u, absl::StatusCode::kFailedPrecondition,
                      "INC-7 is identified and cannot go back to investigating: states move "
                      "forward (investigating, identified, monitoring, resolved), except "
                      "monitoring back to identified when a fix fails"));
  ExpectUnchanged(before, inc);
}

TEST_F(IncidentRulesTest, UpdateCannotGoFromMonitoringBackToInvestigating) {
  Incident inc = Declared(Severity::kSev3, IncidentState::kMonitoring);
  const Incident before = inc;
  absl::StatusOr<Update> u = rules_.ApplyUpdate(
      inc, Draft(IncidentState::kInvestigating, absl::nullopt), {}, "bob", Now());
  EXPECT_EQ(u.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(u.status().message().find("INC-7 is monitoring and cannot go back to investigating"),
            absl::string_view::npos)
      << u.status();
  ExpectUnchanged(before, inc);
}

TEST_F(IncidentRulesTest, UpdateOnAResolvedIncidentIsRefusedUntilReopened) {
  Incident inc = Resolved(Severity::kSev1);
  const Incident before = inc;
  clock_.Advance(absl::Minutes(10));
  for (IncidentState st : {IncidentState::kUnspecified, IncidentState::kInvestigating,
                           IncidentState::kMonitoring, IncidentState::kResolved}) {
    absl::StatusOr<Update> u =
        rules_.ApplyUpdate(inc, Draft(st, Now() + absl::Minutes(30)), {}, "bob", Now());
    EXPECT_TRUE(IsError(u, absl::StatusCode::kFailedPrecondition,
                        "INC-7 is resolved; reopen it first (a reopen is recorded)"))
        << StateName(st);
    ExpectUnchanged(before, inc);
  }
}

TEST_F(IncidentRulesTest, UpdateCannotResolve) {
  Incident inc = Declared(Severity::kSev2);
  const Incident before = inc;
  absl::StatusOr<Update> u =
      rules_.ApplyUpdate(inc, Draft(IncidentState::kResolved, absl::nullopt), {}, "bob", Now());
  EXPECT_TRUE(HasFieldViolation(u, "update.state", "use ResolveIncident to resolve"));
  ExpectUnchanged(before, inc);
}

TEST_F(IncidentRulesTest, UpdateRejectsAnUnknownState) {
  Incident inc = Declared(Severity::kSev2);
  const Incident before = inc;
  absl::StatusOr<Update> u = rules_.ApplyUpdate(
      inc, Draft(static_cast<IncidentState>(42), Now() + absl::Minutes(30)), {}, "bob", Now());
  EXPECT_TRUE(IsError(u, absl::StatusCode::kInvalidArgument,
                      "update.state: must be investigating, identified or monitoring"));
  EXPECT_TRUE(HasFieldViolation(u, "update.state", "must be investigating"));
  ExpectUnchanged(before, inc);
}

// ---------------------------------------------------------------------------
// ApplyUpdate: message, banner, channels

TEST_F(IncidentRulesTest, EveryUpdateNeedsAMessageEvenWithoutAStateChange) {
  Incident inc = Declared(Severity::kSev2);
  const Incident before = inc;
  for (IncidentState st : {IncidentState::kUnspecified, IncidentState::kIdentified}) {
    UpdateDraft d = Draft(st, Now() + absl::Minutes(30));
    d.message = "";
    absl::StatusOr<Update> u = rules_.ApplyUpdate(inc, d, {}, "bob", Now());
    EXPECT_TRUE(IsError(u, absl::StatusCode::kInvalidArgument, "update.message: is required"))
        << StateName(st);
    EXPECT_TRUE(HasFieldViolation(u, "update.message", "is required"));
    ExpectUnchanged(before, inc);
  }
}

TEST_F(IncidentRulesTest, AWhitespaceOnlyMessageCountsAsMissing) {
  Incident inc = Declared(Severity::kSev2);
  UpdateDraft d = Draft(IncidentState::kIdentified, Now() + absl::Minutes(30));
  d.message = " \n\t ";
  EXPECT_TRUE(HasFieldViolation(rules_.ApplyUpdate(inc, d, {}, "bob", Now()), "update.message",
                                "is required"));
}

TEST_F(IncidentRulesTest, MessageMaySpanLinesUpToItsLimit) {
  Incident inc = Declared(Severity::kSev3);
  UpdateDraft d = Draft(IncidentState::kIdentified, absl::nullopt);
  d.message = "Cause found.\n\n\tA bad deploy; rolling back.\r\n";
  d.message += std::string(4000 - d.message.size(), 'x');
  ASSERT_EQ(d.message.size(), 4000u);
  absl::StatusOr<Update> u = rules_.ApplyUpdate(inc, d, {}, "bob", Now());
  ASSERT_TRUE(u.ok()) << u.status();
  EXPECT_EQ(u->message, d.message);
}

TEST_F(IncidentRulesTest, MessageOverItsLimitIsRejected) {
  Incident inc = Declared(Severity::kSev3);
  UpdateDraft d = Draft(IncidentState::kIdentified, absl::nullopt);
  d.message = std::string(4001, 'x');
  EXPECT_TRUE(HasFieldViolation(rules_.ApplyUpdate(inc, d, {}, "bob", Now()), "update.message",
                                "is 4001 bytes; the limit is 4000"));
}

TEST_F(IncidentRulesTest, MessageMustBeUtf8WithoutControlCharacters) {
  Incident inc = Declared(Severity::kSev3);
  UpdateDraft d = Draft(IncidentState::kIdentified, absl::nullopt);
  d.message = "Rolling back \xED\xA0\x80 now";  // a UTF-16 surrogate
  EXPECT_TRUE(HasFieldViolation(rules_.ApplyUpdate(inc, d, {}, "bob", Now()), "update.message",
                                "is not valid UTF-8"));
  d.message = std::string("Rolling back\0 now", 17);
  EXPECT_TRUE(HasFieldViolation(rules_.ApplyUpdate(inc, d, {}, "bob", Now()), "update.message",
                                "contains a control character"));
  d.message = "Rolling back\x07 now";
  EXPECT_TRUE(HasFieldViolation(rules_.ApplyUpdate(inc, d, {}, "bob", Now()), "update.message",
                                "contains a control character"));
}

TEST_F(IncidentRulesTest, BannerTextIsOneLineWithinItsLimit) {
  Incident inc = Declared(Severity::kSev3);
  UpdateDraft d = Draft(IncidentState::kIdentified, absl::nullopt);
  d.banner_text = std::string(281, 'b');
  EXPECT_TRUE(HasFieldViolation(rules_.ApplyUpdate(inc, d, {}, "bob", Now()), "update.banner_text",
                                "is 281 bytes; the limit is 280"));
  d.banner_text = "Checkout down\nsee status page";
  EXPECT_TRUE(HasFieldViolation(rules_.ApplyUpdate(inc, d, {}, "bob", Now()), "update.banner_text",
                                "must be a single line"));
  d.banner_text = "Checkout \xFF down";
  EXPECT_TRUE(HasFieldViolation(rules_.ApplyUpdate(inc, d, {}, "bob", Now()), "update.banner_text",
                                "is not valid UTF-8"));
  d.banner_text = std::string(280, 'b');
  absl::StatusOr<Update> u = rules_.ApplyUpdate(inc, d, {}, "bob", Now());
  ASSERT_TRUE(u.ok()) << u.status();
  EXPECT_EQ(u->banner_text, d.banner_text);
}

TEST_F(IncidentRulesTest, BannerTextDefaultsToTheMessagesFirstSentence) {
  Incident inc = Declared(Severity::kSev3);
  UpdateDraft d = Draft(IncidentState::kIdentified, absl::nullopt);
  d.message = "A bad deploy broke checkout! Rolling back now.";
  absl::StatusOr<Update> u = rules_.ApplyUpdate(inc, d, {}, "bob", Now());
  ASSERT_TRUE(u.ok()) << u.status();
  EXPECT_EQ(u->banner_text, "A bad deploy broke checkout!");
}

TEST_F(IncidentRulesTest, UpdateNeedsAChannel) {
  Incident inc = Declared(Severity::kSev3);
  UpdateDraft d = Draft(IncidentState::kIdentified, absl::nullopt);
  d.channels.clear();
  EXPECT_TRUE(IsError(rules_.ApplyUpdate(inc, d, {}, "bob", Now()),
                      absl::StatusCode::kInvalidArgument,
                      "update.channels: name at least one channel: in_app_banner, status_page or "
                      "public"));
}

TEST_F(IncidentRulesTest, UpdateRejectsAChannelListedTwice) {
  Incident inc = Declared(Severity::kSev3);
  UpdateDraft d = Draft(IncidentState::kIdentified, absl::nullopt);
  d.channels = {Channel::kStatusPage, Channel::kPublic, Channel::kStatusPage};
  EXPECT_TRUE(HasFieldViolation(rules_.ApplyUpdate(inc, d, {}, "bob", Now()), "update.channels",
                                "lists status_page twice"));
}

TEST_F(IncidentRulesTest, UpdateRejectsMoreChannelsThanThereAre) {
  Incident inc = Declared(Severity::kSev3);
  UpdateDraft d = Draft(IncidentState::kIdentified, absl::nullopt);
  d.channels = {Channel::kInAppBanner, Channel::kStatusPage, Channel::kPublic, Channel::kPublic};
  EXPECT_TRUE(HasFieldViolation(rules_.ApplyUpdate(inc, d, {}, "bob", Now()), "update.channels",
                                "lists a channel more than once"));
}

TEST_F(IncidentRulesTest, UpdateRejectsAnUnknownChannel) {
  Incident inc = Declared(Severity::kSev3);
  const Incident before = inc;
  for (Channel c : {static_cast<Channel>(7), Channel::kUnspecified}) {
    UpdateDraft d = Draft(IncidentState::kIdentified, absl::nullopt);
    d.channels = {Channel::kStatusPage, c};
    absl::StatusOr<Update> u = rules_.ApplyUpdate(inc, d, {}, "bob", Now());
    EXPECT_TRUE(
        IsError(u, absl::StatusCode::kInvalidArgument, "update.channels: holds an unknown channel"))
        << static_cast<int>(c);
    ExpectUnchanged(before, inc);
  }
}

TEST_F(IncidentRulesTest, UpdateAcceptsEveryChannelOnce) {
  Incident inc = Declared(Severity::kSev3);
  UpdateDraft d = Draft(IncidentState::kIdentified, absl::nullopt);
  d.channels = {Channel::kPublic, Channel::kInAppBanner, Channel::kStatusPage};
  absl::StatusOr<Update> u = rules_.ApplyUpdate(inc, d, {}, "bob", Now());
  ASSERT_TRUE(u.ok()) << u.status();
  EXPECT_EQ(u->channels, d.channels);
}


// ---------------------------------------------------------------------------
// ApplyUpdate: affected components

TEST_F(IncidentRulesTest, UpdateWithComponentsReplacesTheAffectedList) {
  Incident inc = Declared(Severity::kSev2);
  absl::StatusOr<Update> u = rules_.ApplyUpdate(
      inc, Draft(IncidentState::kIdentified, Now() + absl::Minutes(30)),
      {{"api", ComponentStatus::kDegradedPerformance}, {"search", ComponentStatus::kUnspecified}},
      "bob", Now());
  ASSERT_TRUE(u.ok()) << u.status();
  EXPECT_EQ(inc.affected,
            (std::vector<AffectedComponent>{{"api", ComponentStatus::kDegradedPerformance},
                                            {"search", ComponentStatus::kPartialOutage}}));
}

TEST_F(IncidentRulesTest, UpdateWithoutComponentsKeepsTheAffectedList) {
  Incident inc = Declared(Severity::kSev2);
  const std::vector<AffectedComponent> before = inc.affected;
  ASSERT_TRUE(rules_
                  .ApplyUpdate(inc, Draft(IncidentState::kIdentified, Now() + absl::Minutes(30)),
                               {}, "bob", Now())
                  .ok());
  EXPECT_EQ(inc.affected, before);
}

TEST_F(IncidentRulesTest, UpdateRejectsBadComponentsAndChangesNothing) {
  Incident inc = Declared(Severity::kSev2);
  const Incident before = inc;
  const UpdateDraft d = Draft(IncidentState::kIdentified, Now() + absl::Minutes(30));
  EXPECT_TRUE(HasFieldViolation(
      rules_.ApplyUpdate(inc, d, {{"API", ComponentStatus::kMajorOutage}}, "bob", Now()),
      "affected_components[0].name", "is not a valid component name"));
  EXPECT_TRUE(HasFieldViolation(rules_.ApplyUpdate(inc, d,
                                                   {{"api", ComponentStatus::kMajorOutage},
                                                    {"api", ComponentStatus::kPartialOutage}},
                                                   "bob", Now()),
                                "affected_components[1].name", "\"api\" is listed twice"));
  EXPECT_TRUE(HasFieldViolation(
      rules_.ApplyUpdate(inc, d, {{"api", static_cast<ComponentStatus>(-3)}}, "bob", Now()),
      "affected_components[0].status", "is not a known component status"));
  ExpectUnchanged(before, inc);
}

}  // namespace
}  // namespace statuscast::incident_testing
