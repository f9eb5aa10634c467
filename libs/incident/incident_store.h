// IncidentStore: where incidents live, behind a small interface.
//
// Writes happen inside RunInTransaction: everything a StoreTransaction does
// commits together or not at all, and Record() writes the audit row, the
// change-log row and the idempotency row of the mutation in that same
// transaction. The change's sequence (gapless, in commit order) is assigned
// once the transaction has committed, before RunInTransaction returns, with a
// NOTIFY carrying it.
//
// Errors: UNAVAILABLE when the database cannot be reached (retry later);
// ABORTED when the transaction lost a race (retry the whole read-modify-write);
// NOT_FOUND, ALREADY_EXISTS, INVALID_ARGUMENT as their names say.
// Thread safety: an IncidentStore is safe to share; a StoreTransaction is used
// by one thread within RunInTransaction only.
#ifndef STATUSCAST_LIBS_INCIDENT_INCIDENT_STORE_H_
#define STATUSCAST_LIBS_INCIDENT_INCIDENT_STORE_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "libs/incident/draft.h"
#include "libs/incident/model.h"

namespace statuscast {

// The first result of a write, kept under its idempotency key.
struct IdempotentResult {
  std::string operation;
  std::string fingerprint;  // of the request that wrote it
  std::string incident_ref;
  int64_t update_id = 0;  // 0 when the write posted no update
  int64_t sequence = 0;
};

// One mutation, for the audit log, the change log and the idempotency table.
struct MutationRecord {
  std::string kind;  // "declared", "updated", "severity_changed", ...
  int64_t incident_id = 0;
  int64_t incident_version = 0;
  int64_t update_id = 0;
  std::string component_name;
  std::string actor;
  std::string request_id;
  std::string idempotency_key;  // empty: not kept
  std::string fingerprint;
  std::string incident_ref;
  std::string details;  // human-readable summary for the audit row
  // From the update the mutation posted (audit columns).
  std::string lint_override_reason;
  bool third_party_confirmed = false;
  // For watchers, on changes that carry no incident or component (manual
  // banners, kill switches): what changed, e.g. "banner 3 (maintenance): ...".
  std::string summary;
  absl::Time at;
};

// One row of the change log.
struct ChangeRecord {
  int64_t sequence = 0;
  std::string kind;
  std::string incident_ref;  // empty for component changes
  int64_t update_id = 0;
  std::string component_name;
  std::string actor;
  absl::Time at;
  std::string summary;  // see MutationRecord::summary
};

struct IncidentQuery {
  enum class Openness { kAny, kOpen, kClosed };
  Openness openness = Openness::kAny;
  std::vector<IncidentState> states;
  std::vector<Severity> severities;
  absl::optional<absl::Time> started_after;
  absl::optional<absl::Time> started_before;
  int page_size = 50;
  // Resume after this (confirmed_start, id); from the page token.
  absl::optional<absl::Time> after_start;
  int64_t after_id = 0;
};

struct IncidentPage {
  std::vector<Incident> incidents;
  bool has_more = false;
};

// One row of the audit log, as ListAudit reads it.
struct AuditEvent {
  int64_t id = 0;
  absl::Time at;
  std::string actor;
  std::string action;        // MutationRecord::kind
  std::string incident_ref;  // empty for changes without an incident
  std::string request_id;
  std::string details;
  int64_t update_id = 0;
  std::string lint_override_reason;
  bool third_party_confirmed = false;
};

struct AuditQuery {
  std::string incident_ref;          // empty: every incident (and none)
  std::string actor;                 // empty: everyone
  absl::optional<absl::Time> since;  // at >= since
  absl::optional<absl::Time> until;  // at < until
  int page_size = 50;
  int64_t after_id = 0;  // resume after this row (from the page token)
};

struct AuditPage {
  std::vector<AuditEvent> events;  // oldest first
  bool has_more = false;
};

class StoreTransaction {
 public:
  virtual ~StoreTransaction() = default;
  // Serialises writers of the same key; the earlier result when there is one.
  virtual absl::StatusOr<absl::optional<IdempotentResult>> FindIdempotent(
      const std::string& key) = 0;
  // Reads and locks an incident for the rest of the transaction (no timeline).
  virtual absl::StatusOr<Incident> LockIncident(const std::string& ref) = 0;
  // INVALID_ARGUMENT naming `field`[i] when a component is not in the catalog
  // or is retired.
  virtual absl::Status CheckComponentsExist(const std::vector<AffectedComponent>& affected,
                                            const std::string& field) = 0;
  // Assigns id and ref.
  virtual absl::Status InsertIncident(Incident& incident) = 0;
  // Writes the header fields and affected components.
  virtual absl::Status SaveIncident(const Incident& incident) = 0;
  virtual absl::StatusOr<int64_t> InsertUpdate(int64_t incident_id, const Update& update,
                                               const std::string& idempotency_key) = 0;
  virtual absl::Status InsertSeverityChange(int64_t incident_id, const SeverityChange& c) = 0;
  virtual absl::Status SavePostmortem(int64_t incident_id, const Postmortem& p) = 0;
  // ALREADY_EXISTS when the name is taken.
  virtual absl::Status InsertComponent(Component& component) = 0;

