#include "services/comms/compliance_grpc_service.h"

#include <google/protobuf/util/time_util.h>

#include "absl/strings/str_cat.h"
#include "libs/auth/grpc_auth.h"
#include "libs/auth/unary_call.h"
#include "libs/base/field_violations.h"
#include "libs/base/log.h"
#include "libs/base/proto_time.h"
#include "libs/base/status_macros.h"
#include "libs/base/time_text.h"
#include "libs/cadence/reminders.h"
#include "libs/incident/incident_commands.h"
#include "libs/incident/promise.h"
#include "libs/lint/templates.h"
#include "libs/proto_convert/vocabulary_proto.h"
#include "libs/rpc/grpc_status.h"

namespace statuscast {
namespace {

v1::Reminder::Kind KindFor(const std::string& name) {
  if (name == "due_soon") return v1::Reminder::KIND_DUE_SOON;
  if (name == "missed") return v1::Reminder::KIND_MISSED;
  if (name == "first_due_soon") return v1::Reminder::KIND_FIRST_COMMUNICATION_DUE_SOON;
  if (name == "first_late") return v1::Reminder::KIND_FIRST_COMMUNICATION_LATE;
  if (name == "promise_moved") return v1::Reminder::KIND_PROMISE_MOVED;
  if (name == "no_comms_lead") return v1::Reminder::KIND_NO_COMMS_LEAD;
  if (name == "draft_waiting") return v1::Reminder::KIND_DRAFT_WAITING;
  return v1::Reminder::KIND_UNSPECIFIED;
}

void ToProto(const StoredReminder& r, v1::Reminder* out) {
  out->set_id(r.id);
  out->set_kind(KindFor(r.kind));
  out->set_incident_ref(r.incident_ref);
  out->set_title(r.title);
  out->set_severity(ToProto(r.severity));
  SetTime(r.due, out->mutable_due());
  SetTime(r.raised_at, out->mutable_raised_at());
  out->set_text(r.text);
  out->set_suggested_message(r.suggested_message);
}

// The "no progress" update that keeps the cadence: the no-progress template
// (the one statuscastctl template --tone no_progress posts), worded for the
// incident's state, restating its last status-page message and keeping its
// banner text, promising the next update a minute short of the
// severity's cadence from `now`.
std::string NoProgressMessage(const Incident& inc, absl::Time now, const CadencePolicy& policy) {
  lint::TemplateInput in;
  DescribeIncidentForTemplate(inc, in);
  in.next_update_at = Promises(policy).Default(inc.severity, now, absl::Minutes(1));
  absl::StatusOr<lint::FilledTemplate> filled = lint::FillTemplate(lint::Tone::kNoProgress, in);
  return filled.ok() ? filled->message : "";
}

}  // namespace

void ToProto(const IncidentCompliance& c, absl::Time now, v1::IncidentCompliance* out) {
  out->set_incident_ref(c.ref);
  out->set_severity(ToProto(c.severity));
  out->set_state(ToProto(c.state));
  if (c.first_communication_delay) {
    SetDuration(*c.first_communication_delay, out->mutable_first_communication_delay());
  }
  out->set_first_communication_late(c.first_communication_late);
  for (const PromiseEntry& p : c.ledger) {
    v1::PromiseEntry* e = out->add_ledger();
    SetTime(p.made_at, e->mutable_made_at());
    SetTime(p.due, e->mutable_due());
    e->set_status(p.status == PromiseStatus::kKept     ? v1::PROMISE_STATUS_KEPT
                  : p.status == PromiseStatus::kMissed ? v1::PROMISE_STATUS_MISSED
                                                       : v1::PROMISE_STATUS_PENDING);
    if (p.kept_at) SetTime(*p.kept_at, e->mutable_kept_at());
    SetDuration(p.lateness, e->mutable_lateness());
    e->set_from_escalation(p.from_escalation);
    e->set_description(DescribePromise(p, now));
  }
  for (const UpdateGap& g : c.gaps) {
    v1::UpdateGap* e = out->add_gaps();
    SetTime(g.from, e->mutable_from());
    SetTime(g.to, e->mutable_to());
    e->set_severity(ToProto(g.severity));
    if (g.allowed) SetDuration(*g.allowed, e->mutable_allowed());
    e->set_within_cadence(g.within_cadence);
  }
  out->set_overdue(c.overdue);
  SetDuration(c.overdue_by, out->mutable_overdue_by());
  out->set_overdue_what(c.overdue_what);
  out->set_has_resolution_update(c.has_resolution_update);
  out->set_postmortem_expected(c.postmortem_expected);
  out->set_postmortem_published(c.postmortem_published);
  out->set_postmortem_overdue(c.postmortem_overdue);
}

absl::StatusOr<std::vector<Incident>> LoadIncidentsWithTimeline(IncidentStore& store,
                                                                const IncidentQuery& query) {
  std::vector<Incident> out;
  IncidentQuery q = query;
  q.page_size = 200;
  for (;;) {
    ASSIGN_OR_RETURN(IncidentPage page, store.ListIncidents(q));
    for (const Incident& i : page.incidents) {
      ASSIGN_OR_RETURN(Incident full, store.GetIncident(i.ref, true));
      out.push_back(std::move(full));
    }
    if (!page.has_more || page.incidents.empty()) break;
    q.after_start = page.incidents.back().confirmed_start;
    q.after_id = page.incidents.back().id;
  }
  return out;
}

ComplianceGrpcService::ComplianceGrpcService(IncidentStore& store, PgReminderStore& reminders,
                                             const Clock& clock, TokenVerifier* verifier,
                                             CadencePolicy policy, ComplianceOptions options,
                                             ReminderOptions reminder)
    : store_(store),
      reminders_(reminders),
      clock_(clock),
      verifier_(verifier),
      policy_(policy),
      options_(options),
      reminder_(reminder) {}

ComplianceGrpcService::~ComplianceGrpcService() { Stop(); }

grpc::Status ComplianceGrpcService::GetIncidentCompliance(
    grpc::ServerContext* ctx, const v1::GetIncidentComplianceRequest* req,
    v1::IncidentCompliance* resp) {
  return RunUnaryCall(
      verifier_, ctx, {"GetIncidentCompliance", Scope::kRead, "incident", req->incident_ref(), ""},
      [&](UnaryCaller&) -> absl::Status {
        if (req->incident_ref().empty()) {
          return InvalidField("incident_ref", "is required (e.g. INC-12)");
        }
        ASSIGN_OR_RETURN(Incident inc, store_.GetIncident(req->incident_ref(), true));
        const absl::Time now = clock_.Now();
        ToProto(EvaluateIncident(inc, now, policy_, options_), now, resp);
        return absl::OkStatus();
      });
}

grpc::Status ComplianceGrpcService::GetComplianceReport(grpc::ServerContext* ctx,
                                                        const v1::ComplianceReportRequest* req,
                                                        v1::ComplianceReport* resp) {
  return RunUnaryCall(
      verifier_, ctx, {"GetComplianceReport", Scope::kRead, "", "", ""},
      [&](UnaryCaller&) -> absl::Status {
        IncidentQuery q;
        q.started_after = TimeFromProto(req->started_after(), req->has_started_after());
        q.started_before = TimeFromProto(req->started_before(), req->has_started_before());
        if (q.started_after && q.started_before && *q.started_after >= *q.started_before) {
          return InvalidField("started_before", "must be after started_after");
        }
        ASSIGN_OR_RETURN(std::vector<Incident> incidents, LoadIncidentsWithTimeline(store_, q));
        const absl::Time now = clock_.Now();
        std::vector<IncidentCompliance> all;
        for (const Incident& i : incidents)
          all.push_back(EvaluateIncident(i, now, policy_, options_));
        ComplianceTotals t = Summarize(all);
        SetTime(now, resp->mutable_generated_at());
        for (int s = 1; s <= 3; ++s) {
          v1::SeverityTotals* st = resp->add_by_severity();
          st->set_severity(static_cast<v1::Severity>(s));
          st->set_incidents(t.incidents[s]);
          st->set_first_communications(t.first_communications[s]);
          st->set_first_communications_late(t.first_communications_late[s]);
          st->set_promises_kept(t.promises_kept[s]);
          st->set_promises_missed(t.promises_missed[s]);
          st->set_promises_pending(t.promises_pending[s]);
          st->set_gaps_within_cadence(t.gaps_within[s]);
          st->set_gaps_beyond_cadence(t.gaps_beyond[s]);
          st->set_postmortems_published(t.postmortems_published[s]);
          st->set_postmortems_missing(t.postmortems_missing[s]);
        }
        resp->set_overdue_now(t.overdue_now);
        SetDuration(t.largest_overdue, resp->mutable_largest_overdue());
        resp->set_resolved_without_resolution_update(t.resolved_without_resolution_update);
        for (const IncidentCompliance& c : all) ToProto(c, now, resp->add_incidents());
        return absl::OkStatus();
      });
}

absl::StatusOr<int> ComplianceGrpcService::RaiseDueReminders() {
  IncidentQuery q;
  q.openness = IncidentQuery::Openness::kOpen;
  ASSIGN_OR_RETURN(std::vector<Incident> open, LoadIncidentsWithTimeline(store_, q));
  ASSIGN_OR_RETURN(std::vector<Draft> waiting, store_.ListDrafts("", true));
  const absl::Time now = clock_.Now();
  int raised = 0;
  auto raise = [&](const Incident& inc, ReminderKind kind, absl::Time due, const std::string& text,
                   const std::string& suggested) -> absl::Status {
    ASSIGN_OR_RETURN(absl::optional<int64_t> id,
                     reminders_.Raise(inc.ref, ReminderKindName(kind), due, now, text, suggested));
    if (!id) return absl::OkStatus();
    ++raised;
    if (reminder_.on_raised) reminder_.on_raised(ReminderKindName(kind));
    LogEvent("reminder", {{"incident", inc.ref}, {"kind", ReminderKindName(kind)}, {"text", text}});
    return absl::OkStatus();
  };
  const absl::optional<absl::Duration> comms_lead_after =
      reminder_.comms_lead_after > absl::ZeroDuration()
          ? absl::optional<absl::Duration>(reminder_.comms_lead_after)
          : absl::nullopt;
  int without_comms_lead = 0;
  for (const Incident& inc : open) {
    if (comms_lead_after && LacksCommsLead(inc, now, *comms_lead_after)) ++without_comms_lead;
    for (const PlannedReminder& r :
         PlanReminders(inc, now, policy_, reminder_.lead, comms_lead_after)) {
      RETURN_IF_ERROR(
          raise(inc, r.kind, r.due, r.text,
                r.kind == ReminderKind::kNoCommsLead ? "" : NoProgressMessage(inc, now, policy_)));
    }
    for (const Draft& d : waiting) {
      if (d.incident_ref != inc.ref) continue;
      const std::string& reviewer = inc.comms_lead.empty() ? inc.commander : inc.comms_lead;
      RETURN_IF_ERROR(raise(
          inc, ReminderKind::kDraftWaiting, d.proposed_at,
          absl::StrCat(inc.ref, " ", SeverityName(inc.severity), ": draft ", d.id, " from ",
                       d.author, " is waiting for review by ",
                       reviewer.empty() ? "its commander" : reviewer, " (statuscastctl drafts ",
                       inc.ref, "; approve ", inc.ref, " ", d.id, " posts it)"),
          ""));
    }
  }
  if (reminder_.on_without_comms_lead) reminder_.on_without_comms_lead(without_comms_lead);
  return raised;
}

void ComplianceGrpcService::Start() {
  raiser_ = std::thread([this] {
    absl::MutexLock lock(&mu_);
    auto stopping = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stopping_; };
    while (!stopping_) {
      mu_.Unlock();
      absl::StatusOr<int> raised = RaiseDueReminders();
      if (!raised.ok()) {
        LogEvent("reminder_check_failed", {{"error", std::string(raised.status().message())}});
      }
      mu_.Lock();
      mu_.AwaitWithTimeout(absl::Condition(&stopping), reminder_.check_interval);
    }
  });
}

