#include "services/ctl/commands.h"

#include <google/protobuf/util/json_util.h>
#include <grpcpp/client_context.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>
#include <tuple>
#include <type_traits>

#include "absl/strings/numbers.h"
#include "absl/strings/strip.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/types/optional.h"
#include "libs/base/clock.h"
#include "libs/incident/promise.h"
#include "libs/lint/lint_proto.h"
#include "libs/lint/linter.h"
#include "libs/lint/templates.h"
#include "services/ctl/inputs.h"
#include "services/ctl/render.h"
#include "services/ctl/rpc_errors.h"
#include "services/ctl/token_commands.h"
#include "services/ctl/usage.h"
#include "services/ctl/watch.h"

namespace statuscast {
namespace ctl {
namespace {

// The template tone ParseToneInput gave, as the template library names it.
lint::Tone ToLintTone(v1::TemplateTone tone) {
  switch (tone) {
    case v1::TEMPLATE_TONE_UPDATING:
      return lint::Tone::kUpdating;
    case v1::TEMPLATE_TONE_NO_PROGRESS:
      return lint::Tone::kNoProgress;
    case v1::TEMPLATE_TONE_RESOLVING:
      return lint::Tone::kResolving;
    default:
      return lint::Tone::kAcknowledging;
  }
}

constexpr int kMaxPageSize = 200;
constexpr char kDefaultChannels[] = "status_page,in_app_banner";
constexpr char kResolveChannels[] = "status_page";

void ToProto(absl::Time t, google::protobuf::Timestamp* ts) {
  int64_t s = absl::ToUnixSeconds(t);
  ts->set_seconds(s);
  ts->set_nanos(static_cast<int32_t>(absl::ToInt64Nanoseconds(t - absl::FromUnixSeconds(s))));
}

bool ServerAnswered(const grpc::ClientContext& ctx) {
  return !ctx.GetServerInitialMetadata().empty() || !ctx.GetServerTrailingMetadata().empty();
}

std::string NewRequestId() {
  std::random_device rd;
  return absl::StrFormat("ctl-%08x%08x", rd(), rd());
}

std::vector<Channel> ChannelsOf(const v1::UpdateDraft& draft) {
  std::vector<Channel> out;
  for (int c : draft.channels()) out.push_back(static_cast<Channel>(c));
  return out;
}

}  // namespace

CommandRunner::CommandRunner(CtlOptions options, v1::IncidentService::StubInterface* stub,
                             grpc::ChannelInterface* channel, const Clock* clock, std::ostream* out,
                             std::ostream* err)
    : options_(std::move(options)),
      stub_(stub),
      channel_(channel),
      clock_(clock),
      out_(out),
      err_(err),
      in_(&std::cin) {}

int CommandRunner::Run(const std::vector<std::string>& args) {
  if (args.empty()) {
    *err_ << ShortUsage();
    return kExitUsage;
  }
  const std::string& cmd = args[0];
  command_ = cmd;
  if (cmd == "help") {
    if (args.size() > 1 && !CommandUsage(args[1]).empty()) {
      *out_ << CommandUsage(args[1]);
    } else {
      *out_ << UsageText();
    }
    return kExitOk;
  }
  std::vector<std::string> names = CommandNames();
  if (std::find(names.begin(), names.end(), cmd) == names.end()) {
    *err_ << "statuscastctl: unknown command \"" << cmd << "\"\n" << ShortUsage();
    return kExitUsage;
  }
  std::vector<std::string> allowed = CommandFlags(cmd);
  for (const char* global : {"server", "json", "author", "timeout", "token"}) {
    allowed.push_back(global);
  }
  bool writes = cmd != "show" && cmd != "list" && cmd != "watch" && cmd != "components" &&
                cmd != "lint" && cmd != "banner" && cmd != "killswitch" && cmd != "report" &&
                cmd != "token";
  if (writes) allowed.push_back("idempotency_key");
  for (const std::string& flag : options_.given) {
    if (std::find(allowed.begin(), allowed.end(), flag) == allowed.end()) {
      return UsageError(cmd, absl::StrCat("--", flag, " does not apply to ", cmd));
    }
  }
  if (cmd == "declare") return Declare(args);
  if (cmd == "update") return Update(args);
  if (cmd == "resolve") return Resolve(args);
  if (cmd == "reopen") return Reopen(args);
  if (cmd == "severity") return Severity(args);
  if (cmd == "postmortem") return Postmortem(args);
  if (cmd == "show") return Show(args);
  if (cmd == "list") return List(args);
  if (cmd == "components") return Components(args);
  if (cmd == "lint") return Lint(args);
  if (cmd == "template") return Template(args);
  if (cmd == "banner") return Banner(args);
  if (cmd == "killswitch") return KillSwitch(args);
  if (cmd == "report") return Report(args);
  if (cmd == "token") {
    return RunTokenCommand(options_, token_stub_, *clock_, args, CommandUsage("token"), out_, err_);
  }
  return Watch(args);
}

int CommandRunner::UsageError(const std::string& command, const std::string& message) {
  *err_ << "statuscastctl: " << message << "\n";
  std::string usage = CommandUsage(command);
  *err_ << (usage.empty() ? ShortUsage() : usage);
  return kExitUsage;
}

std::string CommandRunner::IdempotencyKey() {
  if (idempotency_key_.empty()) {
    idempotency_key_ =
        options_.idempotency_key.empty() ? NewIdempotencyKey() : options_.idempotency_key;
  }
  return idempotency_key_;
}

void CommandRunner::PrintJson(const google::protobuf::Message& message) {
  std::string json;
  google::protobuf::util::JsonPrintOptions opts;
  opts.add_whitespace = false;
  auto st = google::protobuf::util::MessageToJsonString(message, &json, opts);
  if (!st.ok()) {
    *err_ << "statuscastctl: cannot print JSON: " << st.ToString() << "\n";
    return;
  }
  *out_ << json << "\n";
}

int CommandRunner::PrintWrite(const std::string& verb, const v1::WriteIncidentResponse& response) {
  if (options_.json) {
    PrintJson(response);
  } else {
    *out_ << RenderWriteResult(verb, response, clock_->Now())
          << RenderLintNotes(response.lint_findings());
  }
  return kExitOk;
}

template <typename Req, typename Resp>
int CommandRunner::Call(grpc::Status (v1::IncidentService::StubInterface::*method)(
                            grpc::ClientContext*, const Req&, Resp*),
                        const Req& request, Resp* response, const std::string& action,
                        const std::string& incident_ref, const std::string& idempotency_key) {
  return CallOn(stub_, method, request, response, action, incident_ref, idempotency_key);
}

template <typename Stub, typename Req, typename Resp>
int CommandRunner::CallOn(Stub* stub,
                          grpc::Status (Stub::*method)(grpc::ClientContext*, const Req&, Resp*),
                          const Req& request, Resp* response, const std::string& action,
                          const std::string& incident_ref, const std::string& idempotency_key) {
  RpcCall call;
  call.action = action;
  call.server = options_.server;
  if constexpr (std::is_same_v<Stub, v1::BannerAdminService::StubInterface>) {
    call.server = options_.banner_server;
    call.service = "statuscast-banner";
    call.server_flag = "--banner_server or STATUSCAST_BANNER_SERVER";
  }
  call.incident_ref = incident_ref;
  call.idempotency_key = idempotency_key;
  call.request_id = NewRequestId();
  call.timeout = absl::FormatDuration(options_.timeout);
  grpc::ClientContext ctx;
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + options_.timeout));
  ctx.AddMetadata("x-request-id", call.request_id);
  grpc::Status status = (stub->*method)(&ctx, request, response);
  if (status.ok()) return kExitOk;
  call.server_answered = ServerAnswered(ctx);
  RpcFailure failure = DescribeRpcFailure(status, call);
  for (const std::string& line : failure.lines) *err_ << "statuscastctl: " << line << "\n";
  return failure.exit_code;
}

