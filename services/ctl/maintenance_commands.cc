// statuscastctl maintenance: scheduled maintenance windows on statuscast-comms'
// MaintenanceService.
//
//   maintenance schedule --title T --message M --components C,... --starts WHEN --ends WHEN
//   maintenance list [--all]
//   maintenance start|complete|cancel MNT-n
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "libs/base/clock.h"
#include "libs/base/proto_time.h"
#include "libs/base/time_text.h"
#include "services/ctl/command_support.h"
#include "services/ctl/commands.h"
#include "services/ctl/inputs.h"

namespace statuscast {
namespace ctl {
namespace {

using MaintenanceStub = v1::MaintenanceService::StubInterface;

const char* StateText(v1::MaintenanceState s) {
  switch (s) {
    case v1::MAINTENANCE_STATE_SCHEDULED:
      return "scheduled";
    case v1::MAINTENANCE_STATE_IN_PROGRESS:
      return "in_progress";
    case v1::MAINTENANCE_STATE_COMPLETED:
      return "completed";
    case v1::MAINTENANCE_STATE_CANCELLED:
      return "cancelled";
    default:
      return "?";
  }
}

// "MNT-3  scheduled    2026-11-28 22:00 UTC to 23:00 UTC  checkout,search  Database upgrade"
std::string WindowLine(const v1::Maintenance& m, absl::Time now) {
  const absl::Time start = TimeFromProto(m.scheduled_start());
  const absl::Time end = TimeFromProto(m.scheduled_end());
  return absl::StrFormat("%-8s %-11s %s to %s  %s  %s\n", m.ref(), StateText(m.state()),
                         FormatUtcNear(start, now), FormatUtcNear(end, start),
                         absl::StrJoin(m.components(), ","), m.title());
}

}  // namespace

int CommandRunner::Maintenance(const std::vector<std::string>& args) {
  const CtlOptions& o = options_;
  if (maintenance_stub_ == nullptr) return NoConnection("statuscast-comms (MaintenanceService)");
  const std::string sub = args.size() > 1 ? args[1] : "list";
  const absl::Time now = clock_->Now();
  for (const char* f : {"title", "message", "components", "starts", "ends"}) {
    if (sub != "schedule" && o.given.count(f)) {
      return UsageError("maintenance", absl::StrCat("--", f, " goes with maintenance schedule"));
    }
  }
  if (sub != "list" && o.given.count("all")) {
    return UsageError("maintenance", "--all goes with maintenance list");
  }
  if (sub == "list") {
    if (args.size() > 2) return UsageError("maintenance", "maintenance list takes no arguments");
    v1::ListMaintenancesRequest req;
    req.set_include_finished(o.all);
    v1::ListMaintenancesResponse resp;
    int code = CallOn(maintenance_stub_, &MaintenanceStub::ListMaintenances, req, &resp,
                      "list maintenance windows", "", "");
    if (code != kExitOk) return code;
    if (o.json) {
      PrintJson(resp);
      return kExitOk;
    }
    if (resp.maintenances().empty()) {
      *out_ << (o.all ? "no maintenance windows\n"
                      : "no upcoming or current maintenance (--all lists past ones)\n");
    }
    for (const v1::Maintenance& m : resp.maintenances()) *out_ << WindowLine(m, now);
    return kExitOk;
  }
  v1::Maintenance result;
  int code = kExitOk;
  std::string verb;
  if (sub == "schedule") {
    if (args.size() != 2) return UsageError("maintenance", "maintenance schedule takes only flags");
    for (const char* f : {"title", "message", "components", "starts", "ends"}) {
      if (!o.given.count(f)) {
        return UsageError("maintenance", absl::StrCat("maintenance schedule needs --", f));
      }
    }
    v1::ScheduleMaintenanceRequest req;
    req.set_title(o.title);
    req.set_message(o.message);
    for (const std::string& c : ParseNameList(o.components)) req.add_components(c);
    for (const auto& [flag, value, field] :
         {std::make_tuple("starts", &o.starts, req.mutable_scheduled_start()),
          std::make_tuple("ends", &o.ends, req.mutable_scheduled_end())}) {
      absl::StatusOr<absl::Time> when = ParseWhenInput(*value, now);
      if (!when.ok()) return FlagError(flag, when.status());
      ToProto(*when, field);
    }
    code = CallOn(maintenance_stub_, &MaintenanceStub::ScheduleMaintenance, req, &result,
                  "schedule the maintenance window", "", "");
    verb = "scheduled";
  } else if (sub == "start" || sub == "complete" || sub == "cancel") {
    if (args.size() != 3) {
      return UsageError("maintenance",
                        absl::StrCat("maintenance ", sub, " takes one window reference (MNT-n)"));
    }
    // Read first, so the write carries the version seen (a responder never
    // types one).
    v1::GetMaintenanceRequest get;
    get.set_ref(args[2]);
    v1::Maintenance seen;
    code = CallOn(maintenance_stub_, &MaintenanceStub::GetMaintenance, get, &seen,
                  absl::StrCat("read ", args[2]), "", "");
    if (code != kExitOk) return code;
    // Start, complete and cancel differ only in their request and method.
    auto transition = [&](auto req, auto method) {
      req.set_ref(args[2]);
      req.set_expected_version(seen.version());
      return CallOn(maintenance_stub_, method, req, &result, absl::StrCat(sub, " ", args[2]), "",
                    "");
    };
    if (sub == "start") {
      code = transition(v1::StartMaintenanceRequest(), &MaintenanceStub::StartMaintenance);
      verb = "started";
    } else if (sub == "complete") {
      code = transition(v1::CompleteMaintenanceRequest(), &MaintenanceStub::CompleteMaintenance);
      verb = "completed";
    } else {
      code = transition(v1::CancelMaintenanceRequest(), &MaintenanceStub::CancelMaintenance);
      verb = "cancelled";
    }
  } else {
    return UsageError("maintenance", "maintenance needs schedule, list, start, complete or cancel");
  }
  if (code != kExitOk) return code;
  if (o.json) {
    PrintJson(result);
    return kExitOk;
  }
  *out_ << verb << " " << WindowLine(result, now);
  return kExitOk;
}

}  // namespace ctl
}  // namespace statuscast
