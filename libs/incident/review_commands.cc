// IncidentCommands: roles and the review of drafts (incident_commands.h).
#include <algorithm>
#include <functional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "libs/base/field_violations.h"
#include "libs/base/fingerprint.h"
#include "libs/base/status_macros.h"
#include "libs/base/text_limits.h"
#include "libs/base/time_text.h"
#include "libs/incident/incident_commands.h"
#include "libs/incident/write_support.h"

namespace statuscast {
namespace {

constexpr char kDraftProposed[] = "draft_proposed";
constexpr char kDraftRejected[] = "draft_rejected";

absl::Status NoSuchDraft(const std::string& ref, int64_t draft_id) {
  return absl::NotFoundError(absl::StrCat(ref, " has no draft ", draft_id,
                                          " (statuscastctl drafts ", ref, " --all lists them)"));
}

// FAILED_PRECONDITION for a draft that is no longer pending.
absl::Status CheckPending(const Draft& d) {
  if (d.status == DraftStatus::kPending) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      "draft ", d.id, " of ", d.incident_ref, " was already ", DraftStatusName(d.status), " by ",
      d.decided_by, d.decided_at ? absl::StrCat(" at ", FormatUtcClock(*d.decided_at)) : "",
      "; nothing was written. Propose a new draft to post other text"));
}

size_t Errors(const std::vector<lint::Finding>& findings) {
  return std::count_if(findings.begin(), findings.end(),
                       [](const lint::Finding& f) { return f.level == lint::Level::kError; });
}

// The draft written under `key`, from the incident's drafts.
absl::StatusOr<Draft> DraftByKey(IncidentStore& store, const std::string& ref,
                                 const std::string& key) {
  ASSIGN_OR_RETURN(std::vector<Draft> all, store.ListDrafts(ref, false));
  for (const Draft& d : all) {
    if (d.idempotency_key == key) return d;
  }
  return absl::NotFoundError(absl::StrCat("the draft written under this idempotency_key is gone"));
}

absl::StatusOr<Draft> DraftById(IncidentStore& store, const std::string& ref, int64_t id) {
  ASSIGN_OR_RETURN(std::vector<Draft> all, store.ListDrafts(ref, false));
  for (const Draft& d : all) {
    if (d.id == id) return d;
  }
  return NoSuchDraft(ref, id);
}

// The answer to a draft write under a key already used: the same request
// (CheckSameRequest) gets the draft as `find` reads it now.
absl::StatusOr<DraftResult> ReplayDraft(const IdempotentResult& earlier,
                                        const std::string& operation,
                                        const std::string& fingerprint,
                                        const std::function<absl::StatusOr<Draft>()>& find) {
  RETURN_IF_ERROR(CheckSameRequest(earlier, operation, fingerprint));
  DraftResult replay;
  replay.replayed = true;
  replay.sequence = earlier.sequence;
  ASSIGN_OR_RETURN(replay.draft, find());
  return replay;
}

// A draft whose state is resolved proposes the resolution: its message is
// the resolution message. A resolution clears the banner and promises no
// next update, so those fields must be empty (use_default_next_update is
// moot: a resolution never requires a promise).
bool ProposesResolution(const UpdateDraft& d) { return d.state == IncidentState::kResolved; }

absl::Status CheckResolutionDraft(const UpdateDraft& d, const std::string& prefix) {
  FieldViolations v;
  if (!d.banner_text.empty()) {
    v.Add(prefix + "banner_text", "must be empty on a resolution: resolving clears the banner");
  }
  if (d.next_update_at) {
    v.Add(prefix + "next_update_at", "must be unset on a resolution: it promises no next update");
  }
  if (d.no_progress) v.Add(prefix + "no_progress", "does not go with a resolution");
  return v.ToStatus();
}

}  // namespace

absl::Status IncidentCommands::CheckRoleName(const std::string& name,
                                             const std::string& field) const {
  FieldViolations v;
  std::string problem = CheckText(name, rules_.limits().author_bytes, false);
  if (!problem.empty()) v.Add(field, problem);
  if (problem.empty() && name.find_first_of(" ") != std::string::npos) {
    v.Add(field, "is not a token name (no spaces): name the token that takes the role");
  }
  return v.ToStatus();
}

