// Who speaks for an incident, over an in-memory store and a FakeClock: roles
// and the post policy, drafts and their review, the audit log as people read
// it. The same over PostgreSQL and gRPC is tests/comms/review_pgtest.cc.
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/time/civil_time.h"
#include "gtest/gtest.h"
#include "libs/base/clock.h"
#include "libs/incident/incident_commands.h"
#include "libs/lint/linter.h"
#include "tests/support/memory_incident_store.h"
#include "tests/support/status_matchers.h"

namespace statuscast {
namespace {

using testing::HasFieldViolation;
using testing::FailsWith;
using testing::MemoryIncidentStore;

const absl::Time kStart =
    absl::FromCivil(absl::CivilSecond(2026, 11, 27, 14, 0, 0), absl::UTCTimeZone());

constexpr char kMessage[] =
    "We're investigating failed checkouts affecting some users. Our team is working on it.";

class ReviewCommandsTest : public ::testing::Test {
 protected:
  explicit ReviewCommandsTest(PostPolicy policy = PostPolicy::kRoles)
      : linter_(*lint::Linter::Default()),
        commands_(clock_, store_, IncidentRules(CadencePolicy(), InputLimits()), linter_.get(),
                  LintPolicy(), policy) {
    Component checkout;
    checkout.name = "checkout";
    EXPECT_TRUE(commands_.CreateComponent(As("admin", true), checkout).ok());
  }

  static CallContext As(const std::string& actor, bool admin = false) {
    return CallContext{actor, "req-" + actor, admin};
  }

  UpdateDraft Draft(IncidentState state, const std::string& message = kMessage) {
    UpdateDraft d;
    d.state = state;
    d.message = message;
    d.channels = {Channel::kStatusPage};
    d.next_update_at = clock_.Now() + absl::Minutes(25);
    return d;
  }

  // A SEV-1 declared by `who` with its first update.
  Incident Declare(const std::string& who, const std::string& commander = "",
                   const std::string& comms_lead = "") {
    DeclareInput in;
    in.title = "Checkout failing";
    in.severity = Severity::kSev1;
    in.affected = {{"checkout", ComponentStatus::kMajorOutage}};
    in.author = who;
    in.commander = commander;
    in.comms_lead = comms_lead;
    in.first_update = Draft(IncidentState::kInvestigating);
    absl::StatusOr<WriteResult> r = commands_.Declare(As(who, who == "admin"), NewKey(), in);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? r->incident : Incident();
  }

  WriteGuard Guard(const Incident& inc, const std::string& override_reason = "") {
    return WriteGuard{inc.ref, inc.version, NewKey(), override_reason};
  }

  Incident Stored(const std::string& ref) { return *commands_.GetIncident(ref); }

  std::string NewKey() { return absl::StrCat("key-", ++keys_); }

