#include "services/ctl/inputs.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace statuscast {
namespace ctl {
namespace {

using ::testing::HasSubstr;

absl::Time At(const char* rfc3339) {
  absl::Time t;
  std::string err;
  EXPECT_TRUE(absl::ParseTime(absl::RFC3339_full, rfc3339, &t, &err)) << err;
  return t;
}

const absl::Time kNow = At("2026-11-27T14:02:30Z");

TEST(NextInputTest, RelativeSpanCountsFromNow) {
  EXPECT_EQ(*ParseNextInput("30m", kNow), kNow + absl::Minutes(30));
  EXPECT_EQ(*ParseNextInput("+1h30m", kNow), kNow + absl::Minutes(90));
  EXPECT_EQ(*ParseNextInput("in 45m", kNow), kNow + absl::Minutes(45));
}

TEST(NextInputTest, ClockTimeIsTodayInUtc) {
  EXPECT_EQ(*ParseNextInput("14:30", kNow), At("2026-11-27T14:30:00Z"));
  EXPECT_EQ(*ParseNextInput("14:30 UTC", kNow), At("2026-11-27T14:30:00Z"));
}

TEST(NextInputTest, ClockTimeJustAfterMidnightMeansTomorrow) {
  EXPECT_EQ(*ParseNextInput("00:15", At("2026-11-27T23:50:00Z")), At("2026-11-28T00:15:00Z"));
}

TEST(NextInputTest, ClockTimeAlreadyPassedIsRejected) {
  absl::StatusOr<absl::Time> t = ParseNextInput("13:30", kNow);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(t.status().message(), HasSubstr("13:30 UTC has already passed (now is 14:02 UTC)"));
}

TEST(NextInputTest, AbsoluteTimesInEveryAcceptedForm) {
  EXPECT_EQ(*ParseNextInput("2026-11-27T14:30:00Z", kNow), At("2026-11-27T14:30:00Z"));
  EXPECT_EQ(*ParseNextInput("2026-11-27T15:30:00+01:00", kNow), At("2026-11-27T14:30:00Z"));
  EXPECT_EQ(*ParseNextInput("2026-11-27T14:30Z", kNow), At("2026-11-27T14:30:00Z"));
  EXPECT_EQ(*ParseNextInput("2026-11-27 14:30 UTC", kNow), At("2026-11-27T14:30:00Z"));
}

TEST(NextInputTest, PastOrNonsenseIsRejectedWithTheAcceptedForms) {
  absl::StatusOr<absl::Time> past = ParseNextInput("2026-11-27T13:00:00Z", kNow);
  ASSERT_FALSE(past.ok());
  EXPECT_THAT(past.status().message(), HasSubstr("is not in the future"));
  absl::StatusOr<absl::Time> minus = ParseNextInput("-5m", kNow);
  ASSERT_FALSE(minus.ok());
  EXPECT_THAT(minus.status().message(), HasSubstr("in the past"));
  absl::StatusOr<absl::Time> junk = ParseNextInput("soon", kNow);
  ASSERT_FALSE(junk.ok());
  EXPECT_THAT(junk.status().message(),
              HasSubstr("\"soon\" is not understood (write 30m for 30 minutes from now"));
  EXPECT_FALSE(ParseNextInput("25:00", kNow).ok());
  EXPECT_FALSE(ParseNextInput("0m", kNow).ok());
  EXPECT_FALSE(ParseNextInput("", kNow).ok());
}

TEST(StartedInputTest, MinusSpanMeansAgo) {
  EXPECT_EQ(*ParseStartedInput("-20m", kNow), kNow - absl::Minutes(20));
  EXPECT_EQ(*ParseStartedInput("20m ago", kNow), kNow - absl::Minutes(20));
  EXPECT_EQ(*ParseStartedInput("now", kNow), kNow);
}

TEST(StartedInputTest, ClockTimeIsTheMostRecentOne) {
  EXPECT_EQ(*ParseStartedInput("13:56", kNow), At("2026-11-27T13:56:00Z"));
  EXPECT_EQ(*ParseStartedInput("23:50", At("2026-11-28T00:05:00Z")), At("2026-11-27T23:50:00Z"));
}

TEST(StartedInputTest, Rfc3339AndOurOwnOutputFormat) {
  EXPECT_EQ(*ParseStartedInput("2026-11-27T13:56:00Z", kNow), At("2026-11-27T13:56:00Z"));
  EXPECT_EQ(*ParseStartedInput("2026-11-27 13:56 UTC", kNow), At("2026-11-27T13:56:00Z"));
}

TEST(StartedInputTest, FutureIsRejected) {
  absl::StatusOr<absl::Time> t = ParseStartedInput("2026-11-27T15:00:00Z", kNow);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(t.status().message(),
              HasSubstr("2026-11-27 15:00 UTC is in the future (now is 2026-11-27 14:02 UTC)"));
}

TEST(StartedInputTest, BareSpanIsAmbiguousAndSaysWhatToWrite) {
  absl::StatusOr<absl::Time> t = ParseStartedInput("20m", kNow);
  ASSERT_FALSE(t.ok());
  EXPECT_THAT(t.status().message(), HasSubstr("write -20m for 20m ago"));
  EXPECT_FALSE(ParseStartedInput("-20x", kNow).ok());
  EXPECT_FALSE(ParseStartedInput("yesterday", kNow).ok());
}

TEST(PastInputTest, DatesAndBareSpans) {
  EXPECT_EQ(*ParsePastInput("2026-11-20", kNow), At("2026-11-20T00:00:00Z"));
  EXPECT_EQ(*ParsePastInput("24h", kNow), kNow - absl::Hours(24));
  EXPECT_EQ(*ParsePastInput("7d", kNow), kNow - absl::Hours(24 * 7));
  EXPECT_FALSE(ParsePastInput("2027-01-01", kNow).ok());
}

TEST(SpanTest, UnitsAndErrors) {
  EXPECT_EQ(*ParseSpan("90s"), absl::Seconds(90));
  EXPECT_EQ(*ParseSpan("1h30m"), absl::Minutes(90));
  EXPECT_EQ(*ParseSpan("2d"), absl::Hours(48));
  absl::StatusOr<absl::Duration> bad = ParseSpan("30");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().message(), HasSubstr("\"30\" is not a time span (write e.g. 20m"));
  EXPECT_FALSE(ParseSpan("m").ok());
  EXPECT_FALSE(ParseSpan("1w").ok());
}

TEST(ComponentsInputTest, NamesWithOptionalStatus) {
  auto comps = ParseComponentsInput("checkout:major_outage, payments ,search:degraded");
  ASSERT_TRUE(comps.ok()) << comps.status();
  ASSERT_EQ(comps->size(), 3u);
  EXPECT_EQ((*comps)[0].name(), "checkout");
  EXPECT_EQ((*comps)[0].status(), v1::COMPONENT_STATUS_MAJOR_OUTAGE);
  EXPECT_EQ((*comps)[1].name(), "payments");
  EXPECT_EQ((*comps)[1].status(), v1::COMPONENT_STATUS_UNSPECIFIED);
  EXPECT_EQ((*comps)[2].status(), v1::COMPONENT_STATUS_DEGRADED_PERFORMANCE);
  auto dashed = ParseComponentsInput("api:under-maintenance");
  ASSERT_TRUE(dashed.ok());
  EXPECT_EQ((*dashed)[0].status(), v1::COMPONENT_STATUS_UNDER_MAINTENANCE);
}

TEST(ComponentsInputTest, UnknownStatusListsTheValidOnes) {
  auto comps = ParseComponentsInput("checkout:broken");
  ASSERT_FALSE(comps.ok());
  EXPECT_EQ(comps.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(comps.status().message(),
              HasSubstr("component \"checkout\": unknown status \"broken\" (use operational, "
                        "degraded_performance, partial_outage, major_outage or "
                        "under_maintenance)"));
}

TEST(ComponentsInputTest, DuplicatesEmptyNamesAndEmptyListsAreRejected) {
  EXPECT_THAT(ParseComponentsInput("a,a:major").status().message(),
              HasSubstr("\"a\" is listed twice"));
  EXPECT_THAT(ParseComponentsInput(":major").status().message(),
              HasSubstr("has no component name"));
  EXPECT_THAT(ParseComponentsInput(" , ").status().message(), HasSubstr("no component given"));
  EXPECT_FALSE(ParseComponentsInput("checkout:").ok());
}

TEST(SeverityInputTest, AcceptsEveryForm) {
  EXPECT_EQ(*ParseSeverityInput("SEV-1"), v1::SEVERITY_SEV1);
  EXPECT_EQ(*ParseSeverityInput("sev1"), v1::SEVERITY_SEV1);
  EXPECT_EQ(*ParseSeverityInput("2"), v1::SEVERITY_SEV2);
  EXPECT_EQ(*ParseSeverityInput("Sev-3"), v1::SEVERITY_SEV3);
}

TEST(SeverityInputTest, UnknownSaysWhichAreValid) {
  auto s = ParseSeverityInput("sev4");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.status().message(), "unknown severity \"sev4\" (use SEV-1, SEV-2 or SEV-3)");
  EXPECT_FALSE(ParseSeverityInput("").ok());
  EXPECT_FALSE(ParseSeverityInput("0").ok());
}

TEST(SeverityInputTest, ListsForFilters) {
  auto sevs = ParseSeverityList("SEV-1,sev2,1");
  ASSERT_TRUE(sevs.ok());
  EXPECT_THAT(*sevs, ::testing::ElementsAre(v1::SEVERITY_SEV1, v1::SEVERITY_SEV2));
  EXPECT_THAT(ParseStateList("open").status().message(), HasSubstr("unknown state \"open\""));
}

TEST(ChannelsInputTest, NamesAndAliases) {
  auto ch = ParseChannelsInput("in_app_banner,status_page,public");
  ASSERT_TRUE(ch.ok());
  EXPECT_THAT(*ch, ::testing::ElementsAre(v1::CHANNEL_IN_APP_BANNER, v1::CHANNEL_STATUS_PAGE,
                                          v1::CHANNEL_PUBLIC));
  EXPECT_THAT(*ParseChannelsInput("banner,page"),
              ::testing::ElementsAre(v1::CHANNEL_IN_APP_BANNER, v1::CHANNEL_STATUS_PAGE));
  EXPECT_THAT(ParseChannelsInput("email").status().message(),
              HasSubstr("unknown channel \"email\" (use in_app_banner, status_page or public)"));
}

TEST(IncidentRefTest, NormalisesAndRejects) {
  EXPECT_EQ(*ParseIncidentRef("INC-12"), "INC-12");
  EXPECT_EQ(*ParseIncidentRef("inc-12"), "INC-12");
  EXPECT_EQ(*ParseIncidentRef("12"), "INC-12");
  EXPECT_EQ(*ParseIncidentRef("#12"), "INC-12");
  EXPECT_EQ(ParseIncidentRef("checkout").status().message(),
            "\"checkout\" is not an incident reference (like INC-12)");
  EXPECT_FALSE(ParseIncidentRef("INC-").ok());
  EXPECT_FALSE(ParseIncidentRef("INC-0").ok());
}

TEST(IdempotencyKeyTest, RandomHex128) {
  std::string a = NewIdempotencyKey(), b = NewIdempotencyKey();
  EXPECT_EQ(a.size(), 32u);
  EXPECT_NE(a, b);
  EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos);
}

}  // namespace
}  // namespace ctl
}  // namespace statuscast
