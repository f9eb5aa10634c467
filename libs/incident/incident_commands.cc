#include "libs/incident/incident_commands.h"

#include <algorithm>
#include <cstdio>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "libs/base/field_violations.h"
#include "libs/base/fingerprint.h"
#include "libs/base/status_macros.h"
#include "libs/base/text_limits.h"

namespace statuscast {
namespace {

std::string TimeField(const absl::optional<absl::Time>& t) {
  return t ? absl::StrCat(absl::ToUnixMicros(*t)) : "-";
}

void AddDraft(std::vector<std::string>& f, const UpdateDraft& d) {
  f.push_back(absl::StrCat(static_cast<int>(d.state)));
  f.push_back(d.message);
  f.push_back(d.banner_text);
  std::string ch;
  for (Channel c : d.channels) absl::StrAppend(&ch, static_cast<int>(c), ",");
  f.push_back(ch);
  f.push_back(TimeField(d.next_update_at));
  f.push_back(d.no_progress ? "np" : "");
  // Appended only when set, so fingerprints of older requests stay the same.
  if (d.third_party_confirmed) f.push_back("tp");
  if (d.use_default_next_update) f.push_back("default-next");
}

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
  if (r.operation != operation || r.fingerprint != fingerprint) {
    return absl::AlreadyExistsError(absl::StrCat(
        "idempotency_key was already used for a different request (", r.operation, " on ",
        r.incident_ref, "); use a new key for a new write"));
  }
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
  if (in.first_update) AddDraft(f, *in.first_update);
  AddOverride(f, in.lint_override_reason);
  const std::string fingerprint = Fingerprint(f);
  const absl::Time now = Now();

  absl::optional<Update> first;
  ASSIGN_OR_RETURN(Incident incident, rules_.Declare(in, now, &first));
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
    absl::optional<Update> update = first;
    if (update) {
      ASSIGN_OR_RETURN(update->id, tx.InsertUpdate(inc.id, *update, idempotency_key));
    }
    MutationRecord m;
    m.kind = "declared";
    m.incident_id = inc.id;
    m.incident_ref = inc.ref;
    m.incident_version = inc.version;
    m.update_id = update ? update->id : 0;
    m.actor = ctx.actor;
    m.request_id = ctx.request_id;
    m.idempotency_key = idempotency_key;
    m.fingerprint = fingerprint;
    m.details = absl::StrCat("declared ", SeverityName(inc.severity), " \"", inc.title, "\"",
                             update ? " with its first update" : "", lint_note);
    m.at = now;
    RETURN_IF_ERROR(tx.Record(m, &result.sequence));
    result.incident = std::move(inc);
    result.update = std::move(update);
    return absl::OkStatus();
  }));
  if (earlier) return Replay(*earlier, "declared", fingerprint);
  return result;
}

