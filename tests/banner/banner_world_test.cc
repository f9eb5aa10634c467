#include "libs/banner/banner_world.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/base/field_violations.h"
#include "libs/incident/model.h"
#include "tests/support/status_matchers.h"

namespace statuscast {
namespace {

using ::testing::ElementsAre;
using ::statuscast::testing::HasFieldViolation;
using ::testing::IsEmpty;

// 2026-11-27 14:00:00 UTC: every test's "now".
const absl::Time kNow =
    absl::FromCivil(absl::CivilSecond(2026, 11, 27, 14, 0, 0), absl::UTCTimeZone());

constexpr char kStatusPage[] = "https://status.example.com";

const BannerTarget kWebCheckout{"web", "/checkout"};
const BannerTarget kWebCheckoutPay{"web", "/checkout/pay"};
const BannerTarget kWebAccount{"web", "/account"};
const BannerTarget kIosCheckout{"ios", "/checkout"};

IncidentBanner Incident(int n, Severity severity, std::vector<std::string> components) {
  IncidentBanner b;
  b.incident_ref = absl::StrCat("INC-", n);
  b.severity = severity;
  b.state = IncidentState::kInvestigating;
  b.text = absl::StrCat("Incident ", n, ": we are looking into it.");
  b.components = std::move(components);
  b.posted_at = kNow - absl::Minutes(5);
  b.next_update_at = kNow + absl::Minutes(25);
  b.content_version = 1;
  return b;
}

ManualBannerRecord Manual(int64_t id, BannerLevel level = BannerLevel::kMaintenance) {
  ManualBannerRecord m;
  m.id = id;
  m.text = absl::StrCat("Manual banner ", id);
  m.level = level;
  m.updated_at = kNow - absl::Hours(1);
  m.updated_by = "ops@example.com";
  return m;
}

// The ids of the banners `target` shows at `now`, in order.
std::vector<std::string> IdsFor(const BannerWorld& world, const BannerTarget& target,
                                absl::Time now = kNow) {
  std::vector<std::string> ids;
  for (const BannerView& v : BannersFor(world, target, now, kStatusPage)) ids.push_back(v.id);
  return ids;
}

// A world where "checkout" shows on web's /checkout pages and on ios.
BannerWorld CheckoutWorld() {
  BannerWorld w;
  w.sequence = 10;
  w.placements["checkout"] = ComponentPlacement{{"web", "ios"}, {"/checkout", "/checkout/*"}};
  w.placements["accounts"] = ComponentPlacement{{"web"}, {"/account*"}};
  return w;
}

// ---------------------------------------------------------------------------
// Targeting of incident banners

TEST(IncidentBannerTargeting, ShowsOnPagesMatchingTheComponentsPlacement) {
  BannerWorld w = CheckoutWorld();
  w.incidents.push_back(Incident(3, Severity::kSev1, {"checkout"}));

  EXPECT_THAT(IdsFor(w, kWebCheckout), ElementsAre("incident-INC-3"));
  EXPECT_THAT(IdsFor(w, kWebCheckoutPay), ElementsAre("incident-INC-3"));
  EXPECT_THAT(IdsFor(w, kIosCheckout), ElementsAre("incident-INC-3"));
}

TEST(IncidentBannerTargeting, HiddenOnPagesOutsideThePlacement) {
  BannerWorld w = CheckoutWorld();
  w.incidents.push_back(Incident(3, Severity::kSev1, {"checkout"}));

  EXPECT_THAT(IdsFor(w, kWebAccount), IsEmpty());                           // path does not match
  EXPECT_THAT(IdsFor(w, BannerTarget{"android", "/checkout"}), IsEmpty());  // app not listed
}

TEST(IncidentBannerTargeting, ShowsWhereAnyAffectedComponentShows) {
  BannerWorld w = CheckoutWorld();
  w.incidents.push_back(Incident(3, Severity::kSev2, {"checkout", "accounts"}));

  EXPECT_THAT(IdsFor(w, kWebCheckout), ElementsAre("incident-INC-3"));
  EXPECT_THAT(IdsFor(w, kWebAccount), ElementsAre("incident-INC-3"));
  EXPECT_THAT(IdsFor(w, BannerTarget{"web", "/search"}), IsEmpty());
}

TEST(IncidentBannerTargeting, PathPatternsAreFnmatchGlobs) {
  BannerWorld w;
  w.placements["search"] = ComponentPlacement{{}, {"/search/[a-z]?"}};
  w.incidents.push_back(Incident(4, Severity::kSev3, {"search"}));

  EXPECT_THAT(IdsFor(w, BannerTarget{"web", "/search/ab"}), ElementsAre("incident-INC-4"));
  EXPECT_THAT(IdsFor(w, BannerTarget{"web", "/search/a"}), IsEmpty());
  EXPECT_THAT(IdsFor(w, BannerTarget{"web", "/search/1b"}), IsEmpty());
  EXPECT_THAT(IdsFor(w, BannerTarget{"web", "/search"}), IsEmpty());
}

TEST(IncidentBannerTargeting, ComponentWithoutPlacementShowsEverywhere) {
  BannerWorld w = CheckoutWorld();
  w.placements["api"] = ComponentPlacement{};  // known, but no apps and no paths
  w.incidents.push_back(Incident(5, Severity::kSev2, {"api"}));

  EXPECT_THAT(IdsFor(w, kWebAccount), ElementsAre("incident-INC-5"));
  EXPECT_THAT(IdsFor(w, BannerTarget{"android", "/anything/at/all"}),
              ElementsAre("incident-INC-5"));
}

TEST(IncidentBannerTargeting, UnknownComponentShowsEverywhere) {
  BannerWorld w = CheckoutWorld();
  w.incidents.push_back(Incident(6, Severity::kSev2, {"no-such-component"}));

  EXPECT_THAT(IdsFor(w, kWebAccount), ElementsAre("incident-INC-6"));
  EXPECT_THAT(IdsFor(w, BannerTarget{"android", "/"}), ElementsAre("incident-INC-6"));
}

TEST(IncidentBannerTargeting, IncidentWithoutComponentsShowsEverywhere) {
  BannerWorld w = CheckoutWorld();
  w.incidents.push_back(Incident(7, Severity::kSev1, {}));

  EXPECT_THAT(IdsFor(w, kWebAccount), ElementsAre("incident-INC-7"));
  EXPECT_THAT(IdsFor(w, kIosCheckout), ElementsAre("incident-INC-7"));
}

TEST(IncidentBannerTargeting, PlacementAppsOnlyMatchesEveryPathOfThoseApps) {
  BannerWorld w;
  w.placements["mobile-sync"] = ComponentPlacement{{"ios"}, {}};
  w.incidents.push_back(Incident(8, Severity::kSev3, {"mobile-sync"}));

  EXPECT_THAT(IdsFor(w, BannerTarget{"ios", "/settings"}), ElementsAre("incident-INC-8"));
  EXPECT_THAT(IdsFor(w, BannerTarget{"web", "/settings"}), IsEmpty());
}

TEST(IncidentBannerView, CarriesTheIncidentAndLinksToItOnTheStatusPage) {
  BannerWorld w = CheckoutWorld();
  IncidentBanner inc = Incident(3, Severity::kSev1, {"checkout"});
  inc.state = IncidentState::kIdentified;
  inc.content_version = 4;
  w.incidents.push_back(inc);

  std::vector<BannerView> views = BannersFor(w, kWebCheckout, kNow, kStatusPage);

  ASSERT_EQ(views.size(), 1u);
  const BannerView& v = views[0];
  EXPECT_EQ(v.id, "incident-INC-3");
  EXPECT_EQ(v.link, "https://status.example.com/incidents/INC-3");
  EXPECT_EQ(v.source, BannerSourceKind::kIncident);
  EXPECT_EQ(v.level, BannerLevel::kCritical);
  EXPECT_EQ(v.text, inc.text);
  EXPECT_EQ(v.incident_ref, "INC-3");
  EXPECT_EQ(v.severity, Severity::kSev1);
  EXPECT_EQ(v.state, IncidentState::kIdentified);
  EXPECT_EQ(v.content_version, 4);
  EXPECT_THAT(v.components, ElementsAre("checkout"));
  EXPECT_EQ(v.posted_at, inc.posted_at);
  EXPECT_EQ(v.next_update_at, inc.next_update_at);
}

TEST(IncidentBannerView, LevelFollowsSeverity) {
  EXPECT_EQ(LevelForSeverity(Severity::kSev1), BannerLevel::kCritical);
  EXPECT_EQ(LevelForSeverity(Severity::kSev2), BannerLevel::kMajor);
  EXPECT_EQ(LevelForSeverity(Severity::kSev3), BannerLevel::kMinor);
  EXPECT_EQ(LevelForSeverity(Severity::kUnspecified), BannerLevel::kInfo);
}

// ---------------------------------------------------------------------------
// Targeting of manual banners

TEST(ManualBannerTargeting, WithoutTargetShowsEverywhere) {
  BannerWorld w = CheckoutWorld();
  w.manual.push_back(Manual(1));

  EXPECT_THAT(IdsFor(w, kWebCheckout), ElementsAre("manual-1"));
  EXPECT_THAT(IdsFor(w, BannerTarget{"android", "/"}), ElementsAre("manual-1"));
}

TEST(ManualBannerTargeting, AppsListMustContainTheApp) {
  BannerWorld w = CheckoutWorld();
  ManualBannerRecord m = Manual(1);
  m.target.apps = {"ios", "android"};
  w.manual.push_back(m);

  EXPECT_THAT(IdsFor(w, kIosCheckout), ElementsAre("manual-1"));
  EXPECT_THAT(IdsFor(w, kWebCheckout), IsEmpty());
}

TEST(ManualBannerTargeting, PathPatternMustMatchThePath) {
  BannerWorld w = CheckoutWorld();
  ManualBannerRecord m = Manual(1);
  m.target.path_patterns = {"/account*"};
  w.manual.push_back(m);

  EXPECT_THAT(IdsFor(w, BannerTarget{"web", "/account/settings"}), ElementsAre("manual-1"));
  EXPECT_THAT(IdsFor(w, kWebCheckout), IsEmpty());
}

TEST(ManualBannerTargeting, ComponentsMustShowOnThePage) {
  BannerWorld w = CheckoutWorld();
  ManualBannerRecord m = Manual(1);
  m.target.components = {"checkout"};
  w.manual.push_back(m);

  EXPECT_THAT(IdsFor(w, kWebCheckout), ElementsAre("manual-1"));
  EXPECT_THAT(IdsFor(w, kWebAccount), IsEmpty());
}

TEST(ManualBannerTargeting, EveryNonEmptyListMustMatch) {
  BannerWorld w = CheckoutWorld();
  ManualBannerRecord m = Manual(1);
  m.target.apps = {"web"};
  m.target.path_patterns = {"/checkout*", "/account*"};
  m.target.components = {"checkout"};
  w.manual.push_back(m);

  // All three match.
  EXPECT_THAT(IdsFor(w, kWebCheckoutPay), ElementsAre("manual-1"));
  // App fails, path and component match.
  EXPECT_THAT(IdsFor(w, kIosCheckout), IsEmpty());
  // App and path match, the component does not show on /account.
  EXPECT_THAT(IdsFor(w, kWebAccount), IsEmpty());
  // App and component ("checkout" shows on /checkout/*) match, the path does not.
  m.target.path_patterns = {"/cart"};
  w.manual = {m};
  EXPECT_THAT(IdsFor(w, kWebCheckoutPay), IsEmpty());
}

TEST(ManualBannerView, LinkDefaultsToTheStatusPage) {
  BannerWorld w;
  ManualBannerRecord plain = Manual(1);
  ManualBannerRecord linked = Manual(2);
  linked.link = "https://example.com/maintenance";
  w.manual = {plain, linked};

  std::vector<BannerView> views = BannersFor(w, kWebCheckout, kNow, kStatusPage);

  ASSERT_EQ(views.size(), 2u);
  EXPECT_EQ(views[0].id, "manual-1");
  EXPECT_EQ(views[0].link, kStatusPage);
  EXPECT_EQ(views[0].source, BannerSourceKind::kManual);
  EXPECT_EQ(views[0].level, BannerLevel::kMaintenance);
  EXPECT_EQ(views[0].text, "Manual banner 1");
  EXPECT_EQ(views[1].id, "manual-2");
  EXPECT_EQ(views[1].link, "https://example.com/maintenance");
}

// ---------------------------------------------------------------------------
// Schedules and enabling

TEST(ManualBannerSchedule, HiddenBeforeStartShownInsideHiddenFromEnd) {
  BannerWorld w;
  ManualBannerRecord m = Manual(1);
  m.starts_at = kNow + absl::Hours(1);
  m.ends_at = kNow + absl::Hours(3);
  w.manual.push_back(m);

  EXPECT_THAT(IdsFor(w, kWebCheckout, kNow), IsEmpty());
  EXPECT_THAT(IdsFor(w, kWebCheckout, *m.starts_at - absl::Seconds(1)), IsEmpty());
  EXPECT_THAT(IdsFor(w, kWebCheckout, *m.starts_at), ElementsAre("manual-1"));
  EXPECT_THAT(IdsFor(w, kWebCheckout, kNow + absl::Hours(2)), ElementsAre("manual-1"));
  EXPECT_THAT(IdsFor(w, kWebCheckout, *m.ends_at - absl::Seconds(1)), ElementsAre("manual-1"));
  EXPECT_THAT(IdsFor(w, kWebCheckout, *m.ends_at), IsEmpty());
  EXPECT_THAT(IdsFor(w, kWebCheckout, *m.ends_at + absl::Hours(1)), IsEmpty());
}

TEST(ManualBannerSchedule, OpenEndedScheduleShowsFromStartOn) {
  BannerWorld w;
  ManualBannerRecord m = Manual(1);
  m.starts_at = kNow;
  w.manual.push_back(m);

  EXPECT_THAT(IdsFor(w, kWebCheckout, kNow - absl::Seconds(1)), IsEmpty());
  EXPECT_THAT(IdsFor(w, kWebCheckout, kNow + absl::Hours(24 * 365)), ElementsAre("manual-1"));
}

TEST(ManualBannerSchedule, DisabledBannerIsHidden) {
  BannerWorld w;
  ManualBannerRecord m = Manual(1);
  m.enabled = false;
  w.manual.push_back(m);

  EXPECT_THAT(IdsFor(w, kWebCheckout), IsEmpty());
}

TEST(NextScheduleBoundary, PicksTheNearestStartOrEndAfterNow) {
  BannerWorld w;
  ManualBannerRecord a = Manual(1);
  a.starts_at = kNow - absl::Hours(1);  // already started
  a.ends_at = kNow + absl::Hours(5);
  ManualBannerRecord b = Manual(2);
  b.starts_at = kNow + absl::Hours(2);
  b.ends_at = kNow + absl::Hours(4);
  w.manual = {a, b};

  EXPECT_EQ(NextScheduleBoundary(w, kNow), kNow + absl::Hours(2));
  EXPECT_EQ(NextScheduleBoundary(w, kNow + absl::Hours(2)), kNow + absl::Hours(4));
  EXPECT_EQ(NextScheduleBoundary(w, kNow + absl::Hours(4)), kNow + absl::Hours(5));
  EXPECT_EQ(NextScheduleBoundary(w, kNow + absl::Hours(5)), absl::nullopt);
}

TEST(NextScheduleBoundary, NoneWithoutSchedules) {
  BannerWorld w;
  w.manual.push_back(Manual(1));
  w.incidents.push_back(Incident(1, Severity::kSev1, {}));

  EXPECT_EQ(NextScheduleBoundary(w, kNow), absl::nullopt);
}

TEST(NextScheduleBoundary, IgnoresDisabledBanners) {
  BannerWorld w;
  ManualBannerRecord off = Manual(1);
  off.enabled = false;
  off.starts_at = kNow + absl::Minutes(10);
  ManualBannerRecord on = Manual(2);
  on.ends_at = kNow + absl::Minutes(30);
  w.manual = {off, on};

  EXPECT_EQ(NextScheduleBoundary(w, kNow), kNow + absl::Minutes(30));
}

// ---------------------------------------------------------------------------
// Kill switches

TEST(KillSwitch, GlobalSwitchHidesEveryBanner) {
  BannerWorld w = CheckoutWorld();
  w.incidents.push_back(Incident(3, Severity::kSev1, {}));
  w.manual.push_back(Manual(1));
  w.kill_switches.push_back(KillSwitchRecord{"*", true, "bad text", "ops", kNow});

  EXPECT_THAT(IdsFor(w, kWebCheckout), IsEmpty());
  EXPECT_THAT(IdsFor(w, kIosCheckout), IsEmpty());
}

TEST(KillSwitch, AppSwitchHidesOnlyThatApp) {
  BannerWorld w = CheckoutWorld();
  w.incidents.push_back(Incident(3, Severity::kSev1, {}));
  w.manual.push_back(Manual(1));
  w.kill_switches.push_back(KillSwitchRecord{"ios", true, "crash", "ops", kNow});

  EXPECT_THAT(IdsFor(w, kIosCheckout), IsEmpty());
  EXPECT_THAT(IdsFor(w, kWebCheckout), ElementsAre("incident-INC-3", "manual-1"));
}

TEST(KillSwitch, DisengagedSwitchHidesNothing) {
  BannerWorld w = CheckoutWorld();
  w.incidents.push_back(Incident(3, Severity::kSev1, {}));
  w.kill_switches.push_back(KillSwitchRecord{"*", false, "", "ops", kNow});
  w.kill_switches.push_back(KillSwitchRecord{"web", false, "", "ops", kNow});

  EXPECT_THAT(IdsFor(w, kWebCheckout), ElementsAre("incident-INC-3"));
}

// ---------------------------------------------------------------------------
// Ordering

TEST(BannerOrdering, LoudestLevelFirst) {
  BannerWorld w;
  w.manual.push_back(Manual(1, BannerLevel::kInfo));
  w.incidents.push_back(Incident(10, Severity::kSev3, {}));  // minor
  w.manual.push_back(Manual(2, BannerLevel::kMaintenance));
  w.incidents.push_back(Incident(11, Severity::kSev1, {}));  // critical
  w.incidents.push_back(Incident(12, Severity::kSev2, {}));  // major

  std::vector<BannerView> views = BannersFor(w, kWebCheckout, kNow, kStatusPage);

  std::vector<BannerLevel> levels;
  for (const BannerView& v : views) levels.push_back(v.level);
  EXPECT_THAT(levels, ElementsAre(BannerLevel::kCritical, BannerLevel::kMajor, BannerLevel::kMinor,
                                  BannerLevel::kMaintenance, BannerLevel::kInfo));
  EXPECT_THAT(IdsFor(w, kWebCheckout), ElementsAre("incident-INC-11", "incident-INC-12",
                                                   "incident-INC-10", "manual-2", "manual-1"));
}

TEST(BannerOrdering, EqualLevelsAreOrderedById) {
  BannerWorld w;
  w.incidents.push_back(Incident(9, Severity::kSev2, {}));
  w.incidents.push_back(Incident(4, Severity::kSev2, {}));

  // Stable across replicas regardless of load order.
  EXPECT_THAT(IdsFor(w, kWebCheckout), ElementsAre("incident-INC-4", "incident-INC-9"));
}

// ---------------------------------------------------------------------------
// Material text changes

constexpr char kText[] = "We're experiencing issues with checkout. We're working on it.";

TEST(IsMaterialTextChange, IdenticalTextIsNotMaterial) {
  EXPECT_FALSE(IsMaterialTextChange(kText, kText));
  EXPECT_FALSE(IsMaterialTextChange("", ""));
}

TEST(IsMaterialTextChange, CaseAndWhitespaceAreNotMaterial) {
  EXPECT_FALSE(IsMaterialTextChange(
      kText, "  WE'RE experiencing   issues with\tcheckout.\nWe're working on IT.  "));
}

TEST(IsMaterialTextChange, TypoFixOfOneToThreeCharactersIsNotMaterial) {
  // One substitution, a transposition (two edits), three insertions.
  EXPECT_FALSE(IsMaterialTextChange("Checkout is degrsded.", "Checkout is degraded."));
  EXPECT_FALSE(IsMaterialTextChange("Checkout is degarded.", "Checkout is degraded."));
  EXPECT_FALSE(IsMaterialTextChange("Chckout is dgraded", "Checkout is degraded."));
}

TEST(IsMaterialTextChange, FourEditsOnAShortTextAreMaterial) {
  EXPECT_TRUE(IsMaterialTextChange("Checkout is down.", "Checkout is up."));
}

TEST(IsMaterialTextChange, RewrittenSentenceIsMaterial) {
  EXPECT_TRUE(IsMaterialTextChange(kText, "Checkout has recovered; we are monitoring."));
  EXPECT_TRUE(IsMaterialTextChange("", kText));
}

TEST(IsMaterialTextChange, TypoFixesInLongWordsAreNotMaterial) {
  const std::string before =
      "We're experiencing problems with checkout and payments for customers in Europe.";
  EXPECT_FALSE(IsMaterialTextChange(
      before, "We're experiencing problems with checkout and payments for customers in Europe!"));
  EXPECT_FALSE(IsMaterialTextChange(
      "We're experiencing problms with chekout and paymnts for customers in Europe.", before));
}

TEST(IsMaterialTextChange, ShortWordsNumbersAndWordCountsAreMaterial) {
  EXPECT_TRUE(IsMaterialTextChange("Checkout is on.", "Checkout is off."));
  EXPECT_TRUE(IsMaterialTextChange("Next update by 14:30 UTC.", "Next update by 14:50 UTC."));
  EXPECT_TRUE(IsMaterialTextChange("Checkout is failing.", "Checkout is not failing."));
  EXPECT_TRUE(IsMaterialTextChange("Checkout is failing for customers.",
                                   "Checkout is working for customers."));
}

// ---------------------------------------------------------------------------
// Incident banner versions

BannerHistoryEvent ToBanner(const std::string& text,
                            IncidentState state = IncidentState::kInvestigating,
                            Severity severity = Severity::kSev2) {
  BannerHistoryEvent e;
  e.is_update = true;
  e.to_banner = true;
  e.banner_text = text;
  e.state = state;
  e.severity = severity;
  return e;
}

BannerHistoryEvent NotToBanner(IncidentState state = IncidentState::kInvestigating,
                               Severity severity = Severity::kSev2) {
  BannerHistoryEvent e;
  e.is_update = true;
  e.to_banner = false;
  e.state = state;
  e.severity = severity;
  return e;
}

BannerHistoryEvent SeverityChange(Severity severity) {
  BannerHistoryEvent e;
  e.is_update = false;
  e.severity = severity;
  return e;
}

TEST(IncidentBannerVersion, NoBannerYetIsZero) {
  EXPECT_EQ(IncidentBannerVersion({}), 0);
  EXPECT_EQ(IncidentBannerVersion({NotToBanner()}), 0);
}

TEST(IncidentBannerVersion, FirstBannerIsOne) {
  EXPECT_EQ(IncidentBannerVersion({ToBanner(kText)}), 1);
  EXPECT_EQ(IncidentBannerVersion({NotToBanner(), ToBanner(kText)}), 1);
}

TEST(IncidentBannerVersion, TypoFixKeepsTheVersion) {
  EXPECT_EQ(
      IncidentBannerVersion({ToBanner("Checkout is degarded."), ToBanner("Checkout is degraded.")}),
      1);
}

TEST(IncidentBannerVersion, SameTextAgainKeepsTheVersion) {
  EXPECT_EQ(IncidentBannerVersion({ToBanner(kText), ToBanner(kText), ToBanner(kText)}), 1);
}

TEST(IncidentBannerVersion, NewTextBumps) {
  EXPECT_EQ(IncidentBannerVersion(
                {ToBanner(kText), ToBanner("Payments by card fail; PayPal still works.")}),
            2);
}

TEST(IncidentBannerVersion, StateChangeBumpsEvenWithTheSameText) {
  EXPECT_EQ(IncidentBannerVersion({ToBanner(kText), ToBanner(kText, IncidentState::kIdentified)}),
            2);
}

TEST(IncidentBannerVersion, EscalationWhileShownBumps) {
  EXPECT_EQ(IncidentBannerVersion({ToBanner(kText), SeverityChange(Severity::kSev1)}), 2);
}

TEST(IncidentBannerVersion, EscalationCountsOnceWhenTheNextUpdateRepeatsIt) {
  EXPECT_EQ(
      IncidentBannerVersion({ToBanner(kText), SeverityChange(Severity::kSev1),
                             ToBanner(kText, IncidentState::kInvestigating, Severity::kSev1)}),
      2);
}

TEST(IncidentBannerVersion, SeverityChangeToTheSameSeverityDoesNotBump) {
  EXPECT_EQ(IncidentBannerVersion({ToBanner(kText), SeverityChange(Severity::kSev2)}), 1);
}

TEST(IncidentBannerVersion, UpdateNotSentToTheBannerHidesItAndTheNextBannerBumps) {
  // The banner disappears; when it comes back, even with the same text, a
  // dismissal of the old one must not hide it.
  EXPECT_EQ(IncidentBannerVersion({ToBanner(kText), NotToBanner(), ToBanner(kText)}), 2);
}

TEST(IncidentBannerVersion, SeverityChangeWhileHiddenBumpsOnceOnReturn) {
  EXPECT_EQ(
      IncidentBannerVersion({ToBanner(kText), NotToBanner(), SeverityChange(Severity::kSev1),
                             ToBanner(kText, IncidentState::kInvestigating, Severity::kSev1)}),
      2);
}

// ---------------------------------------------------------------------------
// Target validation

TEST(ValidateTarget, AcceptsAGoodTarget) {
  EXPECT_TRUE(ValidateTarget({"web", "/checkout"}).ok());
  EXPECT_TRUE(ValidateTarget({"ios-app_2.0", "/"}).ok());
  EXPECT_TRUE(ValidateTarget({std::string(64, 'a'), "/" + std::string(511, 'p')}).ok());
  EXPECT_TRUE(ValidateTarget({"web", "/caf\xC3\xA9/\xE2\x82\xAC?q=1"}).ok());
}

TEST(ValidateTarget, RejectsAnEmptyApp) {
  absl::Status s = ValidateTarget({"", "/checkout"});
  EXPECT_TRUE(HasFieldViolation(s, "app", "is required"));
  EXPECT_EQ(GetFieldViolations(s).size(), 1u);
}

TEST(ValidateTarget, RejectsAnUppercaseApp) {
  EXPECT_TRUE(HasFieldViolation(ValidateTarget({"Web", "/checkout"}), "app", "a-z"));
}

TEST(ValidateTarget, RejectsAnAppWithOtherCharacters) {
  EXPECT_TRUE(HasFieldViolation(ValidateTarget({"web app", "/checkout"}), "app"));
  EXPECT_TRUE(HasFieldViolation(ValidateTarget({"web/app", "/checkout"}), "app"));
  EXPECT_TRUE(HasFieldViolation(ValidateTarget({"caf\xC3\xA9", "/checkout"}), "app"));
}

TEST(ValidateTarget, RejectsAnAppLongerThan64) {
  EXPECT_TRUE(HasFieldViolation(ValidateTarget({std::string(65, 'a'), "/checkout"}), "app", "1-64"));
}

TEST(ValidateTarget, RejectsAnEmptyPath) {
  absl::Status s = ValidateTarget({"web", ""});
  EXPECT_TRUE(HasFieldViolation(s, "path", "starts with '/'"));
  EXPECT_EQ(GetFieldViolations(s).size(), 1u);
}

TEST(ValidateTarget, RejectsAPathWithoutLeadingSlash) {
  EXPECT_TRUE(HasFieldViolation(ValidateTarget({"web", "checkout"}), "path", "starts with '/'"));
}

TEST(ValidateTarget, RejectsAPathLongerThan512Bytes) {
  EXPECT_TRUE(HasFieldViolation(ValidateTarget({"web", "/" + std::string(512, 'p')}), "path",
                           "is 513 bytes; the limit is 512"));
}

TEST(ValidateTarget, RejectsControlCharactersInThePath) {
  EXPECT_TRUE(HasFieldViolation(ValidateTarget({"web", "/check\nout"}), "path"));
  EXPECT_TRUE(HasFieldViolation(ValidateTarget({"web", "/check\tout"}), "path"));
  EXPECT_TRUE(HasFieldViolation(ValidateTarget({"web", std::string("/check\0out", 10)}), "path"));
  EXPECT_TRUE(HasFieldViolation(ValidateTarget({"web", "/check\x7Fout"}), "path"));
}

TEST(ValidateTarget, RejectsInvalidUtf8InThePath) {
  EXPECT_TRUE(HasFieldViolation(ValidateTarget({"web", "/caf\xC3"}), "path", "not valid UTF-8"));
  EXPECT_TRUE(HasFieldViolation(ValidateTarget({"web", "/\xC0\xAF"}), "path", "not valid UTF-8"));
  EXPECT_TRUE(HasFieldViolation(ValidateTarget({"web", "/\xED\xA0\x80"}), "path", "not valid UTF-8"));
}

TEST(ValidateTarget, ReportsBothFieldsWhenBothAreBad) {
  absl::Status s = ValidateTarget({"", "nope"});
  EXPECT_TRUE(HasFieldViolation(s, "app"));
  EXPECT_TRUE(HasFieldViolation(s, "path"));
}

// ---------------------------------------------------------------------------
// Scheduled maintenance: announced a day ahead, then shown while it runs

MaintenanceWindow CheckoutUpgrade() {
  MaintenanceWindow w;
  w.ref = "MNT-3";
  w.title = "Database upgrade";
  w.components = {"checkout"};
  w.state = MaintenanceState::kScheduled;
  w.scheduled_start = kNow + absl::Hours(8);  // 22:00
  w.scheduled_end = kNow + absl::Hours(9);
  w.version = 1;
  return w;
}

BannerWorld WithMaintenance(const MaintenanceWindow& m) {
  BannerWorld w = CheckoutWorld();
  for (ManualBannerRecord& b : MaintenanceBanners(m)) w.manual.push_back(std::move(b));
  return w;
}

TEST(MaintenanceBanners, ShowFromADayAheadWhereTheComponentsShowUntilTheEnd) {
  const BannerWorld w = WithMaintenance(CheckoutUpgrade());
  EXPECT_THAT(IdsFor(w, kWebCheckout, kNow - absl::Hours(17)), IsEmpty());
  std::vector<BannerView> ahead = BannersFor(w, kWebCheckout, kNow, kStatusPage);
  ASSERT_EQ(ahead.size(), 1u);
  EXPECT_EQ(ahead[0].id, "maintenance-MNT-3");
  EXPECT_EQ(ahead[0].level, BannerLevel::kMaintenance);
  EXPECT_EQ(ahead[0].text,
            "Scheduled maintenance 2026-11-27 22:00 UTC to 2026-11-27 23:00 UTC: Database upgrade");
  EXPECT_EQ(ahead[0].link, kStatusPage);
  EXPECT_THAT(IdsFor(w, kWebAccount), IsEmpty()) << "only where checkout shows";
  std::vector<BannerView> running =
      BannersFor(w, kWebCheckout, kNow + absl::Hours(8) + absl::Minutes(5), kStatusPage);
  ASSERT_EQ(running.size(), 1u);
  EXPECT_EQ(running[0].text,
            "Maintenance in progress until 2026-11-27 23:00 UTC: Database upgrade");
  EXPECT_GT(running[0].content_version, ahead[0].content_version)
      << "dismissing the announcement does not hide the work";
  EXPECT_THAT(IdsFor(w, kWebCheckout, kNow + absl::Hours(9)), IsEmpty());
  EXPECT_EQ(NextScheduleBoundary(w, kNow), kNow + absl::Hours(8));
}

TEST(MaintenanceBanners, AWindowStartedByHandShowsUntilCompletedAndAFinishedOneNever) {
  MaintenanceWindow m = CheckoutUpgrade();
  m.state = MaintenanceState::kInProgress;
  EXPECT_THAT(IdsFor(WithMaintenance(m), kIosCheckout, kNow + absl::Hours(12)),
              ElementsAre("maintenance-MNT-3"));
  for (MaintenanceState done : {MaintenanceState::kCompleted, MaintenanceState::kCancelled}) {
    m.state = done;
    EXPECT_THAT(MaintenanceBanners(m), IsEmpty());
  }
}

}  // namespace
}  // namespace statuscast