  FakeClock clock_{kStart};
  MemoryIncidentStore store_;
  std::unique_ptr<lint::Linter> linter_;
  IncidentCommands commands_;
  int keys_ = 0;
};

// ---------------------------------------------------------------------------
// Roles and the post policy

TEST_F(ReviewCommandsTest, TheDeclaringTokenCommandsUnlessTheDeclarationNamesSomeone) {
  Incident own = Declare("alice");
  EXPECT_EQ(own.commander, "alice");
  EXPECT_EQ(own.comms_lead, "");
  Incident named = Declare("admin", "bob", "carol");
  EXPECT_EQ(named.commander, "bob");
  EXPECT_EQ(named.comms_lead, "carol");
  // The declaration's audit row names them; the timeline shows later changes.
  Incident stored = Stored(named.ref);
  EXPECT_EQ(stored.commander, "bob");
  EXPECT_EQ(stored.comms_lead, "carol");
  EXPECT_TRUE(stored.role_changes.empty());
  EXPECT_TRUE(absl::StrContains(store_.Audit().back().details,
                                "incident commander bob, communications lead carol"));
}

TEST_F(ReviewCommandsTest, OnlyTheCommanderOrCommsLeadOrAnAdminPostsWhatCustomersRead) {
  Incident inc = Declare("admin", "bob", "carol");
  absl::StatusOr<WriteResult> engineer =
      commands_.PostUpdate(As("dave"), Guard(inc), Draft(IncidentState::kIdentified), {});
  EXPECT_TRUE(
      FailsWith(engineer, absl::StatusCode::kPermissionDenied,
                  "dave may not post an update for INC-1: only its incident commander (bob) "
                  "or communications lead (carol), or an admin token"));
  EXPECT_TRUE(absl::StrContains(engineer.status().message(), "statuscastctl draft INC-1"));
  EXPECT_EQ(Stored(inc.ref).version, inc.version);  // nothing written
  EXPECT_TRUE(FailsWith(commands_.Resolve(As("dave"), Guard(inc), "Fixed since 14:08 UTC.", {}),
                          absl::StatusCode::kPermissionDenied, "dave may not resolve it"));
  EXPECT_TRUE(
      FailsWith(commands_.PublishPostmortem(As("dave"), Guard(inc), "https://x.test/pm", ""),
                  absl::StatusCode::kPermissionDenied, "dave may not publish its postmortem"));
  // A severity change carries no text: anyone with write scope may make it.
  absl::StatusOr<WriteResult> sev =
      commands_.ChangeSeverity(As("dave"), Guard(inc), Severity::kSev2, "fewer users");
  ASSERT_TRUE(sev.ok()) << sev.status();
  inc = sev->incident;
  for (const char* who : {"carol", "bob"}) {
    absl::StatusOr<WriteResult> r =
        commands_.PostUpdate(As(who), Guard(inc), Draft(IncidentState::kIdentified), {});
    ASSERT_TRUE(r.ok()) << who << ": " << r.status();
    EXPECT_EQ(r->update->author, who);
    inc = r->incident;
  }
  absl::StatusOr<WriteResult> admin =
      commands_.PostUpdate(As("root", true), Guard(inc), Draft(IncidentState::kMonitoring), {});
  EXPECT_TRUE(admin.ok()) << admin.status();
}

TEST_F(ReviewCommandsTest, AFirstUpdateFromOutsideTheNamedRolesIsRefusedWithNothingDeclared) {
  DeclareInput in;
  in.title = "Checkout failing";
  in.severity = Severity::kSev1;
  in.author = "dave";
  in.commander = "bob";
  in.affected = {{"checkout", ComponentStatus::kMajorOutage}};
  in.first_update = Draft(IncidentState::kInvestigating);
  EXPECT_TRUE(FailsWith(commands_.Declare(As("dave"), NewKey(), in),
                          absl::StatusCode::kPermissionDenied,
                          "dave may not post the first update for the new incident"));
  std::string next;
  EXPECT_TRUE(commands_.ListIncidents({}, "", &next)->incidents.empty());
}

class AnyPostPolicyTest : public ReviewCommandsTest {
 protected:
  AnyPostPolicyTest() : ReviewCommandsTest(PostPolicy::kAny) {}
};

TEST_F(AnyPostPolicyTest, EveryWriterPosts) {
  Incident inc = Declare("admin", "bob", "carol");
  EXPECT_TRUE(
      commands_.PostUpdate(As("dave"), Guard(inc), Draft(IncidentState::kIdentified), {}).ok());
}

TEST_F(ReviewCommandsTest, TheCommanderHandsOverRolesRecordedInTimelineAndAudit) {
  Incident inc = Declare("bob");
  clock_.Advance(absl::Minutes(3));
  absl::StatusOr<WriteResult> r = commands_.SetRoles(As("bob"), Guard(inc), "", "carol");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->incident.comms_lead, "carol");
  EXPECT_EQ(r->incident.version, inc.version + 1);
  EXPECT_EQ(store_.Audit().back().kind, "roles_changed");
  EXPECT_EQ(store_.Audit().back().details, "communications lead (none) -> carol");
  inc = r->incident;
  // The new comms lead hands the commander role on? No: only the commander does.
  EXPECT_TRUE(FailsWith(commands_.SetRoles(As("carol"), Guard(inc), "carol", ""),
                          absl::StatusCode::kPermissionDenied,
                          "carol may not change the roles of INC-1: only its incident commander "
                          "(bob) or an admin token does"));
  r = commands_.SetRoles(As("bob"), Guard(inc), "erin", "");
  ASSERT_TRUE(r.ok()) << r.status();
  Incident stored = Stored(inc.ref);
  EXPECT_EQ(stored.commander, "erin");
  ASSERT_EQ(stored.role_changes.size(), 2u);
  EXPECT_EQ(stored.role_changes[0].role, IncidentRole::kCommsLead);
  EXPECT_EQ(stored.role_changes[0].to, "carol");
  EXPECT_EQ(stored.role_changes[1].role, IncidentRole::kCommander);
  EXPECT_EQ(stored.role_changes[1].from, "bob");
  EXPECT_EQ(stored.role_changes[1].to, "erin");
  EXPECT_EQ(stored.role_changes[1].author, "bob");
  EXPECT_EQ(stored.role_changes[1].changed_at, kStart + absl::Minutes(3));
  // bob is no longer the commander.
  EXPECT_EQ(commands_.PostUpdate(As("bob"), Guard(stored), Draft(IncidentState::kIdentified), {})
                .status()
                .code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_F(ReviewCommandsTest, SetRolesRefusesBadInput) {
  Incident inc = Declare("bob");
  EXPECT_TRUE(HasFieldViolation(commands_.SetRoles(As("bob"), Guard(inc), "", ""), "commander"));
  EXPECT_TRUE(HasFieldViolation(commands_.SetRoles(As("bob"), Guard(inc), "", "Carol Smith"),
                                "comms_lead"));
  EXPECT_TRUE(HasFieldViolation(
      commands_.SetRoles(As("bob"), Guard(inc), std::string(200, 'x'), ""), "commander"));
  EXPECT_TRUE(FailsWith(commands_.SetRoles(As("bob"), Guard(inc), "bob", ""),
                          absl::StatusCode::kFailedPrecondition, "INC-1 already has those roles"));
  WriteGuard stale = Guard(inc);
  stale.expected_version += 1;
  EXPECT_EQ(commands_.SetRoles(As("bob"), stale, "", "carol").status().code(),
            absl::StatusCode::kAborted);
  WriteGuard unknown = Guard(inc);
  unknown.incident_ref = "INC-99";
  EXPECT_EQ(commands_.SetRoles(As("bob"), unknown, "", "carol").status().code(),
            absl::StatusCode::kNotFound);
}

// ---------------------------------------------------------------------------
// Drafts

TEST_F(ReviewCommandsTest, ADraftIsStoredLintedAndChangesNothingCustomersSee) {
  Incident inc = Declare("bob", "", "carol");
  const size_t changes_before = Stored(inc.ref).updates.size();
  absl::StatusOr<DraftResult> d =
      commands_.ProposeUpdate(As("dave"), Guard(inc),
                              Draft(IncidentState::kIdentified,
                                    "We identified the cause. It will be fixed in 30 minutes."));
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->draft.status, DraftStatus::kPending);
  EXPECT_EQ(d->draft.author, "dave");
  EXPECT_EQ(d->draft.based_on_version, inc.version);
  EXPECT_FALSE(d->draft.lint_findings.empty());  // the ETA is flagged, not refused
  Incident after = Stored(inc.ref);
  EXPECT_EQ(after.version, inc.version);
  EXPECT_EQ(after.updates.size(), changes_before);
  EXPECT_EQ(after.next_update_at, inc.next_update_at);  // a draft keeps no promise
  EXPECT_EQ(store_.Audit().back().kind, "draft_proposed");
  absl::StatusOr<std::vector<statuscast::Draft>> listed = commands_.ListDrafts(inc.ref, false);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].update.message, d->draft.update.message);
}