void ComplianceGrpcService::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (raiser_.joinable()) raiser_.join();
}

grpc::Status ComplianceGrpcService::WatchReminders(grpc::ServerContext* ctx,
                                                   const v1::WatchRemindersRequest* req,
                                                   grpc::ServerWriter<v1::Reminder>* writer) {
  const std::string request_id = RequestIdFor(ctx);
  if (absl::StatusOr<Principal> who =
          AuthorizeCall(verifier_, *ctx, Scope::kRead, "WatchReminders");
      !who.ok()) {
    return ToGrpcStatus(who.status());
  }
  if (req->after_id() < 0) {
    return ToGrpcStatus(InvalidField("after_id", "must be 0 or a reminder id already seen"));
  }
  int64_t after = req->after_id();
  if (after == 0) {
    int64_t newest = 0;
    absl::StatusOr<std::vector<StoredReminder>> recent =
        reminders_.RecentForOpen(clock_.Now() - absl::Hours(1), &newest);
    if (!recent.ok()) return ToGrpcStatus(recent.status());
    for (const StoredReminder& r : *recent) {
      v1::Reminder out;
      ToProto(r, &out);
      if (!writer->Write(out)) return grpc::Status::CANCELLED;
    }
    after = newest;
  }
  LogEvent("reminders_watch_start", {{"request_id", request_id}});
  StreamTokenCheck token(verifier_, *ctx, Scope::kRead, "WatchReminders",
                         reminder_.token_recheck_interval);
  auto token_ended = [&](const absl::Status& s) {
    LogEvent("reminders_watch_end", {{"request_id", request_id},
                                     {"code", absl::StatusCodeToString(s.code())},
                                     {"error", std::string(s.message())}});
    return ToGrpcStatus(s);
  };
  for (;;) {
    {
      absl::MutexLock lock(&mu_);
      auto stopping = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stopping_; };
      if (mu_.AwaitWithTimeout(absl::Condition(&stopping), reminder_.poll_interval)) {
        return grpc::Status(grpc::StatusCode::UNAVAILABLE,
                            "server is shutting down; resume with after_id");
      }
    }
    if (ctx->IsCancelled()) return grpc::Status::CANCELLED;
    if (absl::Status s = token.WhenDue(); !s.ok()) return token_ended(s);
    absl::StatusOr<std::vector<StoredReminder>> batch = reminders_.ReadAfter(after, 100);
    if (!batch.ok()) continue;  // PostgreSQL away: keep the stream, try again
    if (!batch->empty()) {
      if (absl::Status s = token.BeforeDelivery(); !s.ok()) return token_ended(s);
    }
    for (const StoredReminder& r : *batch) {
      v1::Reminder out;
      ToProto(r, &out);
      if (!writer->Write(out)) return grpc::Status::CANCELLED;
      after = r.id;
    }
  }
}

}  // namespace statuscast
