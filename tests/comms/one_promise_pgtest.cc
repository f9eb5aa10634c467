// One promise, over real gRPC and PostgreSQL with a fake clock: the
// next-update time an update's text names is the time on the record, an
// escalation that moves the promise reminds the communicator to post, and
// the reminder's ready update follows the incident's state.
#include <grpcpp/grpcpp.h>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "services/comms/compliance_grpc_service.h"
#include "tests/support/comms_client_test.h"

namespace statuscast {
namespace {

using testing::At;
using testing::Call;
using testing::Describe;
using testing::HasViolation;
using testing::SetSeconds;

class OnePromiseTest : public testing::CommsClientTest {
 protected:
  OnePromiseTest() : CommsClientTest({}, {"checkout"}), compliance_(server_.NewComplianceStub()) {}

  // A SEV-2 declared at 14:00 whose first update promises 15:00.
  v1::Incident DeclareSev2() {
    v1::DeclareIncidentRequest req;
    req.set_title("Checkout slow");
    req.set_severity(v1::SEVERITY_SEV2);
    req.add_affected_components()->set_name("checkout");
    req.mutable_first_update()->set_message(
        "We're investigating slow checkouts for users of checkout. Next update by 15:00 UTC.");
    req.mutable_first_update()->add_channels(v1::CHANNEL_STATUS_PAGE);
    SetSeconds(At(15, 0), req.mutable_first_update()->mutable_next_update_at());
    req.set_author("alice");
    req.set_idempotency_key(NewKey());
    v1::WriteIncidentResponse r;
    grpc::Status s = Declare(req, &r);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return r.incident();
  }

  // The first reminder a new watcher reads (after raising what is due).
  v1::Reminder FirstReminder() {
    absl::StatusOr<int> raised = server_.compliance().RaiseDueReminders();
    EXPECT_TRUE(raised.ok()) << raised.status();
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    auto reader = compliance_->WatchReminders(&ctx, v1::WatchRemindersRequest());
    v1::Reminder r;
    EXPECT_TRUE(reader->Read(&r));
    ctx.TryCancel();
    return r;
  }

  std::unique_ptr<v1::ComplianceService::Stub> compliance_;
};

TEST_F(OnePromiseTest, AnUpdateWhoseTextNamesAnotherTimeIsRefusedNamingBoth) {
  v1::Incident inc = DeclareSev2();
  clock_.Set(At(14, 37));
  auto req = Guarded<v1::PostUpdateRequest>(inc, "alice");
  req.mutable_update()->set_state(v1::INCIDENT_STATE_IDENTIFIED);
  req.mutable_update()->set_message(
      "We've found the cause of the slow checkouts and are rolling back. Next update by 15:35 "
      "UTC.");
  req.mutable_update()->add_channels(v1::CHANNEL_STATUS_PAGE);
  SetSeconds(At(14, 57), req.mutable_update()->mutable_next_update_at());
  v1::WriteIncidentResponse r;
  testing::CallError e = Describe(Post(req, &r));
  EXPECT_EQ(e.code, grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(HasViolation(e, "update.message",
                           "names the next update at 15:35 UTC, but next_update_at is 14:57 UTC"))
      << e.message;
  EXPECT_EQ(Get(inc.ref()).version(), inc.version()) << "nothing was written";

  // Asking for the default, the time the text names is the promise.
  req.mutable_update()->clear_next_update_at();
  req.mutable_update()->set_use_default_next_update(true);
  req.set_idempotency_key(NewKey());
  ASSERT_TRUE(Post(req, &r).ok());
  EXPECT_EQ(testing::FromTimestamp(r.incident().next_update_at()), At(15, 35));
}

TEST_F(OnePromiseTest, AnEscalationThatMovesThePromiseRemindsTheCommunicatorToPost) {
  v1::Incident inc = DeclareSev2();
  clock_.Set(At(14, 10));
  auto sev = Guarded<v1::ChangeSeverityRequest>(inc, "carol");
  sev.set_severity(v1::SEVERITY_SEV1);
  sev.set_reason("every region");
  v1::WriteIncidentResponse r;
  grpc::Status s = Call(*stub_, &v1::IncidentService::Stub::ChangeSeverity, sev, &r);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(testing::FromTimestamp(r.incident().next_update_at()), At(14, 40));

  v1::Reminder moved = FirstReminder();
  EXPECT_EQ(moved.kind(), v1::Reminder::KIND_PROMISE_MOVED);
  EXPECT_EQ(moved.text(),
            "INC-1 SEV-1: the next update is now due by 14:40 UTC, but the last status-page "
            "update says 15:00 UTC; post an update stating the new time");
}

TEST_F(OnePromiseTest, TheRemindersReadyUpdateFollowsTheState) {
  v1::Incident inc = DeclareSev2();
  clock_.Set(At(14, 20));
  auto req = Guarded<v1::PostUpdateRequest>(inc, "alice");
  req.mutable_update()->set_state(v1::INCIDENT_STATE_IDENTIFIED);
  req.mutable_update()->set_message(
      "We've found the cause of the slow checkouts and are rolling back. Next update by 14:50 "
      "UTC.");
  req.mutable_update()->add_channels(v1::CHANNEL_STATUS_PAGE);
  req.mutable_update()->set_use_default_next_update(true);
  v1::WriteIncidentResponse r;
  ASSERT_TRUE(Post(req, &r).ok());
  clock_.Set(At(14, 52));  // missed
  v1::Reminder missed = FirstReminder();
  EXPECT_EQ(missed.kind(), v1::Reminder::KIND_MISSED);
  // It restates the last status-page message without its old promise.
  EXPECT_EQ(missed.suggested_message(),
            "We're still working on the fix for the issue affecting users of checkout; no ETA "
            "yet. Our last message, at 14:20 UTC, said: We've found the cause of the slow "
            "checkouts and are rolling back. We'll post the next update by 15:51 UTC.");
}

}  // namespace
}  // namespace statuscast
