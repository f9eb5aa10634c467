#include "libs/auth/token_verifier.h"

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "libs/auth/token_issuer.h"
#include "tests/auth/memory_token_store.h"

namespace statuscast {
namespace {

class TokenVerifierTest : public ::testing::Test {
 protected:
  TokenVerifierTest()
      : clock_(absl::FromUnixSeconds(1800000000)),
        issuer_(store_, clock_),
        verifier_(store_, clock_),
        other_replica_(store_, clock_) {}

  std::string Issue(const std::string& name, Scope scope) {
    absl::StatusOr<IssuedToken> t = issuer_.Create(name, scope, {}, "test", "r1");
    EXPECT_TRUE(t.ok()) << t.status();
    return t.ok() ? "Bearer " + t->secret : "";
  }

  testing::MemoryTokenStore store_;
  FakeClock clock_;
  TokenIssuer issuer_;
  TokenVerifier verifier_;
  TokenVerifier other_replica_;
};

TEST_F(TokenVerifierTest, AValidTokenGivesItsNameAndScope) {
  std::string token = Issue("alice", Scope::kWrite);
  absl::StatusOr<Principal> p = verifier_.Authorize(token, Scope::kRead, "GetIncident");
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->name, "alice");
  EXPECT_EQ(p->scope, Scope::kWrite);
  EXPECT_TRUE(p->authenticated);
}

TEST_F(TokenVerifierTest, AHigherScopeIncludesTheLowerOnes) {
  EXPECT_TRUE(ScopeAllows(Scope::kAdmin, Scope::kWrite));
  EXPECT_TRUE(ScopeAllows(Scope::kAdmin, Scope::kRead));
  EXPECT_TRUE(ScopeAllows(Scope::kWrite, Scope::kRead));
  EXPECT_FALSE(ScopeAllows(Scope::kWrite, Scope::kAdmin));
  EXPECT_FALSE(ScopeAllows(Scope::kRead, Scope::kWrite));
}

TEST_F(TokenVerifierTest, ALowScopeIsPermissionDeniedNamingTheScopeNeeded) {
  std::string token = Issue("viewer", Scope::kRead);
  absl::StatusOr<Principal> p = verifier_.Authorize(token, Scope::kWrite, "PostUpdate");
  EXPECT_EQ(p.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(p.status().message(),
            "PostUpdate needs a token with scope write; token \"viewer\" has scope read");
}

TEST_F(TokenVerifierTest, TheBearerSchemeIsCaseInsensitiveAndSpacesAreTrimmed) {
  std::string token = Issue("alice", Scope::kRead);
  EXPECT_TRUE(verifier_.Authorize("  bearer " + token.substr(7) + " ", Scope::kRead, "X").ok());
  absl::StatusOr<Principal> p = verifier_.Authorize("Basic YWxpY2U6cHc=", Scope::kRead, "X");
  EXPECT_EQ(p.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_TRUE(absl::StrContains(p.status().message(), "must be \"Bearer <token>\""));
}

TEST_F(TokenVerifierTest, AValidTokenIsCachedForAFewSecondsOnly) {
  std::string token = Issue("alice", Scope::kRead);
  ASSERT_TRUE(verifier_.Authorize(token, Scope::kRead, "X").ok());
  ASSERT_TRUE(verifier_.Authorize(token, Scope::kRead, "X").ok());
  EXPECT_EQ(store_.lookups(), 1);
  clock_.Advance(absl::Seconds(5));
  ASSERT_TRUE(verifier_.Authorize(token, Scope::kRead, "X").ok());
  EXPECT_EQ(store_.lookups(), 2);
}

TEST_F(TokenVerifierTest, ARevokeElsewhereTakesEffectWithinTheCacheLifetime) {
  std::string token = Issue("alice", Scope::kRead);
  ASSERT_TRUE(other_replica_.Authorize(token, Scope::kRead, "X").ok());
  ASSERT_TRUE(issuer_.Revoke("alice", "admin", "r2").ok());
  verifier_.ForgetCached();  // the replica that served the revoke
  EXPECT_EQ(verifier_.Authorize(token, Scope::kRead, "X").status().code(),
            absl::StatusCode::kUnauthenticated);
  // Another replica may still accept it from its cache, but not for long.
  EXPECT_TRUE(other_replica_.Authorize(token, Scope::kRead, "X").ok());
  clock_.Advance(absl::Seconds(5));
  absl::StatusOr<Principal> p = other_replica_.Authorize(token, Scope::kRead, "X");
  EXPECT_EQ(p.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_TRUE(absl::StrContains(p.status().message(), "token \"alice\" was revoked at"));
}

TEST_F(TokenVerifierTest, ExpiryIsCheckedEvenForACachedToken) {
  TokenExpiry expiry;
  expiry.ttl = absl::Seconds(3);
  absl::StatusOr<IssuedToken> t = issuer_.Create("brief", Scope::kRead, expiry, "test", "r");
  ASSERT_TRUE(t.ok());
  const std::string token = "Bearer " + t->secret;
  ASSERT_TRUE(verifier_.Authorize(token, Scope::kRead, "X").ok());
  clock_.Advance(absl::Seconds(3));
  absl::StatusOr<Principal> p = verifier_.Authorize(token, Scope::kRead, "X");
  EXPECT_EQ(p.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_TRUE(absl::StrContains(p.status().message(), "token \"brief\" expired at"));
  EXPECT_EQ(store_.lookups(), 2);
}

TEST_F(TokenVerifierTest, AFailureIsNotCachedAndAnUnreachableStoreIsUnavailable) {
  std::string token = Issue("alice", Scope::kRead);
  store_.set_unavailable(true);
  EXPECT_EQ(verifier_.Authorize(token, Scope::kRead, "X").status().code(),
            absl::StatusCode::kUnavailable);
  store_.set_unavailable(false);
  EXPECT_TRUE(verifier_.Authorize(token, Scope::kRead, "X").ok());
}

TEST_F(TokenVerifierTest, MissingAndUnknownTokensSayHowToGetOne) {
  absl::StatusOr<Principal> p = verifier_.Authorize("", Scope::kRead, "X");
  EXPECT_EQ(p.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_TRUE(absl::StrContains(p.status().message(), "set STATUSCAST_TOKEN or --token"));
  p = verifier_.Authorize("Bearer sct_nope", Scope::kRead, "X");
  EXPECT_EQ(p.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_TRUE(absl::StrContains(p.status().message(), "unknown token"));
}

}  // namespace
}  // namespace statuscast
