// IncidentCommands over an in-memory store (tests/support) and a FakeClock:
// the write pipeline around IncidentRules (idempotency, expected versions,
// what is stored and recorded, lint policy, paging), in milliseconds. The
// same behaviour over PostgreSQL and gRPC is in tests/comms.
#include "libs/incident/incident_commands.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "libs/base/clock.h"
#include "libs/incident/cadence_policy.h"
#include "libs/incident/lint_policy.h"
#include "libs/lint/linter.h"
#include "tests/support/memory_incident_store.h"
#include "tests/support/status_matchers.h"

namespace statuscast {
namespace {

using testing::HasFieldViolation;
using testing::IsError;
using testing::MemoryIncidentStore;

// 2026-11-27 14:00:00 UTC.
const absl::Time kStart =
    absl::FromCivil(absl::CivilSecond(2026, 11, 27, 14, 0, 0), absl::UTCTimeZone());

constexpr char kMessage[] =
    "We're investigating failed checkouts affecting some users. Our team is working on it.";

class IncidentCommandsTest : public ::testing::Test {
 protected:
  IncidentCommandsTest() : commands_(clock_, store_, IncidentRules(CadencePolicy(), InputLimits())) {
    Component checkout;
    checkout.name = "checkout";
    EXPECT_TRUE(commands_.CreateComponent(ctx_, checkout).ok());
    Component search;
    search.name = "search";
    EXPECT_TRUE(commands_.CreateComponent(ctx_, search).ok());
  }

  // A status-page update in `state` promising `promise` from now (none when
  // zero).
  UpdateDraft Draft(IncidentState state, absl::Duration promise) {
    UpdateDraft d;
    d.state = state;
    d.message = kMessage;
    d.channels = {Channel::kStatusPage};
    if (promise != absl::ZeroDuration()) d.next_update_at = clock_.Now() + promise;
    return d;
  }

  DeclareInput Sev(Severity severity, bool with_update = true) {
    DeclareInput in;
    in.title = "Checkout failing";
    in.severity = severity;
    in.affected = {{"checkout", ComponentStatus::kMajorOutage}};
    in.confirmed_start = clock_.Now() - absl::Minutes(5);
    in.author = "alice";
    if (with_update) {
      in.first_update = Draft(IncidentState::kInvestigating,
                              severity == Severity::kSev3 ? absl::ZeroDuration()
                                                          : absl::Minutes(25));
    }
    return in;
  }

  std::string NewKey() { return absl::StrCat("key-", ++keys_); }

  Incident Declare(Severity severity) {
    absl::StatusOr<WriteResult> r = commands_.Declare(ctx_, NewKey(), Sev(severity));
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? r->incident : Incident();
  }

  WriteGuard Guard(const Incident& inc) {
    WriteGuard g;
    g.incident_ref = inc.ref;
    g.expected_version = inc.version;
    g.idempotency_key = NewKey();
    return g;
  }

  absl::StatusOr<WriteResult> Post(const Incident& inc, const UpdateDraft& d) {
    return commands_.PostUpdate(ctx_, Guard(inc), d, {});
  }

  Incident Resolved(Severity severity) {
    Incident inc = Declare(severity);
    clock_.Advance(absl::Minutes(10));
    absl::StatusOr<WriteResult> r =
        commands_.Resolve(ctx_, Guard(inc), "Checkouts work again since 14:08 UTC.", {});
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? r->incident : Incident();
  }

  Incident Stored(const std::string& ref) {
    absl::StatusOr<Incident> inc = commands_.GetIncident(ref);
    EXPECT_TRUE(inc.ok()) << inc.status();
    return inc.ok() ? *inc : Incident();
  }

  int64_t Head() { return *store_.HeadSequence(); }