TEST_F(ReviewCommandsTest, ADraftIsCheckedAsAnUpdateWouldBe) {
  Incident inc = Declare("bob");
  UpdateDraft backwards = Draft(IncidentState::kResolved);
  EXPECT_EQ(commands_.ProposeUpdate(As("dave"), Guard(inc), backwards).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(HasFieldViolation(
      commands_.ProposeUpdate(As("dave"), Guard(inc), Draft(IncidentState::kIdentified, "")),
      "update.message"));
  WriteGuard stale = Guard(inc);
  stale.expected_version += 1;
  EXPECT_EQ(
      commands_.ProposeUpdate(As("dave"), stale, Draft(IncidentState::kIdentified)).status().code(),
      absl::StatusCode::kAborted);
  WriteGuard unknown = Guard(inc);
  unknown.incident_ref = "INC-99";
  EXPECT_EQ(commands_.ProposeUpdate(As("dave"), unknown, Draft(IncidentState::kIdentified))
                .status()
                .code(),
            absl::StatusCode::kNotFound);
}

TEST_F(ReviewCommandsTest, ARetriedProposalReturnsTheSameDraft) {
  Incident inc = Declare("bob");
  WriteGuard g = Guard(inc);
  absl::StatusOr<DraftResult> first =
      commands_.ProposeUpdate(As("dave"), g, Draft(IncidentState::kIdentified));
  absl::StatusOr<DraftResult> again =
      commands_.ProposeUpdate(As("dave"), g, Draft(IncidentState::kIdentified));
  ASSERT_TRUE(first.ok() && again.ok());
  EXPECT_TRUE(again->replayed);
  EXPECT_EQ(again->draft.id, first->draft.id);
  EXPECT_EQ(commands_.ListDrafts(inc.ref, false)->size(), 1u);
}

TEST_F(ReviewCommandsTest, TheCommsLeadApprovesAnEditedDraftAndItIsPostedUnderTheirName) {
  Incident inc = Declare("bob", "", "carol");
  absl::StatusOr<DraftResult> d =
      commands_.ProposeUpdate(As("dave"), Guard(inc), Draft(IncidentState::kIdentified));
  ASSERT_TRUE(d.ok());
  clock_.Advance(absl::Minutes(5));
  DraftEdits edits;
  edits.message = "We found the cause of the failed checkouts and are rolling back a change.";
  edits.next_update_at = clock_.Now() + absl::Minutes(20);
  // The engineer cannot approve their own draft.
  EXPECT_EQ(commands_.ApproveDraft(As("dave"), Guard(inc), d->draft.id, edits).status().code(),
            absl::StatusCode::kPermissionDenied);
  absl::StatusOr<WriteResult> r =
      commands_.ApproveDraft(As("carol"), Guard(inc), d->draft.id, edits);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->update->author, "carol");
  EXPECT_EQ(r->update->message, edits.message);
  EXPECT_EQ(r->update->state, IncidentState::kIdentified);
  EXPECT_EQ(r->incident.next_update_at, edits.next_update_at);
  EXPECT_EQ(store_.Audit().back().kind, "updated");
  EXPECT_TRUE(
      absl::StrContains(store_.Audit().back().details,
                        absl::StrCat("approved draft ", d->draft.id, " from dave (edited)")));
  statuscast::Draft decided = (*commands_.ListDrafts(inc.ref, true))[0];
  EXPECT_EQ(decided.status, DraftStatus::kApproved);
  EXPECT_EQ(decided.decided_by, "carol");
  EXPECT_EQ(decided.update_id, r->update->id);
  EXPECT_TRUE(commands_.ListDrafts(inc.ref, false)->empty());
  // Approving twice posts nothing more.
  EXPECT_TRUE(FailsWith(commands_.ApproveDraft(As("carol"), Guard(r->incident), d->draft.id, {}),
                          absl::StatusCode::kFailedPrecondition, "was already approved by carol"));
}

