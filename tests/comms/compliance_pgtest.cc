// statuscast.v1.ComplianceService and the ledger on GetIncident, over real
// gRPC and PostgreSQL with a fake clock: reminders before a promise falls due
// and when it is missed, each raised once (also across a restart).
#include <grpcpp/grpcpp.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "libs/pgstore/pg_incident_store.h"
#include "services/comms/compliance_grpc_service.h"
#include "tests/support/comms_client_test.h"

namespace statuscast {
namespace {

using testing::At;
using testing::Call;
using testing::Describe;
using testing::HasViolation;
using testing::SetSeconds;

class ComplianceServiceTest : public testing::CommsClientTest {
 protected:
  ComplianceServiceTest()
      : CommsClientTest({}, {"checkout"}), compliance_(server_.NewComplianceStub()) {}

  // A SEV-1 confirmed at 13:55, first update at 14:00 promising 14:30.
  v1::Incident DeclareSev1() {
    grpc::ClientContext ctx;
    v1::DeclareIncidentRequest req;
    req.set_title("Checkout failing");
    req.set_severity(v1::SEVERITY_SEV1);
    req.add_affected_components()->set_name("checkout");
    SetSeconds(At(13, 55), req.mutable_confirmed_start());
    req.mutable_first_update()->set_message(
        "We're investigating failed checkouts affecting users of checkout. Next update by 14:30 "
        "UTC.");
    req.mutable_first_update()->add_channels(v1::CHANNEL_STATUS_PAGE);
    SetSeconds(At(14, 30), req.mutable_first_update()->mutable_next_update_at());
    req.set_author("alice");
    req.set_idempotency_key("declare-1");
    v1::WriteIncidentResponse r;
    grpc::Status s = stub_->DeclareIncident(&ctx, req, &r);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return r.incident();
  }

  int Raise() {
    absl::StatusOr<int> n = server_.compliance().RaiseDueReminders();
    EXPECT_TRUE(n.ok()) << n.status();
    return n.ok() ? *n : -1;
  }