bool CommandRunner::Fetch(const std::vector<std::string>& args, const std::string& command,
                          v1::Incident* incident, int* code) {
  if (args.size() < 2) {
    *code = UsageError(command, absl::StrCat(command, " needs an incident reference, e.g. INC-12"));
    return false;
  }
  absl::StatusOr<std::string> ref = ParseIncidentRef(args[1]);
  if (!ref.ok()) {
    *code = UsageError(command, std::string(ref.status().message()));
    return false;
  }
  v1::GetIncidentRequest req;
  req.set_incident_ref(*ref);
  *code = Call(&v1::IncidentService::StubInterface::GetIncident, req, incident,
               absl::StrCat("read ", *ref), "", "");
  return *code == kExitOk;
}

bool CommandRunner::BuildDraft(v1::IncidentState default_state,
                               const std::string& default_channels, v1::UpdateDraft* draft,
                               int* code) {
  const CtlOptions& o = options_;
  v1::IncidentState state = default_state;
  if (!o.state.empty()) {
    absl::StatusOr<v1::IncidentState> s = ParseStateInput(o.state);
    if (!s.ok()) {
      *code = UsageError(command_, absl::StrCat("--state: ", s.status().message()));
      return false;
    }
    state = *s;
  }
  draft->set_state(state);
  draft->set_message(o.message);
  draft->set_banner_text(o.banner);
  draft->set_no_progress(o.no_progress);
  draft->set_third_party_confirmed(o.third_party_confirmed);
  absl::StatusOr<std::vector<v1::Channel>> channels =
      ParseChannelsInput(o.channels.empty() ? default_channels : o.channels);
  if (!channels.ok()) {
    *code = UsageError(command_, absl::StrCat("--channels: ", channels.status().message()));
    return false;
  }
  for (v1::Channel c : *channels) draft->add_channels(c);
  if (o.next.empty()) {
    // The server knows its cadence: it fills the promise (and states it in
    // a status-page message) when the update needs one.
    draft->set_use_default_next_update(true);
    return true;
  }
  absl::StatusOr<absl::Time> next = ParseNextInput(o.next, clock_->Now());
  if (!next.ok()) {
    *code = UsageError(command_, absl::StrCat("--next: ", next.status().message()));
    return false;
  }
  ToProto(*next, draft->mutable_next_update_at());
  // One promise: the text customers read on the status page states the time
  // on the record (the server does the same for the default it fills).
  if (ReachesStatusPage(ChannelsOf(*draft))) {
    draft->set_message(StatePromise(draft->message(), *next));
  }
  return true;
}

