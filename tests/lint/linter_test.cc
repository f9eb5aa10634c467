#include "libs/lint/linter.h"

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lint_test_util.h"

namespace statuscast {
namespace lint {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

absl::Time At(const char* rfc3339) {
  absl::Time t;
  std::string err;
  EXPECT_TRUE(absl::ParseTime(absl::RFC3339_full, rfc3339, &t, &err)) << err;
  return t;
}

// The span of the first occurrence of `part` in `text`.
std::pair<size_t, size_t> SpanOf(const std::string& text, const std::string& part) {
  size_t b = text.find(part);
  EXPECT_NE(b, std::string::npos) << part;
  return {b, b + part.size()};
}

void ExpectSpan(const Finding& f, const std::string& text, const std::string& part) {
  auto [b, e] = SpanOf(text, part);
  EXPECT_EQ(f.begin, b) << f.rule_id << " \"" << f.excerpt << "\"";
  EXPECT_EQ(f.end, e) << f.rule_id << " \"" << f.excerpt << "\"";
  EXPECT_EQ(f.excerpt, part);
}

const char kMissionFirst[] =
    "We're investigating reports of slow page loads affecting some users in North America. "
    "Our team is on it; we'll post the next update by 14:30 UTC.";

const char kMissionResolution[] =
    "Resolved: At 14:02 UTC, our payment provider became degraded for about 60% of customers. "
    "Customers experienced timeouts and failed payments for approximately 1 hour 46 minutes. The "
    "issue was caused by a regression in a recent code update; we rolled back at 14:38 and the "
    "service has been stable since 15:48.\n\nWe know this affected your ability to complete "
    "purchases, and we're sorry. We've identified the gap in our pre-deploy testing that allowed "
    "this regression and are adding test coverage this week.\n\nA more detailed postmortem will "
    "be published next week.";

TEST(LinterTest, ApologyVendorAndEtaInputNamesThreeProblemsWithSpansAndRewrites) {
  LintInput in;
  in.message =
      "We sincerely apologize for any inconvenience. AWS is having issues; should be fixed in 30 "
      "minutes.";
  std::vector<Finding> f = LintOrFail(in);
  ASSERT_EQ(f.size(), 3u) << Describe(f);
  EXPECT_EQ(f[0].rule_id, "performative-apology");
  ExpectSpan(f[0], in.message, "sincerely apologize for any inconvenience");
  EXPECT_EQ(f[1].rule_id, "third-party-blame");
  ExpectSpan(f[1], in.message, "AWS is having issues");
  EXPECT_EQ(f[2].rule_id, "eta-clock");
  ExpectSpan(f[2], in.message, "should be fixed in 30 minutes");
  for (const Finding& x : f) {
    EXPECT_FALSE(x.suggestion.empty()) << x.rule_id;
    EXPECT_FALSE(x.explanation.empty()) << x.rule_id;
    EXPECT_EQ(x.field, TextField::kMessage);
  }
  EXPECT_EQ(f[0].level, Level::kWarning);
  EXPECT_EQ(f[1].level, Level::kError);
  EXPECT_EQ(f[2].level, Level::kError);
  EXPECT_THAT(f[2].suggestion, HasSubstr("no ETA yet"));
}

TEST(LinterTest, UnfilledPlaceholderIsAnErrorOnEveryChannelPhaseAndSeverity) {
  for (Severity sev : {Severity::kSev1, Severity::kSev2, Severity::kSev3}) {
    for (Channel ch : {Channel::kInAppBanner, Channel::kStatusPage, Channel::kPublic}) {
      for (Phase phase : {Phase::kFirst, Phase::kUpdate, Phase::kResolution}) {
        LintInput in;
        in.message = "We're investigating reports of <symptom> for some users.";
        in.banner_text = "Issues with <feature>.";
        in.severity = sev;
        in.phase = phase;
        in.channels = {ch};
        std::vector<Finding> found = OfRule(LintOrFail(in), "unfilled-placeholder");
        ASSERT_EQ(found.size(), 2u) << Describe(LintOrFail(in));
        EXPECT_EQ(found[0].level, Level::kError);
        EXPECT_EQ(found[0].field, TextField::kMessage);
        EXPECT_EQ(found[0].excerpt, "<symptom>");
        EXPECT_EQ(found[0].begin, 31u);
        EXPECT_EQ(found[1].field, TextField::kBannerText);
        EXPECT_EQ(found[1].excerpt, "<feature>");
        EXPECT_THAT(found[0].explanation, HasSubstr("An unfilled template placeholder"));
        EXPECT_FALSE(found[0].suggestion.empty());
      }
    }
  }
}

TEST(LinterTest, AngleBracketsThatAreNoPlaceholderAreNotFlagged) {
  LintInput in;
  in.message = "Response times went from < 1 s to > 5 s for some users. 2 < 3.";
  EXPECT_THAT(OfRule(LintOrFail(in), "unfilled-placeholder"), IsEmpty());
}

TEST(LinterTest, MissionFirstCommunicationIsClean) {
  for (Severity sev : {Severity::kSev1, Severity::kSev2}) {
    LintInput in;
    in.message = kMissionFirst;
    in.phase = Phase::kFirst;
    in.severity = sev;
    in.state_after = State::kInvestigating;
    in.channels = {Channel::kStatusPage};
    in.next_update_at = At("2024-05-01T14:30:00Z");
    EXPECT_THAT(LintOrFail(in), IsEmpty()) << Describe(LintOrFail(in));
  }
}

TEST(LinterTest, MissionResolutionIsCleanUnderSev1Policy) {
  LintInput in;
  in.message = kMissionResolution;
  in.phase = Phase::kResolution;
  in.severity = Severity::kSev1;
  in.state_before = State::kMonitoring;
  in.state_after = State::kResolved;
  in.channels = {Channel::kStatusPage, Channel::kPublic};
  EXPECT_THAT(LintOrFail(in), IsEmpty()) << Describe(LintOrFail(in));
}

TEST(LinterTest, NegatedEtaInNoProgressUpdateIsNotFlagged) {
  LintInput in;
  in.message = "We're still investigating; no ETA yet; next update by 14:30 UTC.";
  in.phase = Phase::kUpdate;
  in.severity = Severity::kSev1;
  in.state_after = State::kInvestigating;
  in.next_update_at = At("2024-05-01T14:30:00Z");
  EXPECT_THAT(LintOrFail(in), IsEmpty()) << Describe(LintOrFail(in));
}

TEST(LinterTest, BareEtaIsFlagged) {
  LintInput in;
  in.message = "ETA for the fix is 20 minutes.";
  auto f = OfRule(LintOrFail(in), "eta-clock");
  ASSERT_EQ(f.size(), 1u);
  ExpectSpan(f[0], in.message, "ETA");
}

TEST(LinterTest, EtaWordsInResolutionAreNotAClock) {
  LintInput in;
  in.message = "Resolved: service was restored within 2 hours.";
  in.state_after = State::kResolved;
  EXPECT_THAT(OfRule(LintOrFail(in), "eta-clock"), IsEmpty());
}

TEST(LinterTest, SpeculationBeforeIdentifiedIsFlagged) {
  LintInput in;
  in.message = "We think this might be caused by a bad cache.";
  in.state_after = State::kInvestigating;
  auto f = OfRule(LintOrFail(in), "speculation");
  ASSERT_EQ(f.size(), 2u) << Describe(f);
  ExpectSpan(f[0], in.message, "We think");
  ExpectSpan(f[1], in.message, "might be caused");
  EXPECT_EQ(f[0].level, Level::kError);
}

TEST(LinterTest, SpeculationWordsAfterIdentifiedAreNotFlagged) {
  LintInput in;
  in.message = "The issue seems to be resolved for most users.";
  in.state_after = State::kIdentified;
  EXPECT_THAT(OfRule(LintOrFail(in), "speculation"), IsEmpty());
}

TEST(LinterTest, EngineerNameAndTheirPrAreFlagged) {
  LintInput in;
  in.message = "Engineer Bob's PR introduced a bug.";
  auto f = OfRule(LintOrFail(in), "internal-detail");
  ASSERT_EQ(f.size(), 1u) << Describe(f);
  ExpectSpan(f[0], in.message, "Engineer Bob's PR");
}

TEST(LinterTest, PossessivePrWithoutEngineerIsFlagged) {
  LintInput in;
  in.message = "The outage came from X's PR.";
  auto f = OfRule(LintOrFail(in), "internal-detail");
  ASSERT_EQ(f.size(), 1u) << Describe(f);
  ExpectSpan(f[0], in.message, "X's PR");
}

TEST(LinterTest, InternalHostnameAndIpAddressAreFlagged) {
  LintInput in;
  in.message = "db-prod-3.internal stopped answering at 10.0.4.17 and cache.corp too.";
  auto f = OfRule(LintOrFail(in), "internal-detail");
  ASSERT_EQ(f.size(), 3u) << Describe(f);
  ExpectSpan(f[0], in.message, "db-prod-3.internal");
  ExpectSpan(f[1], in.message, "10.0.4.17");
  ExpectSpan(f[2], in.message, "cache.corp");
}

TEST(LinterTest, StackTraceIsFlagged) {
  LintInput in;
  in.message = "Error: java.lang.NullPointerException at com.acme.Pay.charge(Pay.java:42)";
  EXPECT_FALSE(OfRule(LintOrFail(in), "internal-detail").empty());
}

TEST(LinterTest, CustomerFacingDetailIsNotInternal) {
  LintInput in;
  in.message =
      "We've identified a memory leak in the connection pool. Check status.example.com for "
      "updates. Today's deploy is paused.";
  EXPECT_THAT(OfRule(LintOrFail(in), "internal-detail"), IsEmpty()) << Describe(LintOrFail(in));
}

TEST(LinterTest, ConfirmedThirdPartyIsNotBlame) {
  LintInput in;
  in.message = "AWS is having issues in us-east-1, which affects our EU customers.";
  in.third_party_confirmed = true;
  EXPECT_THAT(OfRule(LintOrFail(in), "third-party-blame"), IsEmpty());
  in.third_party_confirmed = false;
  EXPECT_EQ(OfRule(LintOrFail(in), "third-party-blame").size(), 1u);
}

TEST(LinterTest, UnnamedProviderIsNotBlame) {
  LintInput in;
  in.message = "Our payment provider became degraded.";
  EXPECT_THAT(OfRule(LintOrFail(in), "third-party-blame"), IsEmpty());
}

TEST(LinterTest, BlameAfterCauseWordIsFlagged) {
  LintInput in;
  in.message = "Logins fail due to an outage at Cloudflare.";
  auto f = OfRule(LintOrFail(in), "third-party-blame");
  ASSERT_EQ(f.size(), 1u);
  ExpectSpan(f[0], in.message, "due to an outage at Cloudflare");
}

TEST(LinterTest, JargonGetsAPlainWordSuggestion) {
  LintInput in;
  in.message = "We will leverage our tooling going forward.";
  auto f = OfRule(LintOrFail(in), "corporate-jargon");
  ASSERT_EQ(f.size(), 2u);
  ExpectSpan(f[0], in.message, "leverage");
  EXPECT_EQ(f[0].suggestion, "use");
  EXPECT_EQ(f[1].suggestion, "from now on");
}

TEST(LinterTest, PassiveVoiceHidingResponsibilityIsFlagged) {
  LintInput in;
  in.message = "Mistakes were made during the migration.";
  auto f = OfRule(LintOrFail(in), "passive-voice");
  ASSERT_EQ(f.size(), 1u);
  ExpectSpan(f[0], in.message, "Mistakes were made");
}

TEST(LinterTest, FalseCalmIsFlaggedOnSev1Only) {
  LintInput in;
  in.message = "We're seeing a small hiccup with checkout.";
  in.severity = Severity::kSev1;
  auto f = OfRule(LintOrFail(in), "tone-false-calm");
  ASSERT_EQ(f.size(), 1u);
  ExpectSpan(f[0], in.message, "small hiccup");
  in.severity = Severity::kSev3;
  EXPECT_THAT(OfRule(LintOrFail(in), "tone-false-calm"), IsEmpty());
}

TEST(LinterTest, FalseUrgencyAndShoutingAreFlaggedOnSev3Only) {
  LintInput in;
  in.message = "CRITICAL emergency!!! SEARCH IS DOWN NOW";
  in.severity = Severity::kSev3;
  auto f = OfRule(LintOrFail(in), "tone-false-urgency");
  ASSERT_EQ(f.size(), 4u) << Describe(f);
  ExpectSpan(f[0], in.message, "CRITICAL");
  ExpectSpan(f[1], in.message, "emergency");
  ExpectSpan(f[2], in.message, "!!!");
  ExpectSpan(f[3], in.message, "SEARCH IS DOWN NOW");
  in.severity = Severity::kSev1;
  EXPECT_THAT(OfRule(LintOrFail(in), "tone-false-urgency"), IsEmpty());
}

TEST(LinterTest, TimeWithoutZoneIsFlaggedWithZonedRewrite) {
  LintInput in;
  in.message = "We'll post again at 3pm.";
  auto f = OfRule(LintOrFail(in), "time-without-zone");
  ASSERT_EQ(f.size(), 1u);
  ExpectSpan(f[0], in.message, "3pm");
  EXPECT_EQ(f[0].suggestion, "3pm UTC");
  EXPECT_EQ(f[0].level, Level::kWarning);
}

// A zone the clock engine reads anywhere in a text covers the text's other
// times, before or after it; a text that names no zone it knows is flagged.
TEST(LinterTest, ZoneStatedOnceCoversTheTextsOtherTimes) {
  LintInput in;
  for (const char* message : {
           "Errors began at 14:02 UTC; we rolled back at 14:38.",
           "We rolled back at 14:38; errors began at 14:02 UTC.",
           "Update 09:10: the export queue is still held. Next update 10:10 CET.",
           "Between 7am and 9.15am AEST some payouts were late.",
           "Deliveries were delayed from 18:05 to 18:50 (UK time).",
       }) {
    in.message = message;
    EXPECT_THAT(OfRule(LintOrFail(in), "time-without-zone"), IsEmpty()) << message;
  }
  in.message = "We rolled back at 14:38; errors began at 14:02 XYZT.";
  EXPECT_EQ(OfRule(LintOrFail(in), "time-without-zone").size(), 2u);
  // The banner's zone does not cover the message.
  in.message = "Errors began at 14:02.";
  in.banner_text = "Degraded since 14:02 UTC.";
  auto f = OfRule(LintOrFail(in), "time-without-zone");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].field, TextField::kMessage);
}