  FakeClock clock_{kStart};
  MemoryIncidentStore store_;
  IncidentCommands commands_;
  CallContext ctx_{"bob", "req-1"};
  int keys_ = 0;
};

// ---------------------------------------------------------------------------
// Components

TEST_F(IncidentCommandsTest, CreatedComponentsAreListedOperational) {
  absl::StatusOr<std::vector<Component>> list = commands_.ListComponents();
  ASSERT_TRUE(list.ok()) << list.status();
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].name, "checkout");
  EXPECT_EQ((*list)[0].status, ComponentStatus::kOperational);
  EXPECT_EQ((*list)[0].created_at, kStart);
  EXPECT_EQ(store_.Audit().front().kind, "component_created");
  EXPECT_EQ(store_.Audit().front().actor, "bob");
}

TEST_F(IncidentCommandsTest, AComponentNameIsTakenOnce) {
  Component again;
  again.name = "checkout";
  EXPECT_TRUE(IsError(commands_.CreateComponent(ctx_, again), absl::StatusCode::kAlreadyExists,
                      "a component named \"checkout\" already exists"));
  Component bad;
  bad.name = "Check Out";
  EXPECT_TRUE(HasFieldViolation(commands_.CreateComponent(ctx_, bad), "name"));
  EXPECT_EQ(Head(), 2);
}

TEST_F(IncidentCommandsTest, AnOpenIncidentGivesItsComponentsTheirStatus) {
  Declare(Severity::kSev1);
  absl::StatusOr<std::vector<Component>> list = commands_.ListComponents();
  ASSERT_TRUE(list.ok());
  EXPECT_EQ((*list)[0].status, ComponentStatus::kMajorOutage);
  EXPECT_EQ((*list)[1].status, ComponentStatus::kOperational);
}

// ---------------------------------------------------------------------------
// Declare

TEST_F(IncidentCommandsTest, DeclaringStoresTheIncidentItsFirstUpdateAndTheRecord) {
  absl::StatusOr<WriteResult> r = commands_.Declare(ctx_, "declare-1", Sev(Severity::kSev1));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_FALSE(r->replayed);
  EXPECT_EQ(r->incident.ref, "INC-1");
  EXPECT_EQ(r->incident.state, IncidentState::kInvestigating);
  EXPECT_EQ(r->incident.first_communication_at, kStart);
  EXPECT_EQ(r->incident.next_update_at, kStart + absl::Minutes(25));
  ASSERT_TRUE(r->update.has_value());
  EXPECT_NE(r->update->id, 0);
  EXPECT_EQ(r->update->kind, UpdateKind::kFirst);
  EXPECT_EQ(r->sequence, Head());

  Incident stored = Stored("INC-1");
  EXPECT_EQ(stored.version, r->incident.version);
  ASSERT_EQ(stored.updates.size(), 1u);
  EXPECT_EQ(stored.updates[0].message, kMessage);
  const MutationRecord m = store_.Audit().back();
  EXPECT_EQ(m.kind, "declared");
  EXPECT_EQ(m.incident_ref, "INC-1");
  EXPECT_EQ(m.actor, "bob");
  EXPECT_EQ(m.request_id, "req-1");
  EXPECT_EQ(m.idempotency_key, "declare-1");
  EXPECT_TRUE(absl::StrContains(m.details, "declared SEV-1 \"Checkout failing\" with its first update")) << m.details;
}

TEST_F(IncidentCommandsTest, DeclaringWithoutAnUpdateLeavesTheIncidentSilent) {
  absl::StatusOr<WriteResult> r = commands_.Declare(ctx_, NewKey(), Sev(Severity::kSev1, false));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_FALSE(r->update.has_value());
  EXPECT_FALSE(r->incident.first_communication_at.has_value());
  EXPECT_TRUE(Stored(r->incident.ref).updates.empty());
}

TEST_F(IncidentCommandsTest, DeclaringOnAnUnknownComponentWritesNothing) {
  DeclareInput in = Sev(Severity::kSev2);
  in.affected = {{"payments", ComponentStatus::kPartialOutage}};
  const int64_t head = Head();
  EXPECT_TRUE(HasFieldViolation(commands_.Declare(ctx_, NewKey(), in),
                                "affected_components[0].name", "no component named \"payments\""));
  EXPECT_EQ(Head(), head);
  EXPECT_EQ(commands_.GetIncident("INC-1").status().code(), absl::StatusCode::kNotFound);
}

