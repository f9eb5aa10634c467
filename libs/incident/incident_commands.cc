#include "libs/incident/incident_commands.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "libs/base/field_violations.h"
#include "libs/base/fingerprint.h"
#include "libs/base/status_macros.h"
#include "libs/base/text_limits.h"
#include "libs/incident/write_support.h"

namespace statuscast {
namespace {

void AddOverride(std::vector<std::string>& f, const std::string& reason) {
  if (!reason.empty()) f.push_back(absl::StrCat("override:", reason));
}

lint::Phase PhaseFor(UpdateKind kind) {
  switch (kind) {
    case UpdateKind::kFirst:
      return lint::Phase::kFirst;
    case UpdateKind::kProgress:
    case UpdateKind::kNoProgress:
    case UpdateKind::kReopen:
      return lint::Phase::kUpdate;
    case UpdateKind::kResolution:
      return lint::Phase::kResolution;
    default:
      return lint::Phase::kUnspecified;
  }
}

std::vector<std::string> ComponentNames(const std::vector<AffectedComponent>& affected) {
  std::vector<std::string> names;
  for (const AffectedComponent& a : affected) names.push_back(a.name);
  return names;
}

// Tabs and newlines would break the field-violation payload; messages read
// better on one line anyway.
std::string OneLine(std::string s) {
  for (char& c : s) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  return s;
}

// `[eta-clock] "fixed in 30 minutes" (bytes 40-59): why. Suggested: "..."`
std::string DescribeFinding(const lint::Finding& f) {
  std::string out = absl::StrCat("[", f.rule_id, "] ");
  if (f.begin == f.end) {
    absl::StrAppend(&out, "(missing) ");
  } else {
    absl::StrAppend(&out, "\"", f.excerpt, "\" (bytes ", f.begin, "-", f.end, "): ");
  }
  absl::StrAppend(&out, f.explanation);
  if (!f.suggestion.empty()) absl::StrAppend(&out, " Suggested: \"", f.suggestion, "\"");
  return OneLine(out);
}

size_t ErrorCount(const std::vector<lint::Finding>& findings) {
  size_t n = 0;
  for (const lint::Finding& f : findings) n += f.level == lint::Level::kError;
  return n;
}

void AddAffected(std::vector<std::string>& f, const std::vector<AffectedComponent>& a) {
  for (const AffectedComponent& c : a) {
    f.push_back(absl::StrCat(c.name, "=", static_cast<int>(c.status)));
  }
  f.push_back("|");
}

// The lint rule of a template's "<...>" placeholder left in the text.
constexpr char kUnfilledPlaceholderRule[] = "unfilled-placeholder";

}  // namespace

absl::Time IncidentCommands::Now() const {
  // The database keeps microseconds; so does everything we return.
  return absl::FromUnixMicros(absl::ToUnixMicros(clock_.Now()));
}

absl::StatusOr<Component> IncidentCommands::CreateComponent(const CallContext& ctx, Component c) {
  RETURN_IF_ERROR(rules_.CheckComponent(c));
  c.created_at = Now();
  c.status = ComponentStatus::kOperational;
  RETURN_IF_ERROR(store_.RunInTransaction([&](StoreTransaction& tx) -> absl::Status {
    RETURN_IF_ERROR(tx.InsertComponent(c));
    MutationRecord m;
    m.kind = "component_created";
    m.component_name = c.name;
    m.actor = ctx.actor;
    m.request_id = ctx.request_id;
    m.details = absl::StrCat("created component ", c.name);
    m.at = c.created_at;
    return tx.Record(m, nullptr);
  }));
  return c;
}

absl::StatusOr<std::vector<Component>> IncidentCommands::ListComponents(bool include_retired) {
  ASSIGN_OR_RETURN(std::vector<Component> all, store_.ListComponents());
  if (!include_retired) {
    all.erase(std::remove_if(all.begin(), all.end(),
                             [](const Component& c) { return c.retired_at.has_value(); }),
              all.end());
  }
  return all;
}

absl::StatusOr<WriteResult> IncidentCommands::Replay(const IdempotentResult& r,
                                                     const std::string& operation,
                                                     const std::string& fingerprint) {
  RETURN_IF_ERROR(CheckSameRequest(r, operation, fingerprint));
  WriteResult out;
  out.replayed = true;
  out.sequence = r.sequence;
  ASSIGN_OR_RETURN(out.incident, store_.GetIncident(r.incident_ref, false));
  if (r.update_id != 0) {
    ASSIGN_OR_RETURN(Update u, store_.GetUpdate(r.update_id));
    out.update = std::move(u);
  }
  return out;
}

absl::StatusOr<WriteResult> IncidentCommands::Declare(const CallContext& ctx,
                                                      const std::string& idempotency_key,
                                                      const DeclareInput& in) {
  RETURN_IF_ERROR(rules_.CheckWriteMeta(in.author, idempotency_key, false, 0));
  RETURN_IF_ERROR(CheckOverrideReason(in.lint_override_reason));
  std::vector<std::string> f = {in.title, absl::StrCat(static_cast<int>(in.severity)),
                                TimeField(in.confirmed_start), in.author};
  AddAffected(f, in.affected);
  if (in.first_update) AddDraftFields(f, *in.first_update);
  AddOverride(f, in.lint_override_reason);
  // Appended only when set, so fingerprints of older requests stay the same.
  if (!in.commander.empty() || !in.comms_lead.empty()) {
    f.push_back(absl::StrCat("roles:", in.commander, "/", in.comms_lead));
  }
  const std::string fingerprint = Fingerprint(f);
  const absl::Time now = Now();

  absl::optional<Update> first;
  ASSIGN_OR_RETURN(Incident incident, rules_.Declare(in, now, &first));
  incident.commander =
      in.commander.empty() ? (ctx.actor.empty() ? in.author : ctx.actor) : in.commander;
  incident.comms_lead = in.comms_lead;
  if (!in.commander.empty()) RETURN_IF_ERROR(CheckRoleName(in.commander, "commander"));
  if (!in.comms_lead.empty()) RETURN_IF_ERROR(CheckRoleName(in.comms_lead, "comms_lead"));
  if (first) RETURN_IF_ERROR(MayPost(incident, ctx, "post the first update"));
  std::string lint_note;
  if (first) {
    RETURN_IF_ERROR(LintPosted(incident, IncidentState::kUnspecified, in.first_update->banner_text,
                               in.first_update->third_party_confirmed, in.lint_override_reason,
                               "first_update.", *first, &lint_note));
  }
  WriteResult result;
  absl::optional<IdempotentResult> earlier;
  RETURN_IF_ERROR(store_.RunInTransaction([&](StoreTransaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(earlier, tx.FindIdempotent(idempotency_key));
    if (earlier) return absl::OkStatus();
    RETURN_IF_ERROR(tx.CheckComponentsExist(incident.affected, "affected_components"));
    Incident inc = incident;
    RETURN_IF_ERROR(tx.InsertIncident(inc));
    // The roles it starts with are the declaration's (its audit row names
    // them); the timeline shows later changes.
    RETURN_IF_ERROR(tx.SaveRoles(inc, {}));
    absl::optional<Update> update = first;
    if (update) {
      ASSIGN_OR_RETURN(update->id, tx.InsertUpdate(inc.id, *update, idempotency_key));
    }
    MutationRecord m;
    FillRecord(m, inc, ctx.actor, ctx.request_id, idempotency_key, fingerprint, now);
    m.kind = "declared";
    m.update_id = update ? update->id : 0;
    m.details = absl::StrCat(
        "declared ", SeverityName(inc.severity), " \"", inc.title, "\"",
        update ? " with its first update" : "", "; incident commander ", inc.commander,
        inc.comms_lead.empty() ? "" : absl::StrCat(", communications lead ", inc.comms_lead),
        lint_note);
    if (update) {
      m.lint_override_reason = update->lint_override_reason;
      m.third_party_confirmed = update->third_party_confirmed;
    }
    RETURN_IF_ERROR(tx.Record(m, &result.sequence));
    result.incident = std::move(inc);
    result.update = std::move(update);
    return absl::OkStatus();
  }));
  if (earlier) return Replay(*earlier, "declared", fingerprint);
  return result;
}

absl::StatusOr<WriteResult> IncidentCommands::Mutate(
    const CallContext& ctx, const WriteGuard& guard, const std::string& operation,
    const std::string& fingerprint, const Mutation& mutation, const AfterSave& after_save) {
  if (guard.incident_ref.empty()) return InvalidField("incident_ref", "is required (e.g. INC-12)");
  const absl::Time now = Now();
  WriteResult result;
  absl::optional<IdempotentResult> earlier;
  RETURN_IF_ERROR(store_.RunInTransaction([&](StoreTransaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(absl::optional<Incident> locked, LockGuarded(tx, guard, earlier));
    if (!locked) return absl::OkStatus();
    Incident& inc = *locked;
    MutationRecord m;
    ASSIGN_OR_RETURN(absl::optional<Update> update, mutation(inc, now, tx, m));
    inc.version += 1;
    inc.updated_at = now;
    RETURN_IF_ERROR(tx.SaveIncident(inc));
    if (update) {
      ASSIGN_OR_RETURN(update->id, tx.InsertUpdate(inc.id, *update, guard.idempotency_key));
      m.lint_override_reason = update->lint_override_reason;
      m.third_party_confirmed = update->third_party_confirmed;
    }
    if (after_save) RETURN_IF_ERROR(after_save(tx, inc, update));
    FillRecord(m, inc, ctx.actor, ctx.request_id, guard.idempotency_key, fingerprint, now);
    if (update) m.update_id = update->id;  // else the mutation's (a correction's) or 0
    RETURN_IF_ERROR(tx.Record(m, &result.sequence));
    result.incident = std::move(inc);
    result.update = std::move(update);
    return absl::OkStatus();
  }));
  if (earlier) return Replay(*earlier, operation, fingerprint);
  return result;
}

absl::StatusOr<WriteResult> IncidentCommands::PostUpdate(
    const CallContext& ctx, const WriteGuard& guard, const UpdateDraft& draft,
    const std::vector<AffectedComponent>& affected) {
  RETURN_IF_ERROR(rules_.CheckWriteMeta(ctx.actor, guard.idempotency_key, true,
                                        guard.expected_version));
  RETURN_IF_ERROR(CheckOverrideReason(guard.lint_override_reason));
  std::vector<std::string> f = {guard.incident_ref, absl::StrCat(guard.expected_version)};
  AddDraftFields(f, draft);
  AddAffected(f, affected);
  AddOverride(f, guard.lint_override_reason);
  return Mutate(ctx, guard, "updated", Fingerprint(f),
                [&](Incident& inc, absl::Time now, StoreTransaction& tx,
                    MutationRecord& m) -> absl::StatusOr<absl::optional<Update>> {
                  RETURN_IF_ERROR(MayPost(inc, ctx, "post an update"));
                  ASSIGN_OR_RETURN(Update u,
                                   PostLocked(ctx, guard, draft, affected, inc, now, tx, m));
                  return absl::optional<Update>(std::move(u));
                });
}

absl::StatusOr<Update> IncidentCommands::PostLocked(const CallContext& ctx, const WriteGuard& guard,
                                                    const UpdateDraft& draft,
                                                    const std::vector<AffectedComponent>& affected,
                                                    Incident& inc, absl::Time now,
                                                    StoreTransaction& tx, MutationRecord& m) const {
  IncidentState before = inc.state;
  ASSIGN_OR_RETURN(Update u, rules_.ApplyUpdate(inc, draft, affected, ctx.actor, now));
  if (!affected.empty()) {
    RETURN_IF_ERROR(tx.CheckComponentsExist(affected, "affected_components"));
  }
  std::string note;
  RETURN_IF_ERROR(LintPosted(inc, before, draft.banner_text, draft.third_party_confirmed,
                             guard.lint_override_reason, "update.", u, &note));
  // The standing promise is still due after a banner-only update: say so
  // among its findings.
  absl::optional<lint::Finding> note_promise =
      BannerOnlyUpdateNote(inc.next_update_at, u.channels, u.message.size());
  if (note_promise) u.lint_findings.push_back(*std::move(note_promise));
  m.kind = "updated";
  m.details = absl::StrCat("posted a ", UpdateKindName(u.kind), " update (", StateName(before),
                           " -> ", StateName(u.state), ")", note);
  return u;
}

absl::Status IncidentCommands::MayPost(const Incident& inc, const CallContext& ctx,
                                       const std::string& what, bool suggest_draft) const {
  return CheckMayPost(post_policy_, inc, Poster{ctx.actor, ctx.admin}, what, suggest_draft);
}

absl::StatusOr<WriteResult> IncidentCommands::ChangeSeverity(const CallContext& ctx,
                                                             const WriteGuard& guard, Severity to,
                                                             const std::string& reason) {
  RETURN_IF_ERROR(rules_.CheckWriteMeta(ctx.actor, guard.idempotency_key, true,
                                        guard.expected_version));
  const std::string fp = Fingerprint({guard.incident_ref, absl::StrCat(guard.expected_version),
                                      absl::StrCat(static_cast<int>(to)), reason});
  return Mutate(ctx, guard, "severity_changed", fp,
                [&](Incident& inc, absl::Time now, StoreTransaction& tx,
                    MutationRecord& m) -> absl::StatusOr<absl::optional<Update>> {
                  ASSIGN_OR_RETURN(SeverityChange c,
                                   rules_.ApplySeverityChange(inc, to, reason, ctx.actor, now));
                  RETURN_IF_ERROR(tx.InsertSeverityChange(inc.id, c));
                  m.kind = "severity_changed";
                  m.details = absl::StrCat("severity ", SeverityName(c.from), " -> ",
                                           SeverityName(c.to),
                                           reason.empty() ? "" : absl::StrCat(": ", reason));
                  return absl::optional<Update>();
                });
}

absl::StatusOr<WriteResult> IncidentCommands::Resolve(const CallContext& ctx,
                                                      const WriteGuard& guard,
                                                      const std::string& message,
                                                      const std::vector<Channel>& channels,
                                                      bool third_party_confirmed) {
  RETURN_IF_ERROR(rules_.CheckWriteMeta(ctx.actor, guard.idempotency_key, true,
                                        guard.expected_version));
  RETURN_IF_ERROR(CheckOverrideReason(guard.lint_override_reason));
  std::vector<std::string> f = {guard.incident_ref, absl::StrCat(guard.expected_version), message};
  for (Channel c : channels) f.push_back(ChannelName(c));
  if (third_party_confirmed) f.push_back("tp");
  AddOverride(f, guard.lint_override_reason);
  return Mutate(ctx, guard, "resolved", Fingerprint(f),
                [&](Incident& inc, absl::Time now, StoreTransaction&,
                    MutationRecord& m) -> absl::StatusOr<absl::optional<Update>> {
                  RETURN_IF_ERROR(MayPost(inc, ctx, "resolve it"));
                  IncidentState before = inc.state;
                  ASSIGN_OR_RETURN(Update u,
                                   rules_.ApplyResolve(inc, message, channels, ctx.actor, now));
                  std::string note;
                  RETURN_IF_ERROR(LintPosted(inc, before, "", third_party_confirmed,
                                             guard.lint_override_reason, "", u, &note));
                  m.kind = "resolved";
                  m.details = absl::StrCat("resolved with a resolution message", note);
                  return absl::optional<Update>(std::move(u));
                });
}

absl::StatusOr<WriteResult> IncidentCommands::Reopen(const CallContext& ctx,
                                                     const WriteGuard& guard,
                                                     const std::string& reason,
                                                     const UpdateDraft& draft) {
  RETURN_IF_ERROR(rules_.CheckWriteMeta(ctx.actor, guard.idempotency_key, true,
                                        guard.expected_version));
  RETURN_IF_ERROR(CheckOverrideReason(guard.lint_override_reason));
  std::vector<std::string> f = {guard.incident_ref, absl::StrCat(guard.expected_version), reason};
  AddDraftFields(f, draft);
  AddOverride(f, guard.lint_override_reason);
  return Mutate(
      ctx, guard, "reopened", Fingerprint(f),
      [&](Incident& inc, absl::Time now, StoreTransaction&,
          MutationRecord& m) -> absl::StatusOr<absl::optional<Update>> {
        RETURN_IF_ERROR(MayPost(inc, ctx, "reopen it"));
        IncidentState before = inc.state;
        ASSIGN_OR_RETURN(Update u, rules_.ApplyReopen(inc, reason, draft, ctx.actor, now));
        std::string note;
        RETURN_IF_ERROR(LintPosted(inc, before, draft.banner_text, draft.third_party_confirmed,
                                   guard.lint_override_reason, "update.", u, &note));
        m.kind = "reopened";
        m.details = absl::StrCat("reopened: ", reason, note);
        return absl::optional<Update>(std::move(u));
      });
}

absl::StatusOr<WriteResult> IncidentCommands::PublishPostmortem(const CallContext& ctx,
                                                                const WriteGuard& guard,
                                                                const std::string& url,
                                                                const std::string& body) {
  RETURN_IF_ERROR(rules_.CheckWriteMeta(ctx.actor, guard.idempotency_key, true,
                                        guard.expected_version));
  RETURN_IF_ERROR(CheckOverrideReason(guard.lint_override_reason));
  std::vector<std::string> f = {guard.incident_ref, absl::StrCat(guard.expected_version), url,
                                body};
  AddOverride(f, guard.lint_override_reason);
  return Mutate(ctx, guard, "postmortem_published", Fingerprint(f),
                [&](Incident& inc, absl::Time now, StoreTransaction& tx,
                    MutationRecord& m) -> absl::StatusOr<absl::optional<Update>> {
                  RETURN_IF_ERROR(MayPost(inc, ctx, "publish its postmortem"));
                  ASSIGN_OR_RETURN(Postmortem p,
                                   rules_.ApplyPostmortem(inc, url, body, ctx.actor, now));
                  // The body is linted like an update (names, internal detail), at the
                  // incident's severity; a revision is a new version, never a rewrite.
                  std::string note;
                  if (linter_ != nullptr && !body.empty()) {
                    lint::LintInput in;
                    in.message = body;
                    in.phase = lint::Phase::kPostmortem;
                    in.severity = inc.severity;
                    in.state_before = in.state_after = IncidentState::kResolved;
                    in.affected_components = ComponentNames(inc.affected);
                    RETURN_IF_ERROR(LintUnderPolicy(inc, in, guard.lint_override_reason,
                                                    {"body", "body"}, inc.ref + "'s postmortem",
                                                    &p.lint_findings, &note));
                  }
                  p.lint_override_reason = guard.lint_override_reason;
                  inc.postmortem = p;
                  RETURN_IF_ERROR(tx.SavePostmortem(inc.id, p));
                  m.kind = "postmortem_published";
                  m.details = absl::StrCat(
                      p.revision > 1 ? absl::StrCat("revised the postmortem (version ", p.revision, ")")
                                     : std::string("published a postmortem"),
                      url.empty() ? "" : absl::StrCat(" at ", url), note);
                  return absl::optional<Update>();
                });
}

absl::Status IncidentCommands::CheckOverrideReason(const std::string& reason) const {
  if (reason.empty()) return absl::OkStatus();
  std::string problem = CheckText(reason, rules_.limits().reason_bytes, true);
  if (!problem.empty()) return InvalidField("lint_override_reason", problem);
  return absl::OkStatus();
}

absl::Status IncidentCommands::LintPosted(const Incident& inc, IncidentState state_before,
                                          const std::string& banner_text,
                                          bool third_party_confirmed,
                                          const std::string& override_reason,
                                          const std::string& field_prefix, Update& u,
                                          std::string* audit_note) const {
  u.lint_override_reason = override_reason;
  u.third_party_confirmed = third_party_confirmed;
  const std::string confirmed_note = third_party_confirmed ? "; third party confirmed" : "";
  *audit_note = confirmed_note;
  if (!override_reason.empty()) {
    absl::StrAppend(audit_note, "; lint override: ", OneLine(override_reason));
  }
  if (linter_ == nullptr) return absl::OkStatus();
  const lint::LintInput in =
      LintInputFor(inc, state_before, banner_text, third_party_confirmed, u);
  std::string policy_note;
  RETURN_IF_ERROR(LintUnderPolicy(inc, in, override_reason,
                                  {field_prefix + "message", field_prefix + "banner_text"},
                                  inc.ref.empty() ? "the first update" : inc.ref + "'s update",
                                  &u.lint_findings, &policy_note));
  if (!policy_note.empty()) *audit_note = absl::StrCat(confirmed_note, policy_note);
  return absl::OkStatus();
}

absl::Status IncidentCommands::LintUnderPolicy(const Incident& inc, const lint::LintInput& in,
                                               const std::string& override_reason,
                                               const std::pair<std::string, std::string>& fields,
                                               const std::string& what,
                                               std::vector<lint::Finding>* out,
                                               std::string* audit_note) const {
  ASSIGN_OR_RETURN(std::vector<lint::Finding> findings, linter_->Lint(in));
  const size_t errors = ErrorCount(findings);
  // An unfilled template placeholder is never a judgement call: it is refused
  // at every severity, whatever the policy (an override still posts it).
  const bool placeholder_left =
      std::any_of(findings.begin(), findings.end(), [](const lint::Finding& f) {
        return f.level == lint::Level::kError && f.rule_id == kUnfilledPlaceholderRule;
      });
  if (errors > 0 && override_reason.empty() &&
      (placeholder_left || lint_policy_.RejectsErrorsAt(inc.severity))) {
    FieldViolations v;
    std::vector<std::string> described;
    for (const lint::Finding& f : findings) {
      if (f.level != lint::Level::kError) continue;
      const std::string& field =
          f.field == lint::TextField::kBannerText ? fields.second : fields.first;
      v.Add(field, DescribeFinding(f));
      described.push_back(DescribeFinding(f));
    }
    return v.ToStatusWith(
        absl::StatusCode::kFailedPrecondition,
        absl::StrCat(what, " has ", errors,
                     errors == 1 ? " lint error" : " lint errors", ", and ",
                     lint_policy_.RejectsErrorsAt(inc.severity)
                         ? absl::StrCat(SeverityName(inc.severity), " updates with lint errors")
                         : std::string("updates with unfilled placeholders"),
                     " are not posted: ", absl::StrJoin(described, "; "),
                     ". Fix the text, or post it anyway with lint_override_reason "
                     "(statuscastctl: --override \"why\"); nothing was written"));
  }
  if (errors > 0 && !override_reason.empty()) {
    *audit_note = absl::StrCat("; posted despite ", errors,
                               errors == 1 ? " lint error" : " lint errors",
                               ", override: ", OneLine(override_reason));
  }
  *out = std::move(findings);
  return absl::OkStatus();
}

lint::LintInput IncidentCommands::LintInputFor(const Incident& inc, IncidentState state_before,
                                               const std::string& banner_text,
                                               bool third_party_confirmed, const Update& u) const {
  lint::LintInput in;
  in.message = u.message;
  in.banner_text = banner_text;
  in.phase = PhaseFor(u.kind);
  in.severity = inc.severity;
  in.state_before = state_before;
  in.state_after = u.state;
  in.channels = u.channels;
  in.third_party_confirmed = third_party_confirmed;
  in.next_update_at = u.next_update_at;
  in.affected_components = ComponentNames(inc.affected);
  return in;
}

absl::StatusOr<std::vector<lint::Finding>> IncidentCommands::LintDraft(
    const std::string& incident_ref, lint::LintInput in) {
  if (linter_ == nullptr) {
    return absl::FailedPreconditionError("this server has no linter configured");
  }
  FieldViolations v;
  if (in.message.size() > lint::kMaxLintTextBytes) {
    v.Add("message",
          absl::StrCat("is ", in.message.size(), " bytes; the limit is ", lint::kMaxLintTextBytes));
  }
  if (in.banner_text.size() > lint::kMaxLintTextBytes) {
    v.Add("banner_text", absl::StrCat("is ", in.banner_text.size(), " bytes; the limit is ",
                                      lint::kMaxLintTextBytes));
  }
  if (in.affected_components.size() > kMaxLintComponents) {
    v.Add("affected_components", absl::StrCat("lists more than ", kMaxLintComponents));
  }
  if (incident_ref.size() > 64) v.Add("incident_ref", "is not an incident reference (like INC-12)");
  RETURN_IF_ERROR(v.ToStatus());
  if (!incident_ref.empty()) {
    ASSIGN_OR_RETURN(Incident inc, store_.GetIncident(incident_ref, false));
    if (in.severity == lint::Severity::kUnspecified) {
      in.severity = inc.severity;
    }
    if (in.state_before == lint::State::kUnspecified) {
      in.state_before = inc.state;
    }
    // An update that names no state keeps the incident's (while open).
    if (in.state_after == lint::State::kUnspecified && inc.state != IncidentState::kResolved) {
      in.state_after = inc.state;
    }
    if (in.affected_components.empty()) in.affected_components = ComponentNames(inc.affected);
    if (in.phase == lint::Phase::kUnspecified) {
      in.phase = in.state_after == lint::State::kResolved ? lint::Phase::kResolution
                 : inc.first_communication_at             ? lint::Phase::kUpdate
                                                          : lint::Phase::kFirst;
    }
  }
  return linter_->Lint(in);
}

void DescribeIncidentForTemplate(const Incident& inc, lint::TemplateInput& in) {
  auto went_to = [](const Update& u, Channel c) {
    return std::find(u.channels.begin(), u.channels.end(), c) != u.channels.end();
  };
  // A no-progress update keeps the banner text shown now ...
  in.banner_text.clear();
  for (auto u = inc.updates.rbegin(); u != inc.updates.rend(); ++u) {
    if (went_to(*u, Channel::kInAppBanner)) {
      in.banner_text = u->banner_text;
      break;
    }
  }
  // ... and restates the last message customers could read on the status
  // page that said something new.
  in.last_message.clear();
  in.last_message_at.reset();
  for (auto u = inc.updates.rbegin(); u != inc.updates.rend(); ++u) {
    if (u->kind == UpdateKind::kNoProgress || u->message.empty() ||
        !went_to(*u, Channel::kStatusPage)) {
      continue;
    }
    in.last_message = u->message;
    in.last_message_at = u->posted_at;
    break;
  }
  in.title = inc.title;
  in.severity = inc.severity;
  in.state = inc.state == IncidentState::kResolved || inc.state == IncidentState::kUnspecified
                 ? lint::State::kInvestigating
                 : inc.state;
  in.affected_components = ComponentNames(inc.affected);
}

absl::StatusOr<FilledUpdate> IncidentCommands::FillTemplate(
    const std::string& incident_ref, lint::Tone tone, absl::optional<absl::Time> next_update_at,
    const lint::TemplateInput& extras) {
  RETURN_IF_ERROR(lint::CheckTemplateSentences(extras));
  if (incident_ref.empty()) return InvalidField("incident_ref", "is required (e.g. INC-12)");
  // The timeline too: the banner text shown now and the last message.
  ASSIGN_OR_RETURN(Incident inc, store_.GetIncident(incident_ref, true));
  const absl::Time now = Now();
  lint::TemplateInput in = extras;
  DescribeIncidentForTemplate(inc, in);
  in.next_update_at.reset();
  const Promises& promises = rules_.promises();
  // The template follows the incident's state; resolving leaves nothing promised.
  const IncidentState after =
      tone == lint::Tone::kResolving ? IncidentState::kResolved : IncidentState::kInvestigating;
  if (promises.Allowed(inc.severity, after)) {
    if (next_update_at) {
      std::string problem = promises.Check(inc.severity, after, {Channel::kStatusPage},
                                           next_update_at, now);
      if (!problem.empty()) return InvalidField("next_update_at", problem);
      in.next_update_at = Promises::ToMinute(*next_update_at, now);
    } else {
      // A minute short of the cadence, so posting it a little later still fits.
      in.next_update_at = promises.Default(inc.severity, now, absl::Minutes(1));
    }
  }
  FilledUpdate out;
  ASSIGN_OR_RETURN(out.text, lint::FillTemplate(tone, in));
  out.next_update_at = in.next_update_at;
  if (linter_ != nullptr) {
    ASSIGN_OR_RETURN(out.findings, linter_->Lint(lint::TemplateLintInput(tone, in, out.text)));
  }
  return out;
}

}  // namespace statuscast
