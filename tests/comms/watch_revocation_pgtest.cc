// Long-lived watches hold no more rights than their token (--auth=required),
// over real gRPC and PostgreSQL: a WatchIncidents or WatchReminders stream
// opened with a token that is then revoked, or that expires, ends with
// UNAUTHENTICATED, and no update written after the revoke reaches it.
#include <grpcpp/grpcpp.h>

#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "gtest/gtest.h"
#include "libs/auth/token_issuer.h"
#include "tests/support/comms_test_server.h"
#include "tests/support/test_database.h"

namespace statuscast {
namespace {

using testing::At;
using testing::CommsTestOptions;
using testing::CommsTestServer;
using testing::SetToken;
using testing::TestDatabase;

// Plain ASCII without quotes: messages are compared in protobuf text format.
constexpr char kAfterRevoke[] = "Text written after the watcher token was revoked.";

// A server stream read on its own thread; records every message's text.
template <typename Message>
class Watch {
 public:
  template <typename Open>
  explicit Watch(Open open) {
    ctx_.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    thread_ = std::thread([this, open] {
      auto reader = open(ctx_);
      Message m;
      while (reader->Read(&m)) {
        absl::MutexLock lock(&mu_);
        seen_ += m.DebugString();
        ++messages_;
      }
      grpc::Status s = reader->Finish();
      absl::MutexLock lock(&mu_);
      status_ = s;
      ended_ = true;
    });
  }
  ~Watch() {
    ctx_.TryCancel();
    thread_.join();
  }
  grpc::ClientContext& context() { return ctx_; }
  bool WaitForMessages(int n) {
    absl::MutexLock lock(&mu_);
    auto done = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return messages_ >= n || ended_; };
    mu_.AwaitWithTimeout(absl::Condition(&done), absl::Seconds(10));
    return messages_ >= n;
  }
  // Waits until some message contained `text`.
  bool WaitForText(const std::string& text) {
    absl::MutexLock lock(&mu_);
    auto done = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return absl::StrContains(seen_, text) || ended_;
    };
    mu_.AwaitWithTimeout(absl::Condition(&done), absl::Seconds(10));
    return absl::StrContains(seen_, text);
  }
  // The stream's status once it ended (DEADLINE_EXCEEDED from the test if
  // it did not end within `timeout`).
  grpc::Status WaitForEnd(absl::Duration timeout) {
    absl::MutexLock lock(&mu_);
    auto done = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return ended_; };
    if (!mu_.AwaitWithTimeout(absl::Condition(&done), timeout)) {
      return grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, "test: the stream is still open");
    }
    return status_;
  }
  std::string seen() {
    absl::MutexLock lock(&mu_);
    return seen_;
  }

 private:
  grpc::ClientContext ctx_;
  std::thread thread_;
  absl::Mutex mu_;
  int messages_ ABSL_GUARDED_BY(mu_) = 0;
  bool ended_ ABSL_GUARDED_BY(mu_) = false;
  grpc::Status status_ ABSL_GUARDED_BY(mu_);
  std::string seen_ ABSL_GUARDED_BY(mu_);
};

class WatchRevocationTest : public ::testing::Test {
 protected:
  void Start(absl::Duration recheck) {
    ASSERT_TRUE(db_.ok());
    CommsTestOptions options;
    options.require_tokens = true;
    options.token_recheck_interval = recheck;
    server_ = std::make_unique<CommsTestServer>(db_.url(), clock_, options);
    stub_ = server_->NewStub();
    compliance_ = server_->NewComplianceStub();
    tokens_ = server_->NewTokenStub();
    admin_ = Issue("ops-admin", Scope::kAdmin, {});
    viewer_ = Issue("viewer", Scope::kRead, {});
    grpc::ClientContext ctx;
    SetToken(ctx, admin_);
    v1::CreateComponentRequest req;
    req.set_name("checkout");
    v1::Component c;
    ASSERT_TRUE(stub_->CreateComponent(&ctx, req, &c).ok());
    grpc::ClientContext declare_ctx;
    SetToken(declare_ctx, admin_);
    v1::DeclareIncidentRequest d;
    d.set_title("Checkout failing");
    d.set_severity(v1::SEVERITY_SEV3);
    d.add_affected_components()->set_name("checkout");
    d.mutable_first_update()->set_message("We're investigating failed payments for some users.");
    d.mutable_first_update()->add_channels(v1::CHANNEL_STATUS_PAGE);
    d.set_idempotency_key("declare-1");
    v1::WriteIncidentResponse r;
    ASSERT_TRUE(stub_->DeclareIncident(&declare_ctx, d, &r).ok());
    incident_ = r.incident();
  }

  std::string Issue(const std::string& name, Scope scope, TokenExpiry expiry) {
    absl::StatusOr<IssuedToken> t = server_->tokens().Create(name, scope, expiry, "test", "setup");
    EXPECT_TRUE(t.ok()) << t.status();
    return t.ok() ? t->secret : "";
  }