TEST_F(IncidentCommandsTest, DeclaringNeedsAnIdempotencyKeyAndAnAuthor) {
  EXPECT_TRUE(HasFieldViolation(commands_.Declare(ctx_, "", Sev(Severity::kSev3)),
                                "idempotency_key", "is required"));
  DeclareInput in = Sev(Severity::kSev3);
  in.author.clear();
  EXPECT_EQ(commands_.Declare(ctx_, NewKey(), in).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Head(), 2);
}

TEST_F(IncidentCommandsTest, ARuleViolationOnDeclareIsReportedBeforeTheStore) {
  DeclareInput in = Sev(Severity::kSev1);
  in.first_update->next_update_at.reset();
  EXPECT_TRUE(HasFieldViolation(commands_.Declare(ctx_, NewKey(), in),
                                "first_update.next_update_at", "is required for SEV-1"));
  EXPECT_EQ(Head(), 2);
}

// ---------------------------------------------------------------------------
// Idempotency

TEST_F(IncidentCommandsTest, ARetriedDeclareReplaysTheFirstResult) {
  const DeclareInput in = Sev(Severity::kSev1);
  absl::StatusOr<WriteResult> first = commands_.Declare(ctx_, "declare-1", in);
  ASSERT_TRUE(first.ok()) << first.status();
  clock_.Advance(absl::Minutes(1));
  absl::StatusOr<WriteResult> again = commands_.Declare(ctx_, "declare-1", in);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->replayed);
  EXPECT_EQ(again->incident.ref, "INC-1");
  EXPECT_EQ(again->sequence, first->sequence);
  ASSERT_TRUE(again->update.has_value());
  EXPECT_EQ(again->update->id, first->update->id);
  EXPECT_EQ(commands_.GetIncident("INC-2").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(Head(), first->sequence);
}

TEST_F(IncidentCommandsTest, AKeyReusedForADifferentRequestIsRefused) {
  ASSERT_TRUE(commands_.Declare(ctx_, "declare-1", Sev(Severity::kSev1)).ok());
  DeclareInput other = Sev(Severity::kSev1);
  other.title = "Search failing";
  EXPECT_TRUE(IsError(commands_.Declare(ctx_, "declare-1", other),
                      absl::StatusCode::kAlreadyExists,
                      "idempotency_key was already used for a different request (declared on "
                      "INC-1); use a new key for a new write"));
  // Also by another operation.
  Incident inc = Stored("INC-1");
  WriteGuard g = Guard(inc);
  g.idempotency_key = "declare-1";
  EXPECT_EQ(commands_.PostUpdate(ctx_, g, Draft(IncidentState::kIdentified, absl::Minutes(20)), {})
                .status()
                .code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(Stored("INC-1").version, inc.version);
}

TEST_F(IncidentCommandsTest, ARetriedUpdateReplaysEvenAfterLaterWrites) {
  Incident inc = Declare(Severity::kSev2);
  WriteGuard g = Guard(inc);
  const UpdateDraft d = Draft(IncidentState::kIdentified, absl::Minutes(45));
  absl::StatusOr<WriteResult> first = commands_.PostUpdate(ctx_, g, d, {});
  ASSERT_TRUE(first.ok()) << first.status();
  clock_.Advance(absl::Minutes(5));
  ASSERT_TRUE(Post(first->incident, Draft(IncidentState::kMonitoring, absl::Minutes(45))).ok());
  // The retry names the version it first saw; it is answered, not refused.
  absl::StatusOr<WriteResult> again = commands_.PostUpdate(ctx_, g, d, {});
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->replayed);
  EXPECT_EQ(again->update->id, first->update->id);
  EXPECT_EQ(again->update->state, IncidentState::kIdentified);
  EXPECT_EQ(Stored(inc.ref).updates.size(), 3u);
}

