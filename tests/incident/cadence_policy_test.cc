#include "libs/incident/cadence_policy.h"

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "libs/incident/model.h"

namespace statuscast {
namespace {

constexpr char kFormError[] = " is not of the form SEV-1=30m (SEV-1 or SEV-2, a duration)";

absl::StatusOr<CadencePolicy> ParseWithDefaults(const std::string& intervals) {
  return CadencePolicy::Parse(intervals, absl::Minutes(15), absl::Seconds(60));
}

TEST(CadencePolicyTest, DefaultsAreThirtyMinutesForSev1AndSixtyForSev2) {
  CadencePolicy p;
  EXPECT_EQ(p.IntervalFor(Severity::kSev1), absl::Minutes(30));
  EXPECT_EQ(p.IntervalFor(Severity::kSev2), absl::Minutes(60));
  EXPECT_EQ(p.first_communication_target, absl::Minutes(15));
  EXPECT_EQ(p.promise_grace, absl::Seconds(60));
}

TEST(CadencePolicyTest, Sev3HasNoFixedCadence) {
  EXPECT_EQ(CadencePolicy().IntervalFor(Severity::kSev3), absl::nullopt);
}

TEST(CadencePolicyTest, UnspecifiedOrUnknownSeverityHasNoCadence) {
  CadencePolicy p;
  EXPECT_EQ(p.IntervalFor(Severity::kUnspecified), absl::nullopt);
  EXPECT_EQ(p.IntervalFor(static_cast<Severity>(99)), absl::nullopt);
}

TEST(CadencePolicyTest, IntervalForReflectsConfiguredValues) {
  CadencePolicy p;
  p.sev1_interval = absl::Minutes(10);
  p.sev2_interval = absl::Minutes(45);
  EXPECT_EQ(p.IntervalFor(Severity::kSev1), absl::Minutes(10));
  EXPECT_EQ(p.IntervalFor(Severity::kSev2), absl::Minutes(45));
}

TEST(CadencePolicyTest, ParsesBothSeverities) {
  absl::StatusOr<CadencePolicy> p = ParseWithDefaults("SEV-1=20m,SEV-2=90m");
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->IntervalFor(Severity::kSev1), absl::Minutes(20));
  EXPECT_EQ(p->IntervalFor(Severity::kSev2), absl::Minutes(90));
}

TEST(CadencePolicyTest, ParseCarriesTargetAndGrace) {
  absl::StatusOr<CadencePolicy> p =
      CadencePolicy::Parse("SEV-1=30m", absl::Minutes(10), absl::Seconds(30));
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->first_communication_target, absl::Minutes(10));
  EXPECT_EQ(p->promise_grace, absl::Seconds(30));
}

TEST(CadencePolicyTest, ParseKeepsDefaultsForSeveritiesNotListed) {
  absl::StatusOr<CadencePolicy> p = ParseWithDefaults("SEV-1=15m");
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->IntervalFor(Severity::kSev1), absl::Minutes(15));
  EXPECT_EQ(p->IntervalFor(Severity::kSev2), absl::Minutes(60));
}

TEST(CadencePolicyTest, EmptyListGivesTheDefaults) {
  absl::StatusOr<CadencePolicy> p = ParseWithDefaults("");
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->IntervalFor(Severity::kSev1), absl::Minutes(30));
  EXPECT_EQ(p->IntervalFor(Severity::kSev2), absl::Minutes(60));
}

TEST(CadencePolicyTest, ParseToleratesSpacesAlternativeNamesAndEmptyItems) {
  absl::StatusOr<CadencePolicy> p = ParseWithDefaults(" sev1 = 1h30m ,, 2=2h ");
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->IntervalFor(Severity::kSev1), absl::Minutes(90));
  EXPECT_EQ(p->IntervalFor(Severity::kSev2), absl::Hours(2));
}

TEST(CadencePolicyTest, AcceptsExactlyOneMinuteAndExactlyOneDay) {
  absl::StatusOr<CadencePolicy> p = ParseWithDefaults("SEV-1=1m,SEV-2=24h");
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->IntervalFor(Severity::kSev1), absl::Minutes(1));
  EXPECT_EQ(p->IntervalFor(Severity::kSev2), absl::Hours(24));
}

