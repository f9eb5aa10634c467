// HttpServer over TLS with certificates made by the openssl tool
// (tests/rpc/test_certificates.h) and curl as the real client: snapshots
// and Server-Sent Events over HTTPS, and what happens without the CA or
// without TLS.
#include <stdio.h>
#include <unistd.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/banner/banner_hub.h"
#include "libs/base/clock.h"
#include "libs/http/http_server.h"
#include "services/banner/banner_http_endpoints.h"
#include "tests/http/http_test_util.h"
#include "tests/rpc/test_certificates.h"

namespace statuscast {
namespace {

using ::testing::HasSubstr;
using testing::TestCertificates;
using testing_http::CurlProcess;
using testing_http::RawResponse;
using testing_http::RefusesToStart;
using testing_http::SetEvents;
using testing_http::WorldWith;

constexpr char kShopCheckout[] = "/v1/banners?app=shop&path=/checkout";
constexpr char kStreamShopCheckout[] = "/v1/banners/stream?app=shop&path=/checkout";
// curl's exit code when the server's certificate cannot be verified.
constexpr int kCurlPeerFailedVerification = 60;

class HttpTlsTest : public ::testing::Test {
 protected:
  HttpTlsTest()
      : certs_(TestCertificates::Get()),
        clock_(absl::FromUnixSeconds(1800000000)),
        hub_(clock_, BannerHubOptions{}) {}

  HttpServerOptions TlsOptions() const {
    HttpServerOptions options;
    options.address = "127.0.0.1";
    options.port = 0;
    options.tls_cert_file = certs_.server.cert;
    options.tls_key_file = certs_.server.key;
    return options;
  }

  void StartServer(HttpServerOptions options) {
    server_ = testing_http::StartBannerServer(std::move(options), hub_, clock_);
    ASSERT_NE(server_, nullptr);
    port_ = server_->port();
  }

  std::string Url(const std::string& target, const std::string& host = "127.0.0.1") const {
    return absl::StrCat("https://", host, ":", port_, target);
  }

  // curl with the test CA and `extra` arguments.
  std::unique_ptr<CurlProcess> Curl(const std::string& target, std::vector<std::string> extra,
                                    bool with_ca = true, const std::string& host = "127.0.0.1") {
    std::vector<std::string> args = {"-s", "--max-time", "30"};
    if (with_ca) {
      args.push_back("--cacert");
      args.push_back(certs_.ca.cert);
    }
    for (std::string& e : extra) args.push_back(std::move(e));
    args.push_back(Url(target, host));
    return std::make_unique<CurlProcess>(std::move(args));
  }

  static bool WaitForSet(CurlProcess& curl, int64_t version) {
    const std::string id = std::to_string(version);
    const absl::Time deadline = absl::Now() + absl::Seconds(5);
    for (;;) {
      for (const auto& e : SetEvents(curl.output())) {
        if (e.id == id) return true;
      }
      if (absl::Now() >= deadline) return false;
      curl.Drain(absl::Milliseconds(10));
    }
  }

