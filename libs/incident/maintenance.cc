#include "libs/incident/maintenance.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "libs/base/field_violations.h"
#include "libs/base/status_macros.h"
#include "libs/base/text_limits.h"
#include "libs/base/time_text.h"

namespace statuscast {
namespace {

std::string Described(const MaintenanceWindow& w, MaintenanceState phase) {
  return absl::StrCat(w.ref, " is ", MaintenanceStateName(phase));
}

absl::Status StartNow(MaintenanceWindow& w, absl::Time now) {
  const MaintenanceState phase = PhaseAt(w, now);
  if (w.state != MaintenanceState::kScheduled || phase == MaintenanceState::kCompleted) {
    return absl::FailedPreconditionError(
        absl::StrCat(Described(w, phase), "; only a scheduled window starts",
                     phase == MaintenanceState::kCompleted
                         ? absl::StrCat(" (its window ended at ", FormatUtcMinute(w.scheduled_end),
                                        "; schedule a new one)")
                         : ""));
  }
  w.state = MaintenanceState::kInProgress;
  w.started_at = now;
  return absl::OkStatus();
}

absl::Status CompleteNow(MaintenanceWindow& w, absl::Time now) {
  const MaintenanceState phase = PhaseAt(w, now);
  if (phase == MaintenanceState::kScheduled) {
    return absl::FailedPreconditionError(absl::StrCat(
        Described(w, phase), " (it starts at ", FormatUtcMinute(w.scheduled_start),
        "); start it first, or cancel it (statuscastctl maintenance cancel ", w.ref, ")"));
  }
  if (w.state != MaintenanceState::kScheduled && w.state != MaintenanceState::kInProgress) {
    return absl::FailedPreconditionError(
        absl::StrCat(Described(w, w.state), "; only a window in progress completes"));
  }
  // A scheduled window the clock ran: it began and ended as announced.
  if (!w.started_at) w.started_at = w.scheduled_start;
  w.ended_at = phase == MaintenanceState::kCompleted && w.state == MaintenanceState::kScheduled
                   ? w.scheduled_end
                   : now;
  w.state = MaintenanceState::kCompleted;
  return absl::OkStatus();
}

absl::Status CancelNow(MaintenanceWindow& w, absl::Time now) {
  const MaintenanceState phase = PhaseAt(w, now);
  if (phase != MaintenanceState::kScheduled) {
    return absl::FailedPreconditionError(absl::StrCat(
        Described(w, phase), "; only a window that has not started is cancelled",
        phase == MaintenanceState::kInProgress
            ? absl::StrCat(": complete it (statuscastctl maintenance complete ", w.ref, ")")
            : ""));
  }
  w.state = MaintenanceState::kCancelled;
  w.ended_at = now;
  return absl::OkStatus();
}

}  // namespace

const char* MaintenanceStateName(MaintenanceState s) {
  switch (s) {
    case MaintenanceState::kScheduled:
      return "scheduled";
    case MaintenanceState::kInProgress:
      return "in_progress";
    case MaintenanceState::kCompleted:
      return "completed";
    case MaintenanceState::kCancelled:
      return "cancelled";
    case MaintenanceState::kUnspecified:
      break;
  }
  return "unspecified";
}

bool ParseMaintenanceState(const std::string& text, MaintenanceState* out) {
  for (MaintenanceState s : {MaintenanceState::kScheduled, MaintenanceState::kInProgress,
                             MaintenanceState::kCompleted, MaintenanceState::kCancelled}) {
    if (text == MaintenanceStateName(s)) {
      *out = s;
      return true;
    }
  }
  return false;
}

MaintenanceState PhaseAt(const MaintenanceWindow& w, absl::Time now) {
  if (w.state != MaintenanceState::kScheduled) return w.state;
  if (now >= w.scheduled_end) return MaintenanceState::kCompleted;
  if (now >= w.scheduled_start) return MaintenanceState::kInProgress;
  return MaintenanceState::kScheduled;
}

bool IsUpcomingOrCurrent(const MaintenanceWindow& w, absl::Time now) {
  const MaintenanceState p = PhaseAt(w, now);
  return p == MaintenanceState::kScheduled || p == MaintenanceState::kInProgress;
}

std::set<std::string> ComponentsUnderMaintenance(const std::vector<MaintenanceWindow>& windows,
                                                 absl::Time now) {
  std::set<std::string> out;
  for (const MaintenanceWindow& w : windows) {
    if (PhaseAt(w, now) != MaintenanceState::kInProgress) continue;
    out.insert(w.components.begin(), w.components.end());
  }
  return out;
}

absl::Status MaintenanceCommands::CheckRef(const std::string& ref) {
  int64_t n = 0;
  if (ref.empty()) return InvalidField("ref", "is required (e.g. MNT-3)");
  if (ref.size() > 24 || !absl::StartsWith(ref, "MNT-") || !absl::SimpleAtoi(ref.substr(4), &n) ||
      n < 1) {
    return InvalidField("ref", "is not a maintenance reference (like MNT-3)");
  }
  return absl::OkStatus();
}

absl::StatusOr<MaintenanceWindow> MaintenanceCommands::Schedule(const ScheduleMaintenanceInput& in,
                                                                const MaintenanceCall& call) {
  const absl::Time now = clock_.Now();
  FieldViolations v;
  auto text = [&v](const std::string& value, const char* field, size_t limit, bool multiline) {
    if (value.empty()) {
      v.Add(field, "is required");
      return;
    }
    std::string problem = CheckText(value, limit, multiline);
    if (!problem.empty()) v.Add(field, problem);
  };
  text(in.title, "title", limits_.title_bytes, false);
  text(in.message, "message", limits_.message_bytes, true);
  if (in.components.empty()) {
    v.Add("components", "name at least one component the work affects");
  } else if (in.components.size() > limits_.components) {
    v.Add("components", absl::StrCat("lists more than ", limits_.components));
  } else {
    std::set<std::string> seen;
    for (size_t i = 0; i < in.components.size(); ++i) {
      const std::string field = absl::StrCat("components[", i, "]");
      const std::string& name = in.components[i];
      std::string problem =
          name.empty() ? "is empty" : CheckText(name, limits_.component_name_bytes, false);
      if (!problem.empty()) {
        v.Add(field, problem);
      } else if (!seen.insert(name).second) {
        v.Add(field, absl::StrCat("names ", name, " twice"));
      }
    }
  }
  if (in.scheduled_start == absl::Time() || in.scheduled_start == absl::InfinitePast()) {
    v.Add("scheduled_start", "is required");
  } else if (in.scheduled_start <= now) {
    v.Add("scheduled_start",
          absl::StrCat("is not in the future (it is ", FormatUtc(in.scheduled_start), ", now is ",
                       FormatUtc(now),
                       "); a window is announced ahead (to begin work now, schedule it a "
                       "minute ahead and start it)"));
  } else if (in.scheduled_start > now + limits_.max_ahead) {
    v.Add("scheduled_start", absl::StrCat("is more than ", absl::FormatDuration(limits_.max_ahead),
                                          " ahead; check the date"));
  }
  const bool has_start =
      in.scheduled_start != absl::Time() && in.scheduled_start != absl::InfinitePast();
  if (in.scheduled_end == absl::Time() || in.scheduled_end == absl::InfinitePast()) {
    v.Add("scheduled_end", "is required");
  } else if (!has_start) {
    // Checked against the start once there is one.
  } else if (in.scheduled_end <= in.scheduled_start) {
    v.Add("scheduled_end",
          absl::StrCat("must be after scheduled_start (it is ", FormatUtc(in.scheduled_end),
                       ", the start ", FormatUtc(in.scheduled_start), ")"));
  } else if (in.scheduled_end - in.scheduled_start > limits_.max_length) {
    v.Add("scheduled_end",
          absl::StrCat("makes the window longer than ", absl::FormatDuration(limits_.max_length),
                       "; announce longer work as several windows"));
  }
  RETURN_IF_ERROR(v.ToStatus());
  MaintenanceWindow w;
  w.title = in.title;
  w.message = in.message;
  w.components = in.components;
  w.state = MaintenanceState::kScheduled;
  w.scheduled_start = in.scheduled_start;
  w.scheduled_end = in.scheduled_end;
  w.created_by = call.actor;
  w.created_at = now;
  w.updated_at = now;
  w.version = 1;
  RETURN_IF_ERROR(store_.Insert(w, call.request_id));
  return w;
}

absl::StatusOr<MaintenanceWindow> MaintenanceCommands::Transition(
    const std::string& ref, int64_t expected_version, const char* kind, const MaintenanceCall& call,
    absl::Status (*change)(MaintenanceWindow& w, absl::Time now)) {
  RETURN_IF_ERROR(CheckRef(ref));
  if (expected_version < 0) return InvalidField("expected_version", "must not be negative");
  const absl::Time now = clock_.Now();
  ASSIGN_OR_RETURN(MaintenanceWindow w, store_.Get(ref));
  if (expected_version != 0 && expected_version != w.version) {
    return absl::AbortedError(absl::StrCat(ref, " has changed since version ", expected_version,
                                           " (it is now version ", w.version,
                                           "); read it again, then retry"));
  }
  RETURN_IF_ERROR(change(w, now));
  w.version += 1;
  w.updated_at = now;
  RETURN_IF_ERROR(store_.Save(w, kind, call.actor, call.request_id));
  return w;
}

absl::StatusOr<MaintenanceWindow> MaintenanceCommands::Start(const std::string& ref,
                                                             int64_t expected_version,
                                                             const MaintenanceCall& call) {
  return Transition(ref, expected_version, "maintenance_started", call, &StartNow);
}

absl::StatusOr<MaintenanceWindow> MaintenanceCommands::Complete(const std::string& ref,
                                                                int64_t expected_version,
                                                                const MaintenanceCall& call) {
  return Transition(ref, expected_version, "maintenance_completed", call, &CompleteNow);
}

absl::StatusOr<MaintenanceWindow> MaintenanceCommands::Cancel(const std::string& ref,
                                                              int64_t expected_version,
                                                              const MaintenanceCall& call) {
  return Transition(ref, expected_version, "maintenance_cancelled", call, &CancelNow);
}

absl::StatusOr<MaintenanceWindow> MaintenanceCommands::Get(const std::string& ref) {
  RETURN_IF_ERROR(CheckRef(ref));
  return store_.Get(ref);
}

absl::StatusOr<std::vector<MaintenanceWindow>> MaintenanceCommands::List(MaintenanceQuery q) {
  if (q.limit == 0) q.limit = 100;
  if (q.limit < 1 || q.limit > 500) return InvalidField("page_size", "must be 1..500");
  return store_.List(q);
}

}  // namespace statuscast
