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
#include "tests/banner/banner_hub_fixture.h"

namespace statuscast {
namespace {

using namespace banner_hub_test;  // NOLINT: the fixture's names (and matchers) read as the tests' own


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

}  // namespace
}  // namespace statuscast
