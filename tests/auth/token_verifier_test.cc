#include "libs/auth/token_verifier.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
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

TEST_F(TokenVerifierTest, ARepeatedUnknownTokenCostsOneLookupPerNegativeTtl) {
  const std::string bogus = "Bearer sct_this-token-was-never-issued";
  const int before = store_.lookups();
  for (int i = 0; i < 100; ++i) {
    absl::Status s = verifier_.Authorize(bogus, Scope::kRead, "ListIncidents").status();
    ASSERT_EQ(s.code(), absl::StatusCode::kUnauthenticated);
    ASSERT_TRUE(absl::StrContains(s.message(), "unknown token")) << s;
  }
  EXPECT_EQ(store_.lookups() - before, 1);
  clock_.Advance(absl::Seconds(30));
  EXPECT_FALSE(verifier_.Authorize(bogus, Scope::kRead, "ListIncidents").ok());
  EXPECT_EQ(store_.lookups() - before, 2);
}

TEST_F(TokenVerifierTest, TheNegativeCacheIsBounded) {
  TokenVerifierOptions options;
  options.max_negative_cached = 3;
  TokenVerifier verifier(store_, clock_, options);
  for (int i = 0; i < 4; ++i) {
    EXPECT_FALSE(verifier.Authorize(absl::StrCat("Bearer sct_bogus-", i), Scope::kRead, "m").ok());
  }
  const int before = store_.lookups();
  // The fourth started the cache over: the first is looked up again.
  EXPECT_FALSE(verifier.Authorize("Bearer sct_bogus-0", Scope::kRead, "m").ok());
  EXPECT_EQ(store_.lookups() - before, 1);
}

TEST_F(TokenVerifierTest, AnAddressThatKeepsFailingIsRefusedWithoutALookup) {
  TokenVerifierOptions options;
  options.failure_burst = 5;
  options.failures_per_second = 1;
  TokenVerifier verifier(store_, clock_, options);
  const PeerAddress attacker = PeerFromIp("10.200.0.2");
  const PeerAddress neighbour = PeerFromIp("10.200.0.6");
  const std::string good = Issue("alice", Scope::kRead);
  int before = store_.lookups();
  for (int i = 0; i < 5; ++i) {
    absl::Status s =
        verifier.Authorize(absl::StrCat("Bearer sct_guess-", i), Scope::kRead, "m", &attacker)
            .status();
    EXPECT_EQ(s.code(), absl::StatusCode::kUnauthenticated);
  }
  EXPECT_EQ(store_.lookups() - before, 5);

  before = store_.lookups();
  absl::Status s = verifier.Authorize("Bearer sct_guess-6", Scope::kRead, "m", &attacker).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(s.message(),
            "too many failed authentications from 10.200.0.2; retry in 1s with a valid token");
  // Refused before the store is asked, even with a good token.
  EXPECT_EQ(verifier.Authorize(good, Scope::kRead, "m", &attacker).status().code(),
            absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(store_.lookups() - before, 0);
  // Other addresses are not affected; time gives one more try.
  EXPECT_TRUE(verifier.Authorize(good, Scope::kRead, "m", &neighbour).ok());
  clock_.Advance(absl::Seconds(1));
  EXPECT_TRUE(verifier.Authorize(good, Scope::kRead, "m", &attacker).ok());
}

TEST_F(TokenVerifierTest, LoopbackIsExemptFromTheFailureLimitByDefault) {
  TokenVerifierOptions options;
  options.failure_burst = 1;
  TokenVerifier verifier(store_, clock_, options);
  const PeerAddress local = PeerFromIp("127.0.0.1");
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(verifier.Authorize(absl::StrCat("Bearer sct_x", i), Scope::kRead, "m", &local)
                  .status()
                  .code(),
              absl::StatusCode::kUnauthenticated);
  }
  options.limit_loopback = true;
  TokenVerifier strict(store_, clock_, options);
  EXPECT_FALSE(strict.Authorize("Bearer sct_y", Scope::kRead, "m", &local).ok());
  EXPECT_EQ(strict.Authorize("Bearer sct_z", Scope::kRead, "m", &local).status().code(),
            absl::StatusCode::kResourceExhausted);
}

}  // namespace
}  // namespace statuscast
