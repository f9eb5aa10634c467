// statuscast.v1.MaintenanceService over real gRPC and PostgreSQL with a fake
// clock: a window scheduled, started and completed (or cancelled), read back
// with the state customers see, every bad input refused with the field named,
// and no trace in incident compliance.
#include <grpcpp/grpcpp.h>

#include "gtest/gtest.h"
#include "tests/support/comms_client_test.h"

namespace statuscast {
namespace {

using testing::At;
using testing::Call;
using testing::CallOk;
using testing::Describe;
using testing::HasViolation;
using testing::SetSeconds;

class MaintenanceServiceTest : public testing::CommsClientTest {
 protected:
  MaintenanceServiceTest()
      : CommsClientTest({}, {"checkout", "search"}), maintenance_(server_.NewMaintenanceStub()) {}

  // Tonight 22:00-23:00 on checkout and search (the clock is at 14:00).
  static v1::ScheduleMaintenanceRequest Tonight() {
    v1::ScheduleMaintenanceRequest req;
    req.set_title("Database upgrade");
    req.set_message("Checkout and search may be slow for a few minutes while we upgrade.");
    req.add_components("checkout");
    req.add_components("search");
    SetSeconds(At(22, 0), req.mutable_scheduled_start());
    SetSeconds(At(23, 0), req.mutable_scheduled_end());
    return req;
  }

  using Stub = v1::MaintenanceService::Stub;

  grpc::Status Schedule(const v1::ScheduleMaintenanceRequest& req, v1::Maintenance* out) {
    return Call(*maintenance_, &Stub::ScheduleMaintenance, req, out);
  }
  v1::Maintenance GetWindow(const std::string& ref) {
    v1::GetMaintenanceRequest req;
    req.set_ref(ref);
    return CallOk(*maintenance_, &Stub::GetMaintenance, req);
  }
  v1::ListMaintenancesResponse List(bool all) {
    v1::ListMaintenancesRequest req;
    req.set_include_finished(all);
    return CallOk(*maintenance_, &Stub::ListMaintenances, req);
  }

  // The failure of a call expected to fail.
  template <typename Req>
  testing::CallError Failure(testing::UnaryMethod<Stub, Req, v1::Maintenance> method,
                             const Req& req) {
    return Describe(Call(*maintenance_, method, req));
  }

