// statuscast-banner end to end: statuscast-comms and the banner service
// in-process over real gRPC on 127.0.0.1 and one real PostgreSQL database.
#include <grpcpp/grpcpp.h>

#include <thread>

#include "absl/strings/str_cat.h"
#include "libs/base/time_text.h"
#include "gtest/gtest.h"
#include "libs/banner/banner_follower.h"
#include "libs/pgstore/migrator.h"
#include "tests/support/banner_test_server.h"
#include "tests/support/comms_test_server.h"
#include "tests/support/pg_cluster.h"
#include "tests/support/test_database.h"

namespace statuscast {
namespace {

using testing::BannerTestServer;
using testing::CommsTestServer;
using testing::Describe;
using testing::HasViolation;
using testing::TestDatabase;

void SetTs(absl::Time t, google::protobuf::Timestamp* ts) { ts->set_seconds(absl::ToUnixSeconds(t)); }

// A stream reader with a per-read deadline (a blocked Read cannot time out).
class Subscription {
 public:
  Subscription(v1::BannerService::Stub& stub, const std::string& app, const std::string& path,
               int64_t last_version = 0) {
    v1::SubscribeRequest req;
    req.set_app(app);
    req.set_path(path);
    req.set_last_version(last_version);
    ctx_.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
    reader_ = stub.Subscribe(&ctx_, req);
    thread_ = std::thread([this] {
      v1::SubscribeResponse r;
      while (reader_->Read(&r)) {
        absl::MutexLock lock(&mu_);
        if (r.has_set()) {
          sets_.push_back(r.set());
        } else {
          ++heartbeats_;
          heartbeat_version_ = r.heartbeat().version();
        }
      }
      absl::MutexLock lock(&mu_);
      ended_ = true;
    });
  }
  ~Subscription() {
    ctx_.TryCancel();
    thread_.join();
  }
  // Waits until a set satisfying `pred` arrived; returns it (or nullopt).
  absl::optional<v1::BannerSet> WaitFor(std::function<bool(const v1::BannerSet&)> pred,
                                        absl::Duration timeout = absl::Seconds(1)) {
    absl::MutexLock lock(&mu_);
    absl::optional<v1::BannerSet> found;
    auto check = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      for (const auto& s : sets_) {
        if (pred(s)) {
          found = s;
          return true;
        }
      }
      return ended_;
    };
    mu_.AwaitWithTimeout(absl::Condition(&check), timeout);
    return found;
  }
  int sets() {
    absl::MutexLock lock(&mu_);
    return static_cast<int>(sets_.size());
  }
  int heartbeats() {
    absl::MutexLock lock(&mu_);
    return heartbeats_;
  }
  int64_t heartbeat_version() {
    absl::MutexLock lock(&mu_);
    return heartbeat_version_;
  }
  // Waits until a heartbeat named `version` or later.
  bool WaitForHeartbeat(int64_t version, absl::Duration timeout) {
    absl::MutexLock lock(&mu_);
    auto check = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return heartbeat_version_ >= version || ended_;
    };
    mu_.AwaitWithTimeout(absl::Condition(&check), timeout);
    return heartbeat_version_ >= version;
  }
  // Waits until the server ended the stream.
  bool WaitEnded(absl::Duration timeout) {
    absl::MutexLock lock(&mu_);
    return mu_.AwaitWithTimeout(absl::Condition(&ended_), timeout);
  }
  v1::BannerSet last() {
    absl::MutexLock lock(&mu_);
    return sets_.back();
  }

 private:
  grpc::ClientContext ctx_;
  std::unique_ptr<grpc::ClientReader<v1::SubscribeResponse>> reader_;
  std::thread thread_;
  absl::Mutex mu_;
  std::vector<v1::BannerSet> sets_ ABSL_GUARDED_BY(mu_);
  int heartbeats_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t heartbeat_version_ ABSL_GUARDED_BY(mu_) = 0;
  bool ended_ ABSL_GUARDED_BY(mu_) = false;
};

bool HasBanner(const v1::BannerSet& s, const std::string& id) {
  for (const auto& b : s.banners()) {
    if (b.id() == id) return true;
  }
  return false;
}