absl::StatusOr<WriteResult> IncidentCommands::SetRoles(const CallContext& ctx,
                                                       const WriteGuard& guard,
                                                       const std::string& commander,
                                                       const std::string& comms_lead) {
  RETURN_IF_ERROR(
      rules_.CheckWriteMeta(ctx.actor, guard.idempotency_key, true, guard.expected_version));
  if (commander.empty() && comms_lead.empty()) {
    return InvalidField("commander",
                        "or comms_lead is required: name the token that takes the role");
  }
  if (!commander.empty()) RETURN_IF_ERROR(CheckRoleName(commander, "commander"));
  if (!comms_lead.empty()) RETURN_IF_ERROR(CheckRoleName(comms_lead, "comms_lead"));
  const std::string fp = Fingerprint(
      {guard.incident_ref, absl::StrCat(guard.expected_version), commander, comms_lead});
  return Mutate(
      ctx, guard, "roles_changed", fp,
      [&](Incident& inc, absl::Time now, StoreTransaction& tx,
          MutationRecord& m) -> absl::StatusOr<absl::optional<Update>> {
        RETURN_IF_ERROR(CheckMaySetRoles(post_policy_, inc, Poster{ctx.actor, ctx.admin}));
        std::vector<RoleChange> changes;
        auto set = [&](IncidentRole role, std::string& held, const std::string& to) {
          if (to.empty() || to == held) return;
          changes.push_back({role, held, to, ctx.actor, now});
          held = to;
        };
        set(IncidentRole::kCommander, inc.commander, commander);
        set(IncidentRole::kCommsLead, inc.comms_lead, comms_lead);
        if (changes.empty()) {
          return absl::FailedPreconditionError(absl::StrCat(
              inc.ref, " already has those roles (incident commander ", inc.commander,
              ", communications lead ", inc.comms_lead.empty() ? "none" : inc.comms_lead,
              "); nothing was written"));
        }
        RETURN_IF_ERROR(tx.SaveRoles(inc, changes));
        std::vector<std::string> said;
        for (const RoleChange& c : changes) {
          said.push_back(absl::StrCat(IncidentRoleWords(c.role), " ",
                                      c.from.empty() ? "(none)" : c.from, " -> ", c.to));
        }
        m.kind = "roles_changed";
        m.details = absl::StrJoin(said, "; ");
        return absl::optional<Update>();
      });
}

