// Reminder planning at fixed times: what the communicator is told and when.
#include "libs/cadence/reminders.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/time/time.h"

namespace statuscast {
namespace {

using ::testing::HasSubstr;

absl::Time Utc(int h, int m) {
  return absl::FromCivil(absl::CivilMinute(2026, 11, 27, h, m), absl::UTCTimeZone());
}

// A SEV-2 whose last status-page update (14:05) promised 15:05.
Incident OpenSev2() {
  Incident inc;
  inc.ref = "INC-4";
  inc.severity = Severity::kSev2;
  inc.state = IncidentState::kInvestigating;
  inc.confirmed_start = Utc(14, 0);
  inc.first_communication_at = Utc(14, 5);
  inc.next_update_at = Utc(15, 5);
  Update u;
  u.channels = {Channel::kStatusPage};
  u.posted_at = Utc(14, 5);
  u.next_update_at = Utc(15, 5);
  u.message = "We're investigating slow searches. Next update by 15:05 UTC.";
  inc.updates.push_back(u);
  return inc;
}

const CadencePolicy kPolicy;

TEST(RemindersTest, NothingWhileTheLastUpdateStatesTheStandingPromise) {
  EXPECT_TRUE(PlanReminders(OpenSev2(), Utc(14, 20), kPolicy, absl::Minutes(5)).empty());
}

TEST(RemindersTest, AnEscalationThatMovedThePromiseAsksForAnUpdateStatingIt) {
  Incident inc = OpenSev2();
  inc.severity = Severity::kSev1;
  inc.next_update_at = Utc(14, 50);  // escalated at 14:20: 30m from then
  std::vector<PlannedReminder> r = PlanReminders(inc, Utc(14, 21), kPolicy, absl::Minutes(5));
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].kind, ReminderKind::kPromiseMoved);
  EXPECT_EQ(r[0].due, Utc(14, 50));
  EXPECT_EQ(r[0].text,
            "INC-4 SEV-1: the next update is now due by 14:50 UTC, but the last status-page "
            "update says 15:05 UTC; post an update stating the new time");
  EXPECT_STREQ(ReminderKindName(r[0].kind), "promise_moved");
  // Near the deadline the due-soon reminder comes too; once missed, only that.
  r = PlanReminders(inc, Utc(14, 46), kPolicy, absl::Minutes(5));
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[1].kind, ReminderKind::kDueSoon);
  r = PlanReminders(inc, Utc(14, 52), kPolicy, absl::Minutes(5));
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].kind, ReminderKind::kMissed);
}

TEST(RemindersTest, ABannerOnlyUpdateIsNotWhatCustomersReadOnThePage) {
  Incident inc = OpenSev2();
  Update banner;
  banner.channels = {Channel::kInAppBanner};
  banner.posted_at = Utc(14, 10);
  inc.updates.push_back(banner);
  EXPECT_TRUE(PlanReminders(inc, Utc(14, 20), kPolicy, absl::Minutes(5)).empty());
}

}  // namespace
}  // namespace statuscast
