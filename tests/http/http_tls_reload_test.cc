// HTTPS certificate rotation without a restart: the server serves
// certificate A from files the test then overwrites with certificate B
// (signed by the same test CA); curl, the real client, reports which one a
// new connection was shown. A bad new pair (a key that does not match, a
// missing file) is refused and A keeps serving; an open stream is not
// disturbed by a swap.
#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/banner/banner_hub.h"
#include "libs/base/clock.h"
#include "libs/base/stop_flag.h"
#include "libs/http/http_server.h"
#include "services/banner/banner_http_endpoints.h"
#include "tests/http/http_test_util.h"
#include "tests/rpc/test_certificates.h"

namespace statuscast {
namespace {

using testing::CertificateFiles;
using ::testing::HasSubstr;
using testing::ReadFileText;
using testing::TestCertificates;
using testing_http::CurlProcess;
using testing_http::SetEvents;
using testing_http::WorldWith;

constexpr char kShopCheckout[] = "/v1/banners?app=shop&path=/checkout";
// The subjects curl's %{certs} prints for the test server (A) and B.
constexpr char kSubjectA[] = "Subject:CN = statuscast-test-server\n";
constexpr char kSubjectB[] = "Subject:CN = statuscast-test-server-b\n";

void RunCommand(const std::string& command) {
  ASSERT_EQ(std::system((command + " >/dev/null 2>&1").c_str()), 0) << command;
}

void WriteFile(const std::string& path, const std::string& text) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr) << path;
  ASSERT_EQ(std::fwrite(text.data(), 1, text.size(), f), text.size());
  ASSERT_EQ(std::fclose(f), 0);
}

class HttpTlsReloadTest : public ::testing::Test {
 protected:
  HttpTlsReloadTest()
      : certs_(TestCertificates::Get()),
        clock_(absl::FromUnixSeconds(1800000000)),
        hub_(clock_, BannerHubOptions{}) {}

  void SetUp() override {
    char tmpl[] = "/tmp/statuscast-http-tls-reload-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    // B: a second server certificate from the same CA, with its own key.
    b_ = {dir_ + "/b.crt", dir_ + "/b.key"};
    WriteFile(dir_ + "/b.ext",
              "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n");
    RunCommand(
        absl::StrCat("openssl req -newkey rsa:2048 -nodes -subj /CN=statuscast-test-server-b",
                     " -keyout ", b_.key, " -out ", dir_, "/b.csr"));
    RunCommand(absl::StrCat("openssl x509 -req -days 30 -in ", dir_, "/b.csr -CA ", certs_.ca.cert,
                            " -CAkey ", certs_.ca.key, " -set_serial ", ::getpid(), " -extfile ",
                            dir_, "/b.ext -out ", b_.cert));
    live_ = {dir_ + "/live.crt", dir_ + "/live.key"};
    Install(certs_.server);
    hub_.Publish(WorldWith(1, {"Checkout is slow"}));
  }

  void TearDown() override {
    server_.reset();
    if (!dir_.empty()) RunCommand("rm -rf " + dir_);
  }

  // Copies a pair over the files the server was given.
  void Install(const CertificateFiles& pair) {
    WriteFile(live_.cert, ReadFileText(pair.cert));
    WriteFile(live_.key, ReadFileText(pair.key));
  }

  void StartServer(absl::Duration reload_interval) {
    HttpServerOptions options;
    options.tls_cert_file = live_.cert;
    options.tls_key_file = live_.key;
    options.tls_reload_interval = reload_interval;
    server_ = testing_http::StartBannerServer(std::move(options), hub_, clock_);
    ASSERT_NE(server_, nullptr);
  }

  std::unique_ptr<CurlProcess> Curl(const std::string& target, std::vector<std::string> extra) {
    std::vector<std::string> args = {"-s", "--max-time", "30", "--cacert", certs_.ca.cert};
    for (std::string& e : extra) args.push_back(std::move(e));
    args.push_back(absl::StrCat("https://127.0.0.1:", server_->port(), target));
    return std::make_unique<CurlProcess>(std::move(args));
  }

  // The certificate details a new connection is shown ("" when curl fails).
  std::string ServedCertificate() {
    auto curl = Curl(kShopCheckout, {"-o", "/dev/null", "-w", "%{certs}"});
    if (curl->WaitExit(absl::Seconds(10)) != 0) return "";
    return curl->output();
  }

