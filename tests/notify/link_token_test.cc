#include "libs/notify/link_token.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace statuscast {
namespace {

using ::testing::HasSubstr;

const absl::Time kStart = absl::FromUnixSeconds(1795000000);
const std::string kKey(32, 'k');

class LinkTokenTest : public ::testing::Test {
 protected:
  FakeClock clock_{kStart};
  LinkTokenSigner signer_ = *LinkTokenSigner::Create(kKey, &clock_);
};

TEST_F(LinkTokenTest, AnIssuedTokenVerifiesToItsSubscriberUntilItExpires) {
  std::string token = signer_.Issue(LinkPurpose::kConfirm, "sub-42", kStart + absl::Hours(48));
  EXPECT_EQ(token.find_first_of("+/= \n"), std::string::npos) << "URL-safe: " << token;
  absl::StatusOr<std::string> id = signer_.Verify(LinkPurpose::kConfirm, token);
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_EQ(*id, "sub-42");

  clock_.Advance(absl::Hours(48) - absl::Seconds(1));
  EXPECT_TRUE(signer_.Verify(LinkPurpose::kConfirm, token).ok());
  clock_.Advance(absl::Seconds(1));
  absl::Status expired = signer_.Verify(LinkPurpose::kConfirm, token).status();
  EXPECT_EQ(expired.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(expired.message()), HasSubstr("link token expired at "));
}

TEST_F(LinkTokenTest, AConfirmTokenCannotUnsubscribe) {
  std::string token = signer_.Issue(LinkPurpose::kConfirm, "sub-42", kStart + absl::Hours(1));
  absl::Status s = signer_.Verify(LinkPurpose::kUnsubscribe, token).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(s.message(), "link token is for confirm, not unsubscribe");
}

TEST_F(LinkTokenTest, AnAlteredTokenIsForged) {
  std::string token = signer_.Issue(LinkPurpose::kUnsubscribe, "sub-42", kStart + absl::Hours(1));
  // Re-sign the payload for another subscriber with the old signature.
  std::string other = signer_.Issue(LinkPurpose::kUnsubscribe, "sub-43", kStart + absl::Hours(1));
  std::string spliced = other.substr(0, other.find('.')) + token.substr(token.find('.'));
  absl::Status s = signer_.Verify(LinkPurpose::kUnsubscribe, spliced).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(std::string(s.message()), HasSubstr("signature does not match"));

  // A flipped character in the signature.
  std::string flipped = token;
  flipped.back() = flipped.back() == 'A' ? 'B' : 'A';
  EXPECT_EQ(signer_.Verify(LinkPurpose::kUnsubscribe, flipped).status().code(),
            absl::StatusCode::kUnauthenticated);
}

TEST_F(LinkTokenTest, ATokenFromAnotherKeyIsForged) {
  LinkTokenSigner other = *LinkTokenSigner::Create(std::string(32, 'x'), &clock_);
  std::string token = other.Issue(LinkPurpose::kUnsubscribe, "sub-42", kStart + absl::Hours(1));
  EXPECT_EQ(signer_.Verify(LinkPurpose::kUnsubscribe, token).status().code(),
            absl::StatusCode::kUnauthenticated);
}

TEST_F(LinkTokenTest, GarbageIsMalformed) {
  for (const char* t : {"", "abc", "a.b.c", ".x", "!!!.???"}) {
    absl::Status s = signer_.Verify(LinkPurpose::kConfirm, t).status();
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << t;
    EXPECT_THAT(std::string(s.message()), HasSubstr("link token is malformed")) << t;
  }
}

TEST(LinkTokenSigner, RefusesAShortKey) {
  FakeClock clock(kStart);
  absl::StatusOr<LinkTokenSigner> s = LinkTokenSigner::Create("short", &clock);
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.status().message()), HasSubstr("at least 32"));
}

}  // namespace
}  // namespace statuscast
