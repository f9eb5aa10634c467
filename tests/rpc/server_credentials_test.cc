// LoadServerTls / LoadKeyPair / ChannelCredentialsFor: which flag
// combinations start a server, and that every refusal names the flag.
#include "libs/rpc/server_credentials.h"

#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/rpc/channel_credentials.h"
#include "tests/rpc/test_certificates.h"

namespace statuscast {
namespace {

using ::testing::HasSubstr;
using testing::ReadFileText;
using ::testing::StartsWith;
using testing::TestCertificates;
using testing::WriteTestFile;

ServerTlsFlags Flags(const std::string& cert, const std::string& key,
                     const std::string& client_ca = "") {
  ServerTlsFlags flags;
  flags.cert.path = cert;
  flags.key.path = key;
  flags.client_ca.path = client_ca;
  return flags;
}

TEST(ServerTlsTest, NoFlagsMeanPlaintext) {
  absl::StatusOr<ServerTls> tls = LoadServerTls(Flags("", ""));
  ASSERT_TRUE(tls.ok()) << tls.status();
  EXPECT_EQ(tls->mode, ServerTls::Mode::kPlaintext);
  EXPECT_STREQ(tls->ModeName(), "plaintext");
}

TEST(ServerTlsTest, CertificateAndKeyMeanTls) {
  const auto& c = TestCertificates::Get();
  absl::StatusOr<ServerTls> tls = LoadServerTls(Flags(c.server.cert, c.server.key));
  ASSERT_TRUE(tls.ok()) << tls.status();
  EXPECT_EQ(tls->mode, ServerTls::Mode::kTls);
  EXPECT_STREQ(tls->ModeName(), "tls");
  EXPECT_THAT(tls->cert_pem, HasSubstr("-----BEGIN CERTIFICATE-----"));
  EXPECT_THAT(tls->key_pem, HasSubstr("PRIVATE KEY-----"));
  EXPECT_TRUE(tls->client_ca_pem.empty());
}

TEST(ServerTlsTest, ClientCaMeansMutualTls) {
  const auto& c = TestCertificates::Get();
  absl::StatusOr<ServerTls> tls = LoadServerTls(Flags(c.server.cert, c.server.key, c.ca.cert));
  ASSERT_TRUE(tls.ok()) << tls.status();
  EXPECT_EQ(tls->mode, ServerTls::Mode::kMutualTls);
  EXPECT_STREQ(tls->ModeName(), "mtls");
  EXPECT_THAT(tls->client_ca_pem, HasSubstr("-----BEGIN CERTIFICATE-----"));
}

TEST(ServerTlsTest, ReloadIntervalBelowASecondNamesTheFlag) {
  const auto& c = TestCertificates::Get();
  ServerTlsFlags flags = Flags(c.server.cert, c.server.key);
  flags.reload_interval = absl::Milliseconds(500);
  absl::StatusOr<ServerTls> tls = LoadServerTls(flags);
  ASSERT_EQ(tls.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(tls.status().message()), StartsWith("--tls_reload_interval: "));
  flags.reload_interval = absl::Seconds(30);
  tls = LoadServerTls(flags);
  ASSERT_TRUE(tls.ok()) << tls.status();
  EXPECT_EQ(tls->reload_interval, absl::Seconds(30));
  EXPECT_EQ(tls->cert_path, c.server.cert);
  EXPECT_EQ(tls->key_path, c.server.key);
}

TEST(ServerTlsTest, CertificateWithoutKeyNamesTheKeyFlag) {
  const auto& c = TestCertificates::Get();
  absl::StatusOr<ServerTls> tls = LoadServerTls(Flags(c.server.cert, ""));
  ASSERT_EQ(tls.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(tls.status().message()),
              StartsWith("--tls_key: must be set together with --tls_cert"));
}

TEST(ServerTlsTest, KeyWithoutCertificateNamesTheCertificateFlag) {
  const auto& c = TestCertificates::Get();
  absl::StatusOr<ServerTls> tls = LoadServerTls(Flags("", c.server.key));
  ASSERT_EQ(tls.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(tls.status().message()),
              StartsWith("--tls_cert: must be set together with --tls_key"));
}

TEST(ServerTlsTest, ClientCaWithoutCertificateIsRefused) {
  const auto& c = TestCertificates::Get();
  absl::StatusOr<ServerTls> tls = LoadServerTls(Flags("", "", c.ca.cert));
  ASSERT_EQ(tls.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(tls.status().message()),
              StartsWith("--tls_client_ca: needs --tls_cert and --tls_key"));
}

TEST(ServerTlsTest, MissingFileNamesTheFlagAndThePath) {
  const auto& c = TestCertificates::Get();
  absl::StatusOr<ServerTls> tls = LoadServerTls(Flags("/nonexistent/server.crt", c.server.key));
  ASSERT_EQ(tls.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(tls.status().message(),
            "--tls_cert: cannot read /nonexistent/server.crt: No such file or directory");

  tls = LoadServerTls(Flags(c.server.cert, c.server.key, "/nonexistent/ca.crt"));
  ASSERT_EQ(tls.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(tls.status().message()),
              StartsWith("--tls_client_ca: cannot read /nonexistent/ca.crt"));
}

TEST(ServerTlsTest, DirectoryInsteadOfFileIsRefused) {
  const auto& c = TestCertificates::Get();
  absl::StatusOr<ServerTls> tls = LoadServerTls(Flags(c.server.cert, c.dir));
  ASSERT_EQ(tls.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(tls.status().message()), StartsWith("--tls_key: cannot read " + c.dir));
}

TEST(ServerTlsTest, FileWithoutPemCertificateIsRefused) {
  const auto& c = TestCertificates::Get();
  const std::string junk = WriteTestFile("not_a_certificate.txt", "hello\n");
  absl::StatusOr<ServerTls> tls = LoadServerTls(Flags(junk, c.server.key));
  ASSERT_EQ(tls.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(tls.status().message()),
              StartsWith("--tls_cert: " + junk + " holds no PEM certificate"));

  const std::string empty = WriteTestFile("empty.pem", "");
  tls = LoadServerTls(Flags(c.server.cert, c.server.key, empty));
  ASSERT_EQ(tls.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(tls.status().message(), "--tls_client_ca: " + empty + " is empty");
}

TEST(ServerTlsTest, CertificateGivenAsKeyIsRefused) {
  const auto& c = TestCertificates::Get();
  absl::StatusOr<ServerTls> tls = LoadServerTls(Flags(c.server.cert, c.server.cert));
  ASSERT_EQ(tls.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(tls.status().message()),
              StartsWith("--tls_key: " + c.server.cert + " holds no unencrypted PEM private key"));
}

TEST(ServerTlsTest, KeyOfAnotherCertificateIsRefused) {
  const auto& c = TestCertificates::Get();
  absl::StatusOr<ServerTls> tls = LoadServerTls(Flags(c.server.cert, c.client.key));
  ASSERT_EQ(tls.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(tls.status().message(), "--tls_key: " + c.client.key +
                                        " does not match the certificate in --tls_cert (" +
                                        c.server.cert + ")");
}

TEST(ServerTlsTest, OtherFlagNamesAppearInMessages) {
  const auto& c = TestCertificates::Get();
  absl::StatusOr<KeyPairPem> pair =
      LoadKeyPair({"--http_tls_cert", c.server.cert}, {"--http_tls_key", ""});
  ASSERT_EQ(pair.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(pair.status().message()),
              StartsWith("--http_tls_key: must be set together with --http_tls_cert"));
}

TEST(ChannelCredentialsTest, NoFlagsMeanPlaintextAndCaOrPairMeanTls) {
  const auto& c = TestCertificates::Get();
  EXPECT_TRUE(ChannelCredentialsFor(ClientTlsFlags{}).ok());
  ClientTlsFlags flags;
  flags.ca.path = c.ca.cert;
  EXPECT_TRUE(ChannelCredentialsFor(flags).ok());
  flags.cert.path = c.client.cert;
  flags.key.path = c.client.key;
  EXPECT_TRUE(ChannelCredentialsFor(flags).ok());
}

TEST(ChannelCredentialsTest, ClientCertificateWithoutKeyNamesTheKeyFlag) {
  const auto& c = TestCertificates::Get();
  ClientTlsFlags flags;
  flags.ca.path = c.ca.cert;
  flags.cert.path = c.client.cert;
  absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> creds = ChannelCredentialsFor(flags);
  ASSERT_EQ(creds.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(creds.status().message()),
              StartsWith("--tls_key: must be set together with --tls_cert"));
}

TEST(ChannelCredentialsTest, UnreadableCaNamesTheCaFlag) {
  ClientTlsFlags flags;
  flags.ca.path = "/nonexistent/ca.crt";
  absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> creds = ChannelCredentialsFor(flags);
  ASSERT_EQ(creds.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(creds.status().message()),
              StartsWith("--tls_ca: cannot read /nonexistent/ca.crt"));
}

TEST(ServerTlsTest, AKeyReadableByOthersIsAcceptedWithAWarningNamingFileAndMode) {
  const auto& c = TestCertificates::Get();
  const std::string key = WriteTestFile("loose.key", ReadFileText(c.server.key));
  ASSERT_EQ(::chmod(key.c_str(), 0644), 0);
  const PemFileFlag key_flag{"--http_tls_key", key};
  EXPECT_EQ(KeyFilePermissionWarning(key_flag),
            "--http_tls_key: " + key +
                " has mode 0644: any user may read this private key; chmod 600 it (in "
                "Kubernetes: defaultMode 0400 on the secret volume)");
  // Still accepted: the warning is logged, start-up goes on.
  EXPECT_TRUE(LoadKeyPair({"--http_tls_cert", c.server.cert}, key_flag).ok());

  // Readable by a group this process is not in.
  ASSERT_EQ(::chmod(key.c_str(), 0640), 0);
  ASSERT_EQ(::chown(key.c_str(), ::geteuid(), 54321), 0);
  EXPECT_THAT(KeyFilePermissionWarning(key_flag),
              HasSubstr("has mode 0640: another group may read this private key"));
}

TEST(ServerTlsTest, AKeyReadableByTheProcesssOwnGroupHasNoWarning) {
  // As Kubernetes mounts a secret with fsGroup: 0440, group = the pod's group.
  const auto& c = TestCertificates::Get();
  const std::string key = WriteTestFile("fsgroup.key", ReadFileText(c.server.key));
  ASSERT_EQ(::chown(key.c_str(), ::geteuid(), ::getegid()), 0);
  ASSERT_EQ(::chmod(key.c_str(), 0440), 0);
  EXPECT_EQ(KeyFilePermissionWarning({"--tls_key", key}), "");
}

TEST(ServerTlsTest, AKeyOnlyItsOwnerMayReadHasNoWarning) {
  const auto& c = TestCertificates::Get();
  const std::string key = WriteTestFile("tight.key", ReadFileText(c.server.key));
  for (mode_t mode : {0600, 0400}) {
    ASSERT_EQ(::chmod(key.c_str(), mode), 0);
    EXPECT_EQ(KeyFilePermissionWarning({"--tls_key", key}), "") << mode;
  }
  EXPECT_EQ(KeyFilePermissionWarning({"--tls_key", "/nonexistent/k.pem"}), "");
}

}  // namespace
}  // namespace statuscast