class BannerServiceTest : public ::testing::Test {
 protected:
  BannerServiceTest()
      : clock_(absl::FromUnixSeconds(absl::ToUnixSeconds(absl::Now()))),
        comms_(db_.url(), clock_),
        comms_stub_(comms_.NewStub()),
        banner_(db_.url(), absl::Milliseconds(300)),
        stub_(banner_.NewStub()),
        admin_(banner_.NewAdminStub()) {}

  void SetUp() override {
    ASSERT_TRUE(db_.ok());
    grpc::ClientContext ctx;
    v1::CreateComponentRequest req;
    req.set_name("checkout");
    req.add_banner_apps("shop");
    req.add_banner_paths("/checkout*");
    req.add_banner_paths("/cart");
    v1::Component c;
    ASSERT_TRUE(comms_stub_->CreateComponent(&ctx, req, &c).ok());
  }

  // A SEV-1 on checkout reaches `sub` (its set's version: `declared`), then a
  // change elsewhere (blog's kill switch, no set for /checkout) moves the
  // world past it, to `world`.
  void DeclareThenChangeElsewhere(Subscription& sub, int64_t* declared, int64_t* world) {
    DeclareSev1("Checkout is failing.");
    auto set = sub.WaitFor([](const v1::BannerSet& s) { return s.banners_size() == 1; });
    ASSERT_TRUE(set);
    *declared = set->version();
    ASSERT_TRUE(KillSwitch("blog", true).ok());
    ASSERT_TRUE(banner_.follower().SyncOnce().ok());
    *world = banner_.hub().sequence();
    ASSERT_GT(*world, *declared);
  }

  // A replica started after the world reached `world` (a restart): a client
  // of /checkout resuming from `world` gets no set, only a heartbeat at once;
  // one resuming from its last set's version `last_set` (older: the next
  // replica cannot tell nothing of /checkout changed since) gets the set.
  void ExpectNextReplicaSendsNothingFrom(int64_t world, int64_t last_set) {
    BannerTestServer next(db_.url(), absl::Seconds(30));
    auto next_stub = next.NewStub();
    Subscription resumed(*next_stub, "shop", "/checkout", world);
    absl::SleepFor(absl::Milliseconds(500));
    EXPECT_EQ(resumed.sets(), 0);
    EXPECT_EQ(resumed.heartbeats(), 1);  // at once, not a heartbeat interval later
    EXPECT_EQ(resumed.heartbeat_version(), world);
    Subscription from_last_set(*next_stub, "shop", "/checkout", last_set);
    EXPECT_TRUE(
        from_last_set.WaitFor([](const v1::BannerSet& s) { return s.banners_size() == 1; }));
  }

  v1::Incident DeclareSev1(const std::string& banner_text) {
    grpc::ClientContext ctx;
    v1::DeclareIncidentRequest req;
    req.set_title("Checkout failing");
    req.set_severity(v1::SEVERITY_SEV1);
    auto* a = req.add_affected_components();
    a->set_name("checkout");
    a->set_status(v1::COMPONENT_STATUS_MAJOR_OUTAGE);
    auto* u = req.mutable_first_update();
    // One promise: the text states the time on the record.
    const absl::Time next = clock_.Now() + absl::Minutes(30);
    u->set_message(absl::StrCat("We're investigating failed checkouts. Next update by ",
                                FormatUtcClock(next), "."));
    u->set_banner_text(banner_text);
    u->add_channels(v1::CHANNEL_IN_APP_BANNER);
    u->add_channels(v1::CHANNEL_STATUS_PAGE);
    SetTs(next, u->mutable_next_update_at());
    req.set_author("alice");
    req.set_idempotency_key(absl::StrCat("declare-", ++keys_));
    v1::WriteIncidentResponse r;
    grpc::Status s = comms_stub_->DeclareIncident(&ctx, req, &r);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return r.incident();
  }

  v1::Incident PostBannerUpdate(const v1::Incident& inc, const std::string& banner_text,
                                v1::IncidentState state = v1::INCIDENT_STATE_UNSPECIFIED) {
    grpc::ClientContext ctx;
    v1::PostUpdateRequest req;
    req.set_incident_ref(inc.ref());
    req.set_expected_version(inc.version());
    req.set_idempotency_key(absl::StrCat("update-", ++keys_));
    req.set_author("bob");
    req.mutable_update()->set_message("More news. " + banner_text);
    req.mutable_update()->set_banner_text(banner_text);
    req.mutable_update()->set_state(state);
    req.mutable_update()->add_channels(v1::CHANNEL_IN_APP_BANNER);
    SetTs(clock_.Now() + absl::Minutes(30), req.mutable_update()->mutable_next_update_at());
    v1::WriteIncidentResponse r;
    grpc::Status s = comms_stub_->PostUpdate(&ctx, req, &r);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return r.incident();
  }

