// statuscastctl lint and template.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "libs/base/clock.h"
#include "libs/proto_convert/lint_proto.h"
#include "libs/lint/linter.h"
#include "libs/lint/templates.h"
#include "services/ctl/command_support.h"
#include "services/ctl/commands.h"
#include "services/ctl/editor.h"
#include "services/ctl/inputs.h"
#include "services/ctl/render.h"

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

std::string StripTrailingNewlines(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

// The template placeholders ("<the cause, in plain words>") left in `text`,
// as the linter's unfilled-placeholder rule finds them (its one home), in
// order.
absl::StatusOr<std::vector<std::string>> PlaceholdersLeft(const std::string& text) {
  absl::StatusOr<std::unique_ptr<lint::Linter>> linter = lint::Linter::Default();
  if (!linter.ok()) return linter.status();
  lint::LintInput in;
  in.message = text;
  in.phase = lint::Phase::kUpdate;
  absl::StatusOr<std::vector<lint::Finding>> findings = (*linter)->Lint(in);
  if (!findings.ok()) return findings.status();
  std::vector<std::string> out;
  for (const lint::Finding& f : *findings) {
    if (f.rule_id == "unfilled-placeholder") out.push_back(text.substr(f.begin, f.end - f.begin));
  }
  return out;
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
    if (!phase.ok()) return FlagError("phase", phase.status());
    req.set_phase(*phase);
  }
  if (!o.severity.empty()) {
    absl::StatusOr<v1::Severity> sev = ParseSeverityInput(o.severity);
    if (!sev.ok()) return FlagError("severity", sev.status());
    req.set_severity(*sev);
  }
  if (!o.state.empty()) {
    absl::StatusOr<v1::IncidentState> state = ParseStateInput(o.state);
    if (!state.ok()) return FlagError("state", state.status());
    req.set_state_after(*state);
  }
  if (!o.channels.empty()) {
    absl::StatusOr<std::vector<v1::Channel>> channels = ParseChannelsInput(o.channels);
    if (!channels.ok()) return FlagError("channels", channels.status());
    for (v1::Channel c : *channels) req.add_channels(c);
  }
  if (!o.components.empty()) {
    absl::StatusOr<std::vector<v1::AffectedComponent>> comps = ParseComponentsInput(o.components);
    if (!comps.ok()) return FlagError("components", comps.status());
    for (const auto& c : *comps) req.add_affected_components(c.name());
  }
  if (!o.next.empty()) {
    absl::StatusOr<absl::Time> next = ParseNextInput(o.next, clock_->Now());
    if (!next.ok()) return FlagError("next", next.status());
    ToProto(*next, req.mutable_next_update_at());
  }
  if (!o.incident.empty()) {
    absl::StatusOr<std::string> ref = ParseIncidentRef(o.incident);
    if (!ref.ok()) return FlagError("incident", ref.status());
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
  if (!tone.ok()) return FlagError("tone", tone.status());
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
  std::vector<std::string> unfilled, named;
  for (const std::string& field : lint::UnfilledPlaceholders(ToLintTone(*tone), extras)) {
    std::string flag = FlagSpelling(field);
    named.push_back(absl::StrCat(lint::PlaceholderFor(field), " (", flag, ")"));
    unfilled.push_back(std::move(flag));
  }
  // With --edit the placeholders are filled in the editor and checked after.
  if (o.post && !o.edit && !unfilled.empty()) {
    return UsageError(
        "template", absl::StrCat("the template has placeholders left: ", absl::StrJoin(named, ", "),
                                 "; fill them before --post, nothing was sent"));
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
    if (!next.ok()) return FlagError("next", next.status());
    ToProto(*next, req.mutable_next_update_at());
  }
  v1::FillTemplateResponse filled;
  code = Call(&v1::IncidentService::StubInterface::FillTemplate, req, &filled,
              absl::StrCat("fill the template for ", inc.ref()), inc.ref(), "");
  if (code != kExitOk) return code;
  if (o.edit) {
    int edit_code = EditTemplate(inc.ref(), &filled);
    if (edit_code != kExitOk) return edit_code;
    unfilled.clear();
  }
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
    *out_ << "post it: statuscastctl template " << inc.ref() << " --tone " << o.tone
          << (o.edit ? " --edit" : "") << " --post\n";
    return kExitOk;
  }
  v1::WriteIncidentResponse resp;
  if (*tone == v1::TEMPLATE_TONE_RESOLVING) {
    absl::StatusOr<std::vector<v1::Channel>> channels =
        ParseChannelsInput(o.channels.empty() ? kResolveChannels : o.channels);
    if (!channels.ok()) return FlagError("channels", channels.status());
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
  if (!channels.ok()) return FlagError("channels", channels.status());
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

int CommandRunner::EditTemplate(const std::string& ref, v1::FillTemplateResponse* filled) {
  absl::StatusOr<EditedText> edited = EditText(
      EditorFromEnvironment(), filled->message(),
      absl::StrCat("statuscastctl template ", ref, " --tone ", options_.tone,
                   ": edit the message above, save and quit.\n"
                   "Replace every <...> placeholder with plain words; lines starting with '#'\n"
                   "are left out, and an empty message sends nothing."));
  if (!edited.ok()) {
    *err_ << "statuscastctl: " << edited.status().message() << "\n";
    return edited.status().code() == absl::StatusCode::kFailedPrecondition ? kExitUsage
                                                                           : kExitFailed;
  }
  if (edited->text.empty()) {
    std::remove(edited->path.c_str());
    return UsageError("template", "the edited message is empty; nothing was sent");
  }
  absl::StatusOr<std::vector<std::string>> left = PlaceholdersLeft(edited->text);
  if (!left.ok()) {
    *err_ << "statuscastctl: cannot check the edited message: " << left.status().message()
          << "\n";
    return kExitFailed;
  }
  if (!left->empty()) {
    // The file stays, so the next try starts from what was typed.
    return UsageError("template",
                      absl::StrCat("the edited message still has placeholder",
                                   left->size() > 1 ? "s " : " ", absl::StrJoin(*left, ", "),
                                   "; nothing was sent (your text is kept in ", edited->path, ")"));
  }
  std::remove(edited->path.c_str());
  filled->set_message(edited->text);
  return kExitOk;
}

}  // namespace ctl
}  // namespace statuscast