TEST(LinterTest, RelativeTimeIsInfoWithStructuredRewrite) {
  LintInput in;
  in.message = "Next update in an hour.";
  in.next_update_at = At("2024-05-01T15:00:00Z");
  auto f = OfRule(LintOrFail(in), "time-relative");
  ASSERT_EQ(f.size(), 1u);
  ExpectSpan(f[0], in.message, "in an hour");
  EXPECT_EQ(f[0].level, Level::kInfo);
  EXPECT_EQ(f[0].suggestion, "by 15:00 UTC");
}

TEST(LinterTest, FirstCommunicationMissingPartsAreNamed) {
  LintInput in;
  in.message = "Something is wrong.";
  in.phase = Phase::kFirst;
  in.next_update_at = At("2024-05-01T14:30:00Z");
  auto f = OfRule(LintOrFail(in), "first-comm-missing-part");
  ASSERT_EQ(f.size(), 4u) << Describe(f);
  EXPECT_THAT(f[0].explanation, HasSubstr("acknowledgment"));
  EXPECT_THAT(f[1].explanation, HasSubstr("scope"));
  EXPECT_THAT(f[2].explanation, HasSubstr("what you are doing"));
  EXPECT_THAT(f[3].explanation, HasSubstr("14:30 UTC"));
  EXPECT_EQ(f[3].suggestion, "We'll post the next update by 14:30 UTC.");
  for (const Finding& x : f) {
    EXPECT_EQ(x.begin, in.message.size());
    EXPECT_EQ(x.end, in.message.size());
    EXPECT_EQ(x.level, Level::kError);
  }
}

