#include "tests/support/comms_client_test.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "libs/pgstore/migrator.h"

namespace statuscast::testing {

void SetSeconds(absl::Time t, google::protobuf::Timestamp* ts) {
  ts->set_seconds(absl::ToUnixSeconds(t));
}

absl::Time FromTimestamp(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

grpc::Status CreateComponent(v1::IncidentService::Stub& stub, const std::string& name,
                             const std::string& group) {
  grpc::ClientContext ctx;
  v1::CreateComponentRequest req;
  req.set_name(name);
  if (!group.empty()) req.set_group(group);
  v1::Component resp;
  return stub.CreateComponent(&ctx, req, &resp);
}

v1::DeclareIncidentRequest SearchIsSlow(const std::string& key) {
  v1::DeclareIncidentRequest req;
  req.set_title("Search is slow");
  req.set_severity(v1::SEVERITY_SEV3);
  req.add_affected_components()->set_name("search");
  req.set_author("alice");
  req.set_idempotency_key(key);
  return req;
}

v1::DeclareIncidentRequest CheckoutIsFailing(const std::string& message) {
  v1::DeclareIncidentRequest req;
  req.set_title("Checkout is failing");
  req.set_severity(v1::SEVERITY_SEV1);
  v1::AffectedComponent* a = req.add_affected_components();
  a->set_name("checkout");
  a->set_status(v1::COMPONENT_STATUS_MAJOR_OUTAGE);
  v1::UpdateDraft* u = req.mutable_first_update();
  u->set_message(message);
  u->add_channels(v1::CHANNEL_STATUS_PAGE);
  u->add_channels(v1::CHANNEL_IN_APP_BANNER);
  req.set_author("alice");
  return req;
}

CommsClientTest::CommsClientTest(CommsTestOptions options, std::vector<std::string> components)
    : clock_(At(14, 0)),
      server_(db_.url(), clock_, options),
      stub_(server_.NewStub()),
      components_(std::move(components)) {}

void CommsClientTest::SetUp() {
  ASSERT_TRUE(db_.ok());
  for (const std::string& name : components_) CreateComponent(name);
}

void CommsClientTest::CreateComponent(const std::string& name, const std::string& group) {
  grpc::Status s = testing::CreateComponent(*stub_, name, group);
  ASSERT_TRUE(s.ok()) << name << ": " << s.error_message();
}

std::string CommsClientTest::NewKey() { return absl::StrCat("key-", ++keys_); }

grpc::Status CommsClientTest::Declare(const v1::DeclareIncidentRequest& req,
                                      v1::WriteIncidentResponse* resp) {
  grpc::ClientContext ctx;
  return stub_->DeclareIncident(&ctx, req, resp);
}

grpc::Status CommsClientTest::Post(const v1::PostUpdateRequest& req,
                                   v1::WriteIncidentResponse* resp) {
  grpc::ClientContext ctx;
  return stub_->PostUpdate(&ctx, req, resp);
}

v1::Incident CommsClientTest::Get(const std::string& ref) {
  v1::GetIncidentRequest req;
  req.set_incident_ref(ref);
  return CallOk(*stub_, &v1::IncidentService::Stub::GetIncident, req);
}

OwnClusterComms::OwnClusterComms(absl::Time start, const std::string& component)
    : clock_(start) {
  if (!pg_.ok()) {
    error_ = "the test's own PostgreSQL cluster did not start";
    return;
  }
  if (absl::StatusOr<int> applied = ApplyMigrations(pg_.url(), EmbeddedMigrations());
      !applied.ok()) {
    error_ = absl::StrCat("migrations: ", applied.status().ToString());
    return;
  }
  server_ = std::make_unique<CommsTestServer>(pg_.url(), clock_);
  stub_ = server_->NewStub();
  if (grpc::Status s = testing::CreateComponent(*stub_, component); !s.ok()) {
    error_ = absl::StrCat("CreateComponent ", component, ": ", s.error_message());
  }
}

OwnClusterComms::~OwnClusterComms() = default;

::testing::AssertionResult OwnClusterComms::ok() const {
  if (error_.empty()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << error_;
}

}  // namespace statuscast::testing