int CommandRunner::Declare(const std::vector<std::string>& args) {
  const CtlOptions& o = options_;
  if (args.size() > 1) return UsageError("declare", "declare takes no arguments, only flags");
  if (o.title.empty()) return UsageError("declare", "--title is required");
  if (o.severity.empty())
    return UsageError("declare", "--severity is required (SEV-1, SEV-2 or SEV-3)");
  if (o.components.empty()) {
    return UsageError("declare",
                      "--components is required: who is affected, e.g. checkout:major_outage");
  }
  if (o.message.empty()) {
    for (const char* f : {"banner", "channels", "next", "state", "third_party_confirmed"}) {
      if (o.given.count(f)) return UsageError("declare", absl::StrCat("--", f, " needs --message"));
    }
  }
  v1::DeclareIncidentRequest req;
  req.set_title(o.title);
  absl::StatusOr<v1::Severity> sev = ParseSeverityInput(o.severity);
  if (!sev.ok()) return UsageError("declare", absl::StrCat("--severity: ", sev.status().message()));
  req.set_severity(*sev);
  absl::StatusOr<std::vector<v1::AffectedComponent>> comps = ParseComponentsInput(o.components);
  if (!comps.ok()) {
    return UsageError("declare", absl::StrCat("--components: ", comps.status().message()));
  }
  for (const auto& c : *comps) *req.add_affected_components() = c;
  if (!o.started.empty()) {
    absl::StatusOr<absl::Time> started = ParseStartedInput(o.started, clock_->Now());
    if (!started.ok()) {
      return UsageError("declare", absl::StrCat("--started: ", started.status().message()));
    }
    ToProto(*started, req.mutable_confirmed_start());
  }
  if (!o.message.empty()) {
    int code = kExitOk;
    if (!BuildDraft(v1::INCIDENT_STATE_INVESTIGATING, kDefaultChannels,
                    req.mutable_first_update(), &code)) {
      return code;
    }
  }
  req.set_author(o.author);
  req.set_idempotency_key(IdempotencyKey());
  req.set_lint_override_reason(o.override_reason);
  v1::WriteIncidentResponse resp;
  int code = Call(&v1::IncidentService::StubInterface::DeclareIncident, req, &resp,
                  "declare the incident", "", req.idempotency_key());
  if (code != kExitOk) return code;
  return PrintWrite("declared", resp);
}

int CommandRunner::Update(const std::vector<std::string>& args) {
  const CtlOptions& o = options_;
  if (args.size() > 2)
    return UsageError("update", "update takes one incident reference; quote the --message");
  if (o.message.empty()) {
    return UsageError("update", "--message is required: what customers read");
  }
  std::vector<v1::AffectedComponent> comps;
  if (!o.components.empty()) {
    absl::StatusOr<std::vector<v1::AffectedComponent>> parsed = ParseComponentsInput(o.components);
    if (!parsed.ok()) {
      return UsageError("update", absl::StrCat("--components: ", parsed.status().message()));
    }
    comps = *parsed;
  }
  // Check what can be checked before talking to the server.
  if (!o.state.empty()) {
    absl::StatusOr<v1::IncidentState> state = ParseStateInput(o.state);
    if (!state.ok())
      return UsageError("update", absl::StrCat("--state: ", state.status().message()));
    if (*state == v1::INCIDENT_STATE_RESOLVED) {
      return UsageError("update",
                        absl::StrCat("to resolve, run: statuscastctl resolve ",
                                     args.size() > 1 ? args[1] : "INC-n",
                                     " --message \"...\" (it records the resolution message)"));
    }
  }
  v1::Incident inc;
  int code = kExitOk;
  if (!Fetch(args, "update", &inc, &code)) return code;
  v1::PostUpdateRequest req;
  req.set_incident_ref(inc.ref());
  req.set_expected_version(inc.version());
  if (!BuildDraft(inc.state(), kDefaultChannels, req.mutable_update(), &code)) {
    return code;
  }
  for (const auto& c : comps) *req.add_affected_components() = c;
  req.set_author(o.author);
  req.set_idempotency_key(IdempotencyKey());
  req.set_lint_override_reason(o.override_reason);
  v1::WriteIncidentResponse resp;
  code = Call(&v1::IncidentService::StubInterface::PostUpdate, req, &resp,
              absl::StrCat("post the update to ", inc.ref()), inc.ref(), req.idempotency_key());
  if (code != kExitOk) return code;
  return PrintWrite("updated", resp);
}

int CommandRunner::Resolve(const std::vector<std::string>& args) {
  const CtlOptions& o = options_;
  if (args.size() > 2)
    return UsageError("resolve", "resolve takes one incident reference; quote the --message");
  if (o.message.empty()) {
    return UsageError("resolve", "--message is required: the resolution message customers read");
  }
  absl::StatusOr<std::vector<v1::Channel>> channels =
      ParseChannelsInput(o.channels.empty() ? kResolveChannels : o.channels);
  if (!channels.ok())
    return UsageError("resolve", absl::StrCat("--channels: ", channels.status().message()));
  v1::Incident inc;
  int code = kExitOk;
  if (!Fetch(args, "resolve", &inc, &code)) return code;
  v1::ResolveIncidentRequest req;
  req.set_incident_ref(inc.ref());
  req.set_expected_version(inc.version());
  req.set_message(o.message);
  for (v1::Channel c : *channels) req.add_channels(c);
  req.set_author(o.author);
  req.set_idempotency_key(IdempotencyKey());
  req.set_lint_override_reason(o.override_reason);
  req.set_third_party_confirmed(o.third_party_confirmed);
  v1::WriteIncidentResponse resp;
  code = Call(&v1::IncidentService::StubInterface::ResolveIncident, req, &resp,
              absl::StrCat("resolve ", inc.ref()), inc.ref(), req.idempotency_key());
  if (code != kExitOk) return code;
  return PrintWrite("resolved", resp);
}

