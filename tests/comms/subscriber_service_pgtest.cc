// SubscriberService over real gRPC and PostgreSQL: an import is confirmed at
// once and a webhook's whsec_ secret is returned by that call only; bad
// destinations (malformed addresses and URLs, file://, the metadata service,
// credentials in the URL, a URL over 2 kB) are refused with INVALID_ARGUMENT
// and a message that names the problem, and nothing is stored; remove ends
// a subscription and its queued deliveries; the history lists what a public
// update queued. Only an admin token may call it.
#include <grpcpp/grpcpp.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "libs/auth/token_issuer.h"
#include "tests/support/comms_client_test.h"

namespace statuscast {
namespace {

using testing::Describe;

class SubscriberServiceTest : public testing::CommsClientTest {
 protected:
  SubscriberServiceTest()
      : CommsClientTest({}, {"checkout", "search"}), subscribers_(server_.NewSubscriberStub()) {}

  grpc::Status Add(v1::SubscriberKind kind, const std::string& destination,
                   v1::AddSubscriberResponse* resp, std::vector<std::string> components = {}) {
    grpc::ClientContext ctx;
    v1::AddSubscriberRequest req;
    req.set_kind(kind);
    req.set_destination(destination);
    for (const std::string& c : components) req.add_components(c);
    return subscribers_->AddSubscriber(&ctx, req, resp);
  }

  v1::ListSubscribersResponse List() {
    grpc::ClientContext ctx;
    v1::ListSubscribersRequest req;
    v1::ListSubscribersResponse resp;
    EXPECT_TRUE(subscribers_->ListSubscribers(&ctx, req, &resp).ok());
    return resp;
  }

