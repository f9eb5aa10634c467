// The transactional outbox and the notifier's queue on real PostgreSQL: a
// public update, resolution, reopen or postmortem writes its deliveries in
// its own transaction (none when it rolls back, none for a banner-only
// update), to confirmed subscribers whose scope matches; claims skip rows
// another claim holds; retries follow the schedule and give up; 410 Gone
// unsubscribes and nothing queued for that subscriber is sent afterwards.
#include <pqxx/pqxx>

#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "gtest/gtest.h"
#include "libs/notify/notifier.h"
#include "libs/notify/subscriber_directory.h"
#include "libs/pgstore/pg_incident_store.h"
#include "libs/pgstore/pg_notification_store.h"
#include "libs/pgstore/pg_pool.h"
#include "tests/notify/fixed_resolver.h"
#include "tests/support/test_database.h"

namespace statuscast {
namespace {

using testing::TestDatabase;

const absl::Time kT0 = absl::FromUnixSeconds(1700000000);

// Answers from a script per destination; records what it was asked to send.
class ScriptedSender final : public DeliverySender {
 public:
  void Answer(const std::string& destination, std::vector<DeliveryOutcome> outcomes) {
    absl::MutexLock lock(&mu_);
    script_[destination] = std::move(outcomes);
  }
  DeliveryResult Send(const ClaimedDelivery& d) override {
    absl::MutexLock lock(&mu_);
    sent_.push_back(d);
    DeliveryResult r;
    r.outcome = DeliveryOutcome::kDelivered;
    auto it = script_.find(d.subscriber.subscription.destination);
    if (it != script_.end() && !it->second.empty()) {
      r.outcome = it->second.front();
      it->second.erase(it->second.begin());
    }
    r.detail = DeliveryOutcomeName(r.outcome);
    return r;
  }
  std::vector<ClaimedDelivery> sent() {
    absl::MutexLock lock(&mu_);
    return sent_;
  }

 private:
  absl::Mutex mu_;
  std::map<std::string, std::vector<DeliveryOutcome>> script_;
  std::vector<ClaimedDelivery> sent_;
};

class NotificationOutboxTest : public ::testing::Test {
 protected:
  NotificationOutboxTest()
      : pool_(db_.url(), 4),
        incidents_(pool_),
        store_(pool_),
        clock_(kT0),
        resolver_({{"hooks.example.com", {"93.184.216.34"}},
                   {"other.example.net", {"93.184.216.35"}},
                   {"metadata.example.com", {"169.254.169.254"}}}),
        directory_(&store_, &resolver_, &clock_, DirectoryOptions()) {}

  void SetUp() override {
    ASSERT_TRUE(db_.ok()) << "STATUSCAST_TEST_DATABASE_URL is not set";
    for (const char* name : {"checkout", "search"}) {
      ASSERT_TRUE(incidents_
                      .RunInTransaction([&](StoreTransaction& tx) {
                        Component c;
                        c.name = name;
                        c.created_at = kT0;
                        return tx.InsertComponent(c);
                      })
                      .ok());
    }
  }

  // Declares an incident affecting `component` with a first update on
  // `channels`, as IncidentCommands does; `fail` rolls it back after Record.
  absl::Status Declare(const std::string& component, std::vector<Channel> channels,
                       bool fail = false, std::string* ref = nullptr) {
    return incidents_.RunInTransaction([&](StoreTransaction& tx) -> absl::Status {
      Incident i;
      i.title = "Checkout errors";
      i.severity = Severity::kSev1;
      i.state = IncidentState::kInvestigating;
      i.confirmed_start = i.declared_at = i.updated_at = clock_.Now();
      i.version = 1;
      i.affected.push_back({component, ComponentStatus::kMajorOutage});
      if (absl::Status s = tx.InsertIncident(i); !s.ok()) return s;
      if (ref != nullptr) *ref = i.ref;
      Update u;
      u.kind = UpdateKind::kFirst;
      u.state = IncidentState::kInvestigating;
      u.severity = Severity::kSev1;
      u.message = "Card payments fail for some customers.";
      u.channels = channels;
      u.posted_at = clock_.Now();
      u.next_update_at = clock_.Now() + absl::Minutes(30);
      u.author = "test";
      absl::StatusOr<int64_t> id = tx.InsertUpdate(i.id, u, "");
      if (!id.ok()) return id.status();
      MutationRecord m;
      m.kind = "declared";
      m.incident_id = i.id;
      m.incident_version = 1;
      m.update_id = *id;
      m.actor = "test";
      m.at = clock_.Now();
      if (absl::Status s = tx.Record(m, nullptr); !s.ok()) return s;
      return fail ? absl::InternalError("rolled back on purpose") : absl::OkStatus();
    });
  }

