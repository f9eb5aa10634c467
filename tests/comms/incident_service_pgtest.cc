// statuscast.v1.IncidentService end to end: real gRPC over 127.0.0.1, real
// PostgreSQL, a fake clock.
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <pqxx/pqxx>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/support/comms_client_test.h"

namespace statuscast {
namespace {

using testing::At;
using testing::Call;
using testing::CallError;
using testing::Describe;
using testing::FromTimestamp;
using testing::HasViolation;
using testing::SetSeconds;

class IncidentServiceTest : public testing::CommsClientTest {
 protected:
  void SetUp() override {
    ASSERT_TRUE(db_.ok());
    CreateComponent("checkout", "shop");
    CreateComponent("payments", "shop");
  }

  v1::DeclareIncidentRequest DeclareSev1Request() {
    v1::DeclareIncidentRequest req = testing::CheckoutIsFailing(
        "We're investigating failed checkouts affecting some users in Europe.");
    SetSeconds(clock_.Now() - absl::Minutes(10), req.mutable_confirmed_start());
    SetSeconds(clock_.Now() + absl::Minutes(30),
               req.mutable_first_update()->mutable_next_update_at());
    req.set_idempotency_key(NewKey());
    return req;
  }

  v1::WriteIncidentResponse DeclareSev1() {
    v1::WriteIncidentResponse resp;
    grpc::Status s = Declare(DeclareSev1Request(), &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return resp;
  }

  v1::PostUpdateRequest UpdateRequest(const v1::Incident& inc, const std::string& message,
                                      v1::IncidentState state = v1::INCIDENT_STATE_UNSPECIFIED) {
    auto req = Guarded<v1::PostUpdateRequest>(inc, "bob");
    req.mutable_update()->set_message(message);
    req.mutable_update()->set_state(state);
    req.mutable_update()->add_channels(v1::CHANNEL_STATUS_PAGE);
    if (inc.severity() != v1::SEVERITY_SEV3) {
      SetSeconds(clock_.Now() + absl::Minutes(inc.severity() == v1::SEVERITY_SEV1 ? 30 : 60),
            req.mutable_update()->mutable_next_update_at());
    }
    return req;
  }

  v1::WriteIncidentResponse Resolve(const v1::Incident& inc) {
    grpc::ClientContext ctx;
    auto req = Guarded<v1::ResolveIncidentRequest>(inc, "alice");
    req.set_message("Resolved: checkout works again. We're sorry for the failed orders.");
    v1::WriteIncidentResponse resp;
    grpc::Status s = stub_->ResolveIncident(&ctx, req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return resp;
  }
};

TEST_F(IncidentServiceTest, DeclaringWithAFirstUpdateRecordsTheFirstCommunication) {
  v1::WriteIncidentResponse r = DeclareSev1();
  EXPECT_EQ(r.incident().ref(), "INC-1");
  EXPECT_EQ(r.incident().version(), 1);
  EXPECT_EQ(r.incident().state(), v1::INCIDENT_STATE_INVESTIGATING);
  EXPECT_EQ(FromTimestamp(r.incident().first_communication_at()), At(14, 0));
  EXPECT_EQ(r.incident().first_communication_delay().seconds(), 600);
  EXPECT_EQ(FromTimestamp(r.incident().next_update_at()), At(14, 30));
  EXPECT_EQ(r.update().kind(), v1::UPDATE_KIND_FIRST);
  EXPECT_EQ(r.update().banner_text(),
            "We're investigating failed checkouts affecting some users in Europe.");
  EXPECT_GT(r.sequence(), 0);
  EXPECT_EQ(db_.Query("SELECT count(*) FROM audit_log WHERE action = 'declared'"), "1");
}

TEST_F(IncidentServiceTest, AWholeSev1IsRecordedAsATimelineInOrder) {
  v1::Incident inc = DeclareSev1().incident();
  clock_.Advance(absl::Minutes(25));
  v1::WriteIncidentResponse r;
  ASSERT_TRUE(Post(UpdateRequest(inc, "We found the cause in a recent deploy.",
                                 v1::INCIDENT_STATE_IDENTIFIED),
                   &r)
                  .ok());
  EXPECT_EQ(r.update().kept_promise(), v1::PROMISE_OUTCOME_KEPT);
  inc = r.incident();
  clock_.Advance(absl::Minutes(40));  // 10 minutes past the promise
  ASSERT_TRUE(Post(UpdateRequest(inc, "A fix is rolling out.", v1::INCIDENT_STATE_MONITORING), &r)
                  .ok());
  EXPECT_EQ(r.update().kept_promise(), v1::PROMISE_OUTCOME_LATE);
  inc = Resolve(r.incident()).incident();
  EXPECT_EQ(inc.state(), v1::INCIDENT_STATE_RESOLVED);
  EXPECT_FALSE(inc.has_next_update_at());

  v1::Incident full = Get(inc.ref());
  ASSERT_EQ(full.timeline_size(), 4);
  EXPECT_EQ(full.timeline(0).update().kind(), v1::UPDATE_KIND_FIRST);
  EXPECT_EQ(full.timeline(1).update().state(), v1::INCIDENT_STATE_IDENTIFIED);
  EXPECT_EQ(full.timeline(2).update().state(), v1::INCIDENT_STATE_MONITORING);
  EXPECT_EQ(full.timeline(3).update().kind(), v1::UPDATE_KIND_RESOLUTION);
  EXPECT_EQ(FromTimestamp(full.identified_at()), At(14, 25));
  EXPECT_EQ(FromTimestamp(full.monitoring_at()), At(15, 5));
  EXPECT_EQ(FromTimestamp(full.resolved_at()), At(15, 5));
  EXPECT_EQ(full.version(), 4);
}

TEST_F(IncidentServiceTest, EscalationTightensTheStandingPromise) {
  v1::DeclareIncidentRequest req = DeclareSev1Request();
  req.set_severity(v1::SEVERITY_SEV2);
  SetSeconds(clock_.Now() + absl::Minutes(60), req.mutable_first_update()->mutable_next_update_at());
  v1::WriteIncidentResponse declared;
  ASSERT_TRUE(Declare(req, &declared).ok());
  clock_.Advance(absl::Minutes(5));
  grpc::ClientContext ctx;
  auto sev = Guarded<v1::ChangeSeverityRequest>(declared.incident(), "alice", 1);
  sev.set_severity(v1::SEVERITY_SEV1);
  sev.set_reason("all regions affected");
  v1::WriteIncidentResponse r;
  ASSERT_TRUE(stub_->ChangeSeverity(&ctx, sev, &r).ok());
  EXPECT_EQ(r.incident().severity(), v1::SEVERITY_SEV1);
  EXPECT_EQ(FromTimestamp(r.incident().next_update_at()), At(14, 35));
  v1::Incident full = Get(r.incident().ref());
  ASSERT_EQ(full.timeline_size(), 2);
  EXPECT_EQ(full.timeline(1).severity_change().to(), v1::SEVERITY_SEV1);
  EXPECT_EQ(FromTimestamp(full.timeline(1).severity_change().next_update_at_before()), At(15, 0));
  EXPECT_EQ(FromTimestamp(full.timeline(1).severity_change().next_update_at_after()), At(14, 35));
}

TEST_F(IncidentServiceTest, AResolvedIncidentChangesOnlyThroughARecordedReopen) {
  v1::Incident inc = Resolve(DeclareSev1().incident()).incident();
  v1::WriteIncidentResponse r;
  CallError e = Describe(Post(UpdateRequest(inc, "More news."), &r));
  EXPECT_EQ(e.code, grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(e.message, "INC-1 is resolved; reopen it first (a reopen is recorded)");

  grpc::ClientContext ctx;
  auto reopen = Guarded<v1::ReopenIncidentRequest>(inc, "alice");
  reopen.set_reason("errors came back");
  reopen.mutable_update()->set_message("Checkout errors have returned; we're investigating.");
  reopen.mutable_update()->add_channels(v1::CHANNEL_STATUS_PAGE);
  SetSeconds(clock_.Now() + absl::Minutes(20), reopen.mutable_update()->mutable_next_update_at());
  ASSERT_TRUE(stub_->ReopenIncident(&ctx, reopen, &r).ok());
  EXPECT_EQ(r.incident().state(), v1::INCIDENT_STATE_INVESTIGATING);
  EXPECT_EQ(r.incident().reopen_count(), 1);
  EXPECT_FALSE(r.incident().has_resolved_at());
  EXPECT_EQ(r.update().kind(), v1::UPDATE_KIND_REOPEN);
  EXPECT_EQ(db_.Query("SELECT details FROM audit_log WHERE action = 'reopened'").rfind(
                "reopened: errors came back", 0),
            0u);
}

TEST_F(IncidentServiceTest, AStaleWriterIsAbortedAndNothingIsOverwritten) {
  v1::Incident inc = DeclareSev1().incident();
  v1::WriteIncidentResponse r;
  ASSERT_TRUE(Post(UpdateRequest(inc, "First writer wins."), &r).ok());
  CallError e = Describe(Post(UpdateRequest(inc, "Second writer is stale."), &r));
  EXPECT_EQ(e.code, grpc::StatusCode::ABORTED);
  EXPECT_EQ(e.message,
            "INC-1 has changed since version 1 (it is now version 2); read it again, then retry "
            "with expected_version 2");
  v1::Incident now = Get(inc.ref());
  EXPECT_EQ(now.version(), 2);
  EXPECT_EQ(now.timeline(now.timeline_size() - 1).update().message(), "First writer wins.");
}

TEST_F(IncidentServiceTest, ConcurrentWritersAtTheSameVersionLetExactlyOneThrough) {
  v1::Incident inc = DeclareSev1().incident();
  constexpr int kWriters = 8;
  std::vector<v1::PostUpdateRequest> reqs;
  for (int i = 0; i < kWriters; ++i) reqs.push_back(UpdateRequest(inc, absl::StrCat("writer ", i)));
  std::atomic<int> ok{0}, aborted{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kWriters; ++i) {
    threads.emplace_back([&, i] {
      auto stub = server_.NewStub();
      grpc::ClientContext ctx;
      v1::WriteIncidentResponse r;
      grpc::Status s = stub->PostUpdate(&ctx, reqs[i], &r);
      if (s.ok()) ++ok;
      else if (s.error_code() == grpc::StatusCode::ABORTED) ++aborted;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 1);
  EXPECT_EQ(aborted.load(), kWriters - 1);
  EXPECT_EQ(db_.Query("SELECT count(*) FROM incident_updates"), "2");
  EXPECT_EQ(Get(inc.ref()).version(), 2);
}

TEST_F(IncidentServiceTest, ARetriedWriteReturnsTheFirstResultAndPostsNothingNew) {
  v1::Incident inc = DeclareSev1().incident();
  v1::PostUpdateRequest req = UpdateRequest(inc, "Still investigating; no ETA yet.");
  v1::WriteIncidentResponse first, again;
  ASSERT_TRUE(Post(req, &first).ok());
  ASSERT_TRUE(Post(req, &again).ok());
  EXPECT_FALSE(first.replayed());
  EXPECT_TRUE(again.replayed());
  EXPECT_EQ(again.update().id(), first.update().id());
  EXPECT_EQ(again.sequence(), first.sequence());
  EXPECT_EQ(db_.Query("SELECT count(*) FROM incident_updates"), "2");

  req.mutable_update()->set_message("A different update under the same key.");
  CallError e = Describe(Post(req, &again));
  EXPECT_EQ(e.code, grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(e.message,
            "idempotency_key was already used for a different request (updated on INC-1); use "
            "a new key for a new write");
}

TEST_F(IncidentServiceTest, ARetriedDeclareCreatesOneIncidentEvenWhenRetriesRace) {
  v1::DeclareIncidentRequest req = DeclareSev1Request();
  std::vector<std::thread> threads;
  std::vector<std::string> refs(6);
  for (int i = 0; i < 6; ++i) {
    threads.emplace_back([&, i] {
      auto stub = server_.NewStub();
      grpc::ClientContext ctx;
      v1::WriteIncidentResponse r;
      if (stub->DeclareIncident(&ctx, req, &r).ok()) refs[i] = r.incident().ref();
    });
  }
  for (auto& t : threads) t.join();
  for (const std::string& ref : refs) EXPECT_EQ(ref, "INC-1");
  EXPECT_EQ(db_.Query("SELECT count(*) FROM incidents"), "1");
}

// Sequence order must be commit order: a follower that has read sequence N
// reads "after N" next, so a change numbered N+1 that committed before N
// would be skipped for good. Two observers would see it break:
//  - a reader polling the log while writers commit: the numbered rows every
//    snapshot a statement sees (exactly what had committed when it started)
//    must be a gapless prefix 1..max; a later number visible before an
//    earlier one is a hole. (A row is numbered just after its write commits,
//    migrations/0008; until then it has no sequence and no follower reads it.)
//  - the writers: a call that returned (committed) before another began
//    must hold the smaller sequence.
TEST_F(IncidentServiceTest, TheChangeLogIsGaplessAndInCommitOrder) {
  DeclareSev1();
  std::atomic<bool> writing{true};
  std::vector<std::string> holes;
  int snapshots = 0;
  std::thread reader([&] {
    pqxx::connection conn(db_.url());
    while (writing.load()) {
      pqxx::read_transaction tx(conn);
      pqxx::row r = tx.exec1(
          "SELECT count(sequence), coalesce(min(sequence), 0), coalesce(max(sequence), 0) "
          "FROM change_log");
      ++snapshots;
      const int64_t count = r[0].as<int64_t>(), min = r[1].as<int64_t>(), max = r[2].as<int64_t>();
      if (min != 1 || max != count) {
        holes.push_back(absl::StrCat(count, " rows, sequences ", min, "..", max));
      }
    }
  });

  // Each call's place in real time: a ticket taken before it starts and one
  // after it returns, from one counter shared by every writer.
  struct Call {
    int64_t started, returned;
    std::string ref;
  };
  std::atomic<int64_t> ticket{0};
  std::vector<std::vector<Call>> calls(4);
  std::vector<std::vector<v1::DeclareIncidentRequest>> requests(4);
  for (auto& r : requests) {
    for (int k = 0; k < 5; ++k) r.push_back(DeclareSev1Request());
  }
  std::vector<std::thread> writers;
  for (int w = 0; w < 4; ++w) {
    writers.emplace_back([&, w] {
      auto stub = server_.NewStub();
      for (const v1::DeclareIncidentRequest& req : requests[w]) {
        grpc::ClientContext ctx;
        v1::WriteIncidentResponse r;
        Call c;
        c.started = ticket.fetch_add(1);
        grpc::Status s = stub->DeclareIncident(&ctx, req, &r);
        c.returned = ticket.fetch_add(1);
        EXPECT_TRUE(s.ok()) << s.error_message();
        c.ref = r.incident().ref();
        calls[w].push_back(c);
      }
    });
  }
  for (auto& t : writers) t.join();
  writing = false;
  reader.join();

  // 2 components + 21 incidents.
  EXPECT_EQ(db_.Query("SELECT count(*) FROM change_log"), "23");
  EXPECT_EQ(db_.Query("SELECT max(sequence) - min(sequence) + 1 FROM change_log"), "23");
  EXPECT_EQ(db_.Query("SELECT value FROM change_sequence"), "23");
  EXPECT_GT(snapshots, 0);
  EXPECT_TRUE(holes.empty()) << "a later sequence committed before an earlier one, seen as: "
                             << holes.front();

  std::vector<std::pair<Call, int64_t>> all;
  for (const auto& writer : calls) {
    for (const Call& c : writer) {
      std::string seq = db_.Query(absl::StrCat(
          "SELECT cl.sequence FROM change_log cl JOIN incidents i ON i.id = cl.incident_id "
          "WHERE i.ref = '",
          c.ref, "' AND cl.kind = 'declared'"));
      ASSERT_FALSE(seq.empty()) << c.ref;
      all.emplace_back(c, std::stoll(seq));
    }
  }
  ASSERT_EQ(all.size(), 20u);
  for (const auto& [a, seq_a] : all) {
    for (const auto& [b, seq_b] : all) {
      if (a.returned < b.started) {
        EXPECT_LT(seq_a, seq_b) << a.ref << " committed before " << b.ref << " began";
      }
    }
  }
}

TEST_F(IncidentServiceTest, ComponentStatusIsDerivedFromOpenIncidents) {
  v1::Incident inc = DeclareSev1().incident();
  auto status_of = [&](const std::string& name) {
    grpc::ClientContext ctx;
    v1::ListComponentsResponse resp;
    EXPECT_TRUE(stub_->ListComponents(&ctx, v1::ListComponentsRequest(), &resp).ok());
    for (const auto& c : resp.components()) {
      if (c.name() == name) return c.status();
    }
    return v1::COMPONENT_STATUS_UNSPECIFIED;
  };
  EXPECT_EQ(status_of("checkout"), v1::COMPONENT_STATUS_MAJOR_OUTAGE);
  EXPECT_EQ(status_of("payments"), v1::COMPONENT_STATUS_OPERATIONAL);
  Resolve(inc);
  EXPECT_EQ(status_of("checkout"), v1::COMPONENT_STATUS_OPERATIONAL);
}

TEST_F(IncidentServiceTest, ListIncidentsFiltersAndPagesWithACursor) {
  for (int i = 0; i < 5; ++i) {
    v1::DeclareIncidentRequest req = DeclareSev1Request();
    SetSeconds(clock_.Now() - absl::Minutes(50 - i), req.mutable_confirmed_start());
    if (i % 2 == 1) {
      req.set_severity(v1::SEVERITY_SEV3);
      req.mutable_first_update()->clear_next_update_at();
    }
    v1::WriteIncidentResponse r;
    ASSERT_TRUE(Declare(req, &r).ok());
    if (i == 4) Resolve(r.incident());
  }
  std::vector<std::string> seen;
  std::string token;
  int pages = 0;
  do {
    grpc::ClientContext ctx;
    v1::ListIncidentsRequest req;
    req.set_page_size(2);
    req.set_page_token(token);
    v1::ListIncidentsResponse resp;
    ASSERT_TRUE(stub_->ListIncidents(&ctx, req, &resp).ok());
    for (const auto& i : resp.incidents()) seen.push_back(i.ref());
    token = resp.next_page_token();
    ++pages;
  } while (!token.empty());
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen, (std::vector<std::string>{"INC-5", "INC-4", "INC-3", "INC-2", "INC-1"}));

  grpc::ClientContext ctx;
  v1::ListIncidentsRequest req;
  req.set_openness(v1::ListIncidentsRequest::OPENNESS_OPEN);
  req.add_severities(v1::SEVERITY_SEV1);
  v1::ListIncidentsResponse resp;
  ASSERT_TRUE(stub_->ListIncidents(&ctx, req, &resp).ok());
  ASSERT_EQ(resp.incidents_size(), 2);  // INC-3, INC-1 (INC-5 is resolved)
  EXPECT_EQ(resp.incidents(0).ref(), "INC-3");
  EXPECT_EQ(resp.incidents(0).affected_components(0).name(), "checkout");
}

// ---- WatchIncidents ----

std::vector<v1::IncidentEvent> ReadEvents(grpc::ClientReader<v1::IncidentEvent>* reader, int n) {
  std::vector<v1::IncidentEvent> out;
  v1::IncidentEvent e;
  while (static_cast<int>(out.size()) < n && reader->Read(&e)) out.push_back(e);
  return out;
}

TEST_F(IncidentServiceTest, WatchSendsTheCurrentStateThenEveryChange) {
  v1::Incident inc = DeclareSev1().incident();
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  v1::WatchIncidentsRequest req;
  auto reader = stub_->WatchIncidents(&ctx, req);
  auto snapshot = ReadEvents(reader.get(), 2);
  ASSERT_EQ(snapshot.size(), 2u);
  EXPECT_EQ(snapshot[0].kind(), v1::IncidentEvent::KIND_SNAPSHOT);
  EXPECT_EQ(snapshot[0].incident().ref(), "INC-1");
  EXPECT_EQ(snapshot[1].kind(), v1::IncidentEvent::KIND_SNAPSHOT_END);
  v1::WriteIncidentResponse r;
  ASSERT_TRUE(Post(UpdateRequest(inc, "We found it.", v1::INCIDENT_STATE_IDENTIFIED), &r).ok());
  auto change = ReadEvents(reader.get(), 1);
  ASSERT_EQ(change.size(), 1u);
  EXPECT_EQ(change[0].kind(), v1::IncidentEvent::KIND_UPDATED);
  EXPECT_EQ(change[0].sequence(), r.sequence());
  EXPECT_EQ(change[0].update().message(), "We found it.");
  EXPECT_EQ(change[0].incident().state(), v1::INCIDENT_STATE_IDENTIFIED);
  ctx.TryCancel();
}

TEST_F(IncidentServiceTest, WatchResumesFromASequenceAndLosesNothing) {
  v1::Incident inc = DeclareSev1().incident();
  int64_t last_seen = 0;
  {
    grpc::ClientContext ctx;
    auto reader = stub_->WatchIncidents(&ctx, v1::WatchIncidentsRequest());
    auto events = ReadEvents(reader.get(), 2);
    ASSERT_EQ(events.size(), 2u);
    last_seen = events[1].sequence();
    ctx.TryCancel();  // the watcher disconnects
  }
  // Changes while nobody watches.
  v1::WriteIncidentResponse r;
  ASSERT_TRUE(Post(UpdateRequest(inc, "Update A"), &r).ok());
  ASSERT_TRUE(Post(UpdateRequest(r.incident(), "Update B"), &r).ok());
  CreateComponent("search", "shop");

  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  v1::WatchIncidentsRequest req;
  req.set_after_sequence(last_seen);
  auto reader = stub_->WatchIncidents(&ctx, req);
  auto events = ReadEvents(reader.get(), 3);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].sequence(), last_seen + 1);
  EXPECT_EQ(events[0].update().message(), "Update A");
  EXPECT_EQ(events[1].update().message(), "Update B");
  EXPECT_EQ(events[2].kind(), v1::IncidentEvent::KIND_COMPONENT_CREATED);
  EXPECT_EQ(events[2].component().name(), "search");
  ctx.TryCancel();
}

// ---- Bad input, RPC by RPC: each checks the code and the message ----

TEST_F(IncidentServiceTest, CreateComponentRejectsBadNamesAndDuplicates) {
  grpc::ClientContext ctx;
  v1::CreateComponentRequest req;
  req.set_name("Check Out!");
  v1::Component c;
  CallError e = Describe(stub_->CreateComponent(&ctx, req, &c));
  EXPECT_EQ(e.code, grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(HasViolation(e, "name", "lower-case letters")) << e.message;

  grpc::ClientContext ctx2;
  req.set_name("checkout");
  e = Describe(stub_->CreateComponent(&ctx2, req, &c));
  EXPECT_EQ(e.code, grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(e.message, "a component named \"checkout\" already exists");
}

TEST_F(IncidentServiceTest, DeclareNamesEveryBadField) {
  v1::DeclareIncidentRequest req = DeclareSev1Request();
  req.set_title("");
  req.set_severity(static_cast<v1::Severity>(9));
  SetSeconds(clock_.Now() + absl::Hours(1), req.mutable_confirmed_start());
  v1::WriteIncidentResponse r;
  CallError e = Describe(Declare(req, &r));
  EXPECT_EQ(e.code, grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(HasViolation(e, "title", "is required"));
  EXPECT_TRUE(HasViolation(e, "severity", "SEV-1, SEV-2 or SEV-3"));
  EXPECT_TRUE(HasViolation(e, "confirmed_start", "is in the future"));
  EXPECT_EQ(db_.Query("SELECT count(*) FROM incidents"), "0");
}

TEST_F(IncidentServiceTest, DeclareRejectsUnknownComponentsAndMissingKeys) {
  v1::DeclareIncidentRequest req = DeclareSev1Request();
  req.mutable_affected_components(0)->set_name("nope");
  v1::WriteIncidentResponse r;
  CallError e = Describe(Declare(req, &r));
  EXPECT_EQ(e.code, grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(HasViolation(e, "affected_components[0].name", "no component named \"nope\""))
      << e.message;
  req = DeclareSev1Request();
  req.clear_idempotency_key();
  e = Describe(Declare(req, &r));
  EXPECT_EQ(e.code, grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(HasViolation(e, "idempotency_key", "is required"));
  req = DeclareSev1Request();
  req.mutable_first_update()->set_message(std::string("bad \xff utf8"));
  // proto3 itself refuses invalid UTF-8 in a string field before our checks
  // run (those are unit-tested); either way nothing is stored.
  e = Describe(Declare(req, &r));
  EXPECT_NE(e.code, grpc::StatusCode::OK);
  EXPECT_EQ(db_.Query("SELECT count(*) FROM incidents"), "0");
}

TEST_F(IncidentServiceTest, PostUpdateRejectsBadInput) {
  v1::Incident inc = DeclareSev1().incident();
  v1::WriteIncidentResponse r;
  v1::PostUpdateRequest req = UpdateRequest(inc, "x");
  req.set_incident_ref("INC-404");
  CallError e = Describe(Post(req, &r));
  EXPECT_EQ(e.code, grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(e.message, "no incident INC-404 (references look like INC-12; statuscastctl list "
                       "shows them)");

  req = UpdateRequest(inc, "");
  req.set_expected_version(0);
  SetSeconds(clock_.Now() + absl::Minutes(45), req.mutable_update()->mutable_next_update_at());
  e = Describe(Post(req, &r));
  EXPECT_EQ(e.code, grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(HasViolation(e, "expected_version", "is required"));

  req.set_expected_version(1);
  e = Describe(Post(req, &r));
  EXPECT_TRUE(HasViolation(e, "update.message", "is required"));
  EXPECT_TRUE(HasViolation(e, "update.next_update_at", "beyond the SEV-1 cadence of 30m"))
      << e.message;

  req = UpdateRequest(inc, "Going backwards", v1::INCIDENT_STATE_IDENTIFIED);
  ASSERT_TRUE(Post(req, &r).ok());
  req = UpdateRequest(r.incident(), "Back to investigating", v1::INCIDENT_STATE_INVESTIGATING);
  e = Describe(Post(req, &r));
  EXPECT_EQ(e.code, grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(e.message.find("cannot go back to investigating"), std::string::npos) << e.message;
  EXPECT_EQ(Get(inc.ref()).version(), 2);
}

TEST_F(IncidentServiceTest, ChangeSeverityRejectsBadInput) {
  v1::Incident inc = DeclareSev1().incident();
  grpc::ClientContext ctx;
  auto req = Guarded<v1::ChangeSeverityRequest>(inc, "alice", 1);
  req.set_severity(v1::SEVERITY_SEV1);
  v1::WriteIncidentResponse r;
  CallError e = Describe(stub_->ChangeSeverity(&ctx, req, &r));
  EXPECT_EQ(e.code, grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(e.message, "INC-1 is already SEV-1");
  grpc::ClientContext ctx2;
  req.set_severity(v1::SEVERITY_UNSPECIFIED);
  req.set_idempotency_key(NewKey());
  e = Describe(stub_->ChangeSeverity(&ctx2, req, &r));
  EXPECT_EQ(e.code, grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(HasViolation(e, "severity", "must be SEV-1, SEV-2 or SEV-3"));
}

TEST_F(IncidentServiceTest, ResolveRejectsAMissingMessageAndASecondResolve) {
  v1::Incident inc = DeclareSev1().incident();
  grpc::ClientContext ctx;
  auto req = Guarded<v1::ResolveIncidentRequest>(inc, "alice", 1);
  v1::WriteIncidentResponse r;
  CallError e = Describe(stub_->ResolveIncident(&ctx, req, &r));
  EXPECT_EQ(e.code, grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(HasViolation(e, "message", "is required"));
  v1::Incident resolved = Resolve(inc).incident();
  grpc::ClientContext ctx2;
  req.set_expected_version(resolved.version());
  req.set_message("Resolved again?");
  req.set_idempotency_key(NewKey());
  e = Describe(stub_->ResolveIncident(&ctx2, req, &r));
  EXPECT_EQ(e.code, grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(e.message, "INC-1 is already resolved");
}

TEST_F(IncidentServiceTest, ReopenRejectsAnOpenIncidentAndAMissingReason) {
  v1::Incident inc = DeclareSev1().incident();
  grpc::ClientContext ctx;
  auto req = Guarded<v1::ReopenIncidentRequest>(inc, "alice", 1);
  req.set_reason("again");
  req.mutable_update()->set_message("Back.");
  req.mutable_update()->add_channels(v1::CHANNEL_STATUS_PAGE);
  SetSeconds(clock_.Now() + absl::Minutes(30), req.mutable_update()->mutable_next_update_at());
  v1::WriteIncidentResponse r;
  CallError e = Describe(stub_->ReopenIncident(&ctx, req, &r));
  EXPECT_EQ(e.code, grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(e.message, "INC-1 is investigating, not resolved; post an update instead");
  grpc::ClientContext ctx2;
  req.clear_reason();
  e = Describe(stub_->ReopenIncident(&ctx2, req, &r));
  EXPECT_EQ(e.code, grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(HasViolation(e, "reason", "is required"));
}

TEST_F(IncidentServiceTest, PublishPostmortemNeedsAResolvedIncidentAndAnHttpLink) {
  v1::Incident inc = DeclareSev1().incident();
  auto req = Guarded<v1::PublishPostmortemRequest>(inc, "alice", 1);
  req.set_url("https://status.example.com/postmortems/inc-1");
  v1::WriteIncidentResponse r;
  {
    grpc::ClientContext ctx;
    CallError e = Describe(stub_->PublishPostmortem(&ctx, req, &r));
    EXPECT_EQ(e.code, grpc::StatusCode::FAILED_PRECONDITION);
    EXPECT_EQ(e.message,
              "INC-1 is investigating; a postmortem is published once the incident is resolved");
  }
  v1::Incident resolved = Resolve(inc).incident();
  req.set_expected_version(resolved.version());
  req.set_idempotency_key(NewKey());
  req.set_url("ftp://example.com/pm");
  {
    grpc::ClientContext ctx;
    CallError e = Describe(stub_->PublishPostmortem(&ctx, req, &r));
    EXPECT_EQ(e.code, grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_TRUE(HasViolation(e, "url", "http:// or https://"));
  }
  req.set_url("https://status.example.com/postmortems/inc-1");
  grpc::ClientContext ctx;
  ASSERT_TRUE(stub_->PublishPostmortem(&ctx, req, &r).ok());
  EXPECT_EQ(r.incident().postmortem().url(), "https://status.example.com/postmortems/inc-1");
}

TEST_F(IncidentServiceTest, GetAndListRejectBadInput) {
  using Stub = v1::IncidentService::Stub;
  {
    CallError e = Describe(Call(*stub_, &Stub::GetIncident, v1::GetIncidentRequest()));
    EXPECT_EQ(e.code, grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_TRUE(HasViolation(e, "incident_ref", "is required"));
  }
  {
    v1::GetIncidentRequest req;
    req.set_incident_ref("INC-77");
    CallError e = Describe(Call(*stub_, &Stub::GetIncident, req));
    EXPECT_EQ(e.code, grpc::StatusCode::NOT_FOUND);
  }
  {
    v1::ListIncidentsRequest req;
    req.set_page_size(500);
    req.set_page_token("not-a-token");
    req.add_states(static_cast<v1::IncidentState>(12));
    CallError e = Describe(Call(*stub_, &Stub::ListIncidents, req));
    EXPECT_EQ(e.code, grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_TRUE(HasViolation(e, "states", "unknown state"));
  }
  {
    v1::ListIncidentsRequest req;
    req.set_page_size(500);
    req.set_page_token("not-a-token");
    CallError e = Describe(Call(*stub_, &Stub::ListIncidents, req));
    EXPECT_TRUE(HasViolation(e, "page_size", "1..200"));
    EXPECT_TRUE(HasViolation(e, "page_token", "not a token this service issued"));
  }
}

TEST_F(IncidentServiceTest, WatchRejectsSequencesItNeverSent) {
  DeclareSev1();
  for (int64_t bad : {int64_t{-1}, int64_t{1000}}) {
    grpc::ClientContext ctx;
    v1::WatchIncidentsRequest req;
    req.set_after_sequence(bad);
    auto reader = stub_->WatchIncidents(&ctx, req);
    v1::IncidentEvent e;
    EXPECT_FALSE(reader->Read(&e));
    CallError err = Describe(reader->Finish());
    EXPECT_EQ(err.code, grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_TRUE(HasViolation(err, "after_sequence")) << err.message;
  }
}

}  // namespace
}  // namespace statuscast