TEST_F(ReviewCommandsTest, AnApprovedDraftFollowsTheLintPolicy) {
  IncidentCommands strict(clock_, store_, IncidentRules(CadencePolicy(), InputLimits()),
                          linter_.get(), *LintPolicy::Parse("SEV-1,SEV-2"));
  Incident inc = Declare("bob");
  UpdateDraft eta =
      Draft(IncidentState::kIdentified, "We identified the cause. It will be fixed in 30 minutes.");
  absl::StatusOr<DraftResult> d = strict.ProposeUpdate(As("dave"), Guard(inc), eta);
  ASSERT_TRUE(d.ok()) << d.status();  // linted, never refused as a draft
  EXPECT_EQ(strict.ApproveDraft(As("bob"), Guard(inc), d->draft.id, {}).status().code(),
            absl::StatusCode::kFailedPrecondition);
  absl::StatusOr<WriteResult> r =
      strict.ApproveDraft(As("bob"), Guard(inc, "vendor gave a firm time"), d->draft.id, {});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->update->lint_override_reason, "vendor gave a firm time");
  EXPECT_EQ(store_.Audit().back().lint_override_reason, "vendor gave a firm time");
}

TEST_F(ReviewCommandsTest, ADraftOfAnotherIncidentOrNoneIsNotFound) {
  Incident one = Declare("bob");
  Incident two = Declare("bob");
  absl::StatusOr<DraftResult> d =
      commands_.ProposeUpdate(As("dave"), Guard(one), Draft(IncidentState::kIdentified));
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(FailsWith(commands_.ApproveDraft(As("bob"), Guard(two), d->draft.id, {}),
                          absl::StatusCode::kNotFound, "INC-2 has no draft 1"));
  EXPECT_EQ(commands_.ApproveDraft(As("bob"), Guard(one), 99, {}).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_TRUE(HasFieldViolation(commands_.ApproveDraft(As("bob"), Guard(one), 0, {}), "draft_id"));
}

TEST_F(ReviewCommandsTest, RejectingNeedsAReasonAndTheCommunicatorOrTheAuthor) {
  Incident inc = Declare("bob");
  absl::StatusOr<DraftResult> d =
      commands_.ProposeUpdate(As("dave"), Guard(inc), Draft(IncidentState::kIdentified));
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(
      HasFieldViolation(commands_.RejectDraft(As("bob"), Guard(inc), d->draft.id, ""), "reason"));
  EXPECT_EQ(commands_.RejectDraft(As("erin"), Guard(inc), d->draft.id, "no").status().code(),
            absl::StatusCode::kPermissionDenied);
  absl::StatusOr<DraftResult> r =
      commands_.RejectDraft(As("bob"), Guard(inc), d->draft.id, "say who is affected");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->draft.status, DraftStatus::kRejected);
  EXPECT_EQ(r->draft.reject_reason, "say who is affected");
  EXPECT_EQ(store_.Audit().back().details, "rejected draft 1 from dave: say who is affected");
  EXPECT_EQ(Stored(inc.ref).version, inc.version);
  EXPECT_TRUE(FailsWith(commands_.RejectDraft(As("bob"), Guard(inc), d->draft.id, "again"),
                          absl::StatusCode::kFailedPrecondition, "was already rejected by bob"));
  // Its author may withdraw a draft.
  absl::StatusOr<DraftResult> mine =
      commands_.ProposeUpdate(As("dave"), Guard(inc), Draft(IncidentState::kIdentified));
  ASSERT_TRUE(mine.ok());
  ASSERT_TRUE(commands_.RejectDraft(As("dave"), Guard(inc), mine->draft.id, "wrong incident").ok());
  EXPECT_TRUE(absl::StartsWith(store_.Audit().back().details, "withdrew draft 2"));
}