TEST(CadencePolicyTest, RejectsAnEntryWithoutEquals) {
  absl::StatusOr<CadencePolicy> p = ParseWithDefaults("SEV-1");
  EXPECT_EQ(p.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(p.status().message(), std::string("cadence entry \"SEV-1\"") + kFormError);
}

TEST(CadencePolicyTest, RejectsAnUnknownSeverity) {
  absl::StatusOr<CadencePolicy> p = ParseWithDefaults("SEV-4=30m");
  EXPECT_EQ(p.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(p.status().message(), std::string("cadence entry \"SEV-4=30m\"") + kFormError);
}

TEST(CadencePolicyTest, RejectsADurationAbslCannotParse) {
  absl::StatusOr<CadencePolicy> p = ParseWithDefaults("SEV-1=30 minutes");
  EXPECT_EQ(p.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(p.status().message(), std::string("cadence entry \"SEV-1=30 minutes\"") + kFormError);
}

TEST(CadencePolicyTest, RejectsASecondEqualsSign) {
  absl::StatusOr<CadencePolicy> p = ParseWithDefaults("SEV-1=30m=1h");
  EXPECT_EQ(p.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(p.status().message(), std::string("cadence entry \"SEV-1=30m=1h\"") + kFormError);
}

TEST(CadencePolicyTest, NamesTheBadEntryInAListOfGoodOnes) {
  absl::StatusOr<CadencePolicy> p = ParseWithDefaults("SEV-1=30m,SEV-2=soon");
  EXPECT_EQ(p.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(p.status().message(), std::string("cadence entry \"SEV-2=soon\"") + kFormError);
}

TEST(CadencePolicyTest, RejectsACadenceShorterThanOneMinute) {
  absl::StatusOr<CadencePolicy> p = ParseWithDefaults("SEV-1=59s");
  EXPECT_EQ(p.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(p.status().message(), "cadence for SEV-1 must be between 1m and 24h");
}

TEST(CadencePolicyTest, RejectsACadenceLongerThanOneDay) {
  absl::StatusOr<CadencePolicy> p = ParseWithDefaults("SEV-2=24h1s");
  EXPECT_EQ(p.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(p.status().message(), "cadence for SEV-2 must be between 1m and 24h");
}

TEST(CadencePolicyTest, RejectsZeroNegativeAndInfiniteCadences) {
  for (const char* text : {"SEV-1=0", "SEV-1=-30m", "SEV-1=inf"}) {
    absl::StatusOr<CadencePolicy> p = ParseWithDefaults(text);
    EXPECT_EQ(p.status().code(), absl::StatusCode::kInvalidArgument) << text;
    EXPECT_EQ(p.status().message(), "cadence for SEV-1 must be between 1m and 24h") << text;
  }
}

TEST(CadencePolicyTest, RejectsACadenceForSev3) {
  absl::StatusOr<CadencePolicy> p = ParseWithDefaults("SEV-1=30m,SEV-3=2h");
  EXPECT_EQ(p.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(p.status().message(), "SEV-3 has no fixed cadence; remove it from the list");
}

TEST(CadencePolicyTest, RejectsANonPositiveFirstCommunicationTarget) {
  for (absl::Duration target : {absl::ZeroDuration(), absl::Minutes(-1)}) {
    absl::StatusOr<CadencePolicy> p = CadencePolicy::Parse("SEV-1=30m", target, absl::Seconds(60));
    EXPECT_EQ(p.status().code(), absl::StatusCode::kInvalidArgument) << target;
    EXPECT_EQ(p.status().message(),
              "first-communication target must be positive and promise grace not negative");
  }
}

TEST(CadencePolicyTest, RejectsANegativeGraceButAcceptsZero) {
  absl::StatusOr<CadencePolicy> bad =
      CadencePolicy::Parse("SEV-1=30m", absl::Minutes(15), absl::Seconds(-1));
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.status().message(),
            "first-communication target must be positive and promise grace not negative");

  absl::StatusOr<CadencePolicy> zero =
      CadencePolicy::Parse("SEV-1=30m", absl::Minutes(15), absl::ZeroDuration());
  ASSERT_TRUE(zero.ok()) << zero.status();
  EXPECT_EQ(zero->promise_grace, absl::ZeroDuration());
}

}  // namespace
}  // namespace statuscast