TEST_F(IncidentCommandsTest, AFailedWriteLeavesItsKeyFreeForTheRetry) {
  Incident inc = Declare(Severity::kSev3);
  WriteGuard g = Guard(inc);
  store_.FailNextTransactions(1);
  const UpdateDraft d = Draft(IncidentState::kIdentified, absl::ZeroDuration());
  EXPECT_EQ(commands_.PostUpdate(ctx_, g, d, {}).status().code(), absl::StatusCode::kUnavailable);
  absl::StatusOr<WriteResult> retry = commands_.PostUpdate(ctx_, g, d, {});
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_FALSE(retry->replayed);
  EXPECT_EQ(retry->incident.state, IncidentState::kIdentified);
}

// ---------------------------------------------------------------------------
// Updates and versions

TEST_F(IncidentCommandsTest, AnUpdateMovesTheStateAndBumpsTheVersion) {
  Incident inc = Declare(Severity::kSev1);
  clock_.Advance(absl::Minutes(12));
  absl::StatusOr<WriteResult> r = Post(inc, Draft(IncidentState::kIdentified, absl::Minutes(30)));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->incident.version, inc.version + 1);
  EXPECT_EQ(r->incident.state, IncidentState::kIdentified);
  EXPECT_EQ(r->incident.identified_at, kStart + absl::Minutes(12));
  EXPECT_EQ(r->incident.updated_at, kStart + absl::Minutes(12));
  EXPECT_EQ(r->incident.next_update_at, kStart + absl::Minutes(42));
  EXPECT_EQ(r->update->kind, UpdateKind::kProgress);
  EXPECT_EQ(r->update->kept_promise, PromiseOutcome::kKept);
  EXPECT_EQ(r->update->author, "bob");
  Incident stored = Stored(inc.ref);
  EXPECT_EQ(stored.version, r->incident.version);
  EXPECT_EQ(stored.updates.size(), 2u);
  EXPECT_TRUE(absl::StrContains(store_.Audit().back().details,
                                "(investigating -> identified)"))
      << store_.Audit().back().details;
}

TEST_F(IncidentCommandsTest, AnUpdateAfterTheGraceIsRecordedLate) {
  Incident inc = Declare(Severity::kSev1);  // promised 14:25
  clock_.Advance(absl::Minutes(26) + absl::Seconds(1));
  absl::StatusOr<WriteResult> r = Post(inc, Draft(IncidentState::kUnspecified, absl::Minutes(30)));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->update->kept_promise, PromiseOutcome::kLate);
}

TEST_F(IncidentCommandsTest, AStaleVersionIsAbortedAndNothingIsWritten) {
  Incident inc = Declare(Severity::kSev3);
  ASSERT_TRUE(Post(inc, Draft(IncidentState::kIdentified, absl::ZeroDuration())).ok());
  const int64_t head = Head();
  EXPECT_TRUE(IsError(Post(inc, Draft(IncidentState::kMonitoring, absl::ZeroDuration())),
                      absl::StatusCode::kAborted,
                      "INC-1 has changed since version 1 (it is now version 2); read it again, "
                      "then retry with expected_version 2"));
  EXPECT_EQ(Head(), head);
  EXPECT_EQ(Stored(inc.ref).state, IncidentState::kIdentified);
}