int CommandRunner::Reopen(const std::vector<std::string>& args) {
  const CtlOptions& o = options_;
  if (args.size() > 2)
    return UsageError("reopen",
                      "reopen takes one incident reference; quote --reason and --message");
  if (o.reason.empty()) return UsageError("reopen", "--reason is required (it is recorded)");
  if (o.message.empty()) return UsageError("reopen", "--message is required: what customers read");
  v1::Incident inc;
  int code = kExitOk;
  if (!Fetch(args, "reopen", &inc, &code)) return code;
  v1::ReopenIncidentRequest req;
  req.set_incident_ref(inc.ref());
  req.set_expected_version(inc.version());
  req.set_reason(o.reason);
  if (!BuildDraft(v1::INCIDENT_STATE_INVESTIGATING, kDefaultChannels,
                  req.mutable_update(), &code)) {
    return code;
  }
  req.set_author(o.author);
  req.set_idempotency_key(IdempotencyKey());
  req.set_lint_override_reason(o.override_reason);
  v1::WriteIncidentResponse resp;
  code = Call(&v1::IncidentService::StubInterface::ReopenIncident, req, &resp,
              absl::StrCat("reopen ", inc.ref()), inc.ref(), req.idempotency_key());
  if (code != kExitOk) return code;
  return PrintWrite("reopened", resp);
}

int CommandRunner::Severity(const std::vector<std::string>& args) {
  if (args.size() != 3) {
    return UsageError("severity", "severity takes an incident reference and the new severity");
  }
  absl::StatusOr<v1::Severity> sev = ParseSeverityInput(args[2]);
  if (!sev.ok()) return UsageError("severity", std::string(sev.status().message()));
  v1::Incident inc;
  int code = kExitOk;
  if (!Fetch(args, "severity", &inc, &code)) return code;
  v1::ChangeSeverityRequest req;
  req.set_incident_ref(inc.ref());
  req.set_expected_version(inc.version());
  req.set_severity(*sev);
  req.set_reason(options_.reason);
  req.set_author(options_.author);
  req.set_idempotency_key(IdempotencyKey());
  v1::WriteIncidentResponse resp;
  code = Call(&v1::IncidentService::StubInterface::ChangeSeverity, req, &resp,
              absl::StrCat("change the severity of ", inc.ref()), inc.ref(), req.idempotency_key());
  if (code != kExitOk) return code;
  std::string verb = *sev < inc.severity()   ? "escalated"
                     : *sev > inc.severity() ? "de-escalated"
                                             : "kept";
  return PrintWrite(absl::StrCat(verb, " from ", SeverityLabel(inc.severity())), resp);
}