  std::unique_ptr<v1::MaintenanceService::Stub> maintenance_;
};

TEST_F(MaintenanceServiceTest, AWindowIsScheduledStartedAndCompleted) {
  v1::Maintenance w;
  ASSERT_TRUE(Schedule(Tonight(), &w).ok());
  EXPECT_EQ(w.ref(), "MNT-1");
  EXPECT_EQ(w.state(), v1::MAINTENANCE_STATE_SCHEDULED);
  EXPECT_EQ(w.version(), 1);
  ASSERT_EQ(w.components_size(), 2);
  EXPECT_EQ(w.components(1), "search");
  ASSERT_EQ(List(false).maintenances_size(), 1);

  // The clock reaches the start: customers see it in progress, unrecorded.
  clock_.Set(At(22, 5));
  EXPECT_EQ(GetWindow("MNT-1").state(), v1::MAINTENANCE_STATE_IN_PROGRESS);

  grpc::ClientContext start_ctx;
  v1::StartMaintenanceRequest start;
  start.set_ref("MNT-1");
  start.set_expected_version(1);
  ASSERT_TRUE(maintenance_->StartMaintenance(&start_ctx, start, &w).ok());
  EXPECT_EQ(testing::FromTimestamp(w.started_at()), At(22, 5));
  EXPECT_EQ(w.version(), 2);

  clock_.Set(At(23, 20));  // an overrun stays in progress until completed
  EXPECT_EQ(GetWindow("MNT-1").state(), v1::MAINTENANCE_STATE_IN_PROGRESS);
  grpc::ClientContext done_ctx;
  v1::CompleteMaintenanceRequest done;
  done.set_ref("MNT-1");
  done.set_expected_version(2);
  ASSERT_TRUE(maintenance_->CompleteMaintenance(&done_ctx, done, &w).ok());
  EXPECT_EQ(w.state(), v1::MAINTENANCE_STATE_COMPLETED);
  EXPECT_EQ(testing::FromTimestamp(w.ended_at()), At(23, 20));
  EXPECT_EQ(List(false).maintenances_size(), 0);
  EXPECT_EQ(List(true).maintenances_size(), 1);
}

TEST_F(MaintenanceServiceTest, BadSchedulesAreRefusedNamingTheField) {
  struct Case {
    const char* name;
    std::function<void(v1::ScheduleMaintenanceRequest&)> edit;
    const char* field;
    const char* text;
  };
  const std::vector<Case> cases = {
      {"end before start",
       [](v1::ScheduleMaintenanceRequest& r) { SetSeconds(At(21, 0), r.mutable_scheduled_end()); },
       "scheduled_end", "must be after scheduled_start"},
      {"start in the past",
       [](v1::ScheduleMaintenanceRequest& r) {
         SetSeconds(At(13, 0), r.mutable_scheduled_start());
       },
       "scheduled_start", "is not in the future (it is 2026-11-27 13:00:00 UTC"},
      {"no start", [](v1::ScheduleMaintenanceRequest& r) { r.clear_scheduled_start(); },
       "scheduled_start", "is required"},
      {"empty title", [](v1::ScheduleMaintenanceRequest& r) { r.clear_title(); }, "title",
       "is required"},
      {"empty message", [](v1::ScheduleMaintenanceRequest& r) { r.clear_message(); }, "message",
       "is required"},
      {"oversized message",
       [](v1::ScheduleMaintenanceRequest& r) { r.set_message(std::string(4001, 'x')); }, "message",
       "is 4001 bytes; the limit is 4000"},
      {"oversized title",
       [](v1::ScheduleMaintenanceRequest& r) { r.set_title(std::string(201, 'x')); }, "title",
       "is 201 bytes; the limit is 200"},
      {"unknown component", [](v1::ScheduleMaintenanceRequest& r) { r.add_components("payments"); },
       "components[2]", "names no component: \"payments\""},
      {"no component", [](v1::ScheduleMaintenanceRequest& r) { r.clear_components(); },
       "components", "name at least one component"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    v1::ScheduleMaintenanceRequest req = Tonight();
    c.edit(req);
    v1::Maintenance w;
    testing::CallError e = Describe(Schedule(req, &w));
    EXPECT_EQ(e.code, grpc::StatusCode::INVALID_ARGUMENT) << e.message;
    EXPECT_TRUE(HasViolation(e, c.field, c.text)) << e.message;
  }
  EXPECT_EQ(List(true).maintenances_size(), 0) << "nothing was written";
}

TEST_F(MaintenanceServiceTest, UnknownWindowsStaleVersionsAndForbiddenMovesAreRefused) {
  v1::Maintenance w;
  ASSERT_TRUE(Schedule(Tonight(), &w).ok());
  v1::StartMaintenanceRequest start;
  start.set_ref("MNT-99");
  testing::CallError e = Failure(&v1::MaintenanceService::Stub::StartMaintenance, start);
  EXPECT_EQ(e.code, grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(e.message,
            "no maintenance window MNT-99 (statuscastctl maintenance list --all shows them)");

  v1::GetMaintenanceRequest get;
  get.set_ref("INC-1");
  e = Failure(&v1::MaintenanceService::Stub::GetMaintenance, get);
  EXPECT_EQ(e.code, grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(HasViolation(e, "ref", "is not a maintenance reference (like MNT-3)"));

  v1::CancelMaintenanceRequest stale;
  stale.set_ref("MNT-1");
  stale.set_expected_version(7);
  e = Failure(&v1::MaintenanceService::Stub::CancelMaintenance, stale);
  EXPECT_EQ(e.code, grpc::StatusCode::ABORTED);
  EXPECT_EQ(e.message,
            "MNT-1 has changed since version 7 (it is now version 1); read it again, then retry");

  v1::CompleteMaintenanceRequest early;
  early.set_ref("MNT-1");
  e = Failure(&v1::MaintenanceService::Stub::CompleteMaintenance, early);
  EXPECT_EQ(e.code, grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(e.message,
            "MNT-1 is scheduled (it starts at 2026-11-27 22:00 UTC); start it first, or cancel it "
            "(statuscastctl maintenance cancel MNT-1)");
  grpc::ClientContext ctx;
  v1::CancelMaintenanceRequest cancel;
  cancel.set_ref("MNT-1");
  ASSERT_TRUE(maintenance_->CancelMaintenance(&ctx, cancel, &w).ok());
  EXPECT_EQ(w.state(), v1::MAINTENANCE_STATE_CANCELLED);
  clock_.Set(At(22, 30));
  EXPECT_EQ(GetWindow("MNT-1").state(), v1::MAINTENANCE_STATE_CANCELLED);
}

TEST_F(MaintenanceServiceTest, MaintenanceNeverCountsInIncidentCompliance) {
  v1::Maintenance w;
  ASSERT_TRUE(Schedule(Tonight(), &w).ok());
  clock_.Set(At(23, 30));  // the window ran its course
  auto compliance = server_.NewComplianceStub();
  grpc::ClientContext ctx;
  v1::ComplianceReport report;
  ASSERT_TRUE(compliance->GetComplianceReport(&ctx, v1::ComplianceReportRequest(), &report).ok());
  EXPECT_EQ(report.incidents_size(), 0);
  for (const v1::SeverityTotals& t : report.by_severity()) EXPECT_EQ(t.incidents(), 0);
  grpc::ClientContext list_ctx;
  v1::ListIncidentsResponse incidents;
  ASSERT_TRUE(stub_->ListIncidents(&list_ctx, v1::ListIncidentsRequest(), &incidents).ok());
  EXPECT_EQ(incidents.incidents_size(), 0);
}

}  // namespace
}  // namespace statuscast