  std::string Count(const std::string& where) {
    return db_.Query(absl::StrCat("SELECT count(*) FROM notification_deliveries WHERE ", where));
  }

  TestDatabase db_;
  PgPool pool_;
  PgIncidentStore incidents_;
  PgNotificationStore store_;
  FakeClock clock_;
  FixedResolver resolver_;
  SubscriberDirectory directory_;
};

TEST_F(NotificationOutboxTest, APublicUpdateQueuesOneDeliveryPerMatchingConfirmedSubscriber) {
  auto all = directory_.AddConfirmed(SubscriberKind::kWebhook, "https://hooks.example.com/all",
                                     ComponentScope::Everything());
  auto checkout = directory_.AddConfirmed(SubscriberKind::kEmail, "ops@example.com",
                                          ComponentScope::Only({"checkout"}));
  auto search = directory_.AddConfirmed(SubscriberKind::kSlack, "https://other.example.net/s",
                                        ComponentScope::Only({"search"}));
  ASSERT_TRUE(all.ok() && checkout.ok() && search.ok()) << all.status() << checkout.status();
  EXPECT_EQ(all->webhook_secret.rfind("whsec_", 0), 0u);
  // Waiting for confirmation, and unsubscribed: neither gets it.
  ASSERT_TRUE(directory_.RequestEmailSubscription("new@example.com", ComponentScope()).ok());
  auto gone = directory_.AddConfirmed(SubscriberKind::kEmail, "gone@example.com",
                                      ComponentScope::Everything());
  ASSERT_TRUE(gone.ok());
  ASSERT_TRUE(directory_.Unsubscribe(gone->subscription.id, "test").ok());

  ASSERT_TRUE(Declare("checkout", {Channel::kStatusPage}).ok());

  EXPECT_EQ(Count("purpose = 'notification'"), "2");
  EXPECT_EQ(Count(absl::StrCat("subscriber_id = '", all->subscription.id,
                               "' AND id = 'msg_1_", all->subscription.id, "'")),
            "1");
  EXPECT_EQ(Count(absl::StrCat("subscriber_id = '", checkout->subscription.id, "'")), "1");
  EXPECT_EQ(Count(absl::StrCat("subscriber_id = '", search->subscription.id, "'")), "0");
  EXPECT_EQ(db_.Query("SELECT content->>'message' FROM notifications"),
            "Card payments fail for some customers.");
}

TEST_F(NotificationOutboxTest, NothingIsQueuedForARolledBackOrBannerOnlyUpdate) {
  ASSERT_TRUE(directory_
                  .AddConfirmed(SubscriberKind::kWebhook, "https://hooks.example.com/a",
                                ComponentScope::Everything())
                  .ok());
  EXPECT_FALSE(Declare("checkout", {Channel::kStatusPage}, /*fail=*/true).ok());
  ASSERT_TRUE(Declare("checkout", {Channel::kInAppBanner}).ok());
  EXPECT_EQ(db_.Query("SELECT count(*) FROM notifications"), "0");
  EXPECT_EQ(Count("true"), "0");
  ASSERT_TRUE(Declare("checkout", {Channel::kInAppBanner, Channel::kPublic}).ok());
  EXPECT_EQ(Count("true"), "1");
}

TEST_F(NotificationOutboxTest, BadDestinationsAreRefusedAndNothingIsStored) {
  const std::vector<std::pair<SubscriberKind, std::string>> bad = {
      {SubscriberKind::kEmail, "not-an-address"},
      {SubscriberKind::kWebhook, "file:///etc/passwd"},
      {SubscriberKind::kWebhook, "http://169.254.169.254/latest/meta-data"},
      {SubscriberKind::kWebhook, "https://169.254.169.254/latest/meta-data"},
      {SubscriberKind::kWebhook, "https://metadata.example.com/x"},
      {SubscriberKind::kWebhook, "https://user:pw@hooks.example.com/x"},
      {SubscriberKind::kWebhook, "https://hooks.example.com/" + std::string(2100, 'a')},
  };
  for (const auto& [kind, destination] : bad) {
    absl::StatusOr<SubscriberRecord> r =
        directory_.AddConfirmed(kind, destination, ComponentScope::Everything());
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << destination.substr(0, 80);
  }
  EXPECT_EQ(db_.Query("SELECT count(*) FROM subscribers"), "0");
}

TEST_F(NotificationOutboxTest, TheFormAnswersAlikeAndResendsAtMostOncePerHour) {
  ASSERT_TRUE(directory_.RequestEmailSubscription("w@example.com", ComponentScope()).ok());
  ASSERT_TRUE(directory_.RequestEmailSubscription("W@example.com", ComponentScope()).ok());
  EXPECT_EQ(Count("purpose = 'confirmation'"), "1");
  clock_.Advance(absl::Minutes(61));
  ASSERT_TRUE(directory_.RequestEmailSubscription("w@example.com", ComponentScope()).ok());
  EXPECT_EQ(Count("purpose = 'confirmation'"), "2");
  const std::string id = db_.Query("SELECT id FROM subscribers");
  ASSERT_TRUE(directory_.Confirm(id).ok());
  clock_.Advance(absl::Hours(2));
  ASSERT_TRUE(directory_.RequestEmailSubscription("w@example.com", ComponentScope()).ok());
  EXPECT_EQ(Count("purpose = 'confirmation'"), "2");
  EXPECT_EQ(db_.Query("SELECT count(*) FROM subscribers"), "1");
}

TEST_F(NotificationOutboxTest, ClaimsSkipLeasedRowsAndRetriesUntilDelivered) {
  auto hook = directory_.AddConfirmed(SubscriberKind::kWebhook, "https://hooks.example.com/a",
                                      ComponentScope::Everything());
  ASSERT_TRUE(hook.ok());
  ASSERT_TRUE(Declare("checkout", {Channel::kStatusPage}).ok());

  auto first = store_.Claim(10, clock_.Now(), absl::Minutes(1));
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->size(), 1u);
  EXPECT_EQ((*first)[0].content.incident_title, "Checkout errors");
  EXPECT_EQ((*first)[0].content.severity, "SEV-1");
  ASSERT_EQ((*first)[0].content.affected_components.size(), 1u);
  EXPECT_EQ((*first)[0].content.affected_components[0].status, "major_outage");
  EXPECT_EQ((*first)[0].subscriber.webhook_secret, hook->webhook_secret);
  // Leased: a second claimer (another replica) gets nothing until it ends.
  EXPECT_TRUE(store_.Claim(10, clock_.Now(), absl::Minutes(1))->empty());
  clock_.Advance(absl::Minutes(2));

