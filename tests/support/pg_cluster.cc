#include "tests/support/pg_cluster.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <random>
#include <set>
#include <string>

#include "absl/strings/str_cat.h"

namespace statuscast::testing {
namespace {
bool Run(const std::string& cmd) { return std::system(cmd.c_str()) == 0; }
}  // namespace

int FreeTcpPort() {
  // Same rule and same lock files as tests/support/ports.py (see there).
  constexpr int kLow = 20000, kHigh = 32000;
  static std::mt19937 random(std::random_device{}());
  static std::set<int> held;  // their lock files stay open (locked) until exit
  std::string dir = absl::StrCat(std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp",
                                 "/statuscast-test-ports");
  mkdir(dir.c_str(), 01777);
  chmod(dir.c_str(), 01777);  // fails harmlessly when another user made it
  std::uniform_int_distribution<int> pick(kLow, kHigh - 1);
  for (int attempt = 0; attempt < 2000; ++attempt) {
    int port = pick(random);
    if (held.count(port)) continue;
    int lock = open(absl::StrCat(dir, "/", port).c_str(), O_RDONLY | O_CREAT | O_CLOEXEC, 0666);
    if (lock < 0) continue;
    if (flock(lock, LOCK_EX | LOCK_NB) != 0) {
      close(lock);  // another test process holds it
      continue;
    }
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port));
    bool free =
        bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 && listen(fd, 1) == 0;
    close(fd);
    if (free) {
      held.insert(port);
      return port;
    }
    close(lock);
  }
  return 0;
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