  v1::Incident ChangeSeverity(const v1::Incident& inc, v1::Severity to) {
    grpc::ClientContext ctx;
    v1::ChangeSeverityRequest req;
    req.set_incident_ref(inc.ref());
    req.set_expected_version(inc.version());
    req.set_idempotency_key(absl::StrCat("sev-", ++keys_));
    req.set_author("alice");
    req.set_severity(to);
    v1::WriteIncidentResponse r;
    grpc::Status s = comms_stub_->ChangeSeverity(&ctx, req, &r);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return r.incident();
  }

  void Resolve(const v1::Incident& inc) {
    grpc::ClientContext ctx;
    v1::ResolveIncidentRequest req;
    req.set_incident_ref(inc.ref());
    req.set_expected_version(inc.version());
    req.set_idempotency_key(absl::StrCat("resolve-", ++keys_));
    req.set_author("alice");
    req.set_message("Resolved: checkout works again. We're sorry for the failed orders.");
    v1::WriteIncidentResponse r;
    ASSERT_TRUE(comms_stub_->ResolveIncident(&ctx, req, &r).ok());
  }

  grpc::Status KillSwitch(const std::string& scope, bool engaged) {
    grpc::ClientContext ctx;
    v1::SetKillSwitchRequest req;
    req.set_scope(scope);
    req.set_engaged(engaged);
    req.set_reason("test");
    req.set_author("sre");
    v1::KillSwitch k;
    return admin_->SetKillSwitch(&ctx, req, &k);
  }

  v1::BannerSet Get(const std::string& app, const std::string& path) {
    grpc::ClientContext ctx;
    v1::GetBannersRequest req;
    req.set_app(app);
    req.set_path(path);
    v1::BannerSet set;
    grpc::Status s = stub_->GetBanners(&ctx, req, &set);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return set;
  }

  TestDatabase db_;
  FakeClock clock_;
  CommsTestServer comms_;
  std::unique_ptr<v1::IncidentService::Stub> comms_stub_;
  BannerTestServer banner_;
  std::unique_ptr<v1::BannerService::Stub> stub_;
  std::unique_ptr<v1::BannerAdminService::Stub> admin_;
  int keys_ = 0;
};

TEST_F(BannerServiceTest, ASev1WithTheBannerChannelReachesSubscribersWithinASecond) {
  Subscription sub(*stub_, "shop", "/checkout/payment");
  ASSERT_TRUE(sub.WaitFor([](const v1::BannerSet& s) { return s.banners_size() == 0; }));
  v1::Incident inc = DeclareSev1("We're experiencing issues with checkout.");
  auto set = sub.WaitFor([](const v1::BannerSet& s) { return s.banners_size() == 1; });
  ASSERT_TRUE(set) << "no banner within 1 s of the commit";
  const v1::Banner& b = set->banners(0);
  EXPECT_EQ(b.id(), "incident-" + inc.ref());
  EXPECT_EQ(b.text(), "We're experiencing issues with checkout.");
  EXPECT_EQ(b.level(), v1::BANNER_LEVEL_CRITICAL);
  EXPECT_EQ(b.link(), "https://status.example.com/incidents/" + inc.ref());
  EXPECT_EQ(b.content_version(), 1);
  EXPECT_TRUE(b.dismissible());
  // Valid for the configured validity (900 ms here) counted from the load
  // from PostgreSQL the set was rendered from, which is at most a moment
  // before the set's generated_at: never longer, and not much shorter.
  auto at = [](const google::protobuf::Timestamp& t) {
    return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
  };
  ASSERT_EQ(banner_.validity(), absl::Milliseconds(900));
  const absl::Duration validity = at(set->valid_until()) - at(set->generated_at());
  EXPECT_LE(validity, banner_.validity()) << absl::FormatDuration(validity);
  EXPECT_GT(validity, banner_.validity() - absl::Milliseconds(100))
      << absl::FormatDuration(validity);
  // The latency is recorded when the server's write completes.
  for (int i = 0; i < 100 && banner_.metrics().with_latency.load() == 0; ++i) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  EXPECT_GE(banner_.metrics().with_latency.load(), 1);
}

