// Text that would break the public outputs is refused when written, over real
// gRPC and PostgreSQL: U+FFFF (XML 1.0 forbids it: the Atom feed would be
// ill-formed for everyone) and an unclosed bidi override (it would reverse
// the status page up to its title). The answer is INVALID_ARGUMENT naming the
// field, and nothing stored changes.
#include <grpcpp/grpcpp.h>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/support/comms_client_test.h"

namespace statuscast {
namespace {

using testing::At;
using testing::Describe;
using testing::HasViolation;

constexpr char kRightToLeftOverride[] = "\xE2\x80\xAE";
constexpr char kNonCharacterFFFF[] = "\xEF\xBF\xBF";

class HostileTextTest : public testing::CommsClientTest {
 protected:
  HostileTextTest() : CommsClientTest({}, {"checkout"}) {}

  v1::DeclareIncidentRequest Declaration(const std::string& title, const std::string& message) {
    v1::DeclareIncidentRequest req;
    req.set_title(title);
    req.set_severity(v1::SEVERITY_SEV3);
    req.add_affected_components()->set_name("checkout");
    req.mutable_first_update()->set_message(message);
    req.mutable_first_update()->add_channels(v1::CHANNEL_STATUS_PAGE);
    req.set_author("alice");
    req.set_idempotency_key(NewKey());
    return req;
  }

  // Every row a write could touch, as one string.
  std::string Stored() {
    return db_.Query(
        "SELECT (SELECT count(*) FROM incidents) || '/' || (SELECT count(*) FROM incident_updates) "
        "|| '/' "
        "|| (SELECT count(*) FROM change_log) || '/' || (SELECT coalesce(max(version), 0) FROM "
        "incidents)");
  }
};

TEST_F(HostileTextTest, ABidiOverrideInATitleIsRefusedNamingTheFieldAndNothingIsStored) {
  const std::string before = Stored();
  grpc::ClientContext ctx;
  v1::WriteIncidentResponse r;
  grpc::Status s =
      stub_->DeclareIncident(&ctx,
                             Declaration(absl::StrCat("Checkout ", kRightToLeftOverride, "failing"),
                                         "We're investigating failed payments for some users."),
                             &r);
  ASSERT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(HasViolation(Describe(s), "title", "contains the bidi control U+202E"))
      << s.error_message();
  EXPECT_EQ(Stored(), before);
}

TEST_F(HostileTextTest, UFFFFInAnUpdateIsRefusedNamingTheFieldAndNothingIsStored) {
  grpc::ClientContext declare_ctx;
  v1::WriteIncidentResponse declared;
  ASSERT_TRUE(stub_
                  ->DeclareIncident(&declare_ctx,
                                    Declaration("Checkout failing",
                                                "We're investigating failed payments for some "
                                                "users."),
                                    &declared)
                  .ok());
  const std::string before = Stored();

  grpc::ClientContext ctx;
  v1::PostUpdateRequest req;
  req.set_incident_ref(declared.incident().ref());
  req.set_expected_version(declared.incident().version());
  req.set_idempotency_key("update-1");
  req.set_author("alice");
  req.mutable_update()->set_state(v1::INCIDENT_STATE_IDENTIFIED);
  req.mutable_update()->set_message(absl::StrCat("We found the cause", kNonCharacterFFFF, "."));
  req.mutable_update()->add_channels(v1::CHANNEL_STATUS_PAGE);
  v1::WriteIncidentResponse r;
  grpc::Status s = stub_->PostUpdate(&ctx, req, &r);
  ASSERT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  const testing::CallError e = Describe(s);
  bool named = false;
  for (const auto& [field, description] : e.field_violations) {
    if (field.find("message") != std::string::npos &&
        description.find("U+FFFF, which XML 1.0 forbids") != std::string::npos) {
      named = true;
    }
  }
  EXPECT_TRUE(named) << s.error_message();
  EXPECT_EQ(Stored(), before);
}

}  // namespace
}  // namespace statuscast
