// The transactional outbox and the notifier's queue on real PostgreSQL: a
// public update, resolution, reopen or postmortem writes its deliveries in
// its own transaction (none when it rolls back, none for a banner-only
// update), to confirmed subscribers whose scope matches; claims skip rows
// another claim holds and leave out busy destinations; retries follow the
// schedule and give up; 410 Gone unsubscribes and nothing queued for that
// subscriber is sent afterwards; a running notifier keeps to its per-host
// limits and does not send what waited for a busy host after an unsubscribe.
#include <pqxx/pqxx>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
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

  // `count` confirmed subscribers to everything, at `pattern` with "#"
  // replaced by 0, 1, ...
  void AddConfirmedMany(SubscriberKind kind, const std::string& pattern, int count) {
    for (int i = 0; i < count; ++i) {
      ASSERT_TRUE(directory_
                      .AddConfirmed(kind, absl::StrReplaceAll(pattern, {{"#", absl::StrCat(i)}}),
                                    ComponentScope::Everything())
                      .ok());
    }
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

TEST_F(NotificationOutboxTest, ClaimsLeaveOutBusyDestinationsAndOutcomesAreRecordedInOneBatch) {
  for (const char* url : {"https://hooks.example.com/1", "https://hooks.example.com/2",
                          "https://other.example.net/x"}) {
    ASSERT_TRUE(
        directory_.AddConfirmed(SubscriberKind::kWebhook, url, ComponentScope::Everything()).ok());
  }
  ASSERT_TRUE(directory_
                  .AddConfirmed(SubscriberKind::kEmail, "a@example.com", ComponentScope::Everything())
                  .ok());
  ASSERT_TRUE(Declare("checkout", {Channel::kStatusPage}).ok());

  ClaimSkips busy;
  busy.email = true;
  busy.hosts = {"hooks.example.com"};
  auto first = store_.Claim(10, clock_.Now(), absl::Minutes(1), busy);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->size(), 1u);
  EXPECT_EQ((*first)[0].subscriber.subscription.destination, "https://other.example.net/x");
  busy = ClaimSkips();
  busy.hosts = {"other.example.net"};
  auto rest = store_.Claim(10, clock_.Now(), absl::Minutes(1), busy);
  ASSERT_TRUE(rest.ok());
  ASSERT_EQ(rest->size(), 3u);  // both hooks.example.com rows and the mail

  // Details with every character an array literal must escape.
  std::vector<AttemptOutcome> outcomes;
  const std::vector<std::string> details = {"HTTP 200", "say \"no\", {maybe} \\ later",
                                            "", "NULL"};
  std::vector<ClaimedDelivery> all = *rest;
  all.push_back((*first)[0]);
  for (size_t i = 0; i < all.size(); ++i) {
    AttemptOutcome o;
    o.delivery_id = all[i].id;
    o.state = i == 1 ? kStatePending : kStateDelivered;
    o.attempts = 1;
    o.attempted_at = clock_.Now();
    o.next_attempt_at = clock_.Now() + absl::Minutes(5);
    o.status_code = 200 + static_cast<int>(i);
    o.detail = details[i];
    outcomes.push_back(o);
  }
  ASSERT_TRUE(store_.RecordAttempts(outcomes).ok());
  EXPECT_EQ(Count("state = 'delivered' AND claimed_until IS NULL AND finished_at IS NOT NULL"),
            "3");
  EXPECT_EQ(Count("state = 'pending' AND claimed_until IS NULL AND attempts = 1"), "1");
  for (size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(db_.Query(absl::StrCat("SELECT last_detail || '|' || last_status FROM "
                                     "notification_deliveries WHERE id = '", all[i].id, "'")),
              absl::StrCat(details[i], "|", 200 + i));
  }
  // Retried later: due again only then.
  EXPECT_TRUE(store_.Claim(10, clock_.Now(), absl::Minutes(1))->empty());
  EXPECT_EQ(store_.Claim(10, clock_.Now() + absl::Minutes(5), absl::Minutes(1))->size(), 1u);
}

TEST_F(NotificationOutboxTest, ARowQueuedAlongsideAnUnsubscribeIsEndedNotClaimed) {
  auto hook = directory_.AddConfirmed(SubscriberKind::kWebhook, "https://hooks.example.com/a",
                                      ComponentScope::Everything());
  ASSERT_TRUE(hook.ok());
  ASSERT_TRUE(Declare("checkout", {Channel::kStatusPage}).ok());
  // As if the update's transaction committed alongside the unsubscribe's,
  // which saw nothing pending to drop.
  db_.Query(absl::StrCat("UPDATE subscribers SET unsubscribed_at = now() WHERE id = '",
                         hook->subscription.id, "'"));
  EXPECT_TRUE(store_.Claim(10, clock_.Now(), absl::Minutes(1))->empty());
  EXPECT_EQ(Count("state = 'unsubscribed' AND finished_at IS NOT NULL"), "1");
}

// What the running-notifier tests' senders share: a record of what each
// was asked to send, and the answer "delivered".
class RecordingSender : public DeliverySender {
 public:
  std::vector<std::string> sent() {
    absl::MutexLock lock(&mu_);
    return sent_;
  }