TEST_F(BannerServiceTest, BannersShowOnlyOnThePagesTheirComponentsConcern) {
  DeclareSev1("Checkout is failing.");
  Subscription wait(*stub_, "shop", "/cart");
  ASSERT_TRUE(wait.WaitFor([](const v1::BannerSet& s) { return s.banners_size() == 1; }));
  EXPECT_EQ(Get("shop", "/checkout").banners_size(), 1);
  EXPECT_EQ(Get("shop", "/account").banners_size(), 0);
  EXPECT_EQ(Get("blog", "/checkout").banners_size(), 0);
}

TEST_F(BannerServiceTest, ATypoFixKeepsTheContentVersionAndAnEscalationChangesIt) {
  Subscription sub(*stub_, "shop", "/checkout");
  v1::Incident inc = DeclareSev1("We're experiencing isues with checkout.");
  ASSERT_TRUE(sub.WaitFor([](const v1::BannerSet& s) { return s.banners_size() == 1; }));
  inc = PostBannerUpdate(inc, "We're experiencing issues with checkout.");
  auto fixed = sub.WaitFor([](const v1::BannerSet& s) {
    return s.banners_size() == 1 && s.banners(0).text() == "We're experiencing issues with checkout.";
  });
  ASSERT_TRUE(fixed);
  EXPECT_EQ(fixed->banners(0).content_version(), 1);
  inc = PostBannerUpdate(inc, "We've found the cause of the checkout failures.",
                         v1::INCIDENT_STATE_IDENTIFIED);
  auto identified = sub.WaitFor([](const v1::BannerSet& s) {
    return s.banners_size() == 1 && s.banners(0).state() == v1::INCIDENT_STATE_IDENTIFIED;
  });
  ASSERT_TRUE(identified);
  EXPECT_EQ(identified->banners(0).content_version(), 2);
}

TEST_F(BannerServiceTest, ResolvingRemovesTheBannerFromEveryStreamWithinASecond) {
  Subscription a(*stub_, "shop", "/checkout");
  Subscription b(*stub_, "shop", "/cart");
  v1::Incident inc = DeclareSev1("Checkout is failing.");
  ASSERT_TRUE(a.WaitFor([](const v1::BannerSet& s) { return s.banners_size() == 1; }));
  ASSERT_TRUE(b.WaitFor([](const v1::BannerSet& s) { return s.banners_size() == 1; }));
  const int before_a = a.sets(), before_b = b.sets();
  Resolve(inc);
  auto gone = [](int before) {
    return [before, n = 0](const v1::BannerSet& s) mutable {
      return ++n > before && s.banners_size() == 0;
    };
  };
  EXPECT_TRUE(a.WaitFor(gone(before_a))) << "banner still shown 1 s after resolve";
  EXPECT_TRUE(b.WaitFor(gone(before_b))) << "banner still shown 1 s after resolve";
}