// ---------------------------------------------------------------------------
// The audit log

TEST_F(ReviewCommandsTest, TheAuditLogFiltersAndPages) {
  Incident inc = Declare("bob");
  Declare("erin");
  UpdateDraft vendor = Draft(IncidentState::kIdentified,
                             "Payments fail for some users because our provider Stripe is down.");
  vendor.third_party_confirmed = true;
  ASSERT_TRUE(
      commands_.PostUpdate(As("bob"), Guard(inc, "confirmed by their status page"), vendor, {})
          .ok());
  std::string next;
  AuditQuery by_incident;
  by_incident.incident_ref = inc.ref;
  absl::StatusOr<AuditPage> page = commands_.ListAudit(by_incident, "", &next);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->events.size(), 2u);
  EXPECT_EQ(page->events[0].action, "declared");
  EXPECT_EQ(page->events[1].action, "updated");
  EXPECT_TRUE(page->events[1].third_party_confirmed);
  EXPECT_EQ(page->events[1].lint_override_reason, "confirmed by their status page");
  EXPECT_NE(page->events[1].update_id, 0);
  EXPECT_TRUE(next.empty());

  AuditQuery everyone;
  everyone.page_size = 2;
  page = commands_.ListAudit(everyone, "", &next);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->events[0].action, "component_created");
  ASSERT_FALSE(next.empty());
  page = commands_.ListAudit(everyone, next, &next);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->events[0].actor, "erin");

  AuditQuery by_actor;
  by_actor.actor = "erin";
  EXPECT_EQ(commands_.ListAudit(by_actor, "", &next)->events.size(), 1u);
  AuditQuery later;
  later.since = kStart + absl::Hours(1);
  EXPECT_TRUE(commands_.ListAudit(later, "", &next)->events.empty());
}

TEST_F(ReviewCommandsTest, TheAuditLogRefusesBadQueries) {
  std::string next;
  AuditQuery q;
  EXPECT_TRUE(HasFieldViolation(commands_.ListAudit(q, "not-a-token", &next), "page_token"));
  EXPECT_TRUE(
      HasFieldViolation(commands_.ListAudit(q, std::string(300, 'A'), &next), "page_token"));
  q.page_size = 500;
  EXPECT_TRUE(HasFieldViolation(commands_.ListAudit(q, "", &next), "page_size"));
  q.page_size = 0;
  q.since = kStart;
  q.until = kStart;
  EXPECT_TRUE(HasFieldViolation(commands_.ListAudit(q, "", &next), "until"));
  AuditQuery unknown;
  unknown.incident_ref = "INC-99";
  EXPECT_EQ(commands_.ListAudit(unknown, "", &next).status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace statuscast