 protected:
  static DeliveryResult Delivered() {
    DeliveryResult r;
    r.outcome = DeliveryOutcome::kDelivered;
    return r;
  }
  absl::Mutex mu_;
  std::vector<std::string> sent_ ABSL_GUARDED_BY(mu_);
};

// Sends take a little real time; tracks the most sends in flight per host.
class ConcurrencySender final : public RecordingSender {
 public:
  DeliveryResult Send(const ClaimedDelivery& d) override {
    const std::string host = d.subscriber.subscription.kind == SubscriberKind::kEmail
                                 ? "smtp"
                                 : d.subscriber.destination_host;
    {
      absl::MutexLock lock(&mu_);
      sent_.push_back(d.id);
      const int now = ++in_flight_[host];
      most_[host] = std::max(most_[host], now);
    }
    absl::SleepFor(absl::Milliseconds(3));
    absl::MutexLock lock(&mu_);
    --in_flight_[host];
    return Delivered();
  }
  std::map<std::string, int> most() {
    absl::MutexLock lock(&mu_);
    return most_;
  }

 private:
  std::map<std::string, int> in_flight_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, int> most_ ABSL_GUARDED_BY(mu_);
};

TEST_F(NotificationOutboxTest, ARunningNotifierSendsEverythingOnceWithinItsPerHostLimits) {
  AddConfirmedMany(SubscriberKind::kWebhook, "https://hooks.example.com/#", 24);
  AddConfirmedMany(SubscriberKind::kWebhook, "https://other.example.net/#", 4);
  AddConfirmedMany(SubscriberKind::kEmail, "r#@example.com", 12);
  ASSERT_TRUE(Declare("checkout", {Channel::kStatusPage}).ok());
  NotifierOptions options;
  options.workers = 8;
  options.max_per_host = 2;
  options.max_smtp = 2;
  options.poll_interval = absl::Milliseconds(20);
  ConcurrencySender sender;
  Notifier notifier(&store_, &store_, &sender, &clock_, options);
  notifier.Start();
  const absl::Time give_up = absl::Now() + absl::Seconds(30);
  while (Count("state = 'delivered'") != "40" && absl::Now() < give_up) {
    absl::SleepFor(absl::Milliseconds(20));
  }
  notifier.Stop();
  EXPECT_EQ(Count("state = 'delivered' AND attempts = 1"), "40");
  std::vector<std::string> sent = sender.sent();
  EXPECT_EQ(sent.size(), 40u);
  EXPECT_EQ(std::set<std::string>(sent.begin(), sent.end()).size(), 40u);
  for (const auto& [host, most] : sender.most()) {
    EXPECT_LE(most, 2) << host;
    EXPECT_GE(most, 1) << host;
  }
}

// Holds the first send until released; records every send (by subscriber).
class HoldingSender final : public RecordingSender {
 public:
  DeliveryResult Send(const ClaimedDelivery& d) override {
    bool first = false;
    {
      absl::MutexLock lock(&mu_);
      first = sent_.empty();
      sent_.push_back(d.subscriber.subscription.id);
    }
    if (first) {
      started_.Notify();
      release_.WaitForNotification();
    }
    return Delivered();
  }
  absl::Notification started_;
  absl::Notification release_;
};

TEST_F(NotificationOutboxTest, WhatWaitedForABusyHostIsNotSentAfterAnUnsubscribe) {
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    auto s = directory_.AddConfirmed(SubscriberKind::kWebhook,
                                     absl::StrCat("https://hooks.example.com/", i),
                                     ComponentScope::Everything());
    ASSERT_TRUE(s.ok());
    ids.push_back(s->subscription.id);
  }
  ASSERT_TRUE(Declare("checkout", {Channel::kStatusPage}).ok());
  NotifierOptions options;
  options.workers = 4;
  options.max_per_host = 1;
  HoldingSender sender;
  Notifier notifier(&store_, &store_, &sender, &clock_, options);
  notifier.Start();
  // One send to the host is in flight (held); the other two wait for it.
  ASSERT_TRUE(sender.started_.WaitForNotificationWithTimeout(absl::Seconds(20)));
  const std::string held = sender.sent()[0];
  std::string leaving;
  for (const std::string& id : ids) {
    if (id != held) leaving = id;
  }
  ASSERT_TRUE(directory_.Unsubscribe(leaving, "clicked").ok());
  clock_.Advance(options.recheck_after + absl::Seconds(1));
  sender.release_.Notify();
  const absl::Time give_up = absl::Now() + absl::Seconds(20);
  while (Count("state = 'delivered'") != "2" && absl::Now() < give_up) {
    absl::SleepFor(absl::Milliseconds(20));
  }
  notifier.Stop();
  std::vector<std::string> sent = sender.sent();
  EXPECT_EQ(sent.size(), 2u);
  EXPECT_EQ(std::count(sent.begin(), sent.end(), leaving), 0);
  EXPECT_EQ(Count("state = 'delivered'"), "2");
  EXPECT_EQ(Count("state = 'unsubscribed'"), "1");
}

}  // namespace
}  // namespace statuscast
