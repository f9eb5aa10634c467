#include "tests/rpc/test_certificates.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/file.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <sstream>
#include <string>

namespace statuscast::testing {
namespace {

void Run(const std::string& command) {
  const std::string quiet = command + " >/dev/null 2>&1";
  if (std::system(quiet.c_str()) != 0) {
    std::fprintf(stderr, "test certificates: failed: %s\n", command.c_str());
    std::abort();
  }
}

CertificateFiles MakeCa(const std::string& dir, const std::string& name) {
  CertificateFiles f{dir + "/" + name + ".crt", dir + "/" + name + ".key"};
  Run("openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj /CN=statuscast-test-" + name +
      " -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign" +
      " -keyout " + f.key + " -out " + f.cert);
  return f;
}

CertificateFiles MakeSigned(const std::string& dir, const std::string& name,
                            const CertificateFiles& ca, const std::string& extensions) {
  CertificateFiles f{dir + "/" + name + ".crt", dir + "/" + name + ".key"};
  const std::string csr = dir + "/" + name + ".csr";
  const std::string ext = WriteTestFile(name + ".ext", extensions);
  Run("openssl req -newkey rsa:2048 -nodes -subj /CN=statuscast-test-" + name + " -keyout " +
      f.key + " -out " + csr);
  Run("openssl x509 -req -days 30 -in " + csr + " -CA " + ca.cert + " -CAkey " + ca.key +
      " -CAcreateserial -extfile " + ext + " -out " + f.cert);
  return f;
}

// gtest_discover_tests runs every test in its own process: the files are
// made once per build folder (under a lock, as ctest runs tests in
// parallel) and again when a day old, well before they expire.
std::string& Dir() {
  static std::string* dir = new std::string(STATUSCAST_TEST_CERT_DIR);
  return *dir;
}

// The marker holds the time the files were made, by this process's clock:
// a file's mtime would not do, as a moved clock (faketime) moves it too.
bool Fresh(const std::string& marker) {
  std::ifstream in(marker);
  long long made = 0;
  if (!(in >> made)) return false;
  const long long age = static_cast<long long>(std::time(nullptr)) - made;
  return age >= 0 && age < 24 * 3600;
}

}  // namespace

std::string ReadFileText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string WriteTestFile(const std::string& name, const std::string& text) {
  const std::string path = Dir() + "/" + name;
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
  return path;
}

const TestCertificates& TestCertificates::Get() {
  static const TestCertificates* certs = [] {
    auto* c = new TestCertificates;
    c->dir = Dir();
    const std::string lock_path = c->dir + ".lock";
    const int lock = ::open(lock_path.c_str(), O_CREAT | O_RDWR, 0600);
    if (lock < 0 || ::flock(lock, LOCK_EX) != 0) std::abort();
    const std::string marker = c->dir + "/ready";
    const bool fresh = Fresh(marker);
    if (!fresh) {
      Run("rm -rf " + c->dir);
      Run("mkdir -p " + c->dir);
    }
    const auto ca = [&](const std::string& name) {
      return fresh ? CertificateFiles{c->dir + "/" + name + ".crt", c->dir + "/" + name + ".key"}
                   : MakeCa(c->dir, name);
    };
    const auto leaf = [&](const std::string& name, const CertificateFiles& issuer,
                          const std::string& extensions) {
      return fresh ? CertificateFiles{c->dir + "/" + name + ".crt", c->dir + "/" + name + ".key"}
                   : MakeSigned(c->dir, name, issuer, extensions);
    };
    c->ca = ca("ca");
    c->server = leaf("server", c->ca,
                     "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
                     "extendedKeyUsage=serverAuth\n");
    c->client = leaf("client", c->ca, "extendedKeyUsage=clientAuth\n");
    c->other_ca = ca("other_ca");
    c->other_client = leaf("other_client", c->other_ca, "extendedKeyUsage=clientAuth\n");
    if (!fresh) {
      WriteTestFile("ready", std::to_string(static_cast<long long>(std::time(nullptr))) +
                                 "\nmade by tests/rpc/test_certificates.cc\n");
    }
    ::flock(lock, LOCK_UN);
    ::close(lock);
    return c;
  }();
  return *certs;
}

}  // namespace statuscast::testing
