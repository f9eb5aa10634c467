#include "libs/vocabulary/vocabulary.h"

#include "gtest/gtest.h"

namespace statuscast {
namespace {

TEST(VocabularyTest, NamesAreTheOnesUsersRead) {
  EXPECT_STREQ(SeverityName(Severity::kSev1), "SEV-1");
  EXPECT_STREQ(StateName(IncidentState::kMonitoring), "monitoring");
  EXPECT_STREQ(ComponentStatusName(ComponentStatus::kMajorOutage), "major_outage");
  EXPECT_STREQ(ChannelName(Channel::kInAppBanner), "in_app_banner");
  EXPECT_STREQ(UpdateKindName(UpdateKind::kNoProgress), "no_progress");
  EXPECT_STREQ(SeverityName(static_cast<Severity>(9)), "unspecified");
}

TEST(VocabularyTest, ParsersAcceptTheNamesInAnyCaseAndSpelling) {
  Severity s;
  ASSERT_TRUE(ParseSeverity("sev-2", &s));
  EXPECT_EQ(s, Severity::kSev2);
  ASSERT_TRUE(ParseSeverity("3", &s));
  EXPECT_EQ(s, Severity::kSev3);
  EXPECT_FALSE(ParseSeverity("SEV-4", &s));
  IncidentState st;
  ASSERT_TRUE(ParseState("Identified", &st));
  EXPECT_EQ(st, IncidentState::kIdentified);
  EXPECT_FALSE(ParseState("open", &st));
  ComponentStatus cs;
  ASSERT_TRUE(ParseComponentStatus("partial outage", &cs));
  EXPECT_EQ(cs, ComponentStatus::kPartialOutage);
  Channel c;
  ASSERT_TRUE(ParseChannel("banner", &c));
  EXPECT_EQ(c, Channel::kInAppBanner);
  ASSERT_TRUE(ParseChannel("status-page", &c));
  EXPECT_EQ(c, Channel::kStatusPage);
  EXPECT_FALSE(ParseChannel("email", &c));
}

TEST(VocabularyTest, IsKnownAcceptsUnspecifiedAndRefusesOtherNumbers) {
  EXPECT_TRUE(IsKnown(Severity::kUnspecified));
  EXPECT_TRUE(IsKnown(Severity::kSev3));
  EXPECT_FALSE(IsKnown(static_cast<Severity>(4)));
  EXPECT_FALSE(IsKnown(static_cast<Severity>(-1)));
  EXPECT_TRUE(IsKnown(IncidentState::kResolved));
  EXPECT_FALSE(IsKnown(static_cast<IncidentState>(5)));
  EXPECT_TRUE(IsKnown(Channel::kPublic));
  EXPECT_FALSE(IsKnown(static_cast<Channel>(4)));
}

}  // namespace
}  // namespace statuscast