TEST(LinterTest, FirstCommunicationMustStateTheStructuredNextUpdateTime) {
  LintInput in;
  in.message = kMissionFirst;
  in.phase = Phase::kFirst;
  in.next_update_at = At("2024-05-01T15:00:00Z");  // The text says 14:30.
  auto f = OfRule(LintOrFail(in), "first-comm-missing-part");
  ASSERT_EQ(f.size(), 1u) << Describe(f);
  // The time is there and wrong, not missing: the finding names both.
  ExpectSpan(f[0], in.message, "14:30 UTC");
  EXPECT_EQ(f[0].explanation,
            "The message names the next update at 14:30 UTC, but the promise is 15:00 UTC: one "
            "promise, on the record and in the text (the server refuses the two disagreeing).");
  EXPECT_EQ(f[0].suggestion, "15:00 UTC");
}

TEST(LinterTest, AnUpdateNamingAnotherNextUpdateTimeIsWrongNotMissing) {
  LintInput in;
  in.message = "We're rolling back the change. Next update by 23:55 UTC.";
  in.phase = Phase::kUpdate;
  in.severity = Severity::kSev1;
  in.state_before = in.state_after = State::kIdentified;
  in.channels = {Channel::kStatusPage};
  in.next_update_at = At("2024-05-01T22:57:00Z");
  auto f = OfRule(LintOrFail(in), "update-missing-next-update");
  ASSERT_EQ(f.size(), 1u) << Describe(f);
  EXPECT_THAT(f[0].explanation, HasSubstr("names the next update at 23:55 UTC, but the promise "
                                          "is 22:57 UTC"));
  EXPECT_THAT(f[0].explanation, Not(HasSubstr("does not state")));
}