absl::StatusOr<DraftResult> IncidentCommands::ProposeUpdate(const CallContext& ctx,
                                                            const WriteGuard& guard,
                                                            const UpdateDraft& draft) {
  RETURN_IF_ERROR(
      rules_.CheckWriteMeta(ctx.actor, guard.idempotency_key, true, guard.expected_version));
  if (guard.incident_ref.empty()) return InvalidField("incident_ref", "is required (e.g. INC-12)");
  std::vector<std::string> f = {guard.incident_ref, absl::StrCat(guard.expected_version)};
  AddDraftFields(f, draft);
  const std::string fingerprint = Fingerprint(f);
  ASSIGN_OR_RETURN(std::vector<Draft> pending, store_.ListDrafts(guard.incident_ref, true));
  if (pending.size() >= kMaxPendingDrafts) {
    return absl::FailedPreconditionError(absl::StrCat(
        guard.incident_ref, " already has ", pending.size(),
        " drafts waiting for review; approve or reject some first (statuscastctl drafts ",
        guard.incident_ref, ")"));
  }
  const absl::Time now = Now();
  DraftResult result;
  absl::optional<IdempotentResult> earlier;
  RETURN_IF_ERROR(store_.RunInTransaction([&](StoreTransaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(absl::optional<Incident> locked, LockGuarded(tx, guard, earlier));
    if (!locked) return absl::OkStatus();
    const Incident& inc = *locked;
    // Checked as if posted now, on a copy: the same errors an update (or a
    // resolution) gets.
    Incident as_posted = inc;
    Update u;
    if (ProposesResolution(draft)) {
      RETURN_IF_ERROR(CheckResolutionDraft(draft, "update."));
      ASSIGN_OR_RETURN(u, rules_.ApplyResolve(as_posted, draft.message, draft.channels,
                                              ctx.actor, now));
    } else {
      ASSIGN_OR_RETURN(u, rules_.ApplyUpdate(as_posted, draft, {}, ctx.actor, now));
    }
    Draft d;
    d.incident_id = inc.id;
    d.incident_ref = inc.ref;
    d.update = draft;
    d.author = ctx.actor;
    d.proposed_at = now;
    d.based_on_version = inc.version;
    d.idempotency_key = guard.idempotency_key;
    if (linter_ != nullptr) {
      ASSIGN_OR_RETURN(d.lint_findings,
                       linter_->Lint(LintInputFor(as_posted, inc.state, draft.banner_text,
                                                  draft.third_party_confirmed, u)));
    }
    RETURN_IF_ERROR(tx.InsertDraft(d));
    MutationRecord m;
    FillRecord(m, inc, ctx.actor, ctx.request_id, guard.idempotency_key, fingerprint, now);
    m.kind = kDraftProposed;
    const size_t errors = Errors(d.lint_findings);
    m.details = absl::StrCat("proposed draft ", d.id, ": a ", UpdateKindName(u.kind), " update (",
                             StateName(inc.state), " -> ", StateName(u.state), ")",
                             errors == 0 ? "" : absl::StrCat(" with ", errors, " lint error(s)"));
    m.third_party_confirmed = draft.third_party_confirmed;
    RETURN_IF_ERROR(tx.Record(m, &result.sequence));
    result.draft = std::move(d);
    return absl::OkStatus();
  }));
  if (earlier) {
    return ReplayDraft(*earlier, kDraftProposed, fingerprint, [&] {
      return DraftByKey(store_, guard.incident_ref, guard.idempotency_key);
    });
  }
  return result;
}

absl::StatusOr<WriteResult> IncidentCommands::ApproveDraft(const CallContext& ctx,
                                                           const WriteGuard& guard,
                                                           int64_t draft_id,
                                                           const DraftEdits& edits) {
  RETURN_IF_ERROR(
      rules_.CheckWriteMeta(ctx.actor, guard.idempotency_key, true, guard.expected_version));
  RETURN_IF_ERROR(CheckOverrideReason(guard.lint_override_reason));
  if (draft_id <= 0) return InvalidField("draft_id", "is required (statuscastctl drafts INC-n)");
  std::vector<std::string> f = {guard.incident_ref,
                                absl::StrCat(guard.expected_version),
                                absl::StrCat("approve:", draft_id),
                                edits.message,
                                edits.banner_text,
                                TimeField(edits.next_update_at)};
  if (!guard.lint_override_reason.empty()) f.push_back(guard.lint_override_reason);
  if (guard.incident_ref.empty()) return InvalidField("incident_ref", "is required (e.g. INC-12)");
  // What approval posts decides the write's kind (a resolution is
  // "resolved", as ResolveIncident's); a pending draft's text never changes.
  ASSIGN_OR_RETURN(const Draft proposed, DraftById(store_, guard.incident_ref, draft_id));
  const bool resolution = ProposesResolution(proposed.update);
  Draft approved;
  return Mutate(
      ctx, guard, resolution ? "resolved" : "updated", Fingerprint(f),
      [&](Incident& inc, absl::Time now, StoreTransaction& tx,
          MutationRecord& m) -> absl::StatusOr<absl::optional<Update>> {
        ASSIGN_OR_RETURN(approved, tx.LockDraft(draft_id));
        if (approved.incident_id != inc.id) return NoSuchDraft(inc.ref, draft_id);
        RETURN_IF_ERROR(CheckPending(approved));
        RETURN_IF_ERROR(MayPost(inc, ctx, "approve a draft", false));
        UpdateDraft text = approved.update;
        const bool edited = !edits.message.empty() || !edits.banner_text.empty() ||
                            edits.next_update_at.has_value();
        if (!edits.message.empty()) text.message = edits.message;
        if (!edits.banner_text.empty()) text.banner_text = edits.banner_text;
        if (edits.next_update_at) {
          text.next_update_at = edits.next_update_at;
          text.use_default_next_update = false;
        }
        Update u;
        if (resolution) {
          // Every rule ResolveIncident follows: state order, lint policy.
          RETURN_IF_ERROR(CheckResolutionDraft(text, ""));
          const IncidentState before = inc.state;
          ASSIGN_OR_RETURN(u, rules_.ApplyResolve(inc, text.message, text.channels, ctx.actor,
                                                  now));
          std::string note;
          RETURN_IF_ERROR(LintPosted(inc, before, "", text.third_party_confirmed,
                                     guard.lint_override_reason, "", u, &note));
          m.kind = "resolved";
          m.details = absl::StrCat("resolved with a resolution message", note);
        } else {
          ASSIGN_OR_RETURN(u, PostLocked(ctx, guard, text, {}, inc, now, tx, m));
        }
        absl::StrAppend(&m.details, "; approved draft ", draft_id, " from ", approved.author,
                        edited ? " (edited)" : "");
        return absl::optional<Update>(std::move(u));
      },
      [&](StoreTransaction& tx, const Incident& inc,
          const absl::optional<Update>& update) -> absl::Status {
        approved.status = DraftStatus::kApproved;
        approved.decided_by = ctx.actor;
        approved.decided_at = inc.updated_at;
        approved.update_id = update ? update->id : 0;
        return tx.SaveDraftDecision(approved);
      });
}