TEST_F(IncidentCommandsTest, AnUpdateNamesAnIncidentThatExists) {
  Incident ghost;
  ghost.ref = "INC-9";
  ghost.version = 1;
  absl::StatusOr<WriteResult> r = Post(ghost, Draft(IncidentState::kIdentified, absl::ZeroDuration()));
  EXPECT_EQ(r.status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(absl::StrContains(r.status().message(), "no incident INC-9")) << r.status();
  ghost.ref.clear();
  EXPECT_TRUE(HasFieldViolation(Post(ghost, Draft(IncidentState::kIdentified, absl::ZeroDuration())),
                                "incident_ref", "is required"));
}

TEST_F(IncidentCommandsTest, StatesDoNotMoveBackward) {
  Incident inc = Declare(Severity::kSev3);
  absl::StatusOr<WriteResult> r = Post(inc, Draft(IncidentState::kIdentified, absl::ZeroDuration()));
  ASSERT_TRUE(r.ok());
  absl::StatusOr<WriteResult> back =
      Post(r->incident, Draft(IncidentState::kInvestigating, absl::ZeroDuration()));
  EXPECT_EQ(back.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(back.status().message(),
                                "INC-1 is identified and cannot go back to investigating"))
      << back.status();
  EXPECT_EQ(Stored(inc.ref).version, r->incident.version);
}

TEST_F(IncidentCommandsTest, ASev1UpdateMustPromiseWithinTheCadence) {
  Incident inc = Declare(Severity::kSev1);
  EXPECT_TRUE(HasFieldViolation(Post(inc, Draft(IncidentState::kIdentified, absl::ZeroDuration())),
                                "update.next_update_at", "is required for SEV-1"));
  EXPECT_TRUE(HasFieldViolation(Post(inc, Draft(IncidentState::kIdentified, absl::Minutes(31))),
                                "update.next_update_at", "is beyond the SEV-1 cadence"));
  EXPECT_EQ(Stored(inc.ref).updates.size(), 1u);
}

TEST_F(IncidentCommandsTest, UpdatedComponentsMustExist) {
  Incident inc = Declare(Severity::kSev3);
  EXPECT_TRUE(HasFieldViolation(
      commands_.PostUpdate(ctx_, Guard(inc), Draft(IncidentState::kIdentified, absl::ZeroDuration()),
                           {{"payments", ComponentStatus::kMajorOutage}}),
      "affected_components[0].name", "no component named \"payments\""));
  absl::StatusOr<WriteResult> r = commands_.PostUpdate(
      ctx_, Guard(inc), Draft(IncidentState::kIdentified, absl::ZeroDuration()),
      {{"search", ComponentStatus::kDegradedPerformance}});
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(Stored(inc.ref).affected.size(), 1u);
  EXPECT_EQ(Stored(inc.ref).affected[0].name, "search");
}

TEST_F(IncidentCommandsTest, ABannerOnlyUpdateWhileAPromiseStandsIsNoted) {
  Incident inc = Declare(Severity::kSev1);  // promised 14:25
  UpdateDraft d = Draft(IncidentState::kUnspecified, absl::ZeroDuration());
  d.channels = {Channel::kInAppBanner};
  absl::StatusOr<WriteResult> r = Post(inc, d);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->incident.next_update_at, kStart + absl::Minutes(25));
  ASSERT_EQ(r->update->lint_findings.size(), 1u);
  const lint::Finding& f = r->update->lint_findings[0];
  EXPECT_EQ(f.rule_id, "promise-needs-status-page");
  EXPECT_EQ(f.level, lint::Level::kWarning);
  EXPECT_TRUE(absl::StrContains(f.explanation, "14:25")) << f.explanation;
}

// ---------------------------------------------------------------------------
// Severity

TEST_F(IncidentCommandsTest, EscalationTightensThePromiseAndIsOnTheTimeline) {
  Incident inc = Declare(Severity::kSev2);
  clock_.Advance(absl::Minutes(10));
  WriteGuard g = Guard(inc);
  absl::StatusOr<WriteResult> up = commands_.ChangeSeverity(ctx_, g, Severity::kSev1, "wider");
  ASSERT_TRUE(up.ok()) << up.status();
  // Declared at 14:00 promising 14:25; SEV-1 at 14:10 allows 14:40: kept.
  EXPECT_EQ(up->incident.next_update_at, kStart + absl::Minutes(25));
  EXPECT_FALSE(up->update.has_value());

  Incident sev3 = Declare(Severity::kSev3);
  Incident quiet = Declare(Severity::kSev2);
  ASSERT_TRUE(Post(quiet, Draft(IncidentState::kUnspecified, absl::Minutes(60))).ok());
  quiet = Stored(quiet.ref);  // promised 15:10
  absl::StatusOr<WriteResult> tight =
      commands_.ChangeSeverity(ctx_, Guard(quiet), Severity::kSev1, "");
  ASSERT_TRUE(tight.ok()) << tight.status();
  EXPECT_EQ(tight->incident.next_update_at, clock_.Now() + absl::Minutes(30));
  Incident stored = Stored(quiet.ref);
  ASSERT_EQ(stored.severity_changes.size(), 1u);
  EXPECT_EQ(stored.severity_changes[0].from, Severity::kSev2);
  EXPECT_EQ(stored.severity_changes[0].next_update_at_before, kStart + absl::Minutes(70));
  EXPECT_EQ(stored.severity_changes[0].next_update_at_after, clock_.Now() + absl::Minutes(30));
  EXPECT_EQ(store_.Audit().back().details, "severity SEV-2 -> SEV-1");
  EXPECT_EQ(Stored(sev3.ref).severity, Severity::kSev3);
}

