// Clock times with zones as customers read them: what states a promised time.
#include "libs/lint/clock_text.h"

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace statuscast {
namespace lint {
namespace {

absl::Time Utc(int hour, int minute) {
  return absl::FromCivil(absl::CivilMinute(2026, 1, 15, hour, minute), absl::UTCTimeZone());
}

TEST(ClockTextTest, UtcAndGmtInEveryCommonSpelling) {
  const absl::Time t = Utc(14, 30);
  for (const char* text :
       {"Next update at 14:30 UTC.", "by 2:30pm UTC", "by 2.30 p.m. GMT", "at 14.30 GMT",
        "at 14:30 (UTC)", "at 14h30 UTC", "at 14:30Z", "at 2:30 PM UTC"}) {
    EXPECT_TRUE(StatesClockTime(text, t)) << text;
  }
}

TEST(ClockTextTest, LocalZonesAreConvertedToUtc) {
  const absl::Time t = Utc(14, 30);
  for (const char* text :
       {"by 15:30 BST", "at 15:30 CET", "Next update: 16h30 CEST", "at 10:30am ET",
        "at 9:30 a.m. EST", "at 23:30 JST", "at 22:30 SGT", "at 20:00 IST", "at 01:30 AEDT",
        "at 07:30 PDT", "at 11:30 BRT", "at 16:30 UTC+2", "at 12:30 GMT-02:00",
        "at 15:30 UK time", "at 9:30am Eastern time"}) {
    EXPECT_TRUE(StatesClockTime(text, t)) << text;
  }
}

TEST(ClockTextTest, CityTimesAndRunTogetherHoursAreRead) {
  const absl::Time t = Utc(14, 30);
  for (const char* text : {"Next update at 1430 UTC.", "by 1530 CET", "at 15:30 Paris time",
                           "at 23:30 Tokyo time", "at 9:30am New York time",
                           "at 14:30 UTC time"}) {
    EXPECT_TRUE(StatesClockTime(text, t)) << text;
  }
  // Run-together digits need four of them and a zone in capitals; an unknown
  // place's time is no zone.
  for (const char* text : {"by 930 UTC", "in 1430 utc", "at 14:30 local time",
                           "at 14:30 office time"}) {
    EXPECT_TRUE(FindZonedClocks(text).empty()) << text;
  }
}

TEST(ClockTextTest, NoonAndMidnight) {
  EXPECT_TRUE(StatesClockTime("Next update at noon UTC.", Utc(12, 0)));
  EXPECT_TRUE(StatesClockTime("Next update at 12 noon GMT.", Utc(12, 0)));
  EXPECT_TRUE(StatesClockTime("Next update at midnight UTC.", Utc(0, 0)));
}

TEST(ClockTextTest, ClocksInWords) {
  EXPECT_TRUE(StatesClockTime("we'll update this page by half past ten (GMT)", Utc(10, 30)));
  EXPECT_TRUE(StatesClockTime("by half past ten GMT", Utc(22, 30)));  // am or pm
  EXPECT_TRUE(StatesClockTime("at quarter past 3pm UTC", Utc(15, 15)));
  EXPECT_TRUE(StatesClockTime("at quarter to four pm BST", Utc(14, 45)));
  EXPECT_FALSE(StatesClockTime("at half past ten", Utc(10, 30)));  // no zone
}

TEST(ClockTextTest, ATimeWithoutAZoneStatesNothing) {
  EXPECT_FALSE(StatesClockTime("Next update at 14:30.", Utc(14, 30)));
  EXPECT_FALSE(StatesClockTime("Next update at 2:30pm today.", Utc(14, 30)));
}

TEST(ClockTextTest, AnotherTimeOrABareHourIsNotThePromise) {
  EXPECT_FALSE(StatesClockTime("Next update at 14:45 UTC.", Utc(14, 30)));
  EXPECT_FALSE(StatesClockTime("Next update at 15:30 UTC.", Utc(14, 30)));  // not BST
  EXPECT_FALSE(StatesClockTime("about 14 UTC", Utc(14, 0)));  // a count, not a clock
  EXPECT_FALSE(StatesClockTime("13:00 to 14:00 on our side", Utc(14, 0)));
}

TEST(ClockTextTest, FindsEveryZonedClockWithItsSpan) {
  const std::string text = "From 09:10 to 09:45 UTC; next update by 10:30 CET.";
  std::vector<ZonedClock> clocks = FindZonedClocks(text);
  ASSERT_EQ(clocks.size(), 2u);  // 09:10 has no zone of its own.
  EXPECT_EQ(text.substr(clocks[0].begin, clocks[0].end - clocks[0].begin), "09:45 UTC");
  EXPECT_EQ(clocks[0].local_minute_of_day, 9 * 60 + 45);
  EXPECT_EQ(clocks[1].offsets_minutes, std::vector<int>{60});
}

TEST(ClockTextTest, PromisedClocksAreTheTimesTheNextUpdateIsNamedFor) {
  auto promised = [](const std::string& text) {
    std::vector<std::string> out;
    for (const ZonedClock& c : FindPromisedClocks(text)) {
      out.push_back(text.substr(c.begin, c.end - c.begin));
    }
    return out;
  };
  EXPECT_THAT(promised("From 09:10 to 09:45 UTC; next update by 10:30 CET."),
              ::testing::ElementsAre("10:30 CET"));
  EXPECT_THAT(promised("Errors began at 13:05 UTC. We'll update this page at 2.30pm BST."),
              ::testing::ElementsAre("2.30pm BST"));
  EXPECT_THAT(promised("We'll post another update around 14:30 UTC."),
              ::testing::ElementsAre("14:30 UTC"));
  EXPECT_THAT(promised("Updates by 14:30 UTC."), ::testing::ElementsAre("14:30 UTC"));
  EXPECT_THAT(promised("Since our update at 13:05 UTC, errors have dropped."),
              ::testing::IsEmpty());
  EXPECT_THAT(promised("Next update soon. Errors began at 13:05 UTC."), ::testing::IsEmpty());
  EXPECT_TRUE(ClockIsTime(FindPromisedClocks("Next update by 3:45pm BST.")[0], Utc(14, 45)));
}

TEST(ClockTextTest, AmbiguousZonesAcceptEveryReading) {
  // IST: India (+5:30), Ireland (+1), Israel (+2).
  EXPECT_TRUE(StatesClockTime("at 20:00 IST", Utc(14, 30)));
  EXPECT_TRUE(StatesClockTime("at 15:30 IST", Utc(14, 30)));
  EXPECT_TRUE(StatesClockTime("at 16:30 IST", Utc(14, 30)));
  EXPECT_FALSE(StatesClockTime("at 17:30 IST", Utc(14, 30)));
}

}  // namespace
}  // namespace lint
}  // namespace statuscast
