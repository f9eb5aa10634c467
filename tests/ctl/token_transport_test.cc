#include "services/ctl/token_transport.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace statuscast {
namespace ctl {
namespace {

using ::testing::HasSubstr;

TokenTransport Plaintext(const std::string& target) {
  TokenTransport t;
  t.target = target;
  t.has_token = true;
  return t;
}

TEST(TokenTransportTest, LoopbackTargetsAreRecognised) {
  for (const char* target : {"127.0.0.1:7400", "127.1.2.3:7400", "localhost:7400", "LOCALHOST:7400",
                             "[::1]:7400", "dns:///localhost:7400", "ipv4:127.0.0.1:7400",
                             "unix:/run/statuscast.sock", "[::ffff:127.0.0.1]:7400"}) {
    EXPECT_TRUE(IsLoopbackTarget(target)) << target;
  }
  for (const char* target :
       {"10.0.0.5:7400", "comms.internal:7400", "[2001:db8::1]:7400",
        "dns:///comms.example.com:443", "localhost.example.com:7400", "127.0.0.1.nip.io:7400"}) {
    EXPECT_FALSE(IsLoopbackTarget(target)) << target;
  }
}

TEST(TokenTransportTest, APlaintextTokenToAnotherHostIsRefusedNamingTheWayOut) {
  std::string warning;
  absl::Status s = CheckTokenTransport(Plaintext("comms.internal:7400"), &warning);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(s.message()),
              HasSubstr("refusing to send the API token in plaintext to comms.internal:7400"));
  EXPECT_THAT(std::string(s.message()), HasSubstr("nothing was sent"));
  EXPECT_THAT(std::string(s.message()), HasSubstr("--insecure"));
  EXPECT_THAT(std::string(s.message()), HasSubstr("--tls_ca"));
  EXPECT_TRUE(warning.empty());
}

TEST(TokenTransportTest, InsecureSendsAnywayWithAWarning) {
  TokenTransport t = Plaintext("10.0.0.5:7401");
  t.target_flag = "--banner_server";
  t.insecure = true;
  std::string warning;
  EXPECT_TRUE(CheckTokenTransport(t, &warning).ok());
  EXPECT_THAT(warning, HasSubstr("plaintext to 10.0.0.5:7401 (--banner_server, --insecure)"));
}

TEST(TokenTransportTest, TlsLoopbackOrNoTokenNeedNoFlag) {
  std::string warning;
  TokenTransport tls = Plaintext("comms.internal:7400");
  tls.tls = true;
  EXPECT_TRUE(CheckTokenTransport(tls, &warning).ok());
  EXPECT_TRUE(CheckTokenTransport(Plaintext("127.0.0.1:7400"), &warning).ok());
  TokenTransport no_token = Plaintext("comms.internal:7400");
  no_token.has_token = false;
  EXPECT_TRUE(CheckTokenTransport(no_token, &warning).ok());
  EXPECT_TRUE(warning.empty());
}

}  // namespace
}  // namespace ctl
}  // namespace statuscast
