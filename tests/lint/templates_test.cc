#include "libs/lint/templates.h"

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lint_test_util.h"

namespace statuscast {
namespace lint {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;

TemplateInput Incident(Severity sev, std::vector<std::string> components) {
  TemplateInput in;
  in.title = "Slow checkout";
  in.severity = sev;
  in.affected_components = std::move(components);
  if (sev != Severity::kSev3) in.next_update_at = absl::FromUnixSeconds(1714573800);  // 14:30Z
  return in;
}

TEST(TemplatesTest, NoProgressUpdateKeepsThePromiseWithoutAnEta) {
  auto t = FillTemplate(Tone::kNoProgress, Incident(Severity::kSev1, {"checkout"}));
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->message,
            "We're still investigating the issue affecting users of checkout; no ETA yet; next "
            "update by 14:30 UTC.");
}

TEST(TemplatesTest, NoProgressFollowsTheStateTheIncidentIsIn) {
  TemplateInput in = Incident(Severity::kSev1, {"checkout"});
  in.state = State::kIdentified;
  auto t = FillTemplate(Tone::kNoProgress, in);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->message,
            "We're still working on the fix for the issue affecting users of checkout; no ETA "
            "yet; next update by 14:30 UTC.");
  in.state = State::kMonitoring;
  t = FillTemplate(Tone::kNoProgress, in);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->message,
            "We're monitoring the fix for the issue affecting users of checkout and will confirm "
            "once it is resolved; next update by 14:30 UTC.");
  in = Incident(Severity::kSev3, {"checkout"});
  in.state = State::kIdentified;
  t = FillTemplate(Tone::kNoProgress, in);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->message,
            "We're still working on the fix for the issue affecting users of checkout; no ETA "
            "yet. We'll post an update when the status changes.");
  EXPECT_THAT(t->message, ::testing::Not(HasSubstr("investigating")));
}

TEST(TemplatesTest, NoProgressKeepsTheBannerTextShownNow) {
  TemplateInput in = Incident(Severity::kSev1, {"checkout"});
  in.state = State::kIdentified;
  in.banner_text = "Card payments fail at checkout; a fix is on its way.";
  auto t = FillTemplate(Tone::kNoProgress, in);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->banner_text, "Card payments fail at checkout; a fix is on its way.");
  in.banner_text.clear();
  t = FillTemplate(Tone::kNoProgress, in);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_THAT(t->banner_text, HasSubstr("check the status page")) << "generic only without one";
}

TEST(TemplatesTest, AcknowledgingNamesScopeAndNextUpdate) {
  auto t = FillTemplate(Tone::kAcknowledging,
                        Incident(Severity::kSev2, {"checkout", "search", "login"}));
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->message,
            "We're investigating an issue affecting users of checkout, search and login. Our team "
            "is working on it. We'll post the next update by 14:30 UTC.");
  EXPECT_EQ(t->headline, "Slow checkout");
  EXPECT_THAT(t->banner_text, HasSubstr("check the status page"));
}

TEST(TemplatesTest, ResolvingHasNoBannerAndPointsToPostmortemOnSev1) {
  auto t = FillTemplate(Tone::kResolving, Incident(Severity::kSev1, {"checkout"}));
  ASSERT_TRUE(t.ok());
  EXPECT_TRUE(t->banner_text.empty());
  EXPECT_THAT(t->message, HasSubstr("postmortem"));
  auto t3 = FillTemplate(Tone::kResolving, Incident(Severity::kSev3, {"checkout"}));
  ASSERT_TRUE(t3.ok());
  EXPECT_THAT(t3->message, ::testing::Not(HasSubstr("postmortem")));
}

TEST(TemplatesTest, WithoutNextUpdateTimeTheTextPromisesNoTime) {
  // Whether a promise is due is the caller's (Promises); the template states
  // what it is given.
  TemplateInput in = Incident(Severity::kSev1, {});
  in.next_update_at.reset();
  auto t = FillTemplate(Tone::kUpdating, in);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_THAT(t->message, HasSubstr("We'll post an update when the status changes."));
  EXPECT_THAT(t->message, ::testing::Not(HasSubstr("next update by")));
}

// Every placeholder a template can carry, given.
void FillEveryPlaceholder(TemplateInput& in) {
  in.what_happened = "A configuration change stopped card payments from being approved";
  in.impact = "your ability to complete purchases";
  in.prevention = "We're adding an automatic check for this kind of change";
}