  ScriptedSender sender;
  sender.Answer("https://hooks.example.com/a",
                std::vector<DeliveryOutcome>(5, DeliveryOutcome::kRetry));
  NotifierOptions options;
  Notifier notifier(&store_, &store_, &sender, &clock_, options);
  for (int i = 0; i < 6; ++i) {
    ASSERT_EQ(*notifier.RunOnce(10), 1) << "attempt " << i + 1;
    EXPECT_TRUE(notifier.RunOnce(10).value() == 0);  // not due yet
    clock_.Advance(absl::Hours(1));
  }
  EXPECT_EQ(*notifier.RunOnce(10), 0);
  std::vector<ClaimedDelivery> sent = sender.sent();
  ASSERT_EQ(sent.size(), 6u);
  for (const ClaimedDelivery& d : sent) EXPECT_EQ(d.id, sent[0].id);
  EXPECT_EQ(Count("state = 'delivered' AND attempts = 6"), "1");
  auto history = directory_.Deliveries(hook->subscription.id, 10);
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 1u);
  EXPECT_EQ((*history)[0].state, "delivered");
  EXPECT_EQ((*history)[0].event, "incident.updated");
}

TEST_F(NotificationOutboxTest, RetriesGiveUpAfterADayAndTheFailureIsRecorded) {
  ASSERT_TRUE(directory_
                  .AddConfirmed(SubscriberKind::kWebhook, "https://hooks.example.com/dead",
                                ComponentScope::Everything())
                  .ok());
  ASSERT_TRUE(Declare("checkout", {Channel::kStatusPage}).ok());
  ScriptedSender sender;
  sender.Answer("https://hooks.example.com/dead",
                std::vector<DeliveryOutcome>(1000, DeliveryOutcome::kRetry));
  Notifier notifier(&store_, &store_, &sender, &clock_, NotifierOptions());
  for (int i = 0; i < 100 && Count("state = 'pending'") == "1"; ++i) {
    notifier.RunOnce(10).IgnoreError();
    clock_.Advance(absl::Hours(1));
  }
  EXPECT_EQ(Count("state = 'given_up'"), "1");
  const int attempts = sender.sent().size();
  EXPECT_GE(attempts, 20);
  EXPECT_LE(attempts, 30);
  EXPECT_NE(db_.Query("SELECT last_detail FROM notification_deliveries").find("given up after"),
            std::string::npos);
}

