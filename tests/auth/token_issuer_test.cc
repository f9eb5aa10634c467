#include "libs/auth/token_issuer.h"

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "libs/auth/token_secret.h"
#include "tests/auth/memory_token_store.h"

namespace statuscast {
namespace {

class TokenIssuerTest : public ::testing::Test {
 protected:
  TokenIssuerTest() : clock_(absl::FromUnixSeconds(1800000000)), issuer_(store_, clock_) {}
  testing::MemoryTokenStore store_;
  FakeClock clock_;
  TokenIssuer issuer_;
};

TEST_F(TokenIssuerTest, SecretsAreRandomPrefixedAndHashedAsSha256Hex) {
  absl::StatusOr<std::string> a = NewTokenSecret();
  absl::StatusOr<std::string> b = NewTokenSecret();
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(*a, *b);
  EXPECT_TRUE(absl::StartsWith(*a, "sct_"));
  EXPECT_EQ(a->size(), 4 + 43u);  // 32 bytes, base64url without padding
  EXPECT_EQ(a->find_first_of("+/="), std::string::npos);
  // echo -n abc | sha256sum
  EXPECT_EQ(HashTokenSecret("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_F(TokenIssuerTest, ATokenExpiresAfterNinetyDaysUnlessToldOtherwise) {
  absl::StatusOr<IssuedToken> t = issuer_.Create("ci", Scope::kWrite, {}, "admin", "r");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->token.expires_at, clock_.Now() + absl::Hours(24 * 90));
  EXPECT_EQ(t->token.created_by, "admin");
  TokenExpiry at;
  at.at = clock_.Now() + absl::Hours(1);
  t = issuer_.Create("ci-2", Scope::kWrite, at, "admin", "r");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->token.expires_at, clock_.Now() + absl::Hours(1));
  EXPECT_EQ(store_.audit(), (std::vector<std::string>{"admin created ci", "admin created ci-2"}));
}

TEST_F(TokenIssuerTest, BadRequestsNameEachField) {
  TokenExpiry past;
  past.at = clock_.Now() - absl::Seconds(1);
  absl::StatusOr<IssuedToken> t = issuer_.Create("-x", absl::nullopt, past, "admin", "r");
  EXPECT_EQ(t.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(t.status().message(), "name: must be 1-64 characters"));
  EXPECT_TRUE(absl::StrContains(t.status().message(), "scope: is required"));
  EXPECT_TRUE(absl::StrContains(t.status().message(), "expires_at: must be in the future"));
  TokenExpiry forever;
  forever.ttl = absl::Hours(24 * 366);
  t = issuer_.Create("ok", Scope::kRead, forever, "admin", "r");
  EXPECT_TRUE(absl::StrContains(t.status().message(), "ttl: is longer than the maximum"));
  EXPECT_TRUE(IsValidTokenName("alice@example.com"));
  EXPECT_TRUE(IsValidTokenName("ci-deploy_2.prod"));
  EXPECT_FALSE(IsValidTokenName("has space"));
  EXPECT_FALSE(IsValidTokenName(std::string(65, 'a')));
}

TEST_F(TokenIssuerTest, RevokingTwiceKeepsTheFirstTime) {
  ASSERT_TRUE(issuer_.Create("ci", Scope::kWrite, {}, "admin", "r").ok());
  absl::StatusOr<TokenRecord> first = issuer_.Revoke("ci", "admin", "r");
  ASSERT_TRUE(first.ok());
  clock_.Advance(absl::Minutes(1));
  absl::StatusOr<TokenRecord> second = issuer_.Revoke("ci", "admin", "r");
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(*second->revoked_at, *first->revoked_at);
  EXPECT_EQ(issuer_.Revoke("nobody", "admin", "r").status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace statuscast
