// The change log as followers read it (ReadChanges after the last sequence
// seen, like WatchIncidents and the banner follower): gapless, never a row at
// or below a sequence already read, each change's write visible by the time
// its sequence is, and writes to one incident in the order they committed,
// while many writers commit at once.
#include <pqxx/pqxx>

#include <atomic>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "libs/pgstore/change_log.h"
#include "libs/pgstore/pg_incident_store.h"
#include "libs/pgstore/pg_pool.h"
#include "tests/support/test_database.h"

namespace statuscast {
namespace {

using testing::TestDatabase;

const absl::Time kT0 = absl::FromUnixSeconds(1700000000);

std::string DeclareIncident(IncidentStore& store, const std::string& title) {
  std::string ref;
  absl::Status s = store.RunInTransaction([&](StoreTransaction& tx) -> absl::Status {
    Incident i;
    i.title = title;
    i.severity = Severity::kSev2;
    i.state = IncidentState::kInvestigating;
    i.confirmed_start = i.declared_at = i.updated_at = kT0;
    i.version = 1;
    if (absl::Status st = tx.InsertIncident(i); !st.ok()) return st;
    ref = i.ref;
    MutationRecord m;
    m.kind = "declared";
    m.incident_id = i.id;
    m.incident_version = i.version;
    m.actor = "test";
    m.summary = "1";
    m.at = kT0;
    return tx.Record(m, nullptr);
  });
  EXPECT_TRUE(s.ok()) << s;
  return ref;
}

// One write as IncidentCommands::Mutate does it: lock, bump the version,
// save, record. The summary carries the version the write made.
absl::Status BumpVersion(IncidentStore& store, const std::string& ref, const std::string& key,
                         int64_t* sequence, int64_t* version) {
  return store.RunInTransaction([&](StoreTransaction& tx) -> absl::Status {
    absl::StatusOr<Incident> i = tx.LockIncident(ref);
    if (!i.ok()) return i.status();
    i->version += 1;
    i->updated_at = kT0;
    if (absl::Status st = tx.SaveIncident(*i); !st.ok()) return st;
    MutationRecord m;
    m.kind = "updated";
    m.incident_id = i->id;
    m.incident_version = i->version;
    m.actor = "test";
    m.idempotency_key = key;
    m.fingerprint = "f";
    m.summary = absl::StrCat(i->version);
    m.at = kT0;
    *version = i->version;
    return tx.Record(m, sequence);
  });
}

TEST(ChangeLogTest, ConcurrentWritersLeaveAGaplessLogInCommitOrderAsFollowersReadIt) {
  TestDatabase db;
  ASSERT_TRUE(db.ok());
  PgPool pool(db.url(), 12);
  PgIncidentStore store(pool);
  constexpr int kIncidents = 4, kWritersPerIncident = 2, kWritesEach = 40;
  std::vector<std::string> refs;
  for (int i = 0; i < kIncidents; ++i) refs.push_back(DeclareIncident(store, absl::StrCat(i)));
  ASSERT_EQ(*store.HeadSequence(), kIncidents);

  // The follower: reads after the last sequence it saw until every write is
  // in, checking each row as it arrives.
  std::atomic<bool> writers_done{false};
  std::vector<std::string> follower_errors;
  std::map<std::string, int64_t> last_version;  // by incident ref, as read
  std::vector<ChangeRecord> read;
  std::thread follower([&] {
    int64_t last = 0;
    for (;;) {
      const bool done = writers_done.load();
      absl::StatusOr<std::vector<ChangeRecord>> rows = store.ReadChanges(last, 7);
      if (!rows.ok()) {
        follower_errors.push_back(rows.status().ToString());
        return;
      }
      for (const ChangeRecord& c : *rows) {
        if (c.sequence != last + 1) {
          follower_errors.push_back(absl::StrCat("after ", last, " came ", c.sequence));
        }
        last = c.sequence;
        int64_t version = 0;
        (void)absl::SimpleAtoi(c.summary, &version);
        int64_t& seen = last_version[c.incident_ref];
        if (version <= seen) {
          follower_errors.push_back(absl::StrCat(c.incident_ref, " version ", version,
                                                 " at sequence ", c.sequence, " after version ",
                                                 seen));
        }
        seen = version;
        // The write is committed before its sequence is visible.
        absl::StatusOr<Incident> now = store.GetIncident(c.incident_ref, false);
        if (!now.ok() || now->version < version) {
          follower_errors.push_back(absl::StrCat("sequence ", c.sequence, " visible before ",
                                                 c.incident_ref, " version ", version));
        }
        read.push_back(c);
      }
      if (rows->empty() && done) return;
    }
  });

  absl::Mutex mu;
  std::vector<int64_t> returned;  // every write's sequence, as RunInTransaction set it
  std::vector<std::thread> writers;
  for (int w = 0; w < kIncidents * kWritersPerIncident; ++w) {
    writers.emplace_back([&, w] {
      for (int k = 0; k < kWritesEach; ++k) {
        int64_t seq = -1, version = 0;
        absl::Status s =
            BumpVersion(store, refs[w % kIncidents], absl::StrCat("w", w, "-", k), &seq, &version);
        absl::MutexLock lock(&mu);
        EXPECT_TRUE(s.ok()) << s;
        returned.push_back(seq);
      }
    });
  }
  for (std::thread& t : writers) t.join();
  writers_done = true;
  follower.join();

  for (const std::string& e : follower_errors) ADD_FAILURE() << e;
  const int64_t total = kIncidents + kIncidents * kWritersPerIncident * kWritesEach;
  EXPECT_EQ(*store.HeadSequence(), total);
  ASSERT_EQ(static_cast<int64_t>(read.size()), total);
  std::set<int64_t> unique(returned.begin(), returned.end());
  EXPECT_EQ(unique.size(), returned.size()) << "two writes were given one sequence";
  EXPECT_EQ(*unique.begin(), kIncidents + 1);
  EXPECT_EQ(*unique.rbegin(), total);
  // Read again from the start, the log is what the follower saw live.
  absl::StatusOr<std::vector<ChangeRecord>> again = store.ReadChanges(0, 100000);
  ASSERT_TRUE(again.ok());
  ASSERT_EQ(again->size(), read.size());
  for (size_t i = 0; i < read.size(); ++i) {
    EXPECT_EQ((*again)[i].sequence, read[i].sequence);
    EXPECT_EQ((*again)[i].summary, read[i].summary);
    EXPECT_EQ((*again)[i].incident_ref, read[i].incident_ref);
  }
  EXPECT_EQ(db.Query("SELECT count(*) FROM change_log WHERE sequence IS NULL"), "0");
}

// A lone writer numbers its change in its own transaction.
TEST(ChangeLogTest, ALoneWriterNumbersItsChangeBeforeItCommits) {
  TestDatabase db;
  ASSERT_TRUE(db.ok());
  pqxx::connection c(db.url());
  pqxx::work w(c);
  MutationRecord m;
  m.kind = "component_created";
  m.component_name = "api";
  m.actor = "test";
  m.at = kT0;
  RecordedChange change = RecordChange(w, m);
  EXPECT_EQ(change.sequence, 1);
  w.commit();
  EXPECT_EQ(SequenceRecorded(c, change), 1);
  EXPECT_EQ(db.Query("SELECT value FROM change_sequence"), "1");
}

// A write whose numbering never ran (its connection broke after the commit):
// followers do not see it yet, and it is numbered, before anything later, by
// the next write or by a retry of the same idempotency key.
TEST(ChangeLogTest, AChangeLeftPendingIsNumberedByTheNextWriteOrItsRetry) {
  TestDatabase db;
  ASSERT_TRUE(db.ok());
  PgPool pool(db.url(), 2);
  PgIncidentStore store(pool);
  const std::string ref = DeclareIncident(store, "pending");

  // Another numbering holds the lock, so the write commits unnumbered; its
  // step 2 is then never run.
  auto record_without_numbering = [&](const std::string& key, int64_t version) {
    pqxx::connection numbering(db.url());
    pqxx::nontransaction(numbering).exec("SELECT pg_advisory_lock(change_sequence_lock_key())");
    pqxx::connection c(db.url());
    pqxx::work w(c);
    MutationRecord m;
    m.kind = "updated";
    m.incident_id = std::stoll(db.Query(absl::StrCat("SELECT id FROM incidents WHERE ref = '",
                                                     ref, "'")));
    m.incident_version = version;
    m.actor = "test";
    m.idempotency_key = key;
    m.fingerprint = "f";
    m.summary = absl::StrCat(version);
    m.at = kT0;
    EXPECT_EQ(RecordChange(w, m).sequence, 0);
    w.commit();
  };

  record_without_numbering("lost-reply", 2);
  EXPECT_EQ(*store.HeadSequence(), 1);
  EXPECT_EQ(store.ReadChanges(1, 10)->size(), 0u) << "a pending change is not visible";

  // The retry with the same key finds the first write and learns its sequence.
  absl::optional<IdempotentResult> earlier;
  ASSERT_TRUE(store
                  .RunInTransaction([&](StoreTransaction& tx) -> absl::Status {
                    absl::StatusOr<absl::optional<IdempotentResult>> r =
                        tx.FindIdempotent("lost-reply");
                    if (!r.ok()) return r.status();
                    earlier = *r;
                    return absl::OkStatus();
                  })
                  .ok());
  ASSERT_TRUE(earlier.has_value());
  EXPECT_EQ(earlier->sequence, 2);
  EXPECT_EQ(*store.HeadSequence(), 2);

  // Another one left pending, then an unrelated write: both numbered, in order.
  record_without_numbering("lost-again", 3);
  int64_t seq = 0, version = 0;
  ASSERT_TRUE(BumpVersion(store, ref, "next", &seq, &version).ok());
  EXPECT_EQ(seq, 4);
  absl::StatusOr<std::vector<ChangeRecord>> rows = store.ReadChanges(2, 10);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].sequence, 3);
  EXPECT_EQ((*rows)[0].summary, "3");
  EXPECT_EQ((*rows)[1].sequence, 4);
}

}  // namespace
}  // namespace statuscast