  const TestCertificates& certs_;
  FakeClock clock_;
  BannerHub hub_;
  std::string dir_;
  CertificateFiles b_;
  CertificateFiles live_;
  std::unique_ptr<HttpServer> server_;
};

TEST_F(HttpTlsReloadTest, ANewConnectionSeesTheRotatedCertificate) {
  StartServer(absl::ZeroDuration());
  ASSERT_THAT(ServedCertificate(), HasSubstr(kSubjectA));
  Install(b_);
  EXPECT_THAT(ServedCertificate(), HasSubstr(kSubjectA)) << "no reload yet";
  absl::Status reloaded = server_->ReloadTls();
  ASSERT_TRUE(reloaded.ok()) << reloaded;
  EXPECT_THAT(ServedCertificate(), HasSubstr(kSubjectB));
  EXPECT_TRUE(server_->ReloadTls().ok()) << "unchanged files reload as a no-op";
  EXPECT_THAT(ServedCertificate(), HasSubstr(kSubjectB));
}

TEST_F(HttpTlsReloadTest, AKeyThatDoesNotMatchIsRefusedAndTheOldCertificateServes) {
  StartServer(absl::ZeroDuration());
  WriteFile(live_.cert, ReadFileText(b_.cert));  // the certificate rotated, the key not yet
  absl::Status refused = server_->ReloadTls();
  EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(refused.message()),
              HasSubstr(absl::StrCat("http TLS private key file ", live_.key,
                                     " does not match the certificate in ", live_.cert)));
  EXPECT_THAT(ServedCertificate(), HasSubstr(kSubjectA));
  WriteFile(live_.key, ReadFileText(b_.key));  // the rotation completes
  ASSERT_TRUE(server_->ReloadTls().ok());
  EXPECT_THAT(ServedCertificate(), HasSubstr(kSubjectB));
}

TEST_F(HttpTlsReloadTest, AMissingOrGarbledFileIsRefusedAndTheOldCertificateServes) {
  StartServer(absl::ZeroDuration());
  ASSERT_EQ(::unlink(live_.key.c_str()), 0);
  absl::Status missing = server_->ReloadTls();
  EXPECT_EQ(missing.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(missing.message()),
              HasSubstr(absl::StrCat("http TLS private key file ", live_.key, ": ")));
  WriteFile(live_.key, ReadFileText(certs_.server.key));
  WriteFile(live_.cert, "not a certificate\n");
  absl::Status garbled = server_->ReloadTls();
  EXPECT_EQ(garbled.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(garbled.message()),
              HasSubstr(absl::StrCat("http TLS certificate file ", live_.cert, ": ")));
  EXPECT_THAT(ServedCertificate(), HasSubstr(kSubjectA));
}

TEST_F(HttpTlsReloadTest, TheReloadIntervalPicksUpRotatedFilesOnItsOwn) {
  StartServer(absl::Milliseconds(50));
  ASSERT_THAT(ServedCertificate(), HasSubstr(kSubjectA));
  Install(b_);
  // Real time (monotonic): the server polls on its own.
  StopFlag never;
  std::string served;
  for (int i = 0; i < 100; ++i) {
    served = ServedCertificate();
    if (served.find(kSubjectB) != std::string::npos) break;
    never.WaitFor(absl::Milliseconds(50));
  }
  EXPECT_THAT(served, HasSubstr(kSubjectB));
}

TEST_F(HttpTlsReloadTest, AnOpenStreamKeepsFlowingAcrossARotation) {
  StartServer(absl::ZeroDuration());
  auto stream = Curl("/v1/banners/stream?app=shop&path=/checkout", {"-N"});
  ASSERT_TRUE(stream->WaitFor("id: 1\n", absl::Seconds(10))) << stream->output();
  Install(b_);
  ASSERT_TRUE(server_->ReloadTls().ok());
  hub_.Publish(WorldWith(2, {"Checkout is fixed"}));
  ASSERT_TRUE(stream->WaitFor("id: 2\n", absl::Seconds(10))) << stream->output();
  EXPECT_THAT(SetEvents(stream->output()).back().data, HasSubstr("Checkout is fixed"));
  EXPECT_THAT(ServedCertificate(), HasSubstr(kSubjectB));
}

TEST_F(HttpTlsReloadTest, ReloadWithoutTlsIsAFailedPrecondition) {
  HttpServerOptions options;
  options.address = "127.0.0.1";
  options.port = 0;
  HttpServer plain(options);
  ASSERT_TRUE(plain.Start().ok());
  EXPECT_EQ(plain.ReloadTls().code(), absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace statuscast
