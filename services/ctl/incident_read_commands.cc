// statuscastctl show, list, watch, report.
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/types/optional.h"
#include "libs/base/clock.h"
#include "services/ctl/command_support.h"
#include "services/ctl/commands.h"
#include "services/ctl/inputs.h"
#include "services/ctl/render.h"
#include "services/ctl/watch.h"

namespace statuscast {
namespace ctl {

int CommandRunner::Show(const std::vector<std::string>& args) {
  if (args.size() > 2) return UsageError("show", "show takes one incident reference");
  v1::Incident inc;
  int code = kExitOk;
  if (!Fetch(args, "show", &inc, &code)) return code;
  if (options_.json) {
    PrintJson(inc);
    return kExitOk;
  }
  // The components' status now, from the same derivation as `components
  // list`; without it (an older server, a hiccup) show still works.
  v1::ListComponentsResponse components;
  grpc::ClientContext ctx;
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + options_.timeout));
  ctx.AddMetadata("x-request-id", NewRequestId());
  const bool have_components =
      stub_->ListComponents(&ctx, v1::ListComponentsRequest(), &components).ok();
  *out_ << RenderIncident(inc, clock_->Now(), have_components ? &components : nullptr);
  return kExitOk;
}

int CommandRunner::List(const std::vector<std::string>& args) {
  const CtlOptions& o = options_;
  if (args.size() > 1) return UsageError("list", "list takes no arguments, only flags");
  if (o.open && o.closed) return UsageError("list", "--open and --closed exclude each other");
  if (o.limit < 1) return UsageError("list", "--limit must be at least 1");
  v1::ListIncidentsRequest req;
  if (o.open) req.set_openness(v1::ListIncidentsRequest::OPENNESS_OPEN);
  if (o.closed) req.set_openness(v1::ListIncidentsRequest::OPENNESS_CLOSED);
  if (!o.state.empty()) {
    auto states = ParseStateList(o.state);
    if (!states.ok()) return FlagError("state", states.status());
    for (auto s : *states) req.add_states(s);
  }
  if (!o.severity.empty()) {
    auto sevs = ParseSeverityList(o.severity);
    if (!sevs.ok()) return FlagError("severity", sevs.status());
    for (auto s : *sevs) req.add_severities(s);
  }
  absl::Time now = clock_->Now();
  if (!o.since.empty()) {
    auto t = ParsePastInput(o.since, now);
    if (!t.ok()) return FlagError("since", t.status());
    ToProto(*t, req.mutable_started_after());
  }
  if (!o.until.empty()) {
    auto t = ParsePastInput(o.until, now);
    if (!t.ok()) return FlagError("until", t.status());
    ToProto(*t, req.mutable_started_before());
  }
  v1::ListIncidentsResponse all;
  while (all.incidents_size() < o.limit) {
    req.set_page_size(std::min(kMaxPageSize, o.limit - all.incidents_size()));
    v1::ListIncidentsResponse page;
    int code = Call(&v1::IncidentService::StubInterface::ListIncidents, req, &page,
                    "list incidents", "", "");
    if (code != kExitOk) return code;
    for (auto& inc : *page.mutable_incidents()) {
      if (all.incidents_size() >= o.limit) break;
      *all.add_incidents() = std::move(inc);
    }
    all.set_next_page_token(page.next_page_token());
    if (page.next_page_token().empty() || page.incidents_size() == 0) break;
    req.set_page_token(page.next_page_token());
  }
  if (o.json) {
    PrintJson(all);
  } else {
    *out_ << RenderIncidentTable(all, clock_->Now());
    if (!all.next_page_token().empty() && all.incidents_size() >= o.limit) {
      *out_ << "(more match: raise --limit)\n";
    }
  }
  return kExitOk;
}

int CommandRunner::Watch(const std::vector<std::string>& args) {
  if (args.size() > 1) return UsageError("watch", "watch takes no arguments, only flags");
  if (options_.after < 0) return UsageError("watch", "--after must be 0 or a sequence number");
  if (options_.reminders_only && options_.given.count("after")) {
    return UsageError("watch", "--after resumes the incident stream; --reminders-only has none");
  }
  if (options_.reminders_only && compliance_stub_ == nullptr) {
    return NoConnection("the ComplianceService");
  }
  WatchOptions w;
  w.server = options_.server;
  w.after = options_.after;
  w.json = options_.json;
  w.connect_timeout = options_.timeout;
  w.incidents = !options_.reminders_only;
  w.reminders = compliance_stub_ != nullptr;
  return RunWatch(stub_, compliance_stub_, channel_, *clock_, w, out_, err_);
}

int CommandRunner::Report(const std::vector<std::string>& args) {
  const CtlOptions& o = options_;
  if (args.size() > 1) return UsageError("report", "report takes no arguments, only flags");
  if (compliance_stub_ == nullptr) {
    return NoConnection("the ComplianceService");
  }
  const absl::Time now = clock_->Now();
  v1::ComplianceReportRequest req;
  absl::optional<absl::Time> since, until;
  if (!o.since.empty()) {
    auto t = ParsePastInput(o.since, now);
    if (!t.ok()) return FlagError("since", t.status());
    since = *t;
    ToProto(*t, req.mutable_started_after());
  }
  if (!o.until.empty()) {
    auto t = ParsePastInput(o.until, now);
    if (!t.ok()) return FlagError("until", t.status());
    until = *t;
    ToProto(*t, req.mutable_started_before());
  }
  if (since && until && *since >= *until) {
    return UsageError("report", absl::StrCat("--since (", FormatUtcMinute(*since),
                                             ") must be before --until (", FormatUtcMinute(*until), ")"));
  }
  v1::ComplianceReport resp;
  int code = CallOn(compliance_stub_, &v1::ComplianceService::StubInterface::GetComplianceReport,
                    req, &resp, "read the compliance report", "", "");
  if (code != kExitOk) return code;
  if (o.json) {
    PrintJson(resp);
  } else {
    *out_ << RenderComplianceReport(resp, since, until, clock_->Now());
  }
  return kExitOk;
}

}  // namespace ctl
}  // namespace statuscast
