// The fixture of the BannerHub tests (banner_hub_test.cc: delivery, resume,
// subscriptions; banner_hub_output_test.cc: hashes, JSON, commit times,
// schedules, stats and snapshot cost): a FakeClock at kStart, a hub with
// Options(), sinks that record what they are handed, and worlds with two
// placed components.
#ifndef STATUSCAST_TESTS_BANNER_BANNER_HUB_FIXTURE_H_
#define STATUSCAST_TESTS_BANNER_BANNER_HUB_FIXTURE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/banner/banner_hub.h"
#include "libs/banner/banner_world.h"
#include "libs/base/clock.h"
#include "libs/incident/model.h"

namespace statuscast {
namespace banner_hub_test {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;


// 2026-11-27 14:00:00 UTC: every test starts here and moves a FakeClock.
inline const absl::Time kStart =
    absl::FromCivil(absl::CivilSecond(2026, 11, 27, 14, 0, 0), absl::UTCTimeZone());

inline const BannerTarget kCheckout{"web", "/checkout"};
inline const BannerTarget kAccount{"web", "/account"};

// Records what the hub hands it. The hub calls sinks under its lock, from the
// test's own thread here, so no locking is needed.
class RecordingSink : public SetSink {
 public:
  void OnSet(std::shared_ptr<const RenderedSet> set) override { sets.push_back(std::move(set)); }
  void OnClose(std::shared_ptr<const RenderedSet> current) override {
    ++closes;
    close_version = current ? current->version : 0;
  }

  // The ids of the banners of every set received, one vector per set.
  std::vector<std::vector<std::string>> BannerIds() const {
    std::vector<std::vector<std::string>> out;
    for (const auto& s : sets) {
      std::vector<std::string> ids;
      for (const BannerView& b : s->banners) ids.push_back(b.id);
      out.push_back(ids);
    }
    return out;
  }
  std::vector<int64_t> Versions() const {
    std::vector<int64_t> out;
    for (const auto& s : sets) out.push_back(s->version);
    return out;
  }

  std::vector<std::shared_ptr<const RenderedSet>> sets;
  int closes = 0;
  int64_t close_version = -1;  // OnClose's current->version, 0 for nullptr
};

inline IncidentBanner CheckoutIncident(const std::string& text = "Checkout is failing for some users.",
                                Severity severity = Severity::kSev2) {
  IncidentBanner b;
  b.incident_ref = "INC-3";
  b.severity = severity;
  b.state = IncidentState::kInvestigating;
  b.text = text;
  b.components = {"checkout"};
  b.posted_at = kStart - absl::Minutes(2);
  b.next_update_at = kStart + absl::Minutes(28);
  b.content_version = 1;
  return b;
}

inline IncidentBanner AccountIncident() {
  IncidentBanner b;
  b.incident_ref = "INC-4";
  b.severity = Severity::kSev3;
  b.state = IncidentState::kIdentified;
  b.text = "Password resets are delayed.";
  b.components = {"accounts"};
  b.posted_at = kStart - absl::Minutes(1);
  b.content_version = 1;
  return b;
}

// A world at `sequence` where "checkout" shows on /checkout* and "accounts"
// on /account*.
inline std::shared_ptr<BannerWorld> World(int64_t sequence, std::vector<IncidentBanner> incidents = {},
                                   std::vector<ManualBannerRecord> manual = {}) {
  auto w = std::make_shared<BannerWorld>();
  w->sequence = sequence;
  w->incidents = std::move(incidents);
  w->manual = std::move(manual);
  w->placements["checkout"] = ComponentPlacement{{"web"}, {"/checkout*"}};
  w->placements["accounts"] = ComponentPlacement{{"web"}, {"/account*"}};
  return w;
}

inline BannerHubOptions Options() {
  BannerHubOptions o;
  o.status_page_url = "https://status.example.com";
  o.validity = absl::Seconds(90);
  return o;
}

class BannerHubTest : public ::testing::Test {
 protected:
  std::shared_ptr<RecordingSink> Sink() { return std::make_shared<RecordingSink>(); }

  FakeClock clock_{kStart};
  BannerHub hub_{clock_, Options()};
};

}  // namespace banner_hub_test
}  // namespace statuscast

#endif  // STATUSCAST_TESTS_BANNER_BANNER_HUB_FIXTURE_H_