  const TestCertificates& certs_;
  FakeClock clock_;
  BannerHub hub_;
  std::unique_ptr<HttpServer> server_;
  int port_ = 0;
};

TEST_F(HttpTlsTest, SnapshotOverHttpsWithTheCa) {
  hub_.Publish(WorldWith(3, {"Checkout is slow"}));
  StartServer(TlsOptions());
  auto curl = Curl(kShopCheckout, {"-D", "-"});
  ASSERT_EQ(curl->WaitExit(absl::Seconds(10)), 0) << curl->output();
  RawResponse r = testing_http::ParseResponse(curl->output());
  EXPECT_EQ(r.status, 200) << curl->output();
  EXPECT_EQ(r.body, hub_.Current(BannerTarget{"shop", "/checkout"})->json);
  EXPECT_THAT(r.body, HasSubstr("Checkout is slow"));
}

TEST_F(HttpTlsTest, TheServerNameLocalhostVerifiesToo) {
  hub_.Publish(WorldWith(3, {"x"}));
  StartServer(TlsOptions());
  auto curl = Curl(kShopCheckout,
                   {"--resolve", absl::StrCat("localhost:", port_, ":127.0.0.1"), "-o", "/dev/null",
                    "-w", "%{http_code}"},
                   /*with_ca=*/true, "localhost");
  EXPECT_EQ(curl->WaitExit(absl::Seconds(10)), 0);
  EXPECT_EQ(curl->output(), "200");
}

TEST_F(HttpTlsTest, ClientWithoutTheCaRefusesTheServer) {
  StartServer(TlsOptions());
  auto curl = Curl(kShopCheckout, {}, /*with_ca=*/false);
  EXPECT_EQ(curl->WaitExit(absl::Seconds(10)), kCurlPeerFailedVerification);
  EXPECT_EQ(curl->output(), "");
}

TEST_F(HttpTlsTest, StreamOverHttpsDeliversEveryChange) {
  hub_.Publish(WorldWith(1, {"Checkout is slow"}));
  StartServer(TlsOptions());
  auto curl = Curl(kStreamShopCheckout, {"-N"});
  ASSERT_TRUE(WaitForSet(*curl, 1)) << curl->output();
  EXPECT_THAT(curl->output(), HasSubstr("retry: "));
  hub_.Publish(WorldWith(2, {"Checkout is fixed"}));
  ASSERT_TRUE(WaitForSet(*curl, 2)) << curl->output();
  EXPECT_THAT(SetEvents(curl->output()).back().data, HasSubstr("Checkout is fixed"));

  // Stop ends the stream cleanly: curl sees the last chunk and exits 0.
  server_->Stop();
  EXPECT_EQ(curl->WaitExit(absl::Seconds(5)), 0);
  EXPECT_EQ(hub_.stats().subscribers, 0u);
}

TEST_F(HttpTlsTest, PlaintextToTheTlsPortGetsNoHttpAnswer) {
  hub_.Publish(WorldWith(1, {"x"}));
  StartServer(TlsOptions());
  RawResponse raw = testing_http::Request(port_, "GET", kShopCheckout);
  EXPECT_EQ(raw.status, 0) << raw.raw;
  EXPECT_THAT(raw.raw, ::testing::Not(HasSubstr("HTTP/1.1")));

  auto curl = std::make_unique<CurlProcess>(std::vector<std::string>{
      "-s", "--max-time", "10", absl::StrCat("http://127.0.0.1:", port_, kShopCheckout)});
  EXPECT_NE(curl->WaitExit(absl::Seconds(15)), 0);
  // The server is still fine for TLS clients.
  auto good = Curl(kShopCheckout, {});
  EXPECT_EQ(good->WaitExit(absl::Seconds(10)), 0);
}

TEST_F(HttpTlsTest, LimitsApplyOverTlsToo) {
  hub_.Publish(WorldWith(1, {"x"}));
  HttpServerOptions options = TlsOptions();
  options.limit_loopback = true;
  options.rate_per_ip = 1;
  options.burst_per_ip = 1;
  StartServer(options);
  auto first = Curl(kShopCheckout, {"-o", "/dev/null", "-w", "%{http_code}"});
  EXPECT_EQ(first->WaitExit(absl::Seconds(10)), 0);
  EXPECT_EQ(first->output(), "200");
  auto second = Curl(kShopCheckout, {"-D", "-"});
  EXPECT_EQ(second->WaitExit(absl::Seconds(10)), 0);
  RawResponse r = testing_http::ParseResponse(second->output());
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(r.Header("retry-after"), "1");
}

// `openssl s_client` offering only `ciphers` over TLS 1.2; its output.
std::string OpenSslTls12Handshake(int port, const std::string& ciphers) {
  const std::string command = absl::StrCat("openssl s_client -connect 127.0.0.1:", port,
                                           " -tls1_2 -cipher ", ciphers, " </dev/null 2>&1");
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return "popen failed";
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
  pclose(pipe);
  return out;
}

TEST_F(HttpTlsTest, Tls12WithoutForwardSecrecyOrWithCbcIsRefused) {
  StartServer(TlsOptions());
  for (const char* weak : {"AES128-SHA", "AES256-GCM-SHA384", "ECDHE-RSA-AES128-SHA",
                           "ECDHE-ECDSA-AES128-SHA", "ECDHE-RSA-AES128-SHA256"}) {
    const std::string out = OpenSslTls12Handshake(port_, weak);
    EXPECT_THAT(out, HasSubstr("Cipher is (NONE)")) << weak << ": " << out;
    EXPECT_THAT(out, HasSubstr("handshake failure")) << weak << ": " << out;
  }
}

TEST_F(HttpTlsTest, Tls12WithEcdheAndAeadIsAccepted) {
  StartServer(TlsOptions());
  for (const char* pair : {"ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256",
                           "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305"}) {
    const std::string out = OpenSslTls12Handshake(port_, pair);
    EXPECT_THAT(out, HasSubstr("Protocol  : TLSv1.2")) << pair << ": " << out;
    EXPECT_THAT(out, ::testing::Not(HasSubstr("Cipher is (NONE)"))) << pair << ": " << out;
    EXPECT_THAT(out, ::testing::ContainsRegex("Cipher is ECDHE-(ECDSA|RSA)-")) << out;
  }
}

TEST_F(HttpTlsTest, AConnectionThatNeverStartsTheHandshakeIsClosedAfterTheHeaderTimeout) {
  HttpServerOptions options = TlsOptions();
  options.header_timeout = absl::Milliseconds(300);
  options.request_timeout = absl::Seconds(30);
  StartServer(options);
  const int fd = testing_http::ConnectLocal(port_);
  ASSERT_GE(fd, 0);
  const absl::Time start = absl::Now();
  EXPECT_EQ(testing_http::ReadAll(fd, absl::Seconds(10)), "");
  EXPECT_LT(absl::Now() - start, absl::Seconds(3));
  close(fd);
}

TEST_F(HttpTlsTest, StartFailsOnAMissingCertificate) {
  HttpServerOptions options = TlsOptions();
  options.tls_cert_file = "/nonexistent/server.crt";
  EXPECT_TRUE(RefusesToStart(options, "http TLS certificate file /nonexistent/server.crt"));
}

TEST_F(HttpTlsTest, StartFailsOnAKeyThatDoesNotMatch) {
  HttpServerOptions options = TlsOptions();
  options.tls_key_file = certs_.client.key;
  EXPECT_TRUE(RefusesToStart(options, certs_.client.key));
}

TEST_F(HttpTlsTest, StartFailsOnACertificateWithoutAKey) {
  HttpServerOptions options = TlsOptions();
  options.tls_key_file.clear();
  EXPECT_TRUE(RefusesToStart(options, "both a certificate file and a private key"));
}

TEST_F(HttpTlsTest, StartFailsOnAKeyFileHoldingACertificate) {
  HttpServerOptions options = TlsOptions();
  options.tls_key_file = certs_.server.cert;
  EXPECT_TRUE(RefusesToStart(options, "http TLS private key file " + certs_.server.cert));
}

}  // namespace
}  // namespace statuscast
