#include "libs/base/time_text.h"

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace statuscast {
namespace {

absl::Time At(int day, int hour, int minute, int second = 0) {
  return absl::FromCivil(absl::CivilSecond(2026, 11, day, hour, minute, second),
                         absl::UTCTimeZone());
}

TEST(TimeTextTest, UtcFormatsTruncateToTheirUnit) {
  const absl::Time t = At(27, 14, 30, 59) + absl::Milliseconds(999);
  EXPECT_EQ(FormatUtc(t), "2026-11-27 14:30:59 UTC");
  EXPECT_EQ(FormatUtcMinute(t), "2026-11-27 14:30 UTC");
  EXPECT_EQ(FormatUtcClock(t), "14:30 UTC");
  EXPECT_EQ(FormatUtcClock(At(27, 0, 5)), "00:05 UTC");
  EXPECT_EQ(FormatRfc3339(t), "2026-11-27T14:30:59Z");
  EXPECT_EQ(FormatRfc3339(absl::FromUnixSeconds(1700000000)), "2023-11-14T22:13:20Z");
}

TEST(TimeTextTest, NearShowsTheDateOnlyOffNowsUtcDay) {
  EXPECT_EQ(FormatUtcNear(At(27, 14, 30), At(27, 9, 0)), "14:30 UTC");
  EXPECT_EQ(FormatUtcNear(At(27, 23, 59), At(27, 0, 0)), "23:59 UTC");
  EXPECT_EQ(FormatUtcNear(At(28, 0, 1), At(27, 23, 59)), "2026-11-28 00:01 UTC");
  EXPECT_EQ(FormatUtcNear(At(26, 14, 30), At(27, 9, 0)), "2026-11-26 14:30 UTC");
}

TEST(TimeTextTest, ShortDurationRoundsToTheMinuteAndDropsTheSign) {
  EXPECT_EQ(ShortDuration(absl::Seconds(20)), "20s");
  EXPECT_EQ(ShortDuration(absl::Seconds(29)), "29s");
  EXPECT_EQ(ShortDuration(absl::Seconds(30)), "1m");
  EXPECT_EQ(ShortDuration(absl::Minutes(12)), "12m");
  EXPECT_EQ(ShortDuration(absl::Minutes(59) + absl::Seconds(40)), "1h");
  EXPECT_EQ(ShortDuration(absl::Minutes(90)), "1h30m");
  EXPECT_EQ(ShortDuration(-absl::Minutes(4)), "4m");
}

TEST(TimeTextTest, FormatSpanIsSignedWithPaddedMinutesAndDaysFromTwoDays) {
  EXPECT_EQ(FormatSpan(absl::Seconds(45)), "45s");
  EXPECT_EQ(FormatSpan(absl::Minutes(58) + absl::Seconds(59)), "59m");
  EXPECT_EQ(FormatSpan(absl::Minutes(125)), "2h05m");
  EXPECT_EQ(FormatSpan(absl::Hours(47) + absl::Minutes(59)), "47h59m");
  EXPECT_EQ(FormatSpan(absl::Hours(76)), "3d04h");
  EXPECT_EQ(FormatSpan(-absl::Minutes(12)), "-12m");
}

}  // namespace
}  // namespace statuscast
