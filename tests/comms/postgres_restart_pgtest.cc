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
#include "libs/pgstore/migrator.h"
#include "tests/support/comms_test_server.h"

namespace statuscast {
namespace {

using testing::At;
using testing::CommsTestServer;
using testing::Describe;

int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

// A PostgreSQL cluster of the test's own, so stopping it disturbs no other test.
class OwnCluster {
 public:
  OwnCluster() : port_(FreePort()) {
    const char* bin = std::getenv("PG_BIN");
    bin_ = bin ? bin : "/usr/lib/postgresql/15/bin";
    char dir[] = "/tmp/statuscast-restart-XXXXXX";
    dir_ = mkdtemp(dir);
    data_ = dir_ + "/pg";
    Run(absl::StrCat("chmod 755 ", dir_));
    if (geteuid() == 0) Run(absl::StrCat("install -d -o postgres -g postgres -m 700 ", data_));
    ok_ = Run(AsOwner(absl::StrCat(bin_, "/initdb -D ", data_,
                                   " -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync "
                                   ">/dev/null"))) &&
          Start();
  }
  ~OwnCluster() {
    Stop();
    Run(absl::StrCat("rm -rf ", dir_));
  }
  bool ok() const { return ok_; }
  bool Start() {
    return Run(AsOwner(absl::StrCat(bin_, "/pg_ctl -D ", data_, " -l ", data_,
                                    "/server.log -w -t 30 -o \"-p ", port_, " -k ", data_,
                                    " -c listen_addresses=127.0.0.1 -c fsync=off\" start "
                                    ">/dev/null")));
  }
  bool Stop() {
    return Run(AsOwner(absl::StrCat(bin_, "/pg_ctl -D ", data_, " -m fast -w stop >/dev/null")));
  }
  std::string url() const { return absl::StrCat("postgresql://postgres@127.0.0.1:", port_, "/postgres"); }

 private:
  std::string AsOwner(const std::string& cmd) const {
    return geteuid() == 0 ? absl::StrCat("runuser -u postgres -- ", cmd) : cmd;
  }
  static bool Run(const std::string& cmd) { return std::system(cmd.c_str()) == 0; }

  int port_;
  std::string bin_, dir_, data_;
  bool ok_ = false;
};

v1::DeclareIncidentRequest Sev3(const std::string& key) {
  v1::DeclareIncidentRequest req;
  req.set_title("Search is slow");
  req.set_severity(v1::SEVERITY_SEV3);
  req.add_affected_components()->set_name("search");
  req.set_author("alice");
  req.set_idempotency_key(key);
  return req;
}

TEST(PostgresRestartTest, CallsFailUnavailableWhileDownAndRecoverWhenBack) {
  OwnCluster pg;
  ASSERT_TRUE(pg.ok());
  ASSERT_TRUE(ApplyMigrations(pg.url(), EmbeddedMigrations()).ok());
  FakeClock clock(At(9, 0));
  CommsTestServer server(pg.url(), clock);
  auto stub = server.NewStub();
  {
    grpc::ClientContext ctx;
    v1::CreateComponentRequest req;
    req.set_name("search");
    v1::Component c;
    ASSERT_TRUE(stub->CreateComponent(&ctx, req, &c).ok());
  }
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
    auto err = Describe(stub->DeclareIncident(&ctx, Sev3("during-outage"), &r));
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
    s = stub->DeclareIncident(&ctx, Sev3("after-restart"), &declared);
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
