// IncidentCommands: the communications service's domain, free of gRPC.
//
// Each write runs in one store transaction: it replays the first result when
// its idempotency key was seen before (and refuses a different request under
// the same key), locks the incident, checks the caller's expected version
// (ABORTED when stale), applies IncidentRules at the clock's now, saves, and
// records audit + change log. Reads go to the store.
//
// Every customer-facing update (a declaration's first update, PostUpdate,
// Resolve, Reopen) is linted inside that transaction, in the incident's
// context. Its findings go back with the result and are stored with the
// update. When the LintPolicy rejects error-level findings at the incident's
// severity (or, at every severity, when the error is an unfilled template
// placeholder, "unfilled-placeholder"), such an update fails with FAILED_PRECONDITION (the findings
// in the message and as field violations on the text) and nothing is written, unless the write
// carries a lint override reason, which is then recorded on the update and in the audit row. The
// author's third_party_confirmed (which switches off the linter's third-party-blame finding) is
// recorded the same way. A banner-only update posted while a promise stands gets a warning finding
// "promise-needs-status-page" naming the deadline: only a status-page update keeps it.
//
// Who may post customer-facing text is the PostPolicy (post_policy.h): under
// `roles`, an update, resolution, reopen or postmortem (and a declaration's
// first update) from anyone but the incident's commander, its
// communications lead or an admin is PERMISSION_DENIED, and nothing is
// written. Others propose drafts (ProposeUpdate); the communicator approves
// (posted then, under every rule an update follows) or rejects them. Role
// changes, drafts and their decisions are recorded in the audit log and the
// change log like every write; a draft changes neither the incident's
// version nor what customers see, and keeps no promise.
//
// Thread safety: safe to call from many threads; the store serialises.
// REQUIRES: clock, store and linter (when given) outlive this object.
#ifndef STATUSCAST_LIBS_INCIDENT_INCIDENT_COMMANDS_H_
#define STATUSCAST_LIBS_INCIDENT_INCIDENT_COMMANDS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "libs/base/clock.h"
#include "libs/incident/corrections.h"
#include "libs/incident/incident_rules.h"
#include "libs/incident/incident_store.h"
#include "libs/incident/lint_policy.h"
#include "libs/incident/post_policy.h"
#include "libs/lint/linter.h"
#include "libs/lint/templates.h"

namespace statuscast {

// Who asks, for the audit row and the update's author.
struct CallContext {
  std::string actor;
  std::string request_id;
  // An admin token (or no access control): the post policy lets it post.
  bool admin = false;
};

// What the caller names to guard a write.
struct WriteGuard {
  std::string incident_ref;  // empty for declare
  int64_t expected_version = 0;
  std::string idempotency_key;
  // Posts an update despite error-level lint findings; recorded.
  std::string lint_override_reason;
};

// What UpdateComponent changes: the fields that are set.
struct ComponentEdit {
  std::string name;
  absl::optional<std::string> display_name;
  absl::optional<std::string> description;
  // The component's version the editor last saw; 0: no check.
  int64_t expected_version = 0;
};

struct WriteResult {
  Incident incident;
  absl::optional<Update> update;
  bool replayed = false;
  int64_t sequence = 0;
};

// A template filled from an incident (FillTemplate).
struct FilledUpdate {
  lint::FilledTemplate text;
  // The promise the text states (unset for resolving and SEV-3).
  absl::optional<absl::Time> next_update_at;
  // The linter's findings on the text in the incident's context.
  std::vector<lint::Finding> findings;
};

// What a template says about `inc` (its timeline loaded): title, severity,
// state (investigating for a resolved one), affected components, the banner
// text of the last update that went to the in-app banner, and the last
// status-page message that was not itself no-progress with its time. The
// other fields of `in` are left as they are. FillTemplate and the
// compliance reminders' suggested text both use it.
void DescribeIncidentForTemplate(const Incident& inc, lint::TemplateInput& in);

// A proposed draft, as ProposeUpdate and RejectDraft return it.
struct DraftResult {
  Draft draft;
  bool replayed = false;
  int64_t sequence = 0;
};

// What the approver changes in a draft before it is posted; empty or unset
// keeps the draft's own.
struct DraftEdits {
  std::string message;
  std::string banner_text;
  absl::optional<absl::Time> next_update_at;
};

// An incident holds at most this many pending drafts.
inline constexpr size_t kMaxPendingDrafts = 50;

// A draft linted on request names at most this many affected components.
inline constexpr size_t kMaxLintComponents = 200;
// Page tokens this service issues are shorter than this.
inline constexpr size_t kMaxPageTokenBytes = 200;

class IncidentCommands {
 public:
  // `linter` null: updates are not linted, and LintDraft and FillTemplate's
  // check are unavailable.
  IncidentCommands(const Clock& clock, IncidentStore& store, IncidentRules rules,
                   const lint::Linter* linter = nullptr, LintPolicy lint_policy = LintPolicy(),
                   PostPolicy post_policy = PostPolicy::kRoles)
      : clock_(clock),
        store_(store),
        rules_(std::move(rules)),
        linter_(linter),
        lint_policy_(std::move(lint_policy)),
        post_policy_(post_policy) {}