TEST_F(IncidentCommandsTest, ASeverityChangeMustChangeTheSeverity) {
  Incident inc = Declare(Severity::kSev2);
  EXPECT_TRUE(IsError(commands_.ChangeSeverity(ctx_, Guard(inc), Severity::kSev2, ""),
                      absl::StatusCode::kFailedPrecondition, "INC-1 is already SEV-2"));
  EXPECT_TRUE(HasFieldViolation(
      commands_.ChangeSeverity(ctx_, Guard(inc), Severity::kUnspecified, ""), "severity"));
  EXPECT_EQ(Stored(inc.ref).version, inc.version);
}

// ---------------------------------------------------------------------------
// Resolve, reopen, postmortem

TEST_F(IncidentCommandsTest, ResolvingClosesThePromiseAndFreezesTheIncident) {
  Incident inc = Resolved(Severity::kSev1);
  EXPECT_EQ(inc.state, IncidentState::kResolved);
  EXPECT_EQ(inc.resolved_at, kStart + absl::Minutes(10));
  EXPECT_FALSE(inc.next_update_at.has_value());
  Incident stored = Stored(inc.ref);
  ASSERT_EQ(stored.updates.size(), 2u);
  EXPECT_EQ(stored.updates[1].kind, UpdateKind::kResolution);
  EXPECT_EQ(store_.Audit().back().kind, "resolved");

  EXPECT_TRUE(IsError(Post(inc, Draft(IncidentState::kUnspecified, absl::Minutes(20))),
                      absl::StatusCode::kFailedPrecondition,
                      "INC-1 is resolved; reopen it first (a reopen is recorded)"));
  EXPECT_TRUE(IsError(commands_.Resolve(ctx_, Guard(inc), "Still fine.", {}),
                      absl::StatusCode::kFailedPrecondition, "INC-1 is already resolved"));
  EXPECT_TRUE(IsError(commands_.ChangeSeverity(ctx_, Guard(inc), Severity::kSev2, ""),
                      absl::StatusCode::kFailedPrecondition,
                      "INC-1 is resolved; reopen it first (a reopen is recorded)"));
  EXPECT_EQ(Stored(inc.ref).version, inc.version);
}

TEST_F(IncidentCommandsTest, AResolutionNeedsAMessage) {
  Incident inc = Declare(Severity::kSev3);
  EXPECT_TRUE(HasFieldViolation(commands_.Resolve(ctx_, Guard(inc), "", {}), "message"));
  EXPECT_EQ(Stored(inc.ref).state, IncidentState::kInvestigating);
}

TEST_F(IncidentCommandsTest, ReopeningReturnsToInvestigatingWithANewPromise) {
  Incident inc = Resolved(Severity::kSev1);
  clock_.Advance(absl::Minutes(30));
  absl::StatusOr<WriteResult> r = commands_.Reopen(
      ctx_, Guard(inc), "errors are back", Draft(IncidentState::kUnspecified, absl::Minutes(20)));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->incident.state, IncidentState::kInvestigating);
  EXPECT_EQ(r->incident.reopen_count, 1);
  EXPECT_FALSE(r->incident.resolved_at.has_value());
  EXPECT_EQ(r->incident.next_update_at, clock_.Now() + absl::Minutes(20));
  EXPECT_EQ(r->update->kind, UpdateKind::kReopen);
  EXPECT_EQ(store_.Audit().back().details, "reopened: errors are back");
}

