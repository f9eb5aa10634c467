// Scheduled maintenance in the domain: what is accepted, how a window moves
// through its states, and what customers see as the clock passes its start
// and end. An in-memory store and a fake clock; no database, no gRPC.
#include "libs/incident/maintenance.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/base/field_violations.h"
#include "tests/support/status_matchers.h"

namespace statuscast {
namespace {

using ::statuscast::testing::HasFieldViolation;
using ::statuscast::testing::IsError;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

absl::Time Utc(int day, int h, int m) {
  return absl::FromCivil(absl::CivilMinute(2026, 11, day, h, m), absl::UTCTimeZone());
}

// Windows in a map; components from a fixed catalog.
class MemoryMaintenanceStore final : public MaintenanceStore {
 public:
  absl::Status Insert(MaintenanceWindow& w, const std::string&) override {
    for (size_t i = 0; i < w.components.size(); ++i) {
      if (w.components[i] != "checkout" && w.components[i] != "search") {
        return InvalidField(absl::StrCat("components[", i, "]"), "names no component");
      }
    }
    w.id = static_cast<int64_t>(windows_.size()) + 1;
    w.ref = absl::StrCat("MNT-", w.id);
    windows_[w.ref] = w;
    return absl::OkStatus();
  }
  absl::StatusOr<MaintenanceWindow> Get(const std::string& ref) override {
    auto it = windows_.find(ref);
    if (it == windows_.end())
      return absl::NotFoundError(absl::StrCat("no maintenance window ", ref));
    return it->second;
  }
  absl::Status Save(const MaintenanceWindow& w, const std::string& kind, const std::string&,
                    const std::string&) override {
    if (windows_[w.ref].version != w.version - 1) return absl::AbortedError("raced");
    windows_[w.ref] = w;
    kinds.push_back(kind);
    return absl::OkStatus();
  }
  absl::StatusOr<std::vector<MaintenanceWindow>> List(const MaintenanceQuery& q) override {
    std::vector<MaintenanceWindow> out;
    for (const auto& [ref, w] : windows_) {
      if (q.include_finished || w.state == MaintenanceState::kScheduled ||
          w.state == MaintenanceState::kInProgress) {
        out.push_back(w);
      }
    }
    return out;
  }
  std::vector<std::string> kinds;

 private:
  std::map<std::string, MaintenanceWindow> windows_;
};

class MaintenanceTest : public ::testing::Test {
 protected:
  // Announced at 10:00 on the 27th for 22:00-23:00 that night.
  ScheduleMaintenanceInput Tonight() const {
    ScheduleMaintenanceInput in;
    in.title = "Database upgrade";
    in.message = "Checkout may be slow for a few minutes while we upgrade its database.";
    in.components = {"checkout"};
    in.scheduled_start = Utc(27, 22, 0);
    in.scheduled_end = Utc(27, 23, 0);
    return in;
  }
  MaintenanceWindow Scheduled() {
    absl::StatusOr<MaintenanceWindow> w = commands_.Schedule(Tonight(), call_);
    EXPECT_TRUE(w.ok()) << w.status();
    return w.ok() ? *w : MaintenanceWindow();
  }