  absl::StatusOr<Component> CreateComponent(const CallContext& ctx, Component c);
  // Components by group then name; retired ones only when asked.
  absl::StatusOr<std::vector<Component>> ListComponents(bool include_retired = false);

  absl::StatusOr<WriteResult> Declare(const CallContext& ctx, const std::string& idempotency_key,
                                      const DeclareInput& in);
  absl::StatusOr<WriteResult> PostUpdate(const CallContext& ctx, const WriteGuard& guard,
                                         const UpdateDraft& draft,
                                         const std::vector<AffectedComponent>& affected);
  absl::StatusOr<WriteResult> ChangeSeverity(const CallContext& ctx, const WriteGuard& guard,
                                             Severity to, const std::string& reason);
  absl::StatusOr<WriteResult> Resolve(const CallContext& ctx, const WriteGuard& guard,
                                      const std::string& message,
                                      const std::vector<Channel>& channels,
                                      bool third_party_confirmed = false);
  absl::StatusOr<WriteResult> Reopen(const CallContext& ctx, const WriteGuard& guard,
                                     const std::string& reason, const UpdateDraft& draft);
  absl::StatusOr<WriteResult> PublishPostmortem(const CallContext& ctx, const WriteGuard& guard,
                                                const std::string& url, const std::string& body);

  absl::StatusOr<Incident> GetIncident(const std::string& ref);

  // ---- Component edits (component_commands.cc) ----
  // Changes a component's customer-facing name and description (a field
  // left unset stays). NOT_FOUND for an unknown component; INVALID_ARGUMENT
  // for bad text or nothing to change; FAILED_PRECONDITION when retired;
  // ABORTED when edit.expected_version is set and stale.
  absl::StatusOr<Component> UpdateComponent(const CallContext& ctx, const ComponentEdit& edit);
  // Hides a component from the status page and from new incidents; its
  // history stays. FAILED_PRECONDITION (naming the incidents) while an open
  // incident affects it, or when already retired; NOT_FOUND when unknown;
  // ABORTED when `expected_version` is not 0 and not the component's version.
  absl::StatusOr<Component> RetireComponent(const CallContext& ctx, const std::string& name,
                                            const std::string& reason,
                                            int64_t expected_version = 0);