  // ---- Component edits (libs/incident/component_commands.cc) ----
  // The component `name`, locked for the rest of the transaction; NOT_FOUND
  // when there is none. Its status is not filled.
  virtual absl::StatusOr<Component> LockComponent(const std::string& name) = 0;
  // The refs of open incidents that name component `name`, oldest first.
  virtual absl::StatusOr<std::vector<std::string>> OpenIncidentsAffecting(
      const std::string& name) = 0;
  // Writes the editable fields: display name, description, retired_at and
  // version.
  virtual absl::Status SaveComponent(const Component& component) = 0;

  // ---- Corrections (IncidentCommands::CorrectUpdate) ----
  // Update `update_id` of incident `incident_id`, with its revisions, locked
  // for the rest of the transaction; NOT_FOUND when that incident has no
  // such update.
  virtual absl::StatusOr<Update> LockUpdate(int64_t incident_id, int64_t update_id) = 0;
  // Writes a corrected update: its text, lint findings, override reason and
  // third-party confirmation, and the revisions not stored yet.
  virtual absl::Status SaveCorrection(const Update& u) = 0;

  // Writes the incident's commander and comms_lead, and `changes` for its
  // timeline.
  virtual absl::Status SaveRoles(const Incident& incident,
                                 const std::vector<RoleChange>& changes) = 0;
  // Assigns the draft's id.
  virtual absl::Status InsertDraft(Draft& draft) = 0;
  // Reads and locks a draft; NOT_FOUND naming it when there is none.
  virtual absl::StatusOr<Draft> LockDraft(int64_t draft_id) = 0;
  // Writes a draft's status and decision fields.
  virtual absl::Status SaveDraftDecision(const Draft& draft) = 0;
  // Audit + change log + idempotency + NOTIFY. `*sequence` (when not null;
  // it must outlive RunInTransaction) is set to the change's sequence after
  // the commit, when RunInTransaction returns OK.
  virtual absl::Status Record(const MutationRecord& m, int64_t* sequence) = 0;
};

class IncidentStore {
 public:
  virtual ~IncidentStore() = default;
  // Runs `fn` in one transaction; commits when it returns OK. Retries `fn`
  // on serialization failures and deadlocks a few times.
  virtual absl::Status RunInTransaction(
      const std::function<absl::Status(StoreTransaction&)>& fn) = 0;
  virtual absl::StatusOr<Incident> GetIncident(const std::string& ref, bool with_timeline) = 0;
  virtual absl::StatusOr<Update> GetUpdate(int64_t update_id) = 0;
  virtual absl::StatusOr<IncidentPage> ListIncidents(const IncidentQuery& query) = 0;
  // Every component, retired ones included, by group then name.
  virtual absl::StatusOr<std::vector<Component>> ListComponents() = 0;
  // Change-log rows with sequence > `after`, oldest first, at most `limit`.
  virtual absl::StatusOr<std::vector<ChangeRecord>> ReadChanges(int64_t after, int limit) = 0;
  virtual absl::StatusOr<int64_t> HeadSequence() = 0;
  // Drafts, oldest first: of one incident (`incident_ref` non-empty; NOT_FOUND
  // when there is no such incident) or of every open incident; pending ones
  // only when `pending_only`.
  virtual absl::StatusOr<std::vector<Draft>> ListDrafts(const std::string& incident_ref,
                                                        bool pending_only) = 0;
  virtual absl::StatusOr<AuditPage> ListAudit(const AuditQuery& query) = 0;
  // Every version of incident `incident_ref`'s postmortem, oldest first
  // (empty when none was published); NOT_FOUND when there is no such
  // incident.
  virtual absl::StatusOr<std::vector<Postmortem>> ListPostmortemVersions(
      const std::string& incident_ref) = 0;
};

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_INCIDENT_INCIDENT_STORE_H_
