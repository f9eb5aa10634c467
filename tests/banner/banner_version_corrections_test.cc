// An incident banner's content version and corrections of posted updates
// (CorrectUpdate): a material correction of the text on show is a new
// version, a typo fix is not, and correcting an update no longer on show
// changes nothing.
#include <string>

#include "gtest/gtest.h"
#include "libs/banner/banner_world.h"

namespace statuscast {
namespace {

BannerHistoryEvent Posted(int64_t id, const std::string& text) {
  BannerHistoryEvent e;
  e.is_update = true;
  e.to_banner = true;
  e.update_id = id;
  e.banner_text = text;
  e.state = IncidentState::kInvestigating;
  e.severity = Severity::kSev2;
  return e;
}

BannerHistoryEvent Corrected(int64_t id, const std::string& text) {
  BannerHistoryEvent e = Posted(id, text);
  e.is_correction = true;
  return e;
}

constexpr char kText[] = "Checkout fails for 50% of payments.";

TEST(IncidentBannerVersionCorrections, AMaterialCorrectionOfTheShownTextBumps) {
  EXPECT_EQ(IncidentBannerVersion({Posted(1, kText), Corrected(1, "Search is slow in Europe.")}),
            2);
}

TEST(IncidentBannerVersionCorrections, ATypoFixKeepsTheVersion) {
  EXPECT_EQ(IncidentBannerVersion({Posted(1, "Checkout fails for some payemnts."),
                                   Corrected(1, "Checkout fails for some payments.")}),
            1);
}

TEST(IncidentBannerVersionCorrections, CorrectingAnUpdateNoLongerShownChangesNothing) {
  EXPECT_EQ(IncidentBannerVersion({Posted(1, kText), Posted(2, "Card payments fail; PayPal works."),
                                   Corrected(1, "Search is slow in Europe.")}),
            2);
}

TEST(IncidentBannerVersionCorrections, TheNextUpdateComparesWithTheCorrectedText) {
  // Corrected to B, then posted B again: no new version for the repeat.
  EXPECT_EQ(IncidentBannerVersion({Posted(1, kText), Corrected(1, "Search is slow in Europe."),
                                   Posted(2, "Search is slow in Europe.")}),
            2);
}

}  // namespace
}  // namespace statuscast
