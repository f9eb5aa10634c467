#include "tests/support/comms_client_test.h"

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

CommsClientTest::CommsClientTest(CommsTestOptions options)
    : clock_(At(14, 0)), server_(db_.url(), clock_, options), stub_(server_.NewStub()) {}

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
  grpc::ClientContext ctx;
  v1::GetIncidentRequest req;
  req.set_incident_ref(ref);
  v1::Incident inc;
  grpc::Status s = stub_->GetIncident(&ctx, req, &inc);
  EXPECT_TRUE(s.ok()) << s.error_message();
  return inc;
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
