#include "libs/banner/banner_hub.h"

#include <google/protobuf/util/json_util.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/banner/banner_world.h"
#include "libs/base/clock.h"
#include "libs/incident/model.h"
#include "statuscast/v1/banner.pb.h"

namespace statuscast {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

// 2026-11-27 14:00:00 UTC: every test starts here and moves a FakeClock.
const absl::Time kStart =
    absl::FromCivil(absl::CivilSecond(2026, 11, 27, 14, 0, 0), absl::UTCTimeZone());

const BannerTarget kCheckout{"web", "/checkout"};
const BannerTarget kAccount{"web", "/account"};

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

IncidentBanner CheckoutIncident(const std::string& text = "Checkout is failing for some users.",
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

IncidentBanner AccountIncident() {
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
std::shared_ptr<BannerWorld> World(int64_t sequence, std::vector<IncidentBanner> incidents = {},
                                   std::vector<ManualBannerRecord> manual = {}) {
  auto w = std::make_shared<BannerWorld>();
  w->sequence = sequence;
  w->incidents = std::move(incidents);
  w->manual = std::move(manual);
  w->placements["checkout"] = ComponentPlacement{{"web"}, {"/checkout*"}};
  w->placements["accounts"] = ComponentPlacement{{"web"}, {"/account*"}};
  return w;
}

BannerHubOptions Options() {
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

// ---------------------------------------------------------------------------
// Readiness and snapshots

TEST_F(BannerHubTest, NotReadyBeforeTheFirstWorld) {
  EXPECT_FALSE(hub_.ready());
  EXPECT_EQ(hub_.Current(kCheckout), nullptr);
  EXPECT_EQ(hub_.sequence(), 0);
  EXPECT_EQ(hub_.world(), nullptr);
}

TEST_F(BannerHubTest, CurrentRendersTheSetOfTheLatestWorld) {
  hub_.Publish(World(5, {CheckoutIncident()}));

  ASSERT_TRUE(hub_.ready());
  std::shared_ptr<const RenderedSet> set = hub_.Current(kCheckout);
  ASSERT_NE(set, nullptr);
  EXPECT_EQ(set->target, kCheckout);
  EXPECT_EQ(set->version, 5);
  ASSERT_THAT(set->banners, SizeIs(1));
  EXPECT_EQ(set->banners[0].id, "incident-INC-3");
  EXPECT_EQ(set->banners[0].link, "https://status.example.com/incidents/INC-3");
  EXPECT_EQ(set->generated_at, kStart);
  EXPECT_EQ(set->valid_until, kStart + absl::Seconds(90));
  EXPECT_THAT(hub_.Current(kAccount)->banners, IsEmpty());
  EXPECT_EQ(hub_.sequence(), 5);
}

TEST_F(BannerHubTest, ValidityStopsExtendingWhileNothingIsPublished) {
  hub_.Publish(World(5, {CheckoutIncident()}));
  EXPECT_EQ(hub_.ValidUntil(), kStart + absl::Seconds(90));

  // PostgreSQL unreachable: no Publish. A target first asked for now, and
  // a re-render by time, still carry the validity of the last load.
  clock_.Advance(absl::Seconds(60));
  hub_.Refresh();
  EXPECT_EQ(hub_.Current(kAccount)->valid_until, kStart + absl::Seconds(90));
  EXPECT_EQ(hub_.Current(kCheckout)->valid_until, kStart + absl::Seconds(90));
  EXPECT_EQ(hub_.ValidUntil(), kStart + absl::Seconds(90));

  // The same world loaded again confirms it: validity moves on.
  hub_.Publish(World(5, {CheckoutIncident()}));
  EXPECT_EQ(hub_.Current(kCheckout)->valid_until, kStart + absl::Seconds(150));
  EXPECT_EQ(hub_.ValidUntil(), kStart + absl::Seconds(150));
}

TEST_F(BannerHubTest, NoValidityBeforeTheFirstWorld) {
  EXPECT_EQ(hub_.ValidUntil(), absl::InfinitePast());
}

TEST_F(BannerHubTest, GrpcMessageCarriesTheSameSet) {
  hub_.Publish(World(5, {CheckoutIncident()}));

  std::shared_ptr<const RenderedSet> set = hub_.Current(kCheckout);

  ASSERT_NE(set->grpc_message, nullptr);
  ASSERT_TRUE(set->grpc_message->has_set());
  const v1::BannerSet& proto = set->grpc_message->set();
  EXPECT_EQ(proto.app(), "web");
  EXPECT_EQ(proto.path(), "/checkout");
  EXPECT_EQ(proto.version(), 5);
  ASSERT_EQ(proto.banners_size(), 1);
  EXPECT_EQ(proto.banners(0).id(), "incident-INC-3");
  EXPECT_EQ(proto.banners(0).text(), "Checkout is failing for some users.");
  EXPECT_TRUE(proto.banners(0).dismissible());
}

// ---------------------------------------------------------------------------
// First set on Subscribe

TEST_F(BannerHubTest, SubscriberGetsTheCurrentSetAtOnce) {
  hub_.Publish(World(5, {CheckoutIncident()}));
  auto sink = Sink();

  hub_.Subscribe(kCheckout, 0, sink);

  EXPECT_THAT(sink->Versions(), ElementsAre(5));
  EXPECT_THAT(sink->BannerIds(), ElementsAre(ElementsAre("incident-INC-3")));
}

TEST_F(BannerHubTest, SubscriberBeforeTheFirstWorldGetsTheFirstSetOnPublish) {
  auto sink = Sink();
  hub_.Subscribe(kCheckout, 0, sink);
  EXPECT_THAT(sink->sets, IsEmpty());

  // A fresh change log: the first world is sequence 1.
  hub_.Publish(World(1, {CheckoutIncident()}));

  EXPECT_THAT(sink->Versions(), ElementsAre(1));
  EXPECT_THAT(sink->BannerIds(), ElementsAre(ElementsAre("incident-INC-3")));
}

TEST_F(BannerHubTest, SubscriberBeforeTheFirstWorldGetsTheSetOfAnEmptyChangeLog) {
  // A fresh database: change_sequence starts at 0, so the first world is 0.
  auto sink = Sink();
  hub_.Subscribe(kCheckout, 0, sink);

  hub_.Publish(World(0));

  EXPECT_THAT(sink->Versions(), ElementsAre(0));
}

TEST_F(BannerHubTest, SubscriberBeforeTheFirstWorldGetsTheFirstSetOfALaterSequence) {
  auto sink = Sink();
  hub_.Subscribe(kCheckout, 0, sink);

  hub_.Publish(World(7, {CheckoutIncident()}));

  EXPECT_THAT(sink->Versions(), ElementsAre(7));
}

TEST_F(BannerHubTest, EverySubscriberOfATargetGetsTheSameSet) {
  hub_.Publish(World(5));
  auto a = Sink();
  auto b = Sink();
  hub_.Subscribe(kCheckout, 0, a);
  hub_.Subscribe(kCheckout, 0, b);

  hub_.Publish(World(6, {CheckoutIncident()}));

  ASSERT_THAT(a->sets, SizeIs(2));
  ASSERT_THAT(b->sets, SizeIs(2));
  EXPECT_EQ(a->sets[1], b->sets[1]);  // rendered once
}

// ---------------------------------------------------------------------------
// Publish

TEST_F(BannerHubTest, ChangedContentDeliversANewSetVersionedByTheWorldSequence) {
  hub_.Publish(World(5));
  auto sink = Sink();
  hub_.Subscribe(kCheckout, 0, sink);

  hub_.Publish(World(8, {CheckoutIncident()}));

  EXPECT_THAT(sink->Versions(), ElementsAre(5, 8));
  EXPECT_THAT(sink->BannerIds(), ElementsAre(IsEmpty(), ElementsAre("incident-INC-3")));
}

TEST_F(BannerHubTest, ResolvingRemovesTheBanner) {
  hub_.Publish(World(5, {CheckoutIncident()}));
  auto sink = Sink();
  hub_.Subscribe(kCheckout, 0, sink);

  hub_.Publish(World(6));

  EXPECT_THAT(sink->BannerIds(), ElementsAre(ElementsAre("incident-INC-3"), IsEmpty()));
}

TEST_F(BannerHubTest, UnchangedContentDeliversNothingButAChangedTargetGetsItsSet) {
  hub_.Publish(World(5, {CheckoutIncident()}));
  auto checkout = Sink();
  auto account = Sink();
  hub_.Subscribe(kCheckout, 0, checkout);
  hub_.Subscribe(kAccount, 0, account);

  // Only the account pages change.
  hub_.Publish(World(6, {CheckoutIncident(), AccountIncident()}));

  EXPECT_THAT(checkout->Versions(), ElementsAre(5));
  EXPECT_THAT(account->Versions(), ElementsAre(5, 6));
  EXPECT_THAT(account->BannerIds().back(), ElementsAre("incident-INC-4"));
}

TEST_F(BannerHubTest, TextChangeWithTheSameContentVersionIsStillDelivered) {
  // A typo fix keeps the banner's content_version (dismissals survive) but
  // subscribers must still see the corrected text.
  hub_.Publish(World(5, {CheckoutIncident("Checkout is faling.")}));
  auto sink = Sink();
  hub_.Subscribe(kCheckout, 0, sink);

  hub_.Publish(World(6, {CheckoutIncident("Checkout is failing.")}));

  ASSERT_THAT(sink->sets, SizeIs(2));
  EXPECT_EQ(sink->sets[1]->banners[0].text, "Checkout is failing.");
  EXPECT_EQ(sink->sets[1]->banners[0].content_version, 1);
}

TEST_F(BannerHubTest, WorldWithALowerSequenceIsIgnored) {
  hub_.Publish(World(10, {CheckoutIncident()}));
  auto sink = Sink();
  hub_.Subscribe(kCheckout, 0, sink);

  hub_.Publish(World(8));

  EXPECT_THAT(sink->Versions(), ElementsAre(10));
  EXPECT_EQ(hub_.sequence(), 10);
  EXPECT_EQ(hub_.Current(kCheckout)->version, 10);
  EXPECT_THAT(hub_.Current(kCheckout)->banners, SizeIs(1));
}

TEST_F(BannerHubTest, GlobalKillSwitchEmptiesEverySubscribersSet) {
  hub_.Publish(World(5, {CheckoutIncident(), AccountIncident()}));
  auto checkout = Sink();
  auto account = Sink();
  hub_.Subscribe(kCheckout, 0, checkout);
  hub_.Subscribe(kAccount, 0, account);

  auto killed = World(6, {CheckoutIncident(), AccountIncident()});
  killed->kill_switches.push_back(KillSwitchRecord{"*", true, "wrong text", "ops", kStart});
  hub_.Publish(killed);

  EXPECT_THAT(checkout->BannerIds(), ElementsAre(SizeIs(1), IsEmpty()));
  EXPECT_THAT(account->BannerIds(), ElementsAre(SizeIs(1), IsEmpty()));
}

// ---------------------------------------------------------------------------
// Resume

class BannerHubResumeTest : public BannerHubTest {
 protected:
  // The checkout pages' content last changed at 5; the world moved on to 9
  // with changes elsewhere only.
  void SetUp() override {
    hub_.Publish(World(3));
    hub_.Subscribe(kCheckout, 0, Sink());  // this replica watches the target
    hub_.Publish(World(5, {CheckoutIncident()}));
    hub_.Publish(World(9, {CheckoutIncident(), AccountIncident()}));
  }
};

TEST_F(BannerHubResumeTest, VersionAtTheLastChangeGetsNoFirstSet) {
  auto sink = Sink();
  hub_.Subscribe(kCheckout, 5, sink);
  EXPECT_THAT(sink->sets, IsEmpty());
}

TEST_F(BannerHubResumeTest, VersionAfterTheLastChangeGetsNoFirstSet) {
  auto at7 = Sink();
  auto at9 = Sink();
  hub_.Subscribe(kCheckout, 7, at7);
  hub_.Subscribe(kCheckout, 9, at9);
  EXPECT_THAT(at7->sets, IsEmpty());
  EXPECT_THAT(at9->sets, IsEmpty());
}

TEST_F(BannerHubResumeTest, VersionBeforeTheLastChangeGetsTheCurrentSet) {
  auto sink = Sink();
  hub_.Subscribe(kCheckout, 4, sink);
  EXPECT_THAT(sink->Versions(), ElementsAre(9));
  EXPECT_THAT(sink->BannerIds(), ElementsAre(ElementsAre("incident-INC-3")));
}

TEST_F(BannerHubResumeTest, ResumedSubscriberGetsLaterChanges) {
  auto sink = Sink();
  hub_.Subscribe(kCheckout, 9, sink);

  hub_.Publish(World(10));

  EXPECT_THAT(sink->Versions(), ElementsAre(10));
  EXPECT_THAT(sink->BannerIds(), ElementsAre(IsEmpty()));
}

TEST_F(BannerHubResumeTest, ClientAheadOfThisReplicaWaitsAndGetsNothingUnchanged) {
  auto sink = Sink();
  hub_.Subscribe(kCheckout, 12, sink);  // it saw 12 on a replica further along
  EXPECT_THAT(sink->sets, IsEmpty());

  hub_.Publish(World(11));  // still behind the client: never a set older than 12
  EXPECT_THAT(sink->sets, IsEmpty());

  // 12 arrives; this target last changed at 11 <= 12, so the client has it.
  hub_.Publish(World(12, {AccountIncident()}));
  EXPECT_THAT(sink->sets, IsEmpty());

  // From now on it is an ordinary subscriber.
  hub_.Publish(World(13, {CheckoutIncident()}));
  EXPECT_THAT(sink->Versions(), ElementsAre(13));
}

TEST_F(BannerHubResumeTest, ClientAheadOfThisReplicaGetsASetWhenContentChangedSinceItsVersion) {
  auto sink = Sink();
  hub_.Subscribe(kCheckout, 12, sink);

  // The replica jumps past the client, with a checkout change at 14.
  hub_.Publish(World(14));

  EXPECT_THAT(sink->Versions(), ElementsAre(14));
  EXPECT_THAT(sink->BannerIds(), ElementsAre(IsEmpty()));
}

TEST_F(BannerHubTest, ClientAheadOfAReplicaWithoutAWorldWaitsForItsVersion) {
  auto sink = Sink();
  hub_.Subscribe(kCheckout, 12, sink);

  hub_.Publish(World(10, {CheckoutIncident()}));
  EXPECT_THAT(sink->sets, IsEmpty());

  hub_.Publish(World(15, {CheckoutIncident()}));
  // This replica first saw the content at 10, but cannot tell whether it
  // changed between 12 and 15 without having watched it; either answer is
  // safe as long as nothing older than 12 was sent.
  for (const auto& s : sink->sets) EXPECT_GE(s->version, 12);
}

// ---------------------------------------------------------------------------
// Unsubscribe and shutdown

TEST_F(BannerHubTest, UnsubscribeStopsDeliveries) {
  hub_.Publish(World(5));
  auto gone = Sink();
  auto stays = Sink();
  uint64_t id = hub_.Subscribe(kCheckout, 0, gone);
  hub_.Subscribe(kCheckout, 0, stays);

  hub_.Unsubscribe(id);
  hub_.Publish(World(6, {CheckoutIncident()}));

  EXPECT_THAT(gone->Versions(), ElementsAre(5));
  EXPECT_THAT(stays->Versions(), ElementsAre(5, 6));
  EXPECT_EQ(hub_.stats().subscribers, 1u);
}

TEST_F(BannerHubTest, UnsubscribeOfAnUnknownIdIsHarmless) {
  hub_.Publish(World(5));
  auto sink = Sink();
  uint64_t id = hub_.Subscribe(kCheckout, 0, sink);

  hub_.Unsubscribe(id + 100);
  hub_.Unsubscribe(id);
  hub_.Unsubscribe(id);

  EXPECT_EQ(hub_.stats().subscribers, 0u);
}

TEST_F(BannerHubTest, SubscriptionIdsAreDistinct) {
  hub_.Publish(World(5));
  uint64_t a = hub_.Subscribe(kCheckout, 0, Sink());
  uint64_t b = hub_.Subscribe(kCheckout, 0, Sink());
  uint64_t c = hub_.Subscribe(kAccount, 0, Sink());
  EXPECT_NE(a, b);
  EXPECT_NE(b, c);
  EXPECT_NE(a, c);
}

// Heartbeats name HeartbeatVersion: it moves to a world only once that
// world's sets are handed out, so no heartbeat names a version whose set a
// sink has not been handed yet.
TEST_F(BannerHubTest, HeartbeatVersionMovesOnlyAfterTheSetsAreHandedOut) {
  class Probe final : public RecordingSink {
   public:
    explicit Probe(const BannerHub& hub) : hub_(hub) {}
    void OnSet(std::shared_ptr<const RenderedSet> set) override {
      seen_while_handed.push_back(hub_.HeartbeatVersion());  // lock-free: allowed here
      RecordingSink::OnSet(std::move(set));
    }
    std::vector<int64_t> seen_while_handed;

   private:
    const BannerHub& hub_;
  };
  EXPECT_EQ(hub_.HeartbeatVersion(), 0);
  hub_.Publish(World(3));
  EXPECT_EQ(hub_.HeartbeatVersion(), 3);
  auto probe = std::make_shared<Probe>(hub_);
  hub_.Subscribe(kCheckout, 0, probe);
  hub_.Publish(World(5, {CheckoutIncident()}));
  hub_.Publish(World(8, {CheckoutIncident()}, {}));  // nothing for /checkout
  EXPECT_THAT(probe->Versions(), ElementsAre(3, 5));
  EXPECT_THAT(probe->seen_while_handed, ElementsAre(3, 3));
  EXPECT_EQ(hub_.HeartbeatVersion(), 8);
  EXPECT_EQ(hub_.sequence(), 8);
}

TEST_F(BannerHubTest, CloseAllClosesEverySinkOnceAndForgetsThem) {
  hub_.Publish(World(5));
  auto a = Sink();
  auto b = Sink();
  auto c = Sink();
  hub_.Subscribe(kCheckout, 0, a);
  hub_.Subscribe(kCheckout, 0, b);
  hub_.Subscribe(kAccount, 0, c);

  hub_.CloseAll();

  EXPECT_EQ(a->closes, 1);
  EXPECT_EQ(b->closes, 1);
  EXPECT_EQ(c->closes, 1);
  EXPECT_EQ(hub_.stats().subscribers, 0u);

  hub_.Publish(World(6, {CheckoutIncident(), AccountIncident()}));
  EXPECT_THAT(a->sets, SizeIs(1));
  EXPECT_THAT(c->sets, SizeIs(1));
  hub_.CloseAll();
  EXPECT_EQ(a->closes, 1);
}

// A replica restart: the old hub closes every stream naming the target's
// current version, and the new hub, loaded from the same world, sends a
// client resuming from it nothing, even though the world moved on after the
// client's last set (an unrelated change).
TEST_F(BannerHubTest, ClientResumingFromItsCloseVersionGetsNoSetFromARestartedReplica) {
  hub_.Publish(World(5, {CheckoutIncident()}));
  auto sink = Sink();
  hub_.Subscribe(kCheckout, 0, sink);
  hub_.Publish(World(9, {CheckoutIncident(), AccountIncident()}));  // not /checkout's
  ASSERT_THAT(sink->Versions(), ElementsAre(5));

  hub_.CloseAll();
  ASSERT_EQ(sink->close_version, 9);

  BannerHub restarted(clock_, Options());
  restarted.Publish(World(9, {CheckoutIncident(), AccountIncident()}));
  auto resumed = Sink();
  restarted.Subscribe(kCheckout, sink->close_version, resumed);
  EXPECT_THAT(resumed->sets, IsEmpty());
  // Its last set's version alone would not do: the new replica cannot tell
  // that nothing of /checkout changed between 5 and 9.
  auto from_last_set = Sink();
  restarted.Subscribe(kCheckout, 5, from_last_set);
  EXPECT_THAT(from_last_set->Versions(), ElementsAre(9));
}

TEST_F(BannerHubTest, SubscribingAfterCloseAllClosesAtOnce) {
  hub_.Publish(World(5, {CheckoutIncident()}));
  hub_.CloseAll();

  auto current = Sink();
  hub_.Subscribe(kCheckout, 5, current);
  auto behind = Sink();
  hub_.Subscribe(kCheckout, 0, behind);

  EXPECT_EQ(current->closes, 1);
  EXPECT_EQ(current->close_version, 5);
  EXPECT_EQ(behind->closes, 1);
  EXPECT_EQ(behind->close_version, 0);  // resumes from its own: gets the set elsewhere
  EXPECT_THAT(behind->sets, IsEmpty());
  EXPECT_EQ(hub_.stats().subscribers, 0u);
}

TEST_F(BannerHubTest, CloseAllNamesNoVersionForASubscriberStillWaiting) {
  hub_.Publish(World(5));
  auto ahead = Sink();
  hub_.Subscribe(kCheckout, 7, ahead);  // this replica is behind the client

  hub_.CloseAll();

  EXPECT_EQ(ahead->close_version, 0);
}

TEST_F(BannerHubTest, UnsubscribingInAnyOrderLeavesTheOthersSubscribed) {
  hub_.Publish(World(5));
  std::vector<std::shared_ptr<RecordingSink>> sinks;
  std::vector<uint64_t> ids;
  for (int i = 0; i < 6; ++i) {
    sinks.push_back(Sink());
    ids.push_back(hub_.Subscribe(kCheckout, 0, sinks.back()));
  }
  for (int i : {3, 0, 5}) hub_.Unsubscribe(ids[i]);

  hub_.Publish(World(6, {CheckoutIncident()}));

  for (int i = 0; i < 6; ++i) {
    const bool still = i == 1 || i == 2 || i == 4;
    EXPECT_THAT(sinks[i]->sets, SizeIs(still ? 2 : 1)) << "subscriber " << i;
  }
  EXPECT_EQ(hub_.stats().subscribers, 3u);
}

// ---------------------------------------------------------------------------
// What replicas rely on

TEST_F(BannerHubTest, EqualContentHasEqualHashesOnIndependentHubs) {
  // Another replica, with its own clock and a different history.
  FakeClock other_clock(kStart + absl::Seconds(7));
  BannerHub other(other_clock, Options());
  other.Publish(World(2));
  ASSERT_NE(other.Current(kCheckout), nullptr);

  hub_.Publish(World(9, {CheckoutIncident(), AccountIncident()}));
  other.Publish(World(9, {CheckoutIncident(), AccountIncident()}));

  std::shared_ptr<const RenderedSet> mine = hub_.Current(kCheckout);
  std::shared_ptr<const RenderedSet> theirs = other.Current(kCheckout);
  EXPECT_EQ(mine->content_hash, theirs->content_hash);
  EXPECT_EQ(mine->version, theirs->version);
  EXPECT_EQ(hub_.Current(kAccount)->content_hash, other.Current(kAccount)->content_hash);
  EXPECT_FALSE(mine->content_hash.empty());
}

TEST_F(BannerHubTest, DifferentContentHasDifferentHashes) {
  hub_.Publish(World(9, {CheckoutIncident(), AccountIncident()}));

  EXPECT_NE(hub_.Current(kCheckout)->content_hash, hub_.Current(kAccount)->content_hash);
  EXPECT_NE(hub_.Current(kCheckout)->content_hash,
            hub_.Current(BannerTarget{"web", "/search"})->content_hash);
}

// ---------------------------------------------------------------------------
// JSON

TEST_F(BannerHubTest, JsonIsTheProtobufMappingOfTheSetOnOneLine) {
  const std::string text = "Checkout \"pay\" is slow \xE2\x80\x94 see status.";
  hub_.Publish(World(5, {CheckoutIncident(text)}));

  std::shared_ptr<const RenderedSet> set = hub_.Current(kCheckout);

  EXPECT_THAT(set->json, HasSubstr("\"version\""));
  EXPECT_THAT(set->json, HasSubstr("Checkout \\\"pay\\\" is slow"));
  EXPECT_EQ(set->json.find('\n'), std::string::npos);
  v1::BannerSet parsed;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(set->json, &parsed).ok()) << set->json;
  EXPECT_EQ(parsed.version(), 5);
  EXPECT_EQ(parsed.app(), "web");
  EXPECT_EQ(parsed.path(), "/checkout");
  ASSERT_EQ(parsed.banners_size(), 1);
  EXPECT_EQ(parsed.banners(0).text(), text);
  EXPECT_EQ(parsed.banners(0).link(), "https://status.example.com/incidents/INC-3");
}

TEST_F(BannerHubTest, JsonOfAnEmptySetStillNamesTheVersion) {
  hub_.Publish(World(5));

  std::shared_ptr<const RenderedSet> set = hub_.Current(kCheckout);

  EXPECT_THAT(set->json, HasSubstr("\"version\""));
  v1::BannerSet parsed;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(set->json, &parsed).ok()) << set->json;
  EXPECT_EQ(parsed.version(), 5);
  EXPECT_EQ(parsed.banners_size(), 0);
}

// ---------------------------------------------------------------------------
// Commit times

TEST_F(BannerHubTest, DeliveredSetCarriesTheOldestNewCommitTime) {
  hub_.Publish(World(5), {{5, kStart - absl::Seconds(30)}});
  auto sink = Sink();
  hub_.Subscribe(kCheckout, 0, sink);
  const absl::Time at6 = kStart + absl::Milliseconds(100);
  const absl::Time at7 = kStart + absl::Milliseconds(200);

  // 5 was covered by the previous world and does not count again.
  hub_.Publish(World(7, {CheckoutIncident()}),
               {{5, kStart - absl::Seconds(30)}, {6, at6}, {7, at7}});

  ASSERT_THAT(sink->sets, SizeIs(2));
  EXPECT_EQ(sink->sets[1]->oldest_commit, at6);
}

TEST_F(BannerHubTest, SnapshotOnSubscribeCarriesNoCommitTime) {
  hub_.Publish(World(5));
  auto watcher = Sink();
  hub_.Subscribe(kCheckout, 0, watcher);
  hub_.Publish(World(6, {CheckoutIncident()}), {{6, kStart}});
  ASSERT_EQ(hub_.Current(kCheckout)->oldest_commit, kStart);  // the change itself has it

  auto sink = Sink();
  hub_.Subscribe(kCheckout, 0, sink);

  ASSERT_THAT(sink->sets, SizeIs(1));
  EXPECT_EQ(sink->sets[0]->oldest_commit, absl::nullopt);
  EXPECT_EQ(sink->sets[0]->version, 6);
}

TEST_F(BannerHubTest, ClientsConnectingAfterAChangeShareOneFirstSet) {
  hub_.Publish(World(5));
  auto watcher = Sink();
  hub_.Subscribe(kCheckout, 0, watcher);
  hub_.Publish(World(6, {CheckoutIncident()}), {{6, kStart}});

  // A reconnect storm: one copy of the set without its commit time, not one each.
  auto a = Sink();
  auto b = Sink();
  hub_.Subscribe(kCheckout, 0, a);
  hub_.Subscribe(kCheckout, 0, b);

  ASSERT_THAT(a->sets, SizeIs(1));
  ASSERT_THAT(b->sets, SizeIs(1));
  EXPECT_EQ(a->sets[0], b->sets[0]);
  EXPECT_EQ(a->sets[0]->oldest_commit, absl::nullopt);
  EXPECT_EQ(hub_.Current(kCheckout)->oldest_commit, kStart);

  // The next change gets a first set of its own.
  hub_.Publish(World(7), {{7, kStart + absl::Seconds(1)}});
  auto c = Sink();
  hub_.Subscribe(kCheckout, 0, c);
  ASSERT_THAT(c->sets, SizeIs(1));
  EXPECT_EQ(c->sets[0]->version, 7);
  EXPECT_EQ(c->sets[0]->oldest_commit, absl::nullopt);
}

// Records the order in which sinks of both kinds get a change.
class OrderSink final : public SetSink {
 public:
  OrderSink(bool queues_only, std::string name, std::vector<std::string>* order)
      : queues_only_(queues_only), name_(std::move(name)), order_(order) {}
  void OnSet(std::shared_ptr<const RenderedSet>) override { order_->push_back(name_); }
  void OnClose(std::shared_ptr<const RenderedSet>) override {}
  bool QueuesOnly() const override { return queues_only_; }

 private:
  const bool queues_only_;
  const std::string name_;
  std::vector<std::string>* const order_;
};

TEST_F(BannerHubTest, AChangeReachesQueueingSinksBeforeInlineOnes) {
  hub_.Publish(World(5));
  std::vector<std::string> order;
  hub_.Subscribe(kCheckout, 0, std::make_shared<OrderSink>(false, "grpc1", &order));
  hub_.Subscribe(kCheckout, 0, std::make_shared<OrderSink>(true, "sse1", &order));
  hub_.Subscribe(kCheckout, 0, std::make_shared<OrderSink>(false, "grpc2", &order));
  hub_.Subscribe(kCheckout, 0, std::make_shared<OrderSink>(true, "sse2", &order));
  order.clear();  // the first sets, in subscription order

  hub_.Publish(World(6, {CheckoutIncident()}));

  EXPECT_THAT(order, ElementsAre("sse1", "sse2", "grpc1", "grpc2"));
}

TEST_F(BannerHubTest, SetWithoutCommitTimesCarriesNone) {
  hub_.Publish(World(5));
  auto sink = Sink();
  hub_.Subscribe(kCheckout, 0, sink);

  hub_.Publish(World(6, {CheckoutIncident()}));

  ASSERT_THAT(sink->sets, SizeIs(2));
  EXPECT_EQ(sink->sets[1]->oldest_commit, absl::nullopt);
}

// ---------------------------------------------------------------------------
// Refresh (schedules)

ManualBannerRecord Maintenance(absl::Time starts, absl::Time ends) {
  ManualBannerRecord m;
  m.id = 12;
  m.text = "Scheduled maintenance tonight 22:00-23:00 UTC.";
  m.level = BannerLevel::kMaintenance;
  m.starts_at = starts;
  m.ends_at = ends;
  m.updated_at = kStart - absl::Hours(24);
  return m;
}

TEST_F(BannerHubTest, RefreshShowsAndHidesAScheduledBannerAsTheClockPassesItsBounds) {
  hub_.Publish(World(5, {}, {Maintenance(kStart + absl::Hours(1), kStart + absl::Hours(2))}));
  auto sink = Sink();
  hub_.Subscribe(kCheckout, 0, sink);
  ASSERT_THAT(sink->BannerIds(), ElementsAre(IsEmpty()));

  clock_.Advance(absl::Minutes(59));
  hub_.Refresh();
  EXPECT_THAT(sink->sets, SizeIs(1));  // nothing changed yet

  clock_.Advance(absl::Minutes(1));
  hub_.Refresh();
  ASSERT_THAT(sink->BannerIds(), ElementsAre(IsEmpty(), ElementsAre("manual-12")));
  EXPECT_THAT(hub_.Current(kAccount)->banners, SizeIs(1));
  EXPECT_EQ(sink->sets[1]->generated_at, kStart + absl::Hours(1));

  clock_.Advance(absl::Hours(1));
  hub_.Refresh();
  EXPECT_THAT(sink->BannerIds(), ElementsAre(IsEmpty(), ElementsAre("manual-12"), IsEmpty()));
}

TEST_F(BannerHubTest, RefreshBeforeTheFirstWorldDoesNothing) {
  auto sink = Sink();
  hub_.Subscribe(kCheckout, 0, sink);
  hub_.Refresh();
  EXPECT_THAT(sink->sets, IsEmpty());
  EXPECT_FALSE(hub_.ready());
}

TEST_F(BannerHubTest, AScheduleChangeIsDeliveredUnderTheSameSequence) {
  // Versions are change-log sequences and a schedule boundary writes none,
  // so both sets carry 5; resuming with 5 is then treated as ambiguous and
  // gets the current set (next test).
  hub_.Publish(World(5, {}, {Maintenance(kStart + absl::Hours(1), kStart + absl::Hours(2))}));
  auto sink = Sink();
  hub_.Subscribe(kCheckout, 0, sink);

  clock_.Advance(absl::Hours(1));
  hub_.Refresh();

  ASSERT_THAT(sink->sets, SizeIs(2));
  EXPECT_EQ(sink->sets[1]->version, 5);
  EXPECT_THAT(sink->BannerIds()[1], ElementsAre("manual-12"));
}

TEST_F(BannerHubTest, ResumeWithTheVersionSeenBeforeAScheduleChangeGetsTheNewSet) {
  hub_.Publish(World(5, {}, {Maintenance(kStart + absl::Hours(1), kStart + absl::Hours(2))}));
  auto before = Sink();
  hub_.Subscribe(kCheckout, 0, before);
  const int64_t seen = before->sets.at(0)->version;  // a set without the banner

  // The client disconnects; the maintenance window starts meanwhile.
  clock_.Advance(absl::Hours(1));
  hub_.Refresh();

  auto resumed = Sink();
  hub_.Subscribe(kCheckout, seen, resumed);

  ASSERT_THAT(resumed->sets, SizeIs(1));
  EXPECT_THAT(resumed->BannerIds(), ElementsAre(ElementsAre("manual-12")));
}

// ---------------------------------------------------------------------------
// Stats

TEST_F(BannerHubTest, StatsCountRendersDeliveriesTargetsAndSubscribers) {
  EXPECT_EQ(hub_.stats().world_sequence, 0);

  hub_.Publish(World(5));                             // no target cached yet: renders nothing
  hub_.Subscribe(kCheckout, 0, Sink());               // renders checkout, delivers 1
  uint64_t b = hub_.Subscribe(kCheckout, 0, Sink());  // delivers 1
  hub_.Subscribe(kAccount, 0, Sink());                // renders account, delivers 1
  hub_.Publish(World(6, {CheckoutIncident()}));       // renders 2, delivers 2 (checkout)

  BannerHubStats s = hub_.stats();
  EXPECT_EQ(s.sets_rendered, 4u);
  EXPECT_EQ(s.sets_delivered, 5u);
  EXPECT_EQ(s.world_sequence, 6);
  EXPECT_EQ(s.targets, 2u);
  EXPECT_EQ(s.subscribers, 3u);

  hub_.Unsubscribe(b);
  EXPECT_EQ(hub_.stats().subscribers, 2u);
  EXPECT_EQ(hub_.stats().targets, 2u);
}

TEST_F(BannerHubTest, UnwatchedTargetsAreForgottenBeyondTheCacheLimit) {
  BannerHubOptions options = Options();
  options.max_cached_targets = 2;
  BannerHub hub(clock_, options);
  hub.Publish(World(5));
  auto sink = Sink();
  hub.Subscribe(kCheckout, 0, sink);
  hub.Current(kAccount);
  hub.Current(BannerTarget{"web", "/search"});  // over the limit: /account goes

  EXPECT_EQ(hub.stats().targets, 2u);
  hub.Publish(World(6, {CheckoutIncident()}));
  EXPECT_THAT(sink->Versions(), ElementsAre(5, 6));  // the watched target stays
}

// ---------------------------------------------------------------------------
// Cost of a change: unwatched snapshot targets (issue 17)

// Publishes a change after `snapshot_targets` distinct snapshot-only targets
// were asked for; the renders that Publish cost.
uint64_t RendersOfAPublishAfterSnapshots(int snapshot_targets) {
  FakeClock clock(kStart);
  BannerHub hub(clock, Options());
  hub.Publish(World(5));
  hub.Subscribe(kCheckout, 0, std::make_shared<RecordingSink>());
  for (int i = 0; i < snapshot_targets; ++i) {
    hub.Current(BannerTarget{"web", absl::StrCat("/probe/", i)});
  }
  clock.Advance(absl::Seconds(1));
  const uint64_t before = hub.stats().sets_rendered;
  hub.Publish(World(6, {CheckoutIncident()}));
  hub.Refresh();
  return hub.stats().sets_rendered - before;
}

TEST_F(BannerHubTest, PublishCostDoesNotGrowWithUnwatchedSnapshotTargets) {
  const uint64_t with_none = RendersOfAPublishAfterSnapshots(0);
  EXPECT_EQ(with_none, 2u);  // the one watched target, by Publish and by Refresh
  EXPECT_EQ(RendersOfAPublishAfterSnapshots(100), with_none);
  EXPECT_EQ(RendersOfAPublishAfterSnapshots(5000), with_none);
}

TEST_F(BannerHubTest, AnUnwatchedSnapshotIsRenderedOnceWhenAskedAfterAChange) {
  hub_.Publish(World(5));
  ASSERT_EQ(hub_.Current(kCheckout)->version, 5);
  hub_.Publish(World(6, {CheckoutIncident()}));
  hub_.Publish(World(7, {CheckoutIncident()}));
  const uint64_t before = hub_.stats().sets_rendered;

  std::shared_ptr<const RenderedSet> set = hub_.Current(kCheckout);
  EXPECT_EQ(set->version, 7);
  ASSERT_THAT(set->banners, SizeIs(1));
  EXPECT_EQ(set->banners[0].incident_ref, "INC-3");
  EXPECT_EQ(hub_.Current(kCheckout), set);  // cached for this world
  EXPECT_EQ(hub_.stats().sets_rendered, before + 1);
}

TEST_F(BannerHubTest, AnUnwatchedSnapshotKeepsItsHashAcrossUnrelatedChanges) {
  hub_.Publish(World(5, {CheckoutIncident()}));
  const std::string etag = hub_.Current(kCheckout)->content_hash;
  hub_.Publish(World(6, {CheckoutIncident(), AccountIncident()}));  // /account only
  std::shared_ptr<const RenderedSet> set = hub_.Current(kCheckout);
  EXPECT_EQ(set->content_hash, etag);  // a client's If-None-Match still matches: 304
  EXPECT_EQ(set->version, 6);
}

TEST_F(BannerHubTest, ResumeOnASnapshotOnlyTargetMaySendTheSameContentAgainButNeverMissesIt) {
  // Content changed at 5, the world moved on to 9; nobody watched, so the
  // hub only knows it changed somewhere in (3, 9].
  hub_.Publish(World(3));
  hub_.Current(kCheckout);
  hub_.Publish(World(5, {CheckoutIncident()}));
  hub_.Publish(World(9, {CheckoutIncident(), AccountIncident()}));
  auto at5 = Sink();
  auto at9 = Sink();
  hub_.Subscribe(kCheckout, 5, at5);
  hub_.Subscribe(kCheckout, 9, at9);
  EXPECT_THAT(at5->Versions(), ElementsAre(9));  // the same banners again, harmless
  EXPECT_THAT(at9->sets, IsEmpty());
}

TEST_F(BannerHubTest, SubscribingToAStaleTargetResumesAsIfItHadBeenWatched) {
  hub_.Publish(World(5, {CheckoutIncident()}));
  hub_.Current(kCheckout);
  hub_.Publish(World(6, {CheckoutIncident(), AccountIncident()}));  // checkout unchanged
  auto has_it = Sink();
  hub_.Subscribe(kCheckout, 5, has_it);  // content since 5: nothing to send
  EXPECT_THAT(has_it->sets, IsEmpty());

  hub_.Publish(World(7, {}));  // watched now: delivered at once
  EXPECT_THAT(has_it->Versions(), ElementsAre(7));

  EXPECT_THAT(hub_.Current(kAccount)->banners, IsEmpty());
  hub_.Publish(World(8, {AccountIncident()}));  // /account changes while nobody watches
  auto behind = Sink();
  hub_.Subscribe(kAccount, 7, behind);
  ASSERT_THAT(behind->Versions(), ElementsAre(8));
  ASSERT_THAT(behind->sets[0]->banners, SizeIs(1));
  EXPECT_EQ(behind->sets[0]->banners[0].incident_ref, "INC-4");
}

}  // namespace
}  // namespace statuscast