  std::unique_ptr<v1::ComplianceService::Stub> compliance_;
};

TEST_F(ComplianceServiceTest, GetIncidentCarriesThePromiseLedgerAndTheOverdueState) {
  v1::Incident inc = DeclareSev1();
  clock_.Set(At(14, 20));
  v1::Incident now = Get(inc.ref());
  ASSERT_EQ(now.compliance().ledger_size(), 1);
  EXPECT_EQ(now.compliance().ledger(0).status(), v1::PROMISE_STATUS_PENDING);
  EXPECT_EQ(now.compliance().ledger(0).description(), "promised 14:30 UTC, due in 10m");
  EXPECT_EQ(now.compliance().first_communication_delay().seconds(), 300);
  EXPECT_FALSE(now.compliance().overdue());

  clock_.Set(At(14, 34));
  now = Get(inc.ref());
  EXPECT_TRUE(now.compliance().overdue());
  EXPECT_EQ(now.compliance().overdue_by().seconds(), 240);
  EXPECT_EQ(now.compliance().overdue_what(), "next update");
  EXPECT_EQ(now.compliance().ledger(0).description(), "promised 14:30 UTC OVERDUE by 4m");
}

TEST_F(ComplianceServiceTest, RemindersComeBeforeTheDueTimeAndWhenMissedOnceEach) {
  DeclareSev1();
  clock_.Set(At(14, 20));
  EXPECT_EQ(Raise(), 0);  // more than 5 minutes ahead
  clock_.Set(At(14, 26));
  EXPECT_EQ(Raise(), 1);  // due soon
  EXPECT_EQ(Raise(), 0);  // once
  clock_.Set(At(14, 32));
  EXPECT_EQ(Raise(), 1);  // missed
  EXPECT_EQ(Raise(), 0);

  // A restarted service (a new instance over the same database) raises
  // nothing twice.
  PgPool pool(db_.url(), 2);
  PgIncidentStore store(pool);
  PgReminderStore reminders(pool);
  ComplianceGrpcService restarted(store, reminders, clock_, /*verifier=*/nullptr, CadencePolicy(),
                                  ComplianceOptions(), ReminderOptions());
  absl::StatusOr<int> again = restarted.RaiseDueReminders();
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(*again, 0);

  // A watcher from the start gets both, in order, with a ready message.
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  v1::WatchRemindersRequest req;
  auto reader = compliance_->WatchReminders(&ctx, req);
  v1::Reminder first, second;
  ASSERT_TRUE(reader->Read(&first));
  ASSERT_TRUE(reader->Read(&second));
  EXPECT_EQ(first.kind(), v1::Reminder::KIND_DUE_SOON);
  EXPECT_EQ(first.text(), "INC-1 SEV-1: next update due by 14:30 UTC (in 4m)");
  EXPECT_EQ(second.kind(), v1::Reminder::KIND_MISSED);
  EXPECT_TRUE(absl::StrContains(second.text(), "was MISSED")) << second.text();
  // The no-progress template, worded for the incident's state, restating
  // the last status-page message without its old promise.
  EXPECT_TRUE(absl::StartsWith(second.suggested_message(),
                               "We're still investigating the issue affecting users of checkout; "
                               "no ETA yet. Our last message, at "))
      << second.suggested_message();
  EXPECT_TRUE(absl::StrContains(second.suggested_message(),
                                "said: We're investigating failed checkouts affecting users of "
                                "checkout. We'll post the next update by "))
      << second.suggested_message();
  EXPECT_FALSE(absl::StrContains(second.suggested_message(), "14:30"))
      << second.suggested_message();
  ctx.TryCancel();

  // Resuming after the first id gets only the second.
  grpc::ClientContext ctx2;
  ctx2.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  req.set_after_id(first.id());
  auto resumed = compliance_->WatchReminders(&ctx2, req);
  v1::Reminder r;
  ASSERT_TRUE(resumed->Read(&r));
  EXPECT_EQ(r.id(), second.id());
  ctx2.TryCancel();
}

TEST_F(ComplianceServiceTest, AFirstCommunicationThatIsLateIsReminded) {
  grpc::ClientContext ctx;
  v1::DeclareIncidentRequest req;
  req.set_title("Search slow");
  req.set_severity(v1::SEVERITY_SEV2);
  req.add_affected_components()->set_name("checkout");
  SetSeconds(At(13, 40), req.mutable_confirmed_start());
  req.set_author("alice");
  req.set_idempotency_key("declare-quiet");
  v1::WriteIncidentResponse resp;
  ASSERT_TRUE(stub_->DeclareIncident(&ctx, req, &resp).ok());
  EXPECT_EQ(Raise(), 1);
  grpc::ClientContext watch;
  watch.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  auto reader = compliance_->WatchReminders(&watch, v1::WatchRemindersRequest());
  v1::Reminder r;
  ASSERT_TRUE(reader->Read(&r));
  EXPECT_EQ(r.kind(), v1::Reminder::KIND_FIRST_COMMUNICATION_LATE);
  EXPECT_EQ(r.text(),
            "INC-1 SEV-2: the first customer communication is LATE: it was due by 13:55 UTC (5m "
            "ago)");
  watch.TryCancel();
}

TEST_F(ComplianceServiceTest, TheReportTotalsPromisesBySeverity) {
  v1::Incident inc = DeclareSev1();
  clock_.Set(At(14, 41));  // 11 minutes late
  {
    grpc::ClientContext ctx;
    v1::PostUpdateRequest req;
    req.set_incident_ref(inc.ref());
    req.set_expected_version(inc.version());
    req.set_idempotency_key("late-update");
    req.set_author("bob");
    req.mutable_update()->set_message(
        "We're still investigating failed checkouts; no ETA yet. Next update by 15:10 UTC.");
    req.mutable_update()->add_channels(v1::CHANNEL_STATUS_PAGE);
    SetSeconds(At(15, 10), req.mutable_update()->mutable_next_update_at());
    v1::WriteIncidentResponse r;
    grpc::Status s = stub_->PostUpdate(&ctx, req, &r);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  grpc::ClientContext ctx;
  v1::ComplianceReport report;
  ASSERT_TRUE(compliance_->GetComplianceReport(&ctx, v1::ComplianceReportRequest(), &report).ok());
  ASSERT_EQ(report.by_severity_size(), 3);
  EXPECT_EQ(report.by_severity(0).severity(), v1::SEVERITY_SEV1);
  EXPECT_EQ(report.by_severity(0).promises_missed(), 1);
  EXPECT_EQ(report.by_severity(0).promises_pending(), 1);
  EXPECT_EQ(report.by_severity(0).gaps_beyond_cadence(), 1);
  ASSERT_EQ(report.incidents_size(), 1);
  EXPECT_EQ(report.incidents(0).ledger(0).description(),
            "promised 14:30 UTC MISSED (posted 14:41 UTC, 11m late)");
}

TEST_F(ComplianceServiceTest, ComplianceRpcsRejectBadInput) {
  using Stub = v1::ComplianceService::Stub;
  {
    auto e = Describe(
        Call(*compliance_, &Stub::GetIncidentCompliance, v1::GetIncidentComplianceRequest()));
    EXPECT_EQ(e.code, grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_TRUE(HasViolation(e, "incident_ref", "is required"));
  }
  {
    v1::GetIncidentComplianceRequest req;
    req.set_incident_ref("INC-99");
    auto e = Describe(Call(*compliance_, &Stub::GetIncidentCompliance, req));
    EXPECT_EQ(e.code, grpc::StatusCode::NOT_FOUND);
  }
  {
    v1::ComplianceReportRequest req;
    SetSeconds(At(15, 0), req.mutable_started_after());
    SetSeconds(At(14, 0), req.mutable_started_before());
    auto e = Describe(Call(*compliance_, &Stub::GetComplianceReport, req));
    EXPECT_EQ(e.code, grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_TRUE(HasViolation(e, "started_before", "must be after started_after"));
  }
  {
    grpc::ClientContext ctx;
    v1::WatchRemindersRequest req;
    req.set_after_id(-3);
    auto reader = compliance_->WatchReminders(&ctx, req);
    v1::Reminder r;
    EXPECT_FALSE(reader->Read(&r));
    auto e = Describe(reader->Finish());
    EXPECT_EQ(e.code, grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_TRUE(HasViolation(e, "after_id"));
  }
}

}  // namespace
}  // namespace statuscast