TEST(LinterTest, AffectedComponentNameCountsAsScope) {
  LintInput in;
  in.message = "We're investigating errors on checkout-api. Next update by 14:30 UTC.";
  in.phase = Phase::kFirst;
  in.affected_components = {"checkout-api"};
  in.next_update_at = At("2024-05-01T14:30:00Z");
  EXPECT_THAT(LintOrFail(in), IsEmpty()) << Describe(LintOrFail(in));
  in.affected_components = {"search"};
  EXPECT_EQ(OfRule(LintOrFail(in), "first-comm-missing-part").size(), 1u);
  // Not a declared component, the same name reads as an internal service.
  EXPECT_EQ(OfRule(LintOrFail(in), "internal-detail").size(), 1u);
}

// The mission asks for a pointer to a write-up "if there will be one (for
// major incidents ...)": a SEV-1 resolution without one gets a reminder at
// info level (the linter cannot know whether there will be one, so it neither
// refuses nor flags the message); SEV-2 and SEV-3 resolutions need none.
TEST(LinterTest, PostmortemPointerIsAReminderForSev1Only) {
  LintInput in;
  in.message =
      "Resolved: checkout is working normally. The issue was caused by a bad configuration "
      "change. We know you could not pay for orders, and we're sorry. We're adding a check to "
      "prevent this.";
  in.phase = Phase::kResolution;
  in.state_after = State::kResolved;
  in.severity = Severity::kSev1;
  auto f = OfRule(LintOrFail(in), "resolution-missing-part");
  ASSERT_EQ(f.size(), 1u) << Describe(f);
  EXPECT_THAT(f[0].explanation, HasSubstr("postmortem"));
  EXPECT_EQ(f[0].level, Level::kInfo);
  for (Severity sev : {Severity::kSev2, Severity::kSev3}) {
    in.severity = sev;
    EXPECT_THAT(LintOrFail(in), IsEmpty()) << Describe(LintOrFail(in));
  }
}