  // ---- Corrections (libs/incident/corrections.h, corrections.cc) ----
  // Replaces the text of posted update `update_id` of guard.incident_ref,
  // keeping every revision (who, when, why). The new text is linted like a
  // post (same policy, override and third-party confirmation); the update's
  // posting time, kind, state and the promise it kept or made never change.
  // The incident's version grows. NOT_FOUND for an unknown incident or an
  // update not in it; INVALID_ARGUMENT for empty, oversized or unchanged
  // text; FAILED_PRECONDITION past kMaxRevisions or on lint errors the
  // policy refuses; PERMISSION_DENIED when the post policy does not let the
  // caller post for the incident.
  absl::StatusOr<WriteResult> CorrectUpdate(const CallContext& ctx, const WriteGuard& guard,
                                            int64_t update_id, const Correction& c);
  // Roles and review (review_commands.cc).
  //
  // Sets the commander and/or the communications lead (an empty name keeps
  // that role). INVALID_ARGUMENT for a name that is not an author name or
  // when both are empty; FAILED_PRECONDITION when nothing would change;
  // PERMISSION_DENIED per CheckMaySetRoles; ABORTED when stale.
  absl::StatusOr<WriteResult> SetRoles(const CallContext& ctx, const WriteGuard& guard,
                                       const std::string& commander, const std::string& comms_lead);
  // Stores a draft of an update, checked as PostUpdate would check it now
  // (state order, promise, text limits: the same errors) and linted in the
  // incident's context (findings stored with it; errors never refuse a
  // draft). A draft whose state is resolved proposes the resolution, checked
  // as Resolve would check it (its banner_text, next_update_at and
  // no_progress must be unset: INVALID_ARGUMENT). The incident does not
  // change. FAILED_PRECONDITION once the incident holds kMaxPendingDrafts
  // pending drafts.
  absl::StatusOr<DraftResult> ProposeUpdate(const CallContext& ctx, const WriteGuard& guard,
                                            const UpdateDraft& draft);
  // The incident's drafts, oldest first (pending ones only unless
  // `include_decided`). NOT_FOUND for an unknown incident.
  absl::StatusOr<std::vector<Draft>> ListDrafts(const std::string& incident_ref,
                                                bool include_decided);
  // Every version of the incident's postmortem, oldest first (empty when
  // none was published). INVALID_ARGUMENT for an empty or overlong
  // reference; NOT_FOUND for an unknown incident.
  absl::StatusOr<std::vector<Postmortem>> ListPostmortemVersions(
      const std::string& incident_ref);
  // Posts a pending draft of the incident as an update by the approver (the
  // post policy applies to the approver), with `edits` applied; the update
  // follows every rule PostUpdate does (lint policy and override included).
  // A resolution draft resolves the incident as Resolve does (a "resolved"
  // write; edits of banner_text or next_update_at are INVALID_ARGUMENT).
  // NOT_FOUND when the incident has no such draft; FAILED_PRECONDITION
  // when it was already decided.
  absl::StatusOr<WriteResult> ApproveDraft(const CallContext& ctx, const WriteGuard& guard,
                                           int64_t draft_id, const DraftEdits& edits);
  // Rejects a pending draft with a reason (required): the communicator
  // (post policy) or the draft's own author (withdrawing it) may.
  absl::StatusOr<DraftResult> RejectDraft(const CallContext& ctx, const WriteGuard& guard,
                                          int64_t draft_id, const std::string& reason);
  // Audit rows matching `query`, oldest first, paged like ListIncidents.
  // INVALID_ARGUMENT for a page size outside 1..200, `until` not after
  // `since`, an actor or incident_ref over the author limit, or a page token
  // this service did not issue.
  absl::StatusOr<AuditPage> ListAudit(AuditQuery query, const std::string& page_token,
                                      std::string* next_page_token);

  // Lints a draft without posting it. With a non-empty `incident_ref`, the
  // context `input` leaves unspecified comes from the incident: severity,
  // state before (and after, when the update keeps the state), affected
  // components, and the phase (first communication or not). NOT_FOUND for an
  // unknown incident; INVALID_ARGUMENT (field "message" or "banner_text") for
  // a text over lint::kMaxLintTextBytes, ("affected_components") for more
  // than kMaxLintComponents names; FAILED_PRECONDITION without a linter.
  absl::StatusOr<std::vector<lint::Finding>> LintDraft(const std::string& incident_ref,
                                                       lint::LintInput input);

  // The template of `tone` filled from the incident. `next_update_at` unset
  // means the severity's cadence from now minus a minute (SEV-1/SEV-2); it
  // must be in the future and within the cadence. `extras` supplies the
  // optional sentences (learned, what_happened, impact, prevention). The
  // template follows the incident's state; no_progress keeps the banner
  // text of the last update that went to the in-app banner and restates the
  // last status-page message that was not itself no-progress. INVALID_ARGUMENT
  // for an optional sentence over lint::kMaxTemplateSentenceBytes.
  absl::StatusOr<FilledUpdate> FillTemplate(const std::string& incident_ref, lint::Tone tone,
                                            absl::optional<absl::Time> next_update_at,
                                            const lint::TemplateInput& extras);
  // `page_token` is from a previous page's next_page_token; empty at start.
  // INVALID_ARGUMENT for unknown or unspecified states and severities in
  // `query` (or more of them than there are), a page size outside 1..200, a
  // page token this service did not issue (or longer than kMaxPageTokenBytes).
  absl::StatusOr<IncidentPage> ListIncidents(IncidentQuery query, const std::string& page_token,
                                             std::string* next_page_token);

