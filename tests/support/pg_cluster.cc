#include "tests/support/pg_cluster.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>

#include "absl/strings/str_cat.h"

namespace statuscast::testing {
namespace {
bool Run(const std::string& cmd) { return std::system(cmd.c_str()) == 0; }
}  // namespace

int FreeTcpPort() {
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

OwnPgCluster::OwnPgCluster() : port_(FreeTcpPort()) {
  const char* bin = std::getenv("PG_BIN");
  bin_ = bin ? bin : "/usr/lib/postgresql/15/bin";
  char dir[] = "/tmp/statuscast-pg-XXXXXX";
  dir_ = mkdtemp(dir);
  data_ = dir_ + "/pg";
  Run(absl::StrCat("chmod 755 ", dir_));
  if (geteuid() == 0) Run(absl::StrCat("install -d -o postgres -g postgres -m 700 ", data_));
  ok_ = Run(AsOwner(absl::StrCat(bin_, "/initdb -D ", data_,
                                 " -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync "
                                 ">/dev/null"))) &&
        Start();
}

OwnPgCluster::~OwnPgCluster() {
  Stop();
  Run(absl::StrCat("rm -rf ", dir_));
}

bool OwnPgCluster::Start() {
  return Run(AsOwner(absl::StrCat(bin_, "/pg_ctl -D ", data_, " -l ", data_,
                                  "/server.log -w -t 30 -o \"-p ", port_, " -k ", data_,
                                  " -c listen_addresses=127.0.0.1 -c fsync=off\" start "
                                  ">/dev/null")));
}

bool OwnPgCluster::Stop() {
  return Run(AsOwner(absl::StrCat(bin_, "/pg_ctl -D ", data_, " -m fast -w stop >/dev/null 2>&1")));
}

std::string OwnPgCluster::url() const {
  return absl::StrCat("postgresql://postgres@127.0.0.1:", port_, "/postgres");
}

std::string OwnPgCluster::AsOwner(const std::string& cmd) const {
  return geteuid() == 0 ? absl::StrCat("runuser -u postgres -- ", cmd) : cmd;
}

}  // namespace statuscast::testing