TEST(LinterTest, ResolutionStillSentToBannerIsFlagged) {
  LintInput in;
  in.message = kMissionResolution;
  in.phase = Phase::kResolution;
  in.severity = Severity::kSev1;
  in.state_after = State::kResolved;
  in.channels = {Channel::kStatusPage, Channel::kInAppBanner};
  auto f = OfRule(LintOrFail(in), "resolve-banner-not-cleared");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].field, TextField::kBannerText);
  EXPECT_EQ(f[0].level, Level::kError);
  in.channels = {Channel::kStatusPage};
  in.banner_text = "We're experiencing issues with checkout.";
  EXPECT_EQ(OfRule(LintOrFail(in), "resolve-banner-not-cleared").size(), 1u);
}

TEST(LinterTest, BannerTextIsLintedWithItsOwnSpans) {
  LintInput in;
  in.message = "We're investigating.";
  in.banner_text = "Checkout is down; ETA 10 minutes.";
  auto f = OfRule(LintOrFail(in), "eta-clock");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].field, TextField::kBannerText);
  ExpectSpan(f[0], in.banner_text, "ETA");
}

TEST(LinterTest, TextOverTheLimitIsInvalidArgument) {
  LintInput in;
  in.message.assign(kMaxLintTextBytes + 1, 'a');
  auto f = DefaultLinter().Lint(in);
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(f.status().message()), HasSubstr("message"));
}

TEST(LinterTest, InvalidUtf8IsLintedWithoutHarm) {
  LintInput in;
  const char kBytes[] = "\xff\xfe ETA \xc3\x28 probably \x80";
  in.message = std::string(kBytes, sizeof(kBytes) - 1);
  auto f = LintOrFail(in);
  EXPECT_EQ(OfRule(f, "eta-clock").size(), 1u);
  EXPECT_EQ(OfRule(f, "speculation").size(), 1u);
}

