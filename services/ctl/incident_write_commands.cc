// statuscastctl declare, update, resolve, reopen, severity, postmortem.
#include <algorithm>
#include <fstream>
#include <iostream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "libs/base/clock.h"
#include "libs/incident/promise.h"
#include "libs/proto_convert/vocabulary_proto.h"
#include "services/ctl/command_support.h"
#include "services/ctl/commands.h"
#include "services/ctl/inputs.h"
#include "services/ctl/render.h"

namespace statuscast {
namespace ctl {
namespace {

std::vector<Channel> ChannelsOf(const v1::UpdateDraft& draft) {
  return ChannelsFromProto(draft.channels());
}

}  // namespace

bool CommandRunner::BuildDraft(v1::IncidentState default_state, const std::string& default_channels,
                               v1::UpdateDraft* draft, int* code) {
  const CtlOptions& o = options_;
  v1::IncidentState state = default_state;
  if (!o.state.empty()) {
    absl::StatusOr<v1::IncidentState> s = ParseStateInput(o.state);
    if (!s.ok()) {
      *code = FlagError("state", s.status());
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
    *code = FlagError("channels", channels.status());
    return false;
  }
  for (v1::Channel c : *channels) draft->add_channels(c);
  if (o.next.empty()) {
    // One promise: a next-update time the text names is the promise.
    absl::StatusOr<absl::optional<absl::Time>> named =
        PromiseInText(draft->message(), clock_->Now());
    if (!named.ok()) {
      *code = FlagError("message", named.status());
      return false;
    }
    if (named->has_value() && ReachesStatusPage(ChannelsOf(*draft))) {
      ToProto(**named, draft->mutable_next_update_at());
      return true;
    }
    // The server knows its cadence: it fills the promise (and states it in
    // a status-page message) when the update needs one.
    draft->set_use_default_next_update(true);
    return true;
  }
  absl::StatusOr<absl::Time> next = ParseNextInput(o.next, clock_->Now());
  if (!next.ok()) {
    *code = FlagError("next", next.status());
    return false;
  }
  ToProto(*next, draft->mutable_next_update_at());
  // One promise: the text customers read on the status page states the time
  // on the record (the server does the same for the default it fills); a
  // text naming another time is refused by the server, naming both.
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
  if (!sev.ok()) return FlagError("severity", sev.status());
  req.set_severity(*sev);
  absl::StatusOr<std::vector<v1::AffectedComponent>> comps = ParseComponentsInput(o.components);
  if (!comps.ok()) return FlagError("components", comps.status());
  for (const auto& c : *comps) *req.add_affected_components() = c;
  if (!o.started.empty()) {
    absl::StatusOr<absl::Time> started = ParseStartedInput(o.started, clock_->Now());
    if (!started.ok()) return FlagError("started", started.status());
    ToProto(*started, req.mutable_confirmed_start());
  }
  if (!o.message.empty()) {
    int code = kExitOk;
    if (!BuildDraft(v1::INCIDENT_STATE_INVESTIGATING, kDefaultChannels, req.mutable_first_update(),
                    &code)) {
      return code;
    }
  }
  req.set_author(o.author);
  req.set_idempotency_key(IdempotencyKey());
  req.set_lint_override_reason(o.override_reason);
  req.set_commander(o.ic);
  req.set_comms_lead(o.comms);
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
    if (!parsed.ok()) return FlagError("components", parsed.status());
    comps = *parsed;
  }
  // Check what can be checked before talking to the server.
  if (!o.state.empty()) {
    absl::StatusOr<v1::IncidentState> state = ParseStateInput(o.state);
    if (!state.ok()) return FlagError("state", state.status());
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
  if (!BuildDraft(inc.state(), kDefaultChannels, req.mutable_update(), &code)) {
    return code;
  }
  for (const auto& c : comps) *req.add_affected_components() = c;
  req.set_lint_override_reason(o.override_reason);
  return WriteExisting(&v1::IncidentService::StubInterface::PostUpdate, inc, req,
                       absl::StrCat("post the update to ", inc.ref()), "updated");
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
  if (!channels.ok()) return FlagError("channels", channels.status());
  v1::Incident inc;
  int code = kExitOk;
  if (!Fetch(args, "resolve", &inc, &code)) return code;
  v1::ResolveIncidentRequest req;
  req.set_message(o.message);
  for (v1::Channel c : *channels) req.add_channels(c);
  req.set_lint_override_reason(o.override_reason);
  req.set_third_party_confirmed(o.third_party_confirmed);
  return WriteExisting(&v1::IncidentService::StubInterface::ResolveIncident, inc, req,
                       absl::StrCat("resolve ", inc.ref()), "resolved");
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
  req.set_reason(o.reason);
  if (!BuildDraft(v1::INCIDENT_STATE_INVESTIGATING, kDefaultChannels, req.mutable_update(),
                  &code)) {
    return code;
  }
  req.set_lint_override_reason(o.override_reason);
  return WriteExisting(&v1::IncidentService::StubInterface::ReopenIncident, inc, req,
                       absl::StrCat("reopen ", inc.ref()), "reopened");
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
  req.set_severity(*sev);
  req.set_reason(options_.reason);
  const std::string verb = *sev < inc.severity()   ? "escalated"
                           : *sev > inc.severity() ? "de-escalated"
                                                   : "kept";
  return WriteExisting(&v1::IncidentService::StubInterface::ChangeSeverity, inc, req,
                       absl::StrCat("change the severity of ", inc.ref()),
                       absl::StrCat(verb, " from ", SeverityLabel(inc.severity())));
}

int CommandRunner::Postmortem(const std::vector<std::string>& args) {
  const CtlOptions& o = options_;
  if (args.size() > 2) return UsageError("postmortem", "postmortem takes one incident reference");
  if (o.versions) return PostmortemVersions(args);
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
  req.set_url(o.url);
  req.set_body(body);
  req.set_lint_override_reason(o.override_reason);
  return WriteExisting(&v1::IncidentService::StubInterface::PublishPostmortem, inc, req,
                       absl::StrCat("publish the postmortem of ", inc.ref()),
                       "postmortem published");
}

int CommandRunner::PostmortemVersions(const std::vector<std::string>& args) {
  for (const char* f : {"url", "body_file", "override", "idempotency_key"}) {
    if (options_.given.count(f)) {
      return UsageError("postmortem", absl::StrCat(FlagSpelling(f), " does not go with --versions"));
    }
  }
  if (args.size() != 2) return UsageError("postmortem", "postmortem --versions takes INC-n");
  absl::StatusOr<std::string> ref = ParseIncidentRef(args[1]);
  if (!ref.ok()) return UsageError("postmortem", std::string(ref.status().message()));
  v1::ListPostmortemVersionsRequest req;
  req.set_incident_ref(*ref);
  v1::ListPostmortemVersionsResponse resp;
  int code = Call(&v1::IncidentService::StubInterface::ListPostmortemVersions, req, &resp,
                  absl::StrCat("list the postmortem versions of ", *ref), *ref, "");
  if (code != kExitOk) return code;
  if (options_.json) {
    PrintJson(resp);
  } else {
    *out_ << RenderPostmortemVersions(resp, *ref, clock_->Now());
  }
  return kExitOk;
}

int CommandRunner::Correct(const std::vector<std::string>& args) {
  const CtlOptions& o = options_;
  if (args.size() > 2) {
    return UsageError("correct", "correct takes one incident reference; quote the --message");
  }
  if (o.message.empty()) return UsageError("correct", "--message is required: the corrected text");
  if (o.given.count("update") && o.update_id <= 0) {
    return UsageError("correct", "--update takes an update id (statuscastctl show INC-n lists them)");
  }
  v1::Incident inc;
  int code = kExitOk;
  if (!Fetch(args, "correct", &inc, &code)) return code;
  int64_t update_id = o.update_id;
  if (update_id == 0) {  // the latest update: the usual case, a typo just posted
    for (const v1::TimelineEvent& e : inc.timeline()) {
      if (e.has_update()) update_id = e.update().id();
    }
    if (update_id == 0) {
      return UsageError("correct", absl::StrCat(inc.ref(), " has no update to correct yet"));
    }
  }
  v1::CorrectUpdateRequest req;
  req.set_update_id(update_id);
  req.set_message(o.message);
  req.set_banner_text(o.banner);
  req.set_reason(o.reason);
  req.set_lint_override_reason(o.override_reason);
  req.set_third_party_confirmed(o.third_party_confirmed);
  return WriteExisting(&v1::IncidentService::StubInterface::CorrectUpdate, inc, req,
                       absl::StrCat("correct update ", update_id, " of ", inc.ref()),
                       absl::StrCat("corrected update ", update_id));
}

}  // namespace ctl
}  // namespace statuscast
