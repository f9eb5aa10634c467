// PostgreSQL stopped and restarted under a running statuscast-comms: calls
// get UNAVAILABLE while it is down, the service stays up, and both calls and
// WatchIncidents streams recover by themselves when it returns.
#include <grpcpp/grpcpp.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <unistd.h>

#include <cstdlib>
#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/support/comms_client_test.h"

namespace statuscast {
namespace {

using testing::At;
using testing::Describe;

TEST(PostgresRestartTest, CallsFailUnavailableWhileDownAndRecoverWhenBack) {
  testing::OwnClusterComms comms(At(9, 0), "search");
  ASSERT_TRUE(comms.ok());
  testing::OwnPgCluster& pg = comms.pg();
  v1::IncidentService::Stub* stub = &comms.stub();
  // A watcher that stays connected across the outage.
  grpc::ClientContext watch_ctx;
  watch_ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
  auto reader = stub->WatchIncidents(&watch_ctx, v1::WatchIncidentsRequest());
  v1::IncidentEvent event;
  ASSERT_TRUE(reader->Read(&event));
  EXPECT_EQ(event.kind(), v1::IncidentEvent::KIND_SNAPSHOT_END);

  ASSERT_TRUE(pg.Stop());
  {
    grpc::ClientContext ctx;
    v1::WriteIncidentResponse r;
    auto err = Describe(stub->DeclareIncident(&ctx, testing::SearchIsSlow("during-outage"), &r));
    EXPECT_EQ(err.code, grpc::StatusCode::UNAVAILABLE);
    EXPECT_NE(err.message.find("PostgreSQL is unreachable"), std::string::npos) << err.message;
  }
  ASSERT_TRUE(pg.Start());
  // The pool reconnects by itself; the first call after the restart may still
  // meet a connection that died with the old server, never more than a few.
  v1::WriteIncidentResponse declared;
  grpc::Status s;
  for (int attempt = 0; attempt < 20; ++attempt) {
    grpc::ClientContext ctx;
    s = stub->DeclareIncident(&ctx, testing::SearchIsSlow("after-restart"), &declared);
    if (s.ok()) break;
    ASSERT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE) << s.error_message();
    absl::SleepFor(absl::Milliseconds(250));
  }
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(declared.incident().ref(), "INC-1");

  // The watcher, still on its stream, gets the change made after the restart.
  ASSERT_TRUE(reader->Read(&event));
  EXPECT_EQ(event.kind(), v1::IncidentEvent::KIND_DECLARED);
  EXPECT_EQ(event.incident().ref(), "INC-1");
  EXPECT_EQ(event.sequence(), declared.sequence());
  watch_ctx.TryCancel();
}

}  // namespace
}  // namespace statuscast