TEST(LinterTest, LargeAdversarialInputFinishesQuickly) {
  LintInput in;
  std::string chunk = "AWS AWS 14:3 ip-1-2-3 a.b.c.d engineer x's should be ";
  while (in.message.size() + chunk.size() < kMaxLintTextBytes) in.message += chunk;
  in.banner_text = in.message;
  in.phase = Phase::kFirst;
  in.severity = Severity::kSev3;
  auto start = std::chrono::steady_clock::now();
  auto f = DefaultLinter().Lint(in);
  auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(f.ok());
  EXPECT_LT(std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count(), 2000);
}

TEST(LinterTest, BuiltInRulesMatchTheDataFile) {
  std::ifstream file(LINT_DEFAULT_RULES_FILE);
  std::stringstream text;
  text << file.rdbuf();
  EXPECT_EQ(text.str(), std::string(DefaultRulesText()));
}

TEST(LinterTest, DefaultRuleIdsAreStable) {
  EXPECT_THAT(
      DefaultLinter().RuleIds(),
      ElementsAre("unfilled-placeholder", "first-comm-missing-part", "update-missing-next-update",
                  "resolution-missing-part", "resolve-banner-not-cleared", "speculation",
                  "resolution-cause-guess", "eta-clock", "internal-detail", "third-party-blame",
                  "performative-apology", "corporate-jargon", "passive-voice", "tone-false-calm",
                  "tone-false-urgency", "tone-shouting", "time-without-zone", "time-relative",
                  "individual-blame", "update-missing-part", "tone-dismissive"));
}

// --- Rule files -------------------------------------------------------------

std::string Base() { return std::string(DefaultRulesText()); }

TEST(LinterRulesTest, InvalidPatternNamesTheRuleAndTheProblem) {
  auto l = Linter::FromTextProtos(
      {R"(rules { id: "bad-one" level: LINT_LEVEL_ERROR explanation: "x" patterns { regex: "(oops" } })"},
      {"ops.textproto"});
  ASSERT_FALSE(l.ok());
  EXPECT_EQ(l.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(l.status().message()), HasSubstr("rule \"bad-one\""));
  EXPECT_THAT(std::string(l.status().message()), HasSubstr("invalid RE2 pattern \"(oops\""));
}

TEST(LinterRulesTest, ParseErrorNamesTheFileAndLine) {
  auto l = Linter::FromTextProtos({"rules {\n  id: \"x\"\n  levle: 3\n}"}, {"ops.textproto"});
  ASSERT_FALSE(l.ok());
  EXPECT_EQ(l.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(l.status().message()), HasSubstr("ops.textproto: line 3"));
}

TEST(LinterRulesTest, UnknownWordListIsAnError) {
  auto l = Linter::FromTextProtos(
      {R"(rules { id: "r" level: LINT_LEVEL_INFO explanation: "x" patterns { regex: "{{nope}}" } })"});
  ASSERT_FALSE(l.ok());
  EXPECT_THAT(std::string(l.status().message()), HasSubstr("unknown word list \"nope\""));
}

TEST(LinterRulesTest, MissingLevelIsAnError) {
  auto l =
      Linter::FromTextProtos({R"(rules { id: "r" explanation: "x" patterns { regex: "a" } })"});
  ASSERT_FALSE(l.ok());
  EXPECT_THAT(std::string(l.status().message()), HasSubstr("rule \"r\": level is required"));
}

TEST(LinterRulesTest, OperatorFileExtendsAWordListAndDisablesARule) {
  auto l = Linter::FromTextProtos({Base(), R"(
        word_lists { name: "vendors" words: ["Acme Cloud"] append: true }
        rules { id: "corporate-jargon" disabled: true }
      )"});
  ASSERT_TRUE(l.ok()) << l.status();
  LintInput in;
  in.message = "Acme Cloud is down. We will leverage backups.";
  auto f = (*l)->Lint(in);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(OfRule(*f, "third-party-blame").size(), 1u);
  EXPECT_THAT(OfRule(*f, "corporate-jargon"), IsEmpty());
}

TEST(LinterRulesTest, MissingExtraRulesFileIsNotFound) {
  auto l = Linter::Default({"/nonexistent/rules.textproto"});
  ASSERT_FALSE(l.ok());
  EXPECT_EQ(l.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(l.status().message()), HasSubstr("/nonexistent/rules.textproto"));
}

}  // namespace
}  // namespace lint
}  // namespace statuscast