int CommandRunner::Postmortem(const std::vector<std::string>& args) {
  const CtlOptions& o = options_;
  if (args.size() > 2) return UsageError("postmortem", "postmortem takes one incident reference");
  if (o.url.empty() && o.body_file.empty()) {
    return UsageError("postmortem", "give --url, --body-file, or both");
  }
  std::string body;
  if (!o.body_file.empty()) {
    std::stringstream buf;
    if (o.body_file == "-") {
      buf << std::cin.rdbuf();
    } else {
      std::ifstream in(o.body_file, std::ios::binary);
      if (!in) {
        *err_ << "statuscastctl: cannot read --body-file " << o.body_file << "\n";
        return kExitUsage;
      }
      buf << in.rdbuf();
    }
    body = buf.str();
    if (body.empty())
      return UsageError("postmortem", absl::StrCat("--body-file ", o.body_file, " is empty"));
  }
  v1::Incident inc;
  int code = kExitOk;
  if (!Fetch(args, "postmortem", &inc, &code)) return code;
  v1::PublishPostmortemRequest req;
  req.set_incident_ref(inc.ref());
  req.set_expected_version(inc.version());
  req.set_url(o.url);
  req.set_body(body);
  req.set_author(o.author);
  req.set_idempotency_key(IdempotencyKey());
  v1::WriteIncidentResponse resp;
  code =
      Call(&v1::IncidentService::StubInterface::PublishPostmortem, req, &resp,
           absl::StrCat("publish the postmortem of ", inc.ref()), inc.ref(), req.idempotency_key());
  if (code != kExitOk) return code;
  return PrintWrite("postmortem published", resp);
}

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
    if (!states.ok())
      return UsageError("list", absl::StrCat("--state: ", states.status().message()));
    for (auto s : *states) req.add_states(s);
  }
  if (!o.severity.empty()) {
    auto sevs = ParseSeverityList(o.severity);
    if (!sevs.ok())
      return UsageError("list", absl::StrCat("--severity: ", sevs.status().message()));
    for (auto s : *sevs) req.add_severities(s);
  }
  absl::Time now = clock_->Now();
  if (!o.since.empty()) {
    auto t = ParsePastInput(o.since, now);
    if (!t.ok()) return UsageError("list", absl::StrCat("--since: ", t.status().message()));
    ToProto(*t, req.mutable_started_after());
  }
  if (!o.until.empty()) {
    auto t = ParsePastInput(o.until, now);
    if (!t.ok()) return UsageError("list", absl::StrCat("--until: ", t.status().message()));
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

int CommandRunner::Components(const std::vector<std::string>& args) {
  const CtlOptions& o = options_;
  std::string sub = args.size() > 1 ? args[1] : "list";
  if (sub == "list") {
    if (args.size() > 2) return UsageError("components", "components list takes no arguments");
    for (const char* f : {"group", "description", "banner_apps", "banner_paths"}) {
      if (o.given.count(f)) {
        return UsageError("components", absl::StrCat("--", f, " goes with components create"));
      }
    }
    v1::ListComponentsResponse resp;
    int code = Call(&v1::IncidentService::StubInterface::ListComponents,
                    v1::ListComponentsRequest(), &resp, "list components", "", "");
    if (code != kExitOk) return code;
    if (o.json) {
      PrintJson(resp);
    } else {
      *out_ << RenderComponents(resp);
    }
    return kExitOk;
  }
  if (sub == "create") {
    if (args.size() != 3) return UsageError("components", "components create takes one NAME");
    v1::CreateComponentRequest req;
    req.set_name(args[2]);
    req.set_group(o.group);
    req.set_description(o.description);
    for (const std::string& a : ParseNameList(o.banner_apps)) req.add_banner_apps(a);
    for (const std::string& p : ParseNameList(o.banner_paths)) req.add_banner_paths(p);
    v1::Component resp;
    int code = Call(&v1::IncidentService::StubInterface::CreateComponent, req, &resp,
                    absl::StrCat("create component ", args[2]), "", "");
    if (code != kExitOk) return code;
    if (o.json) {
      PrintJson(resp);
    } else {
      *out_ << "component " << resp.name() << " created"
            << (resp.group().empty() ? "" : absl::StrCat(" in group ", resp.group())) << " ("
            << ComponentStatusLabel(resp.status()) << ")\n";
      if (resp.banner_apps_size() > 0 || resp.banner_paths_size() > 0) {
        *out_ << "  its incident banner shows in "
              << (resp.banner_apps_size() > 0
                      ? absl::StrCat("apps ", absl::StrJoin(resp.banner_apps(), ","))
                      : std::string("every app"))
              << " on "
              << (resp.banner_paths_size() > 0
                      ? absl::StrCat("pages ", absl::StrJoin(resp.banner_paths(), ","))
                      : std::string("every page"))
              << "\n";
      }
    }
    return kExitOk;
  }
  return UsageError("components",
                    absl::StrCat("unknown components command \"", sub, "\" (use list or create)"));
}

int CommandRunner::Watch(const std::vector<std::string>& args) {
  if (args.size() > 1) return UsageError("watch", "watch takes no arguments, only flags");
  if (options_.after < 0) return UsageError("watch", "--after must be 0 or a sequence number");
  if (options_.reminders_only && options_.given.count("after")) {
    return UsageError("watch", "--after resumes the incident stream; --reminders-only has none");
  }
  if (options_.reminders_only && compliance_stub_ == nullptr) {
    *err_ << "statuscastctl: no connection to the ComplianceService\n";
    return kExitFailed;
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
    *err_ << "statuscastctl: no connection to the ComplianceService\n";
    return kExitFailed;
  }
  const absl::Time now = clock_->Now();
  v1::ComplianceReportRequest req;
  absl::optional<absl::Time> since, until;
  if (!o.since.empty()) {
    auto t = ParsePastInput(o.since, now);
    if (!t.ok()) return UsageError("report", absl::StrCat("--since: ", t.status().message()));
    since = *t;
    ToProto(*t, req.mutable_started_after());
  }
  if (!o.until.empty()) {
    auto t = ParsePastInput(o.until, now);
    if (!t.ok()) return UsageError("report", absl::StrCat("--until: ", t.status().message()));
    until = *t;
    ToProto(*t, req.mutable_started_before());
  }
  if (since && until && *since >= *until) {
    return UsageError("report", absl::StrCat("--since (", FormatUtc(*since),
                                             ") must be before --until (", FormatUtc(*until), ")"));
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

namespace {

std::string StripTrailingNewlines(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

bool Unreachable(const grpc::Status& status, const grpc::ClientContext& ctx) {
  return (status.error_code() == grpc::StatusCode::UNAVAILABLE && !ServerAnswered(ctx)) ||
         status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED ||
         status.error_code() == grpc::StatusCode::UNIMPLEMENTED;
}

}  // namespace

int CommandRunner::Lint(const std::vector<std::string>& args) {
  const CtlOptions& o = options_;
  if (args.size() > 1) {
    return UsageError("lint", "lint reads the draft from stdin or --file, not from arguments");
  }
  std::stringstream buf;
  if (!o.file.empty() && o.file != "-") {
    std::ifstream in(o.file, std::ios::binary);
    if (!in) {
      *err_ << "statuscastctl: cannot read --file " << o.file << "\n";
      return kExitUsage;
    }
    buf << in.rdbuf();
  } else {
    buf << in_->rdbuf();
  }
  const std::string text = StripTrailingNewlines(buf.str());
  if (text.empty()) return UsageError("lint", "nothing to lint: the draft is empty");
  v1::LintUpdateRequest req;
  req.set_message(text);
  req.set_banner_text(o.banner);
  if (!o.phase.empty()) {
    absl::StatusOr<v1::LintPhase> phase = ParseLintPhaseInput(o.phase);
    if (!phase.ok()) return UsageError("lint", absl::StrCat("--phase: ", phase.status().message()));
    req.set_phase(*phase);
  }
  if (!o.severity.empty()) {
    absl::StatusOr<v1::Severity> sev = ParseSeverityInput(o.severity);
    if (!sev.ok()) return UsageError("lint", absl::StrCat("--severity: ", sev.status().message()));
    req.set_severity(*sev);
  }
  if (!o.state.empty()) {
    absl::StatusOr<v1::IncidentState> state = ParseStateInput(o.state);
    if (!state.ok()) return UsageError("lint", absl::StrCat("--state: ", state.status().message()));
    req.set_state_after(*state);
  }
  if (!o.channels.empty()) {
    absl::StatusOr<std::vector<v1::Channel>> channels = ParseChannelsInput(o.channels);
    if (!channels.ok()) {
      return UsageError("lint", absl::StrCat("--channels: ", channels.status().message()));
    }
    for (v1::Channel c : *channels) req.add_channels(c);
  }
  if (!o.components.empty()) {
    absl::StatusOr<std::vector<v1::AffectedComponent>> comps = ParseComponentsInput(o.components);
    if (!comps.ok()) {
      return UsageError("lint", absl::StrCat("--components: ", comps.status().message()));
    }
    for (const auto& c : *comps) req.add_affected_components(c.name());
  }
  if (!o.next.empty()) {
    absl::StatusOr<absl::Time> next = ParseNextInput(o.next, clock_->Now());
    if (!next.ok()) return UsageError("lint", absl::StrCat("--next: ", next.status().message()));
    ToProto(*next, req.mutable_next_update_at());
  }
  if (!o.incident.empty()) {
    absl::StatusOr<std::string> ref = ParseIncidentRef(o.incident);
    if (!ref.ok()) return UsageError("lint", absl::StrCat("--incident: ", ref.status().message()));
    req.set_incident_ref(*ref);
  }
  v1::LintUpdateResponse resp;
  bool local = o.local;
  if (!local) {
    grpc::ClientContext ctx;
    ctx.set_deadline(absl::ToChronoTime(absl::Now() + options_.timeout));
    ctx.AddMetadata("x-request-id", NewRequestId());
    grpc::Status status = stub_->LintUpdate(&ctx, req, &resp);
    if (!status.ok()) {
      if (req.incident_ref().empty() && Unreachable(status, ctx)) {
        // The built-in rules still answer, without the server's extra rules.
        *err_ << "statuscastctl: statuscast-comms at " << o.server
              << " did not answer; linted with the built-in rules only\n";
        local = true;
      } else {
        RpcCall call;
        call.action = "lint the draft";
        call.server = o.server;
        call.server_answered = ServerAnswered(ctx);
        call.timeout = absl::FormatDuration(o.timeout);
        RpcFailure failure = DescribeRpcFailure(status, call);
        for (const std::string& line : failure.lines) *err_ << "statuscastctl: " << line << "\n";
        return failure.exit_code;
      }
    }
  }
  if (local) {
    if (!req.incident_ref().empty()) {
      return UsageError("lint", "--local cannot read --incident; give --severity and --phase");
    }
    absl::StatusOr<std::unique_ptr<lint::Linter>> linter = lint::Linter::Default();
    if (!linter.ok()) {
      *err_ << "statuscastctl: " << linter.status().message() << "\n";
      return kExitFailed;
    }
    absl::StatusOr<std::vector<lint::Finding>> findings =
        (*linter)->Lint(lint::InputFromProto(req));
    if (!findings.ok()) {
      *err_ << "statuscastctl: cannot lint: " << findings.status().message() << "\n";
      return kExitFailed;
    }
    resp = lint::ResponseFromFindings(*findings);
  }
  if (o.json) {
    PrintJson(resp);
  } else {
    *out_ << RenderLintFindings(req.message(), req.banner_text(), resp);
  }
  return resp.error_count() > 0 ? kExitFailed : kExitOk;
}

int CommandRunner::Template(const std::vector<std::string>& args) {
  const CtlOptions& o = options_;
  if (args.size() > 2) return UsageError("template", "template takes one incident reference");
  if (o.tone.empty()) {
    return UsageError("template",
                      "--tone is required: acknowledging, updating, no_progress or resolving");
  }
  absl::StatusOr<v1::TemplateTone> tone = ParseToneInput(o.tone);
  if (!tone.ok()) return UsageError("template", absl::StrCat("--tone: ", tone.status().message()));
  if (!o.post) {
    for (const char* f : {"override", "channels", "idempotency_key"}) {
      if (o.given.count(f)) return UsageError("template", absl::StrCat("--", f, " needs --post"));
    }
  }
  // The placeholders the template would carry: refused on --post (customers
  // would read "<the cause, in plain words>"), listed otherwise.
  lint::TemplateInput extras;
  extras.what_happened = o.what_happened;
  extras.impact = o.impact;
  extras.prevention = o.prevention;
  extras.learned = o.learned;
  std::vector<std::string> unfilled;
  for (std::string f : lint::UnfilledPlaceholders(ToLintTone(*tone), extras)) {
    std::replace(f.begin(), f.end(), '_', '-');
    unfilled.push_back("--" + f);
  }
  if (o.post && !unfilled.empty()) {
    return UsageError("template",
                      absl::StrCat("the template has placeholders left; give ",
                                   absl::StrJoin(unfilled, ", "), " to fill them before --post"));
  }
  v1::Incident inc;
  int code = kExitOk;
  if (!Fetch(args, "template", &inc, &code)) return code;
  v1::FillTemplateRequest req;
  req.set_incident_ref(inc.ref());
  req.set_tone(*tone);
  req.set_what_happened(o.what_happened);
  req.set_impact(o.impact);
  req.set_prevention(o.prevention);
  req.set_learned(o.learned);
  if (!o.next.empty()) {
    absl::StatusOr<absl::Time> next = ParseNextInput(o.next, clock_->Now());
    if (!next.ok())
      return UsageError("template", absl::StrCat("--next: ", next.status().message()));
    ToProto(*next, req.mutable_next_update_at());
  }
  v1::FillTemplateResponse filled;
  code = Call(&v1::IncidentService::StubInterface::FillTemplate, req, &filled,
              absl::StrCat("fill the template for ", inc.ref()), inc.ref(), "");
  if (code != kExitOk) return code;
  if (!o.post) {
    if (o.json) {
      PrintJson(filled);
      return kExitOk;
    }
    *out_ << filled.message() << "\n";
    if (!filled.banner_text().empty()) *out_ << "\nbanner: " << filled.banner_text() << "\n";
    if (filled.has_next_update_at()) {
      *out_ << "promises the next update by "
            << FormatUtcNear(TimeFromProto(filled.next_update_at()), clock_->Now()) << "\n";
    }
    if (!filled.lint_findings().empty()) *out_ << RenderLintNotes(filled.lint_findings());
    if (!unfilled.empty()) {
      *out_ << "fill in the <...> placeholders with " << absl::StrJoin(unfilled, ", ") << "\n";
    }
    *out_ << "post it: statuscastctl template " << inc.ref() << " --tone " << o.tone << " --post\n";
    return kExitOk;
  }
  v1::WriteIncidentResponse resp;
  if (*tone == v1::TEMPLATE_TONE_RESOLVING) {
    absl::StatusOr<std::vector<v1::Channel>> channels =
        ParseChannelsInput(o.channels.empty() ? kResolveChannels : o.channels);
    if (!channels.ok()) {
      return UsageError("template", absl::StrCat("--channels: ", channels.status().message()));
    }
    v1::ResolveIncidentRequest r;
    r.set_incident_ref(inc.ref());
    r.set_expected_version(inc.version());
    r.set_message(filled.message());
    for (v1::Channel c : *channels) r.add_channels(c);
    r.set_author(o.author);
    r.set_idempotency_key(IdempotencyKey());
    r.set_lint_override_reason(o.override_reason);
    code = Call(&v1::IncidentService::StubInterface::ResolveIncident, r, &resp,
                absl::StrCat("resolve ", inc.ref()), inc.ref(), r.idempotency_key());
    if (code != kExitOk) return code;
    return PrintWrite("resolved", resp);
  }
  absl::StatusOr<std::vector<v1::Channel>> channels =
      ParseChannelsInput(o.channels.empty() ? kDefaultChannels : o.channels);
  if (!channels.ok()) {
    return UsageError("template", absl::StrCat("--channels: ", channels.status().message()));
  }
  v1::PostUpdateRequest r;
  r.set_incident_ref(inc.ref());
  r.set_expected_version(inc.version());
  v1::UpdateDraft* d = r.mutable_update();
  d->set_state(inc.state() == v1::INCIDENT_STATE_RESOLVED ? v1::INCIDENT_STATE_INVESTIGATING
                                                          : inc.state());
  d->set_message(filled.message());
  d->set_banner_text(filled.banner_text());
  for (v1::Channel c : *channels) d->add_channels(c);
  if (filled.has_next_update_at()) *d->mutable_next_update_at() = filled.next_update_at();
  d->set_no_progress(*tone == v1::TEMPLATE_TONE_NO_PROGRESS);
  r.set_author(o.author);
  r.set_idempotency_key(IdempotencyKey());
  r.set_lint_override_reason(o.override_reason);
  code = Call(&v1::IncidentService::StubInterface::PostUpdate, r, &resp,
              absl::StrCat("post the update to ", inc.ref()), inc.ref(), r.idempotency_key());
  if (code != kExitOk) return code;
  return PrintWrite("updated", resp);
}

bool CommandRunner::ApplyBannerFlags(v1::ManualBanner* b, int* code) {
  const CtlOptions& o = options_;
  const absl::Time now = clock_->Now();
  if (o.given.count("text")) b->set_text(o.text);
  if (o.given.count("link")) b->set_link(o.link);
  if (o.given.count("level")) {
    absl::StatusOr<v1::BannerLevel> level = ParseBannerLevelInput(o.level);
    if (!level.ok()) {
      *code = UsageError("banner", absl::StrCat("--level: ", level.status().message()));
      return false;
    }
    b->set_level(*level);
  }
  v1::BannerTarget* t = b->mutable_target();
  if (o.given.count("apps")) {
    t->clear_apps();
    for (const std::string& a : ParseNameList(o.apps)) t->add_apps(a);
  }
  if (o.given.count("paths")) {
    t->clear_path_patterns();
    for (const std::string& p : ParseNameList(o.paths)) t->add_path_patterns(p);
  }
  if (o.given.count("components")) {
    t->clear_components();
    for (const std::string& c : ParseNameList(o.components)) t->add_components(c);
  }
  for (const auto& [flag, value, field] :
       {std::make_tuple("starts", &o.starts, b->mutable_starts_at()),
        std::make_tuple("ends", &o.ends, b->mutable_ends_at())}) {
    if (!o.given.count(flag)) continue;
    absl::StatusOr<absl::Time> when = ParseWhenInput(*value, now);
    if (!when.ok()) {
      *code = UsageError("banner", absl::StrCat("--", flag, ": ", when.status().message()));
      return false;
    }
    ToProto(*when, field);
  }
  if (!o.given.count("starts") && b->starts_at().seconds() == 0 && b->starts_at().nanos() == 0) {
    b->clear_starts_at();
  }
  if (!o.given.count("ends") && b->ends_at().seconds() == 0 && b->ends_at().nanos() == 0) {
    b->clear_ends_at();
  }
  return true;
}

int CommandRunner::Banner(const std::vector<std::string>& args) {
  const CtlOptions& o = options_;
  if (banner_stub_ == nullptr) {
    *err_ << "statuscastctl: no connection to statuscast-banner\n";
    return kExitFailed;
  }
  const std::string sub = args.size() > 1 ? args[1] : "list";
  const bool edits = sub == "create" || sub == "edit";
  if (!edits) {
    for (const char* f :
         {"text", "level", "apps", "paths", "components", "starts", "ends", "link"}) {
      if (o.given.count(f)) {
        return UsageError("banner", absl::StrCat("--", f, " goes with banner create or edit"));
      }
    }
  }
  if (sub == "list") {
    if (args.size() > 2) return UsageError("banner", "banner list takes no arguments");
    v1::ListBannersResponse resp;
    int code = CallOn(banner_stub_, &v1::BannerAdminService::StubInterface::ListBanners,
                      v1::ListBannersRequest(), &resp, "list banners", "", "");
    if (code != kExitOk) return code;
    if (o.json) {
      PrintJson(resp);
    } else {
      *out_ << RenderBanners(resp, clock_->Now());
    }
    return kExitOk;
  }
  v1::ManualBanner result;
  int code = kExitOk;
  if (sub == "create") {
    if (args.size() != 2) return UsageError("banner", "banner create takes only flags");
    if (o.text.empty()) return UsageError("banner", "--text is required: what users read");
    v1::CreateBannerRequest req;
    v1::ManualBanner* b = req.mutable_banner();
    b->set_level(v1::BANNER_LEVEL_INFO);
    b->set_enabled(true);
    if (!ApplyBannerFlags(b, &code)) return code;
    req.set_author(o.author);
    code = CallOn(banner_stub_, &v1::BannerAdminService::StubInterface::CreateBanner, req, &result,
                  "create the banner", "", "");
  } else if (sub == "edit" || sub == "disable") {
    int64_t id = 0;
    if (args.size() != 3 || !absl::SimpleAtoi(args[2], &id) || id <= 0) {
      return UsageError("banner", absl::StrCat("banner ", sub, " takes one banner ID (a number)"));
    }
    if (sub == "disable") {
      v1::DisableBannerRequest req;
      req.set_id(id);
      req.set_author(o.author);
      code = CallOn(banner_stub_, &v1::BannerAdminService::StubInterface::DisableBanner, req,
                    &result, absl::StrCat("disable banner ", id), "", "");
    } else {
      v1::ListBannersResponse all;
      code = CallOn(banner_stub_, &v1::BannerAdminService::StubInterface::ListBanners,
                    v1::ListBannersRequest(), &all, "read the banners", "", "");
      if (code != kExitOk) return code;
      v1::UpdateBannerRequest req;
      bool found = false;
      for (const v1::ManualBanner& b : all.banners()) {
        if (b.id() == id) {
          *req.mutable_banner() = b;
          found = true;
        }
      }
      if (!found) {
        *err_ << "statuscastctl: no banner " << id << " (statuscastctl banner list shows them)\n";
        return kExitFailed;
      }
      if (!ApplyBannerFlags(req.mutable_banner(), &code)) return code;
      req.set_author(o.author);
      code = CallOn(banner_stub_, &v1::BannerAdminService::StubInterface::UpdateBanner, req,
                    &result, absl::StrCat("edit banner ", id), "", "");
    }
  } else {
    return UsageError("banner", absl::StrCat("unknown banner command \"", sub,
                                             "\" (use list, create, edit or disable)"));
  }
  if (code != kExitOk) return code;
  if (o.json) {
    PrintJson(result);
  } else {
    *out_ << RenderBannerLine(result, clock_->Now());
  }
  return kExitOk;
}

int CommandRunner::KillSwitch(const std::vector<std::string>& args) {
  const CtlOptions& o = options_;
  if (banner_stub_ == nullptr) {
    *err_ << "statuscastctl: no connection to statuscast-banner\n";
    return kExitFailed;
  }
  if (args.size() != 2 || (args[1] != "on" && args[1] != "off")) {
    return UsageError("killswitch", "killswitch takes on or off");
  }
  if (o.reason.empty()) return UsageError("killswitch", "--reason is required (it is recorded)");
  v1::SetKillSwitchRequest req;
  req.set_scope(o.app.empty() ? "*" : o.app);
  req.set_engaged(args[1] == "on");
  req.set_reason(o.reason);
  req.set_author(o.author);
  v1::KillSwitch resp;
  int code = CallOn(banner_stub_, &v1::BannerAdminService::StubInterface::SetKillSwitch, req, &resp,
                    absl::StrCat("turn the kill switch ", args[1]), "", "");
  if (code != kExitOk) return code;
  if (o.json) {
    PrintJson(resp);
  } else {
    *out_ << "kill switch " << (resp.engaged() ? "ON" : "off") << " for "
          << (resp.scope() == "*" ? std::string("every app") : resp.scope())
          << (resp.engaged() ? ": its banners are hidden now" : ": its banners show again") << "\n";
  }
  return kExitOk;
}

}  // namespace ctl
}  // namespace statuscast
