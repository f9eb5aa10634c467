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