TEST_F(BannerServiceTest, TheKillSwitchHidesEveryBannerAtOnceAndReleasingBringsThemBack) {
  Subscription sub(*stub_, "shop", "/checkout");
  DeclareSev1("Checkout is failing.");
  ASSERT_TRUE(sub.WaitFor([](const v1::BannerSet& s) { return s.banners_size() == 1; }));
  ASSERT_TRUE(KillSwitch("*", true).ok());
  int n = sub.sets();
  ASSERT_TRUE(sub.WaitFor([&, i = 0](const v1::BannerSet& s) mutable {
    return ++i > n && s.banners_size() == 0;
  }));
  ASSERT_TRUE(KillSwitch("*", false).ok());
  n = sub.sets();
  EXPECT_TRUE(sub.WaitFor([&, i = 0](const v1::BannerSet& s) mutable {
    return ++i > n && s.banners_size() == 1;
  }));
  // A per-app switch hides that app's banners, and only that app's: a
  // manual banner shown on both apps leaves the switched one and stays on
  // the other.
  {
    grpc::ClientContext ctx;
    v1::CreateBannerRequest req;
    req.set_author("sre");
    req.mutable_banner()->set_text("Maintenance tonight 22:00-23:00 UTC.");
    req.mutable_banner()->set_level(v1::BANNER_LEVEL_MAINTENANCE);
    req.mutable_banner()->mutable_target()->add_apps("shop");
    req.mutable_banner()->mutable_target()->add_apps("blog");
    v1::ManualBanner created;
    ASSERT_TRUE(admin_->CreateBanner(&ctx, req, &created).ok());
  }
  Subscription blog(*stub_, "blog", "/checkout");
  ASSERT_TRUE(blog.WaitFor([](const v1::BannerSet& s) { return s.banners_size() == 1; }));
  ASSERT_TRUE(sub.WaitFor([](const v1::BannerSet& s) { return s.banners_size() == 2; }));
  ASSERT_TRUE(KillSwitch("blog", true).ok());
  n = blog.sets();
  EXPECT_TRUE(blog.WaitFor([&, i = 0](const v1::BannerSet& s) mutable {
    return ++i > n && s.banners_size() == 0;
  })) << "the switched app's banner did not disappear within 1 s";
  EXPECT_EQ(Get("blog", "/checkout").banners_size(), 0);
  banner_.follower().SyncOnce();
  EXPECT_EQ(Get("shop", "/checkout").banners_size(), 2);
  EXPECT_EQ(Get("blog", "/checkout").banners_size(), 0);
}

// statuscastctl watch shows every change; banner and kill-switch changes
// reach watchers with their own kinds and say what changed.
TEST_F(BannerServiceTest, WatchersSeeBannerAndKillSwitchChangesInWords) {
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  auto reader = comms_stub_->WatchIncidents(&ctx, v1::WatchIncidentsRequest());
  v1::IncidentEvent e;
  do {
    ASSERT_TRUE(reader->Read(&e));
  } while (e.kind() != v1::IncidentEvent::KIND_SNAPSHOT_END);

  v1::ManualBanner created;
  {
    grpc::ClientContext c;
    v1::CreateBannerRequest req;
    req.set_author("sre");
    req.mutable_banner()->set_text("Maintenance tonight 22:00-23:00 UTC.");
    req.mutable_banner()->set_level(v1::BANNER_LEVEL_MAINTENANCE);
    req.mutable_banner()->mutable_target()->add_apps("shop");
    ASSERT_TRUE(admin_->CreateBanner(&c, req, &created).ok());
  }
  {
    grpc::ClientContext c;
    v1::DisableBannerRequest req;
    req.set_id(created.id());
    req.set_author("sre");
    v1::ManualBanner disabled;
    ASSERT_TRUE(admin_->DisableBanner(&c, req, &disabled).ok());
  }
  ASSERT_TRUE(KillSwitch("shop", true).ok());

  std::vector<v1::IncidentEvent> seen;
  while (seen.size() < 3 && reader->Read(&e)) seen.push_back(e);
  ctx.TryCancel();
  ASSERT_EQ(seen.size(), 3u);
  const std::string banner = absl::StrCat(
      "banner ", created.id(), " (maintenance): ", "Maintenance tonight 22:00-23:00 UTC.");
  EXPECT_EQ(seen[0].kind(), v1::IncidentEvent::KIND_BANNER_CREATED);
  EXPECT_EQ(seen[0].summary(), banner);
  EXPECT_EQ(seen[1].kind(), v1::IncidentEvent::KIND_BANNER_DISABLED);
  EXPECT_EQ(seen[1].summary(), banner);
  EXPECT_EQ(seen[2].kind(), v1::IncidentEvent::KIND_KILL_SWITCH);
  EXPECT_EQ(seen[2].summary(), "ON for shop: test");
  for (const auto& event : seen) EXPECT_EQ(event.actor(), "sre");
}

TEST_F(BannerServiceTest, AResumeWithTheCurrentVersionSendsNoDuplicateSet) {
  DeclareSev1("Checkout is failing.");
  ASSERT_TRUE(banner_.follower().SyncOnce().ok());
  v1::BannerSet current = Get("shop", "/checkout");
  ASSERT_EQ(current.banners_size(), 1);
  Subscription sub(*stub_, "shop", "/checkout", current.version());
  absl::SleepFor(absl::Milliseconds(800));  // a few heartbeats
  EXPECT_EQ(sub.sets(), 0);
  EXPECT_GE(sub.heartbeats(), 1);
  // An older version gets the current set.
  Subscription older(*stub_, "shop", "/checkout", 1);
  EXPECT_TRUE(older.WaitFor([](const v1::BannerSet& s) { return s.banners_size() == 1; }));
}