TEST_F(IncidentCommandsTest, OnlyAResolvedIncidentReopens) {
  Incident inc = Declare(Severity::kSev3);
  EXPECT_TRUE(IsError(commands_.Reopen(ctx_, Guard(inc), "again",
                                       Draft(IncidentState::kUnspecified, absl::ZeroDuration())),
                      absl::StatusCode::kFailedPrecondition,
                      "INC-1 is investigating, not resolved; post an update instead"));
  Incident resolved = Resolved(Severity::kSev3);
  EXPECT_TRUE(HasFieldViolation(
      commands_.Reopen(ctx_, Guard(resolved), "",
                       Draft(IncidentState::kUnspecified, absl::ZeroDuration())),
      "reason", "is required"));
}

TEST_F(IncidentCommandsTest, APostmortemWaitsForTheResolution) {
  Incident open = Declare(Severity::kSev2);
  EXPECT_EQ(commands_.PublishPostmortem(ctx_, Guard(open), "https://example.com/pm", "")
                .status()
                .code(),
            absl::StatusCode::kFailedPrecondition);
  Incident inc = Resolved(Severity::kSev1);
  absl::StatusOr<WriteResult> r =
      commands_.PublishPostmortem(ctx_, Guard(inc), "https://example.com/pm", "");
  ASSERT_TRUE(r.ok()) << r.status();
  Incident stored = Stored(inc.ref);
  ASSERT_TRUE(stored.postmortem.has_value());
  EXPECT_EQ(stored.postmortem->url, "https://example.com/pm");
  EXPECT_EQ(stored.postmortem->published_at, clock_.Now());
  EXPECT_EQ(stored.version, inc.version + 1);
}

// ---------------------------------------------------------------------------
// Reads

TEST_F(IncidentCommandsTest, GetIncidentNeedsARef) {
  EXPECT_TRUE(HasFieldViolation(commands_.GetIncident(""), "incident_ref", "is required"));
}

TEST_F(IncidentCommandsTest, ListingPagesNewestFirstWithATokenForTheRest) {
  for (int i = 0; i < 3; ++i) {
    Declare(Severity::kSev3);
    clock_.Advance(absl::Minutes(1));
  }
  IncidentQuery q;
  q.page_size = 2;
  std::string token;
  absl::StatusOr<IncidentPage> page = commands_.ListIncidents(q, "", &token);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->incidents.size(), 2u);
  EXPECT_EQ(page->incidents[0].ref, "INC-3");
  EXPECT_EQ(page->incidents[1].ref, "INC-2");
  ASSERT_FALSE(token.empty());
  std::string last;
  page = commands_.ListIncidents(q, token, &last);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->incidents.size(), 1u);
  EXPECT_EQ(page->incidents[0].ref, "INC-1");
  EXPECT_TRUE(last.empty());
}

TEST_F(IncidentCommandsTest, ListingRejectsBadPagingAndRanges) {
  std::string token;
  IncidentQuery q;
  EXPECT_TRUE(HasFieldViolation(commands_.ListIncidents(q, "not-a-token", &token), "page_token",
                                "is not a token this service issued"));
  q.page_size = 201;
  EXPECT_TRUE(HasFieldViolation(commands_.ListIncidents(q, "", &token), "page_size", "1..200"));
  q.page_size = 0;
  q.started_after = kStart;
  q.started_before = kStart;
  EXPECT_TRUE(HasFieldViolation(commands_.ListIncidents(q, "", &token), "started_before",
                                "must be after started_after"));
}

TEST_F(IncidentCommandsTest, FillTemplateDefaultsThePromiseToAMinuteShortOfTheCadence) {
  Incident inc = Declare(Severity::kSev1);
  clock_.Advance(absl::Seconds(30));
  absl::StatusOr<FilledUpdate> f =
      commands_.FillTemplate(inc.ref, lint::Tone::kUpdating, absl::nullopt, {});
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ(f->next_update_at, kStart + absl::Minutes(29));
  EXPECT_TRUE(absl::StrContains(f->text.message, "14:29")) << f->text.message;
  EXPECT_TRUE(f->findings.empty());  // no linter
}

