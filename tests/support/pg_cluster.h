// OwnPgCluster: a PostgreSQL cluster of the test's own (initdb in a temp
// folder, as the postgres user when root), so a test can stop and restart
// it without disturbing other tests.
#ifndef STATUSCAST_TESTS_SUPPORT_PG_CLUSTER_H_
#define STATUSCAST_TESTS_SUPPORT_PG_CLUSTER_H_

#include <string>

namespace statuscast::testing {

class OwnPgCluster {
 public:
  OwnPgCluster();   // initdb + start
  ~OwnPgCluster();  // stop + remove
  bool ok() const { return ok_; }
  bool Start();
  bool Stop();
  std::string url() const;

 private:
  std::string AsOwner(const std::string& cmd) const;
  int port_;
  std::string bin_, dir_, data_;
  bool ok_ = false;
};

// A port on 127.0.0.1 below the kernel's ephemeral range that nothing listens
// on and no other test process was given (held until this process exits);
// the rule of tests/support/ports.py. 0 if none was found.
int FreeTcpPort();

}  // namespace statuscast::testing

#endif  // STATUSCAST_TESTS_SUPPORT_PG_CLUSTER_H_
