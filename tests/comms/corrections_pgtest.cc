// CorrectUpdate end to end: real gRPC over 127.0.0.1, real PostgreSQL, a
// fake clock. Revisions are stored and read back, the audit log has a row,
// and every bad input gets its code and a message that says what to do.
#include <grpcpp/grpcpp.h>

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/support/comms_client_test.h"

namespace statuscast {
namespace {

using testing::At;
using testing::CallError;
using testing::Describe;
using testing::FromTimestamp;
using testing::HasViolation;
using testing::SetSeconds;

constexpr char kPosted[] =
    "We're investigating failed checkouts affecting 50% of users. Our team is working on it. "
    "We'll post the next update by 14:30 UTC.";
constexpr char kFixed[] =
    "We're investigating failed checkouts affecting 5% of users. Our team is working on it. "
    "We'll post the next update by 14:30 UTC.";

class CorrectUpdateTest : public testing::CommsClientTest {
 protected:
  CorrectUpdateTest()
      : CommsClientTest(testing::CommsTestOptions::RejectingLintAt("SEV-1,SEV-2")) {}

  void SetUp() override {
    ASSERT_TRUE(db_.ok());
    CreateComponent("checkout");
    v1::DeclareIncidentRequest req = testing::CheckoutIsFailing(kPosted);
    SetSeconds(At(14, 30), req.mutable_first_update()->mutable_next_update_at());
    req.set_idempotency_key(NewKey());
    v1::WriteIncidentResponse resp;
    grpc::Status s = Declare(req, &resp);
    ASSERT_TRUE(s.ok()) << s.error_message();
    incident_ = resp.incident();
    update_id_ = resp.update().id();
    clock_.Advance(absl::Minutes(4));
  }

  v1::CorrectUpdateRequest Request(const std::string& message) {
    auto req = Guarded<v1::CorrectUpdateRequest>(incident_, "bob");
    req.set_update_id(update_id_);
    req.set_message(message);
    return req;
  }

  grpc::Status Correct(const v1::CorrectUpdateRequest& req, v1::WriteIncidentResponse* resp) {
    grpc::ClientContext ctx;
    return stub_->CorrectUpdate(&ctx, req, resp);
  }

  CallError Fails(const v1::CorrectUpdateRequest& req) {
    v1::WriteIncidentResponse resp;
    grpc::Status s = Correct(req, &resp);
    EXPECT_FALSE(s.ok());
    return Describe(s);
  }