  const IncidentRules& rules() const { return rules_; }
  const Clock& clock() const { return clock_; }
  const LintPolicy& lint_policy() const { return lint_policy_; }
  PostPolicy post_policy() const { return post_policy_; }
  IncidentStore& store() { return store_; }

 private:
  // What a mutation of an existing incident does under the lock; fills the
  // record's kind/details and returns the update it posted, if any.
  using Mutation = std::function<absl::StatusOr<absl::optional<Update>>(
      Incident&, absl::Time now, StoreTransaction&, MutationRecord&)>;
  // Runs after the mutation's update (if any) was inserted and has its id.
  using AfterSave = std::function<absl::Status(StoreTransaction&, const Incident&,
                                               const absl::optional<Update>&)>;
  absl::StatusOr<WriteResult> Mutate(const CallContext& ctx, const WriteGuard& guard,
                                     const std::string& operation, const std::string& fingerprint,
                                     const Mutation& mutation,
                                     const AfterSave& after_save = nullptr);
  // PostUpdate's work under the lock: applies `draft` to `inc`, lints it
  // under the policy and fills the record. Shared with ApproveDraft.
  absl::StatusOr<Update> PostLocked(const CallContext& ctx, const WriteGuard& guard,
                                    const UpdateDraft& draft,
                                    const std::vector<AffectedComponent>& affected, Incident& inc,
                                    absl::Time now, StoreTransaction& tx, MutationRecord& m) const;
  // The policy's verdict on `ctx` posting `what` for `inc`.
  absl::Status MayPost(const Incident& inc, const CallContext& ctx, const std::string& what,
                       bool suggest_draft = true) const;
  // INVALID_ARGUMENT on `field` unless `name` is a valid author name.
  absl::Status CheckRoleName(const std::string& name, const std::string& field) const;
  // The linter's input for update `u` of `inc` (state before `state_before`).
  lint::LintInput LintInputFor(const Incident& inc, IncidentState state_before,
                               const std::string& banner_text, bool third_party_confirmed,
                               const Update& u) const;
  absl::StatusOr<WriteResult> Replay(const IdempotentResult& r, const std::string& operation,
                                     const std::string& fingerprint);
  absl::Time Now() const;
  // Lints `u`, just posted to `inc` (whose state was `state_before`), applies
  // the policy, and on success leaves the findings and the override reason
  // on `u` and a note for the audit row in `*audit_note`. `field_prefix`
  // names the request's text fields in violations ("update.", "").
  absl::Status LintPosted(const Incident& inc, IncidentState state_before,
                          const std::string& banner_text, bool third_party_confirmed,
                          const std::string& override_reason, const std::string& field_prefix,
                          Update& u, std::string* audit_note) const;
  absl::Status CheckOverrideReason(const std::string& reason) const;
  // Lints `in` and applies the policy: FAILED_PRECONDITION naming `what`
  // ("INC-3's update") with violations on `fields` (message, banner text)
  // when refused; else the findings in `*out` and, when errors were
  // overridden, a note for the audit row in `*audit_note` (else untouched).
  // REQUIRES: linter_ != nullptr.
  absl::Status LintUnderPolicy(const Incident& inc, const lint::LintInput& in,
                               const std::string& override_reason,
                               const std::pair<std::string, std::string>& fields,
                               const std::string& what, std::vector<lint::Finding>* out,
                               std::string* audit_note) const;

  const Clock& clock_;
  IncidentStore& store_;
  const IncidentRules rules_;
  const lint::Linter* const linter_;
  const LintPolicy lint_policy_;
  const PostPolicy post_policy_;
};

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_INCIDENT_INCIDENT_COMMANDS_H_