absl::StatusOr<WriteResult> IncidentCommands::Mutate(const CallContext& ctx,
                                                     const WriteGuard& guard,
                                                     const std::string& operation,
                                                     const std::string& fingerprint,
                                                     const Mutation& mutation) {
  if (guard.incident_ref.empty()) return InvalidField("incident_ref", "is required (e.g. INC-12)");
  const absl::Time now = Now();
  WriteResult result;
  absl::optional<IdempotentResult> earlier;
  RETURN_IF_ERROR(store_.RunInTransaction([&](StoreTransaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(earlier, tx.FindIdempotent(guard.idempotency_key));
    if (earlier) return absl::OkStatus();
    ASSIGN_OR_RETURN(Incident inc, tx.LockIncident(guard.incident_ref));
    if (inc.version != guard.expected_version) {
      return absl::AbortedError(absl::StrCat(
          inc.ref, " has changed since version ", guard.expected_version, " (it is now version ",
          inc.version, "); read it again, then retry with expected_version ", inc.version));
    }
    MutationRecord m;
    ASSIGN_OR_RETURN(absl::optional<Update> update, mutation(inc, now, tx, m));
    inc.version += 1;
    inc.updated_at = now;
    RETURN_IF_ERROR(tx.SaveIncident(inc));
    if (update) {
      ASSIGN_OR_RETURN(update->id, tx.InsertUpdate(inc.id, *update, guard.idempotency_key));
    }
    m.incident_id = inc.id;
    m.incident_ref = inc.ref;
    m.incident_version = inc.version;
    if (update) m.update_id = update->id;  // else the mutation's (a correction's) or 0
    m.actor = ctx.actor;
    m.request_id = ctx.request_id;
    m.idempotency_key = guard.idempotency_key;
    m.fingerprint = fingerprint;
    m.at = now;
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
  AddDraft(f, draft);
  AddAffected(f, affected);
  AddOverride(f, guard.lint_override_reason);
  return Mutate(ctx, guard, "updated", Fingerprint(f),
                [&](Incident& inc, absl::Time now, StoreTransaction& tx,
                    MutationRecord& m) -> absl::StatusOr<absl::optional<Update>> {
                  IncidentState before = inc.state;
                  ASSIGN_OR_RETURN(Update u, rules_.ApplyUpdate(inc, draft, affected, ctx.actor, now));
                  if (!affected.empty()) {
                    RETURN_IF_ERROR(tx.CheckComponentsExist(affected, "affected_components"));
                  }
                  std::string note;
                  RETURN_IF_ERROR(LintPosted(inc, before, draft.banner_text,
                                             draft.third_party_confirmed,
                                             guard.lint_override_reason, "update.", u, &note));
                  // The standing promise is still due after a banner-only update:
                  // say so among its findings.
                  absl::optional<lint::Finding> note_promise =
                      BannerOnlyUpdateNote(inc.next_update_at, u.channels, u.message.size());
                  if (note_promise) u.lint_findings.push_back(*std::move(note_promise));
                  m.kind = "updated";
                  m.details =
                      absl::StrCat("posted a ", UpdateKindName(u.kind), " update (",
                                   StateName(before), " -> ", StateName(u.state), ")", note);
                  return absl::optional<Update>(std::move(u));
                });
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
  AddDraft(f, draft);
  AddOverride(f, guard.lint_override_reason);
  return Mutate(
      ctx, guard, "reopened", Fingerprint(f),
      [&](Incident& inc, absl::Time now, StoreTransaction&,
          MutationRecord& m) -> absl::StatusOr<absl::optional<Update>> {
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

absl::StatusOr<FilledUpdate> IncidentCommands::FillTemplate(
    const std::string& incident_ref, lint::Tone tone, absl::optional<absl::Time> next_update_at,
    const lint::TemplateInput& extras) {
  RETURN_IF_ERROR(lint::CheckTemplateSentences(extras));
  if (incident_ref.empty()) return InvalidField("incident_ref", "is required (e.g. INC-12)");
  // The timeline too: a no-progress update keeps the banner text shown now.
  ASSIGN_OR_RETURN(Incident inc, store_.GetIncident(incident_ref, true));
  const absl::Time now = Now();
  lint::TemplateInput in = extras;
  in.banner_text.clear();
  for (auto u = inc.updates.rbegin(); u != inc.updates.rend(); ++u) {
    if (std::find(u->channels.begin(), u->channels.end(), Channel::kInAppBanner) !=
        u->channels.end()) {
      in.banner_text = u->banner_text;
      break;
    }
  }
  in.title = inc.title;
  in.severity = inc.severity;
  in.state = inc.state == IncidentState::kResolved || inc.state == IncidentState::kUnspecified
                 ? lint::State::kInvestigating
                 : inc.state;
  in.affected_components = ComponentNames(inc.affected);
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

absl::StatusOr<Incident> IncidentCommands::GetIncident(const std::string& ref) {
  if (ref.empty()) return InvalidField("incident_ref", "is required (e.g. INC-12)");
  return store_.GetIncident(ref, true);
}

absl::StatusOr<IncidentPage> IncidentCommands::ListIncidents(IncidentQuery query,
                                                             const std::string& page_token,
                                                             std::string* next_page_token) {
  FieldViolations v;
  if (query.states.size() > 4) v.Add("states", "lists more than the four states");
  if (query.severities.size() > 3) v.Add("severities", "lists more than the three severities");
  for (IncidentState s : query.states) {
    if (!IsKnown(s) || s == IncidentState::kUnspecified) v.Add("states", "holds an unknown state");
  }
  for (Severity s : query.severities) {
    if (!IsKnown(s) || s == Severity::kUnspecified) {
      v.Add("severities", "holds an unknown severity");
    }
  }
  if (query.page_size == 0) query.page_size = 50;
  if (query.page_size < 1 || query.page_size > 200) v.Add("page_size", "must be 1..200");
  if (query.started_after && query.started_before && *query.started_after >= *query.started_before) {
    v.Add("started_before", "must be after started_after");
  }
  if (page_token.size() > kMaxPageTokenBytes) {
    v.Add("page_token", "is too long");
  } else if (!page_token.empty()) {
    std::string raw;
    std::vector<std::string> parts;
    int64_t micros = 0;
    if (!absl::WebSafeBase64Unescape(page_token, &raw) ||
        (parts = absl::StrSplit(raw, ':')).size() != 2 || !absl::SimpleAtoi(parts[0], &micros) ||
        !absl::SimpleAtoi(parts[1], &query.after_id)) {
      v.Add("page_token", "is not a token this service issued; start again without one");
    } else {
      query.after_start = absl::FromUnixMicros(micros);
    }
  }
  RETURN_IF_ERROR(v.ToStatus());
  ASSIGN_OR_RETURN(IncidentPage page, store_.ListIncidents(query));
  next_page_token->clear();
  if (page.has_more && !page.incidents.empty()) {
    const Incident& last = page.incidents.back();
    *next_page_token = absl::WebSafeBase64Escape(
        absl::StrCat(absl::ToUnixMicros(last.confirmed_start), ":", last.id));
  }
  return page;
}

}  // namespace statuscast