  v1::Incident incident_;
  int64_t update_id_ = 0;
};

TEST_F(CorrectUpdateTest, ACorrectionIsStoredWithEveryRevisionAndAnAuditRow) {
  v1::CorrectUpdateRequest req = Request(kFixed);
  req.set_reason("the figure was 5%");
  v1::WriteIncidentResponse resp;
  grpc::Status s = Correct(req, &resp);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(resp.update().message(), kFixed);
  EXPECT_EQ(resp.incident().version(), incident_.version() + 1);

  v1::Incident read = Get(incident_.ref());
  ASSERT_EQ(read.timeline_size(), 1);
  const v1::Update& u = read.timeline(0).update();
  EXPECT_EQ(u.message(), kFixed);
  EXPECT_EQ(FromTimestamp(u.posted_at()), At(14, 0));
  EXPECT_EQ(FromTimestamp(u.edited_at()), At(14, 4));
  EXPECT_EQ(FromTimestamp(u.next_update_at()), At(14, 30));
  ASSERT_EQ(u.revisions_size(), 2);
  EXPECT_EQ(u.revisions(0).message(), kPosted);
  EXPECT_EQ(u.revisions(0).author(), "alice");
  EXPECT_EQ(u.revisions(1).message(), kFixed);
  EXPECT_EQ(u.revisions(1).author(), "bob");
  EXPECT_EQ(u.revisions(1).reason(), "the figure was 5%");
  EXPECT_EQ(FromTimestamp(read.next_update_at()), At(14, 30));

  EXPECT_EQ(db_.Query("SELECT count(*) FROM update_revisions"), "2");
  const std::string audit =
      db_.Query("SELECT actor || ': ' || details FROM audit_log WHERE action = 'update_corrected'");
  EXPECT_TRUE(absl::StrContains(audit, "bob: corrected update")) << audit;
  EXPECT_TRUE(absl::StrContains(audit, "the figure was 5%")) << audit;
}

TEST_F(CorrectUpdateTest, ARetryWithTheSameKeyIsReplayedNotAppliedTwice) {
  v1::CorrectUpdateRequest req = Request(kFixed);
  v1::WriteIncidentResponse first, again;
  ASSERT_TRUE(Correct(req, &first).ok());
  grpc::Status s = Correct(req, &again);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_TRUE(again.replayed());
  EXPECT_EQ(again.update().revisions_size(), 2);
  EXPECT_EQ(db_.Query("SELECT count(*) FROM update_revisions"), "2");
}

TEST_F(CorrectUpdateTest, AnUnknownIncidentOrUpdateIsNotFound) {
  v1::CorrectUpdateRequest req = Request(kFixed);
  req.set_incident_ref("INC-404");
  CallError e = Fails(req);
  EXPECT_EQ(e.code, grpc::StatusCode::NOT_FOUND);
  EXPECT_TRUE(absl::StrContains(e.message, "no incident INC-404")) << e.message;

  req = Request(kFixed);
  req.set_update_id(update_id_ + 1000);
  e = Fails(req);
  EXPECT_EQ(e.code, grpc::StatusCode::NOT_FOUND);
  EXPECT_TRUE(absl::StrContains(e.message, "has no update")) << e.message;
}

TEST_F(CorrectUpdateTest, AnUpdateOfAnotherIncidentIsNotFound) {
  v1::DeclareIncidentRequest other = testing::SearchIsSlow(NewKey());
  CreateComponent("search");
  auto* u = other.mutable_first_update();
  u->set_message("We're investigating slow searches for some users.");
  u->add_channels(v1::CHANNEL_STATUS_PAGE);
  v1::WriteIncidentResponse resp;
  ASSERT_TRUE(Declare(other, &resp).ok());
  v1::CorrectUpdateRequest req = Request(kFixed);
  req.set_update_id(resp.update().id());
  EXPECT_EQ(Fails(req).code, grpc::StatusCode::NOT_FOUND);
}

TEST_F(CorrectUpdateTest, EmptyOversizedOrUnchangedTextIsInvalid) {
  CallError e = Fails(Request(""));
  EXPECT_EQ(e.code, grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(HasViolation(e, "message", "is required"));
  e = Fails(Request(std::string(4001, 'a')));
  EXPECT_EQ(e.code, grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(HasViolation(e, "message", "the limit is 4000"));
  e = Fails(Request(kPosted));
  EXPECT_EQ(e.code, grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(HasViolation(e, "message", "nothing to correct"));
  v1::CorrectUpdateRequest req = Request(kFixed);
  req.set_update_id(0);
  EXPECT_TRUE(HasViolation(Fails(req), "update_id", "is required"));
  EXPECT_EQ(db_.Query("SELECT count(*) FROM update_revisions"), "0");
}

TEST_F(CorrectUpdateTest, AStaleVersionIsAbortedAndWritesNothing) {
  v1::CorrectUpdateRequest req = Request(kFixed);
  req.set_expected_version(incident_.version() + 3);
  CallError e = Fails(req);
  EXPECT_EQ(e.code, grpc::StatusCode::ABORTED);
  EXPECT_TRUE(absl::StrContains(e.message, "read it again")) << e.message;
  EXPECT_EQ(db_.Query("SELECT count(*) FROM update_revisions"), "0");
}

TEST_F(CorrectUpdateTest, ALintErrorIsRefusedUnlessOverridden) {
  v1::CorrectUpdateRequest req = Request(
      "We're investigating failed checkouts. Engineer Dave's deploy broke it. We'll post the "
      "next update by 14:30 UTC.");
  CallError e = Fails(req);
  EXPECT_EQ(e.code, grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_TRUE(absl::StrContains(e.message, "internal-detail")) << e.message;
  EXPECT_EQ(db_.Query("SELECT count(*) FROM update_revisions"), "0");

  req.set_idempotency_key(NewKey());
  req.set_lint_override_reason("Dave asked to be named");
  v1::WriteIncidentResponse resp;
  grpc::Status s = Correct(req, &resp);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(resp.update().lint_override_reason(), "Dave asked to be named");
}

}  // namespace
}  // namespace statuscast