TEST(TemplatesTest, EveryFilledTemplateWithItsPlaceholdersGivenLintsClean) {
  const std::vector<std::vector<std::string>> scopes = {{}, {"checkout"}, {"api", "dashboard"}};
  for (Tone tone : {Tone::kAcknowledging, Tone::kUpdating, Tone::kNoProgress, Tone::kResolving}) {
    for (Severity sev : {Severity::kSev1, Severity::kSev2, Severity::kSev3}) {
      for (State state : {State::kInvestigating, State::kIdentified, State::kMonitoring}) {
        for (const auto& components : scopes) {
          TemplateInput in = Incident(sev, components);
          in.state = state;
          if (tone == Tone::kUpdating) in.learned = "Requests to the payment page are timing out";
          FillEveryPlaceholder(in);
          ASSERT_THAT(UnfilledPlaceholders(tone, in), IsEmpty());
          auto t = FillTemplate(tone, in);
          ASSERT_TRUE(t.ok()) << t.status();
          auto findings = LintOrFail(TemplateLintInput(tone, in, *t));
          EXPECT_THAT(findings, IsEmpty())
              << "tone " << static_cast<int>(tone) << " sev " << static_cast<int>(sev) << "\n"
              << t->message << "\n"
              << t->banner_text << "\n"
              << Describe(findings);
        }
      }
    }
  }
}

TEST(TemplatesTest, ResolvingWithPlaceholdersLeftLintsWithAnUnfilledPlaceholderError) {
  for (Severity sev : {Severity::kSev1, Severity::kSev2, Severity::kSev3}) {
    TemplateInput in = Incident(sev, {"checkout"});
    in.impact = "checking out";  // the other two are left
    EXPECT_THAT(UnfilledPlaceholders(Tone::kResolving, in),
                ::testing::ElementsAre("what_happened", "prevention"));
    auto t = FillTemplate(Tone::kResolving, in);
    ASSERT_TRUE(t.ok()) << t.status();
    auto findings =
        OfRule(LintOrFail(TemplateLintInput(Tone::kResolving, in, *t)), "unfilled-placeholder");
    ASSERT_EQ(findings.size(), 2u) << t->message;
    EXPECT_EQ(findings[0].level, Level::kError);
    EXPECT_EQ(findings[0].excerpt, "<the cause, in plain words>");
    EXPECT_EQ(findings[0].explanation,
              "An unfilled template placeholder: \"<the cause, in plain words>\". Customers would "
              "read it as it is. Replace it with the real words (statuscastctl template takes "
              "--what-happened, --impact, --prevention and --learned).");
    EXPECT_EQ(findings[1].excerpt, "<the change we are making>");
  }
}

TEST(TemplatesTest, OnlyResolvingHasPlaceholders) {
  TemplateInput in = Incident(Severity::kSev1, {"checkout"});
  for (Tone tone : {Tone::kAcknowledging, Tone::kUpdating, Tone::kNoProgress}) {
    EXPECT_THAT(UnfilledPlaceholders(tone, in), IsEmpty());
  }
  EXPECT_THAT(UnfilledPlaceholders(Tone::kResolving, in),
              ::testing::ElementsAre("what_happened", "impact", "prevention"));
}

TEST(TemplatesTest, ResolvingWithAuthorTextLintsClean) {
  TemplateInput in = Incident(Severity::kSev2, {"payments"});
  in.what_happened = "A configuration change stopped card payments from being approved";
  in.impact = "your ability to complete purchases";
  in.prevention = "We're adding an automatic check for this kind of change";
  auto t = FillTemplate(Tone::kResolving, in);
  ASSERT_TRUE(t.ok());
  auto findings = LintOrFail(TemplateLintInput(Tone::kResolving, in, *t));
  EXPECT_THAT(Blocking(findings), IsEmpty()) << t->message << "\n" << Describe(findings);
}

TEST(TemplatesTest, CheckTemplateSentencesNamesEachOverlongSentence) {
  TemplateInput in = Incident(Severity::kSev1, {"checkout"});
  in.learned = std::string(kMaxTemplateSentenceBytes, 'x');
  EXPECT_TRUE(CheckTemplateSentences(in).ok());
  in.learned += "x";
  in.prevention = std::string(2000, 'y');
  absl::Status s = CheckTemplateSentences(in);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("learned: is 1001 bytes; the limit is 1000"));
  EXPECT_THAT(s.message(), HasSubstr("prevention: is 2000 bytes; the limit is 1000"));
}

}  // namespace
}  // namespace lint
}  // namespace statuscast