absl::StatusOr<DraftResult> IncidentCommands::RejectDraft(const CallContext& ctx,
                                                          const WriteGuard& guard, int64_t draft_id,
                                                          const std::string& reason) {
  RETURN_IF_ERROR(rules_.CheckWriteMeta(ctx.actor, guard.idempotency_key, false, 0));
  FieldViolations v;
  if (guard.incident_ref.empty()) v.Add("incident_ref", "is required (e.g. INC-12)");
  if (draft_id <= 0) v.Add("draft_id", "is required (statuscastctl drafts INC-n)");
  if (reason.empty()) {
    v.Add("reason", "is required: tell the author why, so the next draft does better");
  } else {
    std::string problem = CheckText(reason, rules_.limits().reason_bytes, true);
    if (!problem.empty()) v.Add("reason", problem);
  }
  RETURN_IF_ERROR(v.ToStatus());
  const std::string fingerprint =
      Fingerprint({guard.incident_ref, absl::StrCat("reject:", draft_id), reason});
  const absl::Time now = Now();
  DraftResult result;
  absl::optional<IdempotentResult> earlier;
  RETURN_IF_ERROR(store_.RunInTransaction([&](StoreTransaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(earlier, tx.FindIdempotent(guard.idempotency_key));
    if (earlier) return absl::OkStatus();
    ASSIGN_OR_RETURN(Incident inc, tx.LockIncident(guard.incident_ref));
    ASSIGN_OR_RETURN(Draft d, tx.LockDraft(draft_id));
    if (d.incident_id != inc.id) return NoSuchDraft(inc.ref, draft_id);
    RETURN_IF_ERROR(CheckPending(d));
    // Its author may withdraw it; otherwise the communicator decides.
    if (d.author != ctx.actor) RETURN_IF_ERROR(MayPost(inc, ctx, "reject a draft", false));
    d.status = DraftStatus::kRejected;
    d.decided_by = ctx.actor;
    d.decided_at = now;
    d.reject_reason = reason;
    RETURN_IF_ERROR(tx.SaveDraftDecision(d));
    MutationRecord m;
    FillRecord(m, inc, ctx.actor, ctx.request_id, guard.idempotency_key, fingerprint, now);
    m.kind = kDraftRejected;
    m.details = absl::StrCat(d.author == ctx.actor ? "withdrew" : "rejected", " draft ", d.id,
                             " from ", d.author, ": ", reason);
    RETURN_IF_ERROR(tx.Record(m, &result.sequence));
    result.draft = std::move(d);
    return absl::OkStatus();
  }));
  if (earlier) {
    return ReplayDraft(*earlier, kDraftRejected, fingerprint,
                       [&] { return DraftById(store_, guard.incident_ref, draft_id); });
  }
  return result;
}

}  // namespace statuscast