TEST_F(IncidentCommandsTest, FillTemplateChecksAGivenPromise) {
  Incident inc = Declare(Severity::kSev1);
  EXPECT_TRUE(HasFieldViolation(
      commands_.FillTemplate(inc.ref, lint::Tone::kUpdating, kStart, {}), "next_update_at",
      "must be in the future"));
  EXPECT_TRUE(HasFieldViolation(commands_.FillTemplate(inc.ref, lint::Tone::kUpdating,
                                                       kStart + absl::Minutes(31), {}),
                                "next_update_at", "is beyond the SEV-1 cadence"));
  EXPECT_EQ(commands_.FillTemplate("INC-9", lint::Tone::kUpdating, absl::nullopt, {})
                .status()
                .code(),
            absl::StatusCode::kNotFound);
}

TEST_F(IncidentCommandsTest, LintDraftNeedsALinter) {
  EXPECT_TRUE(IsError(commands_.LintDraft("", lint::LintInput()),
                      absl::StatusCode::kFailedPrecondition,
                      "this server has no linter configured"));
}

// ---------------------------------------------------------------------------
// The lint policy, with the default rules

constexpr char kBlame[] =
    "We're investigating failed checkouts. AWS is having issues; our team is working on it.";

class IncidentCommandsLintTest : public IncidentCommandsTest {
 protected:
  IncidentCommandsLintTest()
      : linter_(*lint::Linter::Default()),
        linted_(clock_, store_, IncidentRules(CadencePolicy(), InputLimits()), linter_.get(),
                *LintPolicy::Parse("SEV-1,SEV-2")) {}

  std::unique_ptr<lint::Linter> linter_;
  IncidentCommands linted_;
};

TEST_F(IncidentCommandsLintTest, AnUpdateWithALintErrorIsRefusedAtARejectingSeverity) {
  Incident inc = Declare(Severity::kSev1);
  UpdateDraft d = Draft(IncidentState::kUnspecified, absl::Minutes(20));
  d.message = kBlame;
  const int64_t head = Head();
  absl::StatusOr<WriteResult> r = linted_.PostUpdate(ctx_, Guard(inc), d, {});
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(r.status().message(), "third-party-blame")) << r.status();
  EXPECT_TRUE(absl::StrContains(r.status().message(), "nothing was written")) << r.status();
  EXPECT_EQ(Head(), head);
}

TEST_F(IncidentCommandsLintTest, AnOverrideReasonPostsItAndIsRecorded) {
  Incident inc = Declare(Severity::kSev1);
  UpdateDraft d = Draft(IncidentState::kUnspecified, absl::Minutes(20));
  d.message = kBlame;
  WriteGuard g = Guard(inc);
  g.lint_override_reason = "AWS confirmed it on their status page";
  absl::StatusOr<WriteResult> r = linted_.PostUpdate(ctx_, g, d, {});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->update->lint_override_reason, "AWS confirmed it on their status page");
  EXPECT_FALSE(r->update->lint_findings.empty());
  const std::string details = store_.Audit().back().details;
  EXPECT_TRUE(absl::StrContains(details, "posted despite ")) << details;
  EXPECT_TRUE(absl::StrContains(details, "override: AWS confirmed it on their status page"))
      << details;
}

TEST_F(IncidentCommandsLintTest, AtOtherSeveritiesLintErrorsOnlyWarn) {
  Incident inc = Declare(Severity::kSev3);
  UpdateDraft d = Draft(IncidentState::kUnspecified, absl::ZeroDuration());
  d.message = kBlame;
  absl::StatusOr<WriteResult> r = linted_.PostUpdate(ctx_, Guard(inc), d, {});
  ASSERT_TRUE(r.ok()) << r.status();
  bool blamed = false;
  for (const lint::Finding& f : r->update->lint_findings) {
    blamed = blamed || f.rule_id == "third-party-blame";
  }
  EXPECT_TRUE(blamed);
}

}  // namespace
}  // namespace statuscast