TEST_F(BannerServiceTest, ManualBannersAreCreatedTargetedEditedAndDisabled) {
  v1::ManualBanner created;
  {
    grpc::ClientContext ctx;
    v1::CreateBannerRequest req;
    req.set_author("sre");
    auto* b = req.mutable_banner();
    b->set_text("Scheduled maintenence tonight 22:00-23:00 UTC.");
    b->set_level(v1::BANNER_LEVEL_MAINTENANCE);
    b->mutable_target()->add_apps("shop");
    b->mutable_target()->add_path_patterns("/account*");
    ASSERT_TRUE(admin_->CreateBanner(&ctx, req, &created).ok());
  }
  Subscription sub(*stub_, "shop", "/account/settings");
  auto shown = sub.WaitFor([](const v1::BannerSet& s) { return s.banners_size() == 1; });
  ASSERT_TRUE(shown);
  EXPECT_EQ(shown->banners(0).id(), absl::StrCat("manual-", created.id()));
  EXPECT_EQ(Get("shop", "/checkout").banners_size(), 0);
  {
    grpc::ClientContext ctx;
    v1::UpdateBannerRequest req;
    req.set_author("sre");
    *req.mutable_banner() = created;
    req.mutable_banner()->set_text("Scheduled maintenance tonight 22:00-23:00 UTC.");
    v1::ManualBanner updated;
    ASSERT_TRUE(admin_->UpdateBanner(&ctx, req, &updated).ok());
    EXPECT_EQ(updated.content_version(), 1);  // a typo fix keeps dismissals
    req.mutable_banner()->set_level(v1::BANNER_LEVEL_CRITICAL);
    grpc::ClientContext ctx2;
    ASSERT_TRUE(admin_->UpdateBanner(&ctx2, req, &updated).ok());
    EXPECT_EQ(updated.content_version(), 2);
  }
  {
    grpc::ClientContext ctx;
    v1::DisableBannerRequest req;
    req.set_id(created.id());
    req.set_author("sre");
    v1::ManualBanner disabled;
    ASSERT_TRUE(admin_->DisableBanner(&ctx, req, &disabled).ok());
  }
  EXPECT_TRUE(sub.WaitFor([n = sub.sets(), i = 0](const v1::BannerSet& s) mutable {
    return ++i > n && s.banners_size() == 0;
  }));
}

