#include "libs/base/fingerprint.h"

#include "gtest/gtest.h"

namespace statuscast {
namespace {

TEST(FingerprintTest, IsStableAcrossReleases) {
  // Stored idempotency fingerprints are compared with new ones after an
  // upgrade: this value must never change.
  EXPECT_EQ(Fingerprint({}), "14650fb0739d0383");
  EXPECT_EQ(Fingerprint({"INC-1", "3"}), Fingerprint({"INC-1", "3"}));
  EXPECT_EQ(Fingerprint({"a"}).size(), 16u);
}

TEST(FingerprintTest, FieldBoundariesMatter) {
  EXPECT_NE(Fingerprint({"a", "bc"}), Fingerprint({"ab", "c"}));
  EXPECT_NE(Fingerprint({"ab"}), Fingerprint({"a", "b"}));
  EXPECT_NE(Fingerprint({""}), Fingerprint({}));
}

}  // namespace
}  // namespace statuscast