  // Revoked through TokenService, as an operator would.
  void RevokeViewer() {
    grpc::ClientContext ctx;
    SetToken(ctx, admin_);
    v1::RevokeTokenRequest req;
    req.set_name("viewer");
    v1::ApiToken revoked;
    grpc::Status s = tokens_->RevokeToken(&ctx, req, &revoked);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  void PostUpdate(const std::string& text) {
    grpc::ClientContext ctx;
    SetToken(ctx, admin_);
    v1::PostUpdateRequest req;
    req.set_incident_ref(incident_.ref());
    req.set_expected_version(incident_.version());
    req.set_idempotency_key("update-after-revoke");
    req.mutable_update()->set_state(v1::INCIDENT_STATE_IDENTIFIED);
    req.mutable_update()->set_message(text);
    req.mutable_update()->add_channels(v1::CHANNEL_STATUS_PAGE);
    v1::WriteIncidentResponse r;
    grpc::Status s = stub_->PostUpdate(&ctx, req, &r);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  std::unique_ptr<Watch<v1::IncidentEvent>> WatchIncidentsAs(const std::string& token) {
    return std::make_unique<Watch<v1::IncidentEvent>>([this, token](grpc::ClientContext& ctx) {
      SetToken(ctx, token);
      return stub_->WatchIncidents(&ctx, v1::WatchIncidentsRequest());
    });
  }

  TestDatabase db_;
  FakeClock clock_{At(14, 0)};
  std::unique_ptr<CommsTestServer> server_;
  std::unique_ptr<v1::IncidentService::Stub> stub_;
  std::unique_ptr<v1::ComplianceService::Stub> compliance_;
  std::unique_ptr<v1::TokenService::Stub> tokens_;
  std::string admin_, viewer_;
  v1::Incident incident_;
};

TEST_F(WatchRevocationTest, ARevokedTokensWatchEndsBeforeTheNextUpdateIsDelivered) {
  // A long idle re-check: only the check before delivery can stop the update.
  Start(absl::Hours(1));
  auto watch = WatchIncidentsAs(viewer_);
  ASSERT_TRUE(watch->WaitForMessages(2));  // the open incident and the snapshot end
  auto admin_watch = WatchIncidentsAs(admin_);
  ASSERT_TRUE(admin_watch->WaitForMessages(2));

  RevokeViewer();
  PostUpdate(kAfterRevoke);

  grpc::Status s = watch->WaitForEnd(absl::Seconds(10));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED) << s.error_message();
  EXPECT_TRUE(absl::StrContains(s.error_message(), "token \"viewer\" was revoked"))
      << s.error_message();
  EXPECT_FALSE(absl::StrContains(watch->seen(), kAfterRevoke));
  // A watcher with a good token got the update: there was something to leak.
  EXPECT_TRUE(admin_watch->WaitForText(kAfterRevoke));
}

TEST_F(WatchRevocationTest, AQuietWatchEndsWithinTheRecheckIntervalAfterARevoke) {
  Start(absl::Milliseconds(300));
  auto watch = WatchIncidentsAs(viewer_);
  ASSERT_TRUE(watch->WaitForMessages(2));
  RevokeViewer();
  grpc::Status s = watch->WaitForEnd(absl::Seconds(5));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED) << s.error_message();
  EXPECT_TRUE(absl::StrContains(s.error_message(), "was revoked")) << s.error_message();
}

TEST_F(WatchRevocationTest, AWatchEndsWhenItsTokenExpires) {
  Start(absl::Milliseconds(300));
  TokenExpiry minute;
  minute.ttl = absl::Minutes(1);
  const std::string brief = Issue("brief", Scope::kRead, minute);
  auto watch = WatchIncidentsAs(brief);
  ASSERT_TRUE(watch->WaitForMessages(2));
  clock_.Advance(absl::Minutes(1));
  grpc::Status s = watch->WaitForEnd(absl::Seconds(5));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED) << s.error_message();
  EXPECT_TRUE(absl::StrContains(s.error_message(), "token \"brief\" expired at"))
      << s.error_message();
}

TEST_F(WatchRevocationTest, WatchRemindersEndsUnauthenticatedAfterARevoke) {
  Start(absl::Milliseconds(300));
  Watch<v1::Reminder> watch([this](grpc::ClientContext& ctx) {
    SetToken(ctx, viewer_);
    return compliance_->WatchReminders(&ctx, v1::WatchRemindersRequest());
  });
  // Still open well past a re-check while the token is good.
  EXPECT_EQ(watch.WaitForEnd(absl::Seconds(1)).error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  RevokeViewer();
  grpc::Status s = watch.WaitForEnd(absl::Seconds(5));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED) << s.error_message();
  EXPECT_TRUE(absl::StrContains(s.error_message(), "token \"viewer\" was revoked"))
      << s.error_message();
}

}  // namespace
}  // namespace statuscast