TEST_F(BannerServiceTest, AdminRpcsRejectBadInputWithTheFieldNamed) {
  {
    grpc::ClientContext ctx;
    v1::CreateBannerRequest req;
    req.set_author("sre");
    req.mutable_banner()->set_level(static_cast<v1::BannerLevel>(42));
    req.mutable_banner()->set_link("javascript:alert(1)");
    req.mutable_banner()->mutable_target()->add_path_patterns("no-slash");
    v1::ManualBanner b;
    auto e = Describe(admin_->CreateBanner(&ctx, req, &b));
    EXPECT_EQ(e.code, grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_TRUE(HasViolation(e, "banner.text", "is required"));
    EXPECT_TRUE(HasViolation(e, "banner.level", "info, maintenance"));
    EXPECT_TRUE(HasViolation(e, "banner.link", "http:// or https://"));
    EXPECT_TRUE(HasViolation(e, "banner.target.path_patterns[0]", "starting with '/'"));
  }
  {
    grpc::ClientContext ctx;
    v1::CreateBannerRequest req;
    req.mutable_banner()->set_text("x");
    req.mutable_banner()->set_level(v1::BANNER_LEVEL_INFO);
    v1::ManualBanner b;
    auto e = Describe(admin_->CreateBanner(&ctx, req, &b));
    EXPECT_TRUE(HasViolation(e, "author", "is required"));
  }
  {
    grpc::ClientContext ctx;
    v1::UpdateBannerRequest req;
    req.set_author("sre");
    req.mutable_banner()->set_id(9999);
    req.mutable_banner()->set_text("x");
    req.mutable_banner()->set_level(v1::BANNER_LEVEL_INFO);
    v1::ManualBanner b;
    auto e = Describe(admin_->UpdateBanner(&ctx, req, &b));
    EXPECT_EQ(e.code, grpc::StatusCode::NOT_FOUND);
    EXPECT_EQ(e.message, "no banner 9999 (statuscastctl banner list shows them)");
  }
  {
    grpc::ClientContext ctx;
    v1::DisableBannerRequest req;
    req.set_author("sre");
    v1::ManualBanner b;
    auto e = Describe(admin_->DisableBanner(&ctx, req, &b));
    EXPECT_TRUE(HasViolation(e, "id", "is required"));
  }
  {
    auto e = Describe(KillSwitch("Not An App", true));
    EXPECT_EQ(e.code, grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_TRUE(HasViolation(e, "scope", "\"*\""));
  }
}

TEST_F(BannerServiceTest, SubscribeAndGetBannersRejectBadTargets) {
  for (auto [app, path] : std::vector<std::pair<std::string, std::string>>{
           {"", "/x"}, {"Shop", "/x"}, {"shop", ""}, {"shop", "checkout"}}) {
    grpc::ClientContext ctx;
    v1::SubscribeRequest req;
    req.set_app(app);
    req.set_path(path);
    auto reader = stub_->Subscribe(&ctx, req);
    v1::SubscribeResponse r;
    EXPECT_FALSE(reader->Read(&r));
    auto e = Describe(reader->Finish());
    EXPECT_EQ(e.code, grpc::StatusCode::INVALID_ARGUMENT) << app << " " << path;
    EXPECT_TRUE(HasViolation(e, app.empty() || app == "Shop" ? "app" : "path")) << e.message;
  }
  grpc::ClientContext ctx;
  v1::GetBannersRequest req;
  req.set_app("shop");
  req.set_path("no-slash");
  v1::BannerSet set;
  auto e = Describe(stub_->GetBanners(&ctx, req, &set));
  EXPECT_EQ(e.code, grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(HasViolation(e, "path", "starts with '/'"));
}

// A replica restart (the reconnect storm): the replica going away ends each
// stream with a heartbeat naming the current version, and the next replica
// answers a client resuming from it with a heartbeat only, though the world
// moved on after the client's last set (a change elsewhere).
TEST_F(BannerServiceTest, AClientResumingFromAShutDownReplicaGetsNoFullResend) {
  Subscription sub(*stub_, "shop", "/checkout");
  int64_t declared = 0, world = 0;
  DeclareThenChangeElsewhere(sub, &declared, &world);
  if (HasFatalFailure()) return;

  banner_.hub().CloseAll();
  ASSERT_TRUE(sub.WaitEnded(absl::Seconds(5)));
  EXPECT_EQ(sub.heartbeat_version(), world);
  EXPECT_EQ(sub.sets(), 2);  // the first (empty) set and the SEV-1's; nothing for blog's switch

  ExpectNextReplicaSendsNothingFrom(world, declared);
}

// A crash (nothing said at the end of the stream): heartbeats name the
// world's version, so a client that heard one since the last change resumes
// from it, and the next replica sends it nothing either.
TEST_F(BannerServiceTest, AClientResumingFromAHeartbeatGetsNoFullResendAfterACrash) {
  Subscription sub(*stub_, "shop", "/checkout");
  int64_t declared = 0, world = 0;
  DeclareThenChangeElsewhere(sub, &declared, &world);
  if (HasFatalFailure()) return;

  // 300 ms heartbeats; the replica is never shut down (no CloseAll).
  ASSERT_TRUE(sub.WaitForHeartbeat(world, absl::Seconds(5))) << sub.heartbeat_version();
  EXPECT_EQ(sub.heartbeat_version(), world);
  EXPECT_EQ(sub.sets(), 2);  // the first (empty) set and the SEV-1's
  ExpectNextReplicaSendsNothingFrom(world, declared);
}

TEST_F(BannerServiceTest, TwoReplicasOnOneDatabaseServeIdenticalSets) {
  BannerTestServer replica(db_.url(), absl::Milliseconds(300));
  auto replica_stub = replica.NewStub();
  Subscription on_first(*stub_, "shop", "/checkout");
  Subscription on_second(*replica_stub, "shop", "/checkout");
  DeclareSev1("Checkout is failing.");
  auto a = on_first.WaitFor([](const v1::BannerSet& s) { return s.banners_size() == 1; });
  auto b = on_second.WaitFor([](const v1::BannerSet& s) { return s.banners_size() == 1; });
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->version(), b->version());
  EXPECT_EQ(a->banners(0).SerializeAsString(), b->banners(0).SerializeAsString());
}

TEST_F(BannerServiceTest, ASlowSubscriberIsConflatedAndDelaysNobody) {
  // A client that subscribes and never reads: its flow-control window fills.
  grpc::ClientContext slow_ctx;
  v1::SubscribeRequest req;
  req.set_app("shop");
  req.set_path("/checkout");
  auto slow = stub_->Subscribe(&slow_ctx, req);
  Subscription fast(*stub_, "shop", "/checkout");
  ASSERT_TRUE(fast.WaitFor([](const v1::BannerSet&) { return true; }));
  // Many large sets, published straight into the hub, far ahead of the log.
  const std::string big(270, 'x');
  int64_t seq = 1000000;
  for (int i = 0; i < 400; ++i) {
    auto world = std::make_shared<BannerWorld>();
    world->sequence = ++seq;
    for (int k = 0; k < 8; ++k) {
      ManualBannerRecord m;
      m.id = k + 1;
      m.text = absl::StrCat(big, i);
      m.level = BannerLevel::kInfo;
      world->manual.push_back(m);
    }
    banner_.hub().Publish(world);
  }
  auto last = fast.WaitFor([&](const v1::BannerSet& s) { return s.version() == seq; },
                           absl::Seconds(5));
  EXPECT_TRUE(last) << "the fast subscriber did not get the newest set";
  EXPECT_GT(banner_.metrics().conflated.load(), 0) << "the slow subscriber was not conflated";
  slow_ctx.TryCancel();
}

TEST(BannerRestartTest, PostgresRestartedMidStreamKeepsServingAndResyncs) {
  testing::OwnPgCluster pg;
  ASSERT_TRUE(pg.ok());
  ASSERT_TRUE(ApplyMigrations(pg.url(), EmbeddedMigrations()).ok());
  FakeClock clock(absl::FromUnixSeconds(absl::ToUnixSeconds(absl::Now())));
  CommsTestServer comms(pg.url(), clock);
  BannerTestServer banner(pg.url(), absl::Milliseconds(300));
  auto comms_stub = comms.NewStub();
  auto stub = banner.NewStub();
  {
    grpc::ClientContext ctx;
    v1::CreateComponentRequest req;
    req.set_name("search");
    v1::Component c;
    ASSERT_TRUE(comms_stub->CreateComponent(&ctx, req, &c).ok());
  }
  auto declare = [&](const std::string& key) {
    grpc::ClientContext ctx;
    v1::DeclareIncidentRequest req;
    req.set_title("Search slow");
    req.set_severity(v1::SEVERITY_SEV3);
    req.add_affected_components()->set_name("search");
    req.mutable_first_update()->set_message("Search is slow; we're investigating.");
    req.mutable_first_update()->add_channels(v1::CHANNEL_IN_APP_BANNER);
    req.set_author("a");
    req.set_idempotency_key(key);
    v1::WriteIncidentResponse r;
    return comms_stub->DeclareIncident(&ctx, req, &r);
  };
  Subscription sub(*stub, "shop", "/search");
  ASSERT_TRUE(declare("one").ok());
  ASSERT_TRUE(sub.WaitFor([](const v1::BannerSet& s) { return s.banners_size() == 1; }));

  ASSERT_TRUE(pg.Stop());
  absl::SleepFor(absl::Seconds(1));
  // Still serving the last sets from memory.
  {
    grpc::ClientContext ctx;
    v1::GetBannersRequest req;
    req.set_app("shop");
    req.set_path("/search");
    v1::BannerSet set;
    ASSERT_TRUE(stub->GetBanners(&ctx, req, &set).ok());
    EXPECT_EQ(set.banners_size(), 1);
  }
  ASSERT_TRUE(pg.Start());
  grpc::Status s;
  for (int i = 0; i < 20 && !(s = declare("two")).ok(); ++i) absl::SleepFor(absl::Milliseconds(250));
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_TRUE(sub.WaitFor([](const v1::BannerSet& s) { return s.banners_size() == 2; },
                          absl::Seconds(10)))
      << "the banner service did not resync after PostgreSQL came back";
}

}  // namespace
}  // namespace statuscast