TEST_F(NotificationOutboxTest, GoneUnsubscribesAndNothingQueuedIsSentAfterwards) {
  auto hook = directory_.AddConfirmed(SubscriberKind::kWebhook, "https://hooks.example.com/g",
                                      ComponentScope::Everything());
  ASSERT_TRUE(hook.ok());
  ASSERT_TRUE(Declare("checkout", {Channel::kStatusPage}).ok());
  ScriptedSender sender;
  sender.Answer("https://hooks.example.com/g", {DeliveryOutcome::kGone});
  Notifier notifier(&store_, &store_, &sender, &clock_, NotifierOptions());
  ASSERT_EQ(*notifier.RunOnce(1), 1);
  EXPECT_EQ(Count("state = 'unsubscribed'"), "1");
  EXPECT_NE(db_.Query("SELECT unsubscribed_at FROM subscribers"), "");

  // Queued before an unsubscribe: dropped, never claimed.
  auto mail = directory_.AddConfirmed(SubscriberKind::kEmail, "a@example.com",
                                      ComponentScope::Everything());
  ASSERT_TRUE(mail.ok());
  ASSERT_TRUE(Declare("checkout", {Channel::kStatusPage}).ok());
  EXPECT_EQ(Count("state = 'pending'"), "1");
  ASSERT_TRUE(directory_.Unsubscribe(mail->subscription.id, "clicked").ok());
  EXPECT_EQ(*notifier.RunOnce(10), 0);
  EXPECT_EQ(sender.sent().size(), 1u);
  EXPECT_EQ(Count("state = 'unsubscribed'"), "2");
}

TEST_F(NotificationOutboxTest, ABusyHostIsDeferredWithoutHoldingBackOtherHosts) {
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(directory_
                    .AddConfirmed(SubscriberKind::kWebhook,
                                  absl::StrCat("https://hooks.example.com/", i),
                                  ComponentScope::Everything())
                    .ok());
  }
  ASSERT_TRUE(directory_
                  .AddConfirmed(SubscriberKind::kWebhook, "https://other.example.net/x",
                                ComponentScope::Everything())
                  .ok());
  ASSERT_TRUE(Declare("checkout", {Channel::kStatusPage}).ok());
  NotifierOptions options;
  options.max_per_host = 1;
  ScriptedSender sender;
  Notifier notifier(&store_, &store_, &sender, &clock_, options);
  // RunOnce holds every permit of its claim until it has sent them all, so
  // one claim sends one delivery per host and defers the rest.
  ASSERT_EQ(*notifier.RunOnce(10), 2);
  EXPECT_EQ(Count("state = 'pending'"), "2");
  EXPECT_EQ(*notifier.RunOnce(10), 0);  // deferred by busy_host_delay
  clock_.Advance(options.busy_host_delay);
  EXPECT_EQ(*notifier.RunOnce(10), 1);
  clock_.Advance(options.busy_host_delay);
  EXPECT_EQ(*notifier.RunOnce(10), 1);
  EXPECT_EQ(Count("state = 'delivered'"), "4");
}

}  // namespace
}  // namespace statuscast