  std::unique_ptr<v1::SubscriberService::Stub> subscribers_;
};

TEST_F(SubscriberServiceTest, AnImportIsConfirmedAndAWebhookGetsItsSecretOnce) {
  v1::AddSubscriberResponse hook;
  ASSERT_TRUE(Add(v1::SUBSCRIBER_KIND_WEBHOOK, "https://93.184.216.34/statuscast", &hook).ok());
  EXPECT_TRUE(absl::StartsWith(hook.webhook_secret(), "whsec_"));
  EXPECT_TRUE(hook.subscriber().confirmed());
  v1::AddSubscriberResponse mail;
  ASSERT_TRUE(
      Add(v1::SUBSCRIBER_KIND_EMAIL, "ops@example.com", &mail, {"checkout"}).ok());
  EXPECT_EQ(mail.webhook_secret(), "");

  v1::ListSubscribersResponse all = List();
  ASSERT_EQ(all.subscribers_size(), 2);
  for (const v1::Subscriber& s : all.subscribers()) {
    if (s.kind() == v1::SUBSCRIBER_KIND_EMAIL) {
      ASSERT_EQ(s.components_size(), 1);
      EXPECT_EQ(s.components(0), "checkout");
    } else {
      EXPECT_EQ(s.components_size(), 0);  // everything
    }
  }
  // The list never carries a secret: there is no field for it.
  EXPECT_FALSE(absl::StrContains(all.DebugString(), "whsec_"));

  v1::AddSubscriberResponse again;
  grpc::Status dup = Add(v1::SUBSCRIBER_KIND_EMAIL, "OPS@example.com", &again);
  EXPECT_EQ(dup.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_TRUE(absl::StrContains(dup.error_message(), "exists already")) << dup.error_message();
}

TEST_F(SubscriberServiceTest, BadDestinationsAreRefusedWithAClearErrorAndNothingIsStored) {
  struct Case {
    v1::SubscriberKind kind;
    std::string destination;
    std::string says;
  };
  const std::vector<Case> cases = {
      {v1::SUBSCRIBER_KIND_EMAIL, "no-at-sign.example.com", "email address"},
      {v1::SUBSCRIBER_KIND_EMAIL, "a@b@example.com", "email address"},
      {v1::SUBSCRIBER_KIND_EMAIL, "ops@localhost", "email address"},
      {v1::SUBSCRIBER_KIND_WEBHOOK, "not a url", "webhook URL"},
      {v1::SUBSCRIBER_KIND_WEBHOOK, "file:///etc/passwd", "webhook URL"},
      {v1::SUBSCRIBER_KIND_WEBHOOK, "http://169.254.169.254/latest/meta-data/", "https"},
      {v1::SUBSCRIBER_KIND_WEBHOOK, "https://169.254.169.254/latest/meta-data/", "link-local"},
      {v1::SUBSCRIBER_KIND_WEBHOOK, "https://127.0.0.1:8080/hook", "loopback"},
      {v1::SUBSCRIBER_KIND_SLACK, "https://10.1.2.3/services/x", "private"},
      {v1::SUBSCRIBER_KIND_WEBHOOK, "https://user:secret@93.184.216.34/hook", "credentials"},
      {v1::SUBSCRIBER_KIND_WEBHOOK, "https://93.184.216.34/" + std::string(2100, 'a'), "2048"},
      {v1::SUBSCRIBER_KIND_UNSPECIFIED, "ops@example.com", "kind"},
  };
  for (const Case& c : cases) {
    v1::AddSubscriberResponse resp;
    grpc::Status s = Add(c.kind, c.destination, &resp);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << c.destination.substr(0, 60);
    EXPECT_TRUE(absl::StrContains(s.error_message(), c.says))
        << c.destination.substr(0, 60) << ": " << s.error_message();
  }
  EXPECT_EQ(List().subscribers_size(), 0);
  EXPECT_EQ(db_.Query("SELECT count(*) FROM subscribers"), "0");
}

TEST_F(SubscriberServiceTest, APublicUpdateIsInTheHistoryAndRemoveDropsWhatIsQueued) {
  v1::AddSubscriberResponse hook;
  ASSERT_TRUE(Add(v1::SUBSCRIBER_KIND_WEBHOOK, "https://93.184.216.34/h", &hook).ok());
  v1::DeclareIncidentRequest declare = testing::SearchIsSlow(NewKey());
  v1::UpdateDraft* first = declare.mutable_first_update();
  first->set_message("Search is slow for some customers. We are investigating.");
  first->add_channels(v1::CHANNEL_STATUS_PAGE);
  first->set_use_default_next_update(true);
  v1::WriteIncidentResponse declared;
  grpc::Status ds = Declare(declare, &declared);
  ASSERT_TRUE(ds.ok()) << ds.error_message();

  grpc::ClientContext ctx;
  v1::ListDeliveriesRequest req;
  req.set_subscriber_id(hook.subscriber().id());
  v1::ListDeliveriesResponse history;
  ASSERT_TRUE(subscribers_->ListDeliveries(&ctx, req, &history).ok());
  ASSERT_EQ(history.deliveries_size(), 1);
  EXPECT_EQ(history.deliveries(0).state(), "pending");
  EXPECT_EQ(history.deliveries(0).event(), "incident.updated");
  EXPECT_EQ(history.deliveries(0).incident_ref(), declared.incident().ref());

  grpc::ClientContext rctx;
  v1::RemoveSubscriberRequest remove;
  remove.set_id(hook.subscriber().id());
  v1::Subscriber removed;
  ASSERT_TRUE(subscribers_->RemoveSubscriber(&rctx, remove, &removed).ok());
  EXPECT_TRUE(removed.has_unsubscribed_at());
  EXPECT_EQ(db_.Query("SELECT state FROM notification_deliveries"), "unsubscribed");
  EXPECT_EQ(List().subscribers_size(), 0);

  grpc::ClientContext uctx;
  remove.set_id("sub_nonexistent");
  grpc::Status missing = subscribers_->RemoveSubscriber(&uctx, remove, &removed);
  EXPECT_EQ(missing.error_code(), grpc::StatusCode::NOT_FOUND);
}

class SubscriberServiceAuthTest : public testing::CommsClientTest {
 protected:
  SubscriberServiceAuthTest() : CommsClientTest(testing::CommsTestOptions::WithTokens()) {}
};

TEST_F(SubscriberServiceAuthTest, OnlyAnAdminTokenMayCall) {
  ASSERT_TRUE(db_.ok());
  auto stub = server_.NewSubscriberStub();
  absl::StatusOr<IssuedToken> writer =
      server_.tokens().Create("responder", Scope::kWrite, TokenExpiry(), "test", "t");
  absl::StatusOr<IssuedToken> admin =
      server_.tokens().Create("ops", Scope::kAdmin, TokenExpiry(), "test", "t");
  ASSERT_TRUE(writer.ok() && admin.ok());
  v1::ListSubscribersResponse resp;
  {
    grpc::ClientContext ctx;
    EXPECT_EQ(stub->ListSubscribers(&ctx, {}, &resp).error_code(),
              grpc::StatusCode::UNAUTHENTICATED);
  }
  {
    grpc::ClientContext ctx;
    testing::SetToken(ctx, writer->secret);
    EXPECT_EQ(stub->ListSubscribers(&ctx, {}, &resp).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
  }
  {
    grpc::ClientContext ctx;
    testing::SetToken(ctx, admin->secret);
    EXPECT_TRUE(stub->ListSubscribers(&ctx, {}, &resp).ok());
  }
}

}  // namespace
}  // namespace statuscast
