// Certificates the tests make with the openssl command-line tool, once per
// build folder (STATUSCAST_TEST_CERT_DIR) and again when a day old:
//   ca             a CA (CN=statuscast-test-ca)
//   server         signed by ca; subjectAltName IP:127.0.0.1, DNS:localhost
//   client         signed by ca; clientAuth (for mutual TLS)
//   other_ca       an unrelated CA, and other_client signed by it
// Every key is unencrypted PEM; every file path is absolute.
//
// Thread safety: Get() is safe from any thread (made on first use).
#ifndef STATUSCAST_TESTS_RPC_TEST_CERTIFICATES_H_
#define STATUSCAST_TESTS_RPC_TEST_CERTIFICATES_H_

#include <string>

namespace statuscast::testing {

struct CertificateFiles {
  std::string cert;
  std::string key;
};

struct TestCertificates {
  std::string dir;
  CertificateFiles ca;
  CertificateFiles server;
  CertificateFiles client;
  CertificateFiles other_ca;
  CertificateFiles other_client;

  // Made once; aborts the test binary when openssl fails (nothing to test).
  static const TestCertificates& Get();
};

// A file's whole text ("" when unreadable).
std::string ReadFileText(const std::string& path);
// Writes `text` to name in the certificates' folder; returns the path.
std::string WriteTestFile(const std::string& name, const std::string& text);

}  // namespace statuscast::testing

#endif  // STATUSCAST_TESTS_RPC_TEST_CERTIFICATES_H_
