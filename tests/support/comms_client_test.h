// CommsClientTest: the gtest fixture of tests that talk to an in-process
// statuscast-comms (CommsTestServer) over real gRPC, on a fresh PostgreSQL
// database (TestDatabase), with a FakeClock at 2026-11-27 14:00 UTC.
//
//   class LintServiceTest : public testing::CommsClientTest {
//    protected:
//     LintServiceTest()
//         : CommsClientTest(CommsTestOptions::RejectingLintAt("SEV-1,SEV-2"), {"checkout"}) {}
//   };
//
// SetUp checks the database and creates the components the constructor
// names; a fixture that overrides SetUp calls CommsClientTest::SetUp() first.
//
// The helpers make one call each with a fresh grpc::ClientContext and no
// token (so do Call and CallOk of tests/support/grpc_call.h, included here);
// tests of access control set their own.
//
// Also here, for tests that run their own server: SetSeconds (a Timestamp of
// whole seconds, as a client would send), CreateComponent on any stub and
// OwnClusterComms (a server over a PostgreSQL cluster of the test's own).
#ifndef STATUSCAST_TESTS_SUPPORT_COMMS_CLIENT_TEST_H_
#define STATUSCAST_TESTS_SUPPORT_COMMS_CLIENT_TEST_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "libs/base/clock.h"
#include "tests/support/comms_test_server.h"
#include "tests/support/grpc_call.h"
#include "tests/support/pg_cluster.h"
#include "tests/support/test_database.h"

namespace statuscast::testing {

// `t` truncated to whole seconds, into `ts`.
void SetSeconds(absl::Time t, google::protobuf::Timestamp* ts);
// The time `ts` holds.
absl::Time FromTimestamp(const google::protobuf::Timestamp& ts);

// CreateComponent `name` (in `group` when not empty) through `stub`.
grpc::Status CreateComponent(v1::IncidentService::Stub& stub, const std::string& name,
                             const std::string& group = "");

// A SEV-3 "Search is slow" on component "search" by alice, with no first
// update and idempotency key `key`.
v1::DeclareIncidentRequest SearchIsSlow(const std::string& key);

// A SEV-1 "Checkout is failing" on component "checkout" (major outage) by
// alice, whose first update says `message` on the status page and the in-app
// banner; no promise, no idempotency key.
v1::DeclareIncidentRequest CheckoutIsFailing(const std::string& message);

class CommsClientTest : public ::testing::Test {
 protected:
  explicit CommsClientTest(CommsTestOptions options = CommsTestOptions(),
                           std::vector<std::string> components = {});
  // Fails the test when the database is not there; creates the components.
  void SetUp() override;

  // Creates component `name`; fails the test when the call fails.
  void CreateComponent(const std::string& name, const std::string& group = "");
  // "key-1", "key-2", ...: a fresh idempotency key.
  std::string NewKey();
  // A write request on `inc` at `version` (0: the version `inc` has), with a
  // fresh idempotency key, by `author`.
  template <typename Request>
  Request Guarded(const v1::Incident& inc, const std::string& author, int64_t version = 0) {
    Request req;
    req.set_incident_ref(inc.ref());
    req.set_expected_version(version != 0 ? version : inc.version());
    req.set_idempotency_key(NewKey());
    req.set_author(author);
    return req;
  }
  grpc::Status Declare(const v1::DeclareIncidentRequest& req, v1::WriteIncidentResponse* resp);
  grpc::Status Post(const v1::PostUpdateRequest& req, v1::WriteIncidentResponse* resp);
  // The incident `ref`; fails the test when the call fails.
  v1::Incident Get(const std::string& ref);

  TestDatabase db_;
  FakeClock clock_;
  CommsTestServer server_;
  std::unique_ptr<v1::IncidentService::Stub> stub_;

 private:
  std::vector<std::string> components_;
  int keys_ = 0;
};

// statuscast-comms over an OwnPgCluster, for tests that stop or reconfigure
// PostgreSQL under it: the cluster is started and migrated, the server runs
// with a FakeClock at `start` and component `component` exists. Check ok()
// first (ASSERT_TRUE(comms.ok())); it says what failed.
class OwnClusterComms {
 public:
  OwnClusterComms(absl::Time start, const std::string& component);
  ~OwnClusterComms();

  ::testing::AssertionResult ok() const;
  OwnPgCluster& pg() { return pg_; }
  FakeClock& clock() { return clock_; }
  v1::IncidentService::Stub& stub() { return *stub_; }

 private:
  OwnPgCluster pg_;
  FakeClock clock_;
  std::string error_;
  std::unique_ptr<CommsTestServer> server_;
  std::unique_ptr<v1::IncidentService::Stub> stub_;
};

}  // namespace statuscast::testing

#endif  // STATUSCAST_TESTS_SUPPORT_COMMS_CLIENT_TEST_H_