  FakeClock clock_{Utc(27, 10, 0)};
  MemoryMaintenanceStore store_;
  MaintenanceCommands commands_{store_, clock_};
  MaintenanceCall call_{"carol", "req-1"};
};

TEST_F(MaintenanceTest, AScheduledWindowIsAnnouncedWithItsTimesAndAuthor) {
  MaintenanceWindow w = Scheduled();
  EXPECT_EQ(w.ref, "MNT-1");
  EXPECT_EQ(w.state, MaintenanceState::kScheduled);
  EXPECT_EQ(w.created_by, "carol");
  EXPECT_EQ(w.created_at, Utc(27, 10, 0));
  EXPECT_EQ(w.version, 1);
  EXPECT_EQ(PhaseAt(w, clock_.Now()), MaintenanceState::kScheduled);
}

TEST_F(MaintenanceTest, TheClockRunsAWindowNobodyStarted) {
  MaintenanceWindow w = Scheduled();
  EXPECT_EQ(PhaseAt(w, Utc(27, 21, 59)), MaintenanceState::kScheduled);
  EXPECT_THAT(ComponentsUnderMaintenance({w}, Utc(27, 21, 59)), IsEmpty());
  EXPECT_EQ(PhaseAt(w, Utc(27, 22, 0)), MaintenanceState::kInProgress);
  EXPECT_THAT(ComponentsUnderMaintenance({w}, Utc(27, 22, 30)), ElementsAre("checkout"));
  EXPECT_TRUE(IsUpcomingOrCurrent(w, Utc(27, 22, 30)));
  EXPECT_EQ(PhaseAt(w, Utc(27, 23, 0)), MaintenanceState::kCompleted);
  EXPECT_THAT(ComponentsUnderMaintenance({w}, Utc(27, 23, 0)), IsEmpty());
  EXPECT_FALSE(IsUpcomingOrCurrent(w, Utc(27, 23, 0)));
}

TEST_F(MaintenanceTest, AWindowStartedByHandRunsUntilCompletedEvenPastItsEnd) {
  Scheduled();
  clock_.Set(Utc(27, 21, 50));  // work began early
  absl::StatusOr<MaintenanceWindow> w = commands_.Start("MNT-1", 1, call_);
  ASSERT_TRUE(w.ok()) << w.status();
  EXPECT_EQ(w->state, MaintenanceState::kInProgress);
  EXPECT_EQ(w->started_at, Utc(27, 21, 50));
  EXPECT_THAT(ComponentsUnderMaintenance({*w}, Utc(27, 21, 50)), ElementsAre("checkout"));
  // An overrun is real: still in progress after the announced end.
  EXPECT_EQ(PhaseAt(*w, Utc(27, 23, 30)), MaintenanceState::kInProgress);
  clock_.Set(Utc(27, 23, 30));
  w = commands_.Complete("MNT-1", 2, call_);
  ASSERT_TRUE(w.ok()) << w.status();
  EXPECT_EQ(w->state, MaintenanceState::kCompleted);
  EXPECT_EQ(w->ended_at, Utc(27, 23, 30));
  EXPECT_EQ(w->version, 3);
  EXPECT_THAT(store_.kinds, ElementsAre("maintenance_started", "maintenance_completed"));
}

TEST_F(MaintenanceTest, CompletingAWindowTheClockStartedKeepsTheAnnouncedStart) {
  Scheduled();
  clock_.Set(Utc(27, 22, 40));
  absl::StatusOr<MaintenanceWindow> w = commands_.Complete("MNT-1", 0, call_);
  ASSERT_TRUE(w.ok()) << w.status();
  EXPECT_EQ(w->started_at, Utc(27, 22, 0));
  EXPECT_EQ(w->ended_at, Utc(27, 22, 40));
}

TEST_F(MaintenanceTest, ACancelledWindowNeverRuns) {
  Scheduled();
  absl::StatusOr<MaintenanceWindow> w = commands_.Cancel("MNT-1", 1, call_);
  ASSERT_TRUE(w.ok()) << w.status();
  EXPECT_EQ(PhaseAt(*w, Utc(27, 22, 30)), MaintenanceState::kCancelled);
  EXPECT_THAT(ComponentsUnderMaintenance({*w}, Utc(27, 22, 30)), IsEmpty());
  EXPECT_TRUE(IsError(commands_.Start("MNT-1", 0, call_), absl::StatusCode::kFailedPrecondition,
                      "MNT-1 is cancelled; only a scheduled window starts"));
}

TEST_F(MaintenanceTest, TransitionsTheStateForbidsNameWhatToDoInstead) {
  Scheduled();
  EXPECT_TRUE(IsError(commands_.Complete("MNT-1", 0, call_), absl::StatusCode::kFailedPrecondition,
                      "MNT-1 is scheduled (it starts at 2026-11-27 22:00 UTC); start it first, or "
                      "cancel it (statuscastctl maintenance cancel MNT-1)"));
  clock_.Set(Utc(27, 22, 10));
  EXPECT_TRUE(IsError(commands_.Cancel("MNT-1", 0, call_), absl::StatusCode::kFailedPrecondition,
                      "MNT-1 is in_progress; only a window that has not started is cancelled: "
                      "complete it (statuscastctl maintenance complete MNT-1)"));
  clock_.Set(Utc(28, 0, 0));
  EXPECT_TRUE(IsError(commands_.Start("MNT-1", 0, call_), absl::StatusCode::kFailedPrecondition,
                      "MNT-1 is completed; only a scheduled window starts (its window ended at "
                      "2026-11-27 23:00 UTC; schedule a new one)"));
}

TEST_F(MaintenanceTest, AStaleVersionIsAborted) {
  Scheduled();
  ASSERT_TRUE(commands_.Start("MNT-1", 1, call_).ok());
  EXPECT_TRUE(IsError(commands_.Complete("MNT-1", 1, call_), absl::StatusCode::kAborted,
                      "MNT-1 has changed since version 1 (it is now version 2); read it again, "
                      "then retry"));
}

TEST_F(MaintenanceTest, UnknownAndMalformedReferences) {
  EXPECT_TRUE(IsError(commands_.Start("MNT-9", 0, call_), absl::StatusCode::kNotFound,
                      "no maintenance window MNT-9"));
  EXPECT_TRUE(HasFieldViolation(commands_.Start("INC-9", 0, call_), "ref",
                                "is not a maintenance reference (like MNT-3)"));
  EXPECT_TRUE(HasFieldViolation(commands_.Get(""), "ref", "is required"));
}

TEST_F(MaintenanceTest, BadSchedulesAreRefusedNamingEachField) {
  ScheduleMaintenanceInput in = Tonight();
  in.scheduled_end = in.scheduled_start - absl::Minutes(1);
  EXPECT_TRUE(HasFieldViolation(commands_.Schedule(in, call_), "scheduled_end",
                                "must be after scheduled_start (it is 2026-11-27 21:59:00 UTC, "
                                "the start 2026-11-27 22:00:00 UTC)"));
  in = Tonight();
  in.scheduled_start = Utc(27, 9, 0);
  EXPECT_TRUE(HasFieldViolation(commands_.Schedule(in, call_), "scheduled_start",
                                "is not in the future (it is 2026-11-27 09:00:00 UTC, now is "
                                "2026-11-27 10:00:00 UTC)"));
  in = Tonight();
  in.scheduled_end = in.scheduled_start + absl::Hours(24 * 8);
  EXPECT_TRUE(HasFieldViolation(commands_.Schedule(in, call_), "scheduled_end",
                                "makes the window longer than 168h"));
  in = Tonight();
  in.scheduled_start = absl::Time();
  in.scheduled_end = absl::Time();
  absl::StatusOr<MaintenanceWindow> w = commands_.Schedule(in, call_);
  EXPECT_TRUE(HasFieldViolation(w, "scheduled_start", "is required"));
  EXPECT_TRUE(HasFieldViolation(w, "scheduled_end", "is required"));
  in.scheduled_end = Tonight().scheduled_end;
  EXPECT_TRUE(IsError(commands_.Schedule(in, call_), absl::StatusCode::kInvalidArgument,
                      "scheduled_start: is required"))
      << "the end is checked against a start only when there is one";
  in = Tonight();
  in.title.clear();
  in.message = std::string(4001, 'x');
  w = commands_.Schedule(in, call_);
  EXPECT_TRUE(HasFieldViolation(w, "title", "is required"));
  EXPECT_TRUE(HasFieldViolation(w, "message", "is 4001 bytes; the limit is 4000"));
  in = Tonight();
  in.components = {};
  EXPECT_TRUE(HasFieldViolation(commands_.Schedule(in, call_), "components",
                                "name at least one component"));
  in.components = {"checkout", "checkout"};
  EXPECT_TRUE(
      HasFieldViolation(commands_.Schedule(in, call_), "components[1]", "names checkout twice"));
  in.components = {"search", "payments"};
  EXPECT_TRUE(
      HasFieldViolation(commands_.Schedule(in, call_), "components[1]", "names no component"));
  EXPECT_THAT(*commands_.List({}), IsEmpty()) << "nothing was written";
}

TEST_F(MaintenanceTest, ListingLeavesFinishedWindowsOutUnlessAsked) {
  Scheduled();
  Scheduled();
  ASSERT_TRUE(commands_.Cancel("MNT-2", 0, call_).ok());
  EXPECT_EQ(commands_.List({})->size(), 1u);
  MaintenanceQuery all;
  all.include_finished = true;
  EXPECT_EQ(commands_.List(all)->size(), 2u);
  all.limit = 501;
  EXPECT_TRUE(HasFieldViolation(commands_.List(all), "page_size", "must be 1..500"));
}

}  // namespace
}  // namespace statuscast
