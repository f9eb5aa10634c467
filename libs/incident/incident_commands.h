// IncidentCommands: the communications service's domain, free of gRPC.
//
// Each write runs in one store transaction: it replays the first result when
// its idempotency key was seen before (and refuses a different request under
// the same key), locks the incident, checks the caller's expected version
// (ABORTED when stale), applies IncidentRules at the clock's now, saves, and
// records audit + change log. Reads go to the store.
//
// Thread safety: safe to call from many threads; the store serialises.
// REQUIRES: clock and store outlive this object.
#ifndef STATUSCAST_LIBS_INCIDENT_INCIDENT_COMMANDS_H_
#define STATUSCAST_LIBS_INCIDENT_INCIDENT_COMMANDS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "libs/base/clock.h"
#include "libs/incident/incident_rules.h"
#include "libs/incident/incident_store.h"

namespace statuscast {

// Who asks, for the audit row and the update's author.
struct CallContext {
  std::string actor;
  std::string request_id;
};

// What the caller names to guard a write.
struct WriteGuard {
  std::string incident_ref;  // empty for declare
  int64_t expected_version = 0;
  std::string idempotency_key;
};

struct WriteResult {
  Incident incident;
  absl::optional<Update> update;
  bool replayed = false;
  int64_t sequence = 0;
};

class IncidentCommands {
 public:
  IncidentCommands(const Clock& clock, IncidentStore& store, IncidentRules rules)
      : clock_(clock), store_(store), rules_(std::move(rules)) {}

  absl::StatusOr<Component> CreateComponent(const CallContext& ctx, Component c);
  absl::StatusOr<std::vector<Component>> ListComponents();

  absl::StatusOr<WriteResult> Declare(const CallContext& ctx, const std::string& idempotency_key,
                                      const DeclareInput& in);
  absl::StatusOr<WriteResult> PostUpdate(const CallContext& ctx, const WriteGuard& guard,
                                         const UpdateDraft& draft,
                                         const std::vector<AffectedComponent>& affected);
  absl::StatusOr<WriteResult> ChangeSeverity(const CallContext& ctx, const WriteGuard& guard,
                                             Severity to, const std::string& reason);
  absl::StatusOr<WriteResult> Resolve(const CallContext& ctx, const WriteGuard& guard,
                                      const std::string& message,
                                      const std::vector<Channel>& channels);
  absl::StatusOr<WriteResult> Reopen(const CallContext& ctx, const WriteGuard& guard,
                                     const std::string& reason, const UpdateDraft& draft);
  absl::StatusOr<WriteResult> PublishPostmortem(const CallContext& ctx, const WriteGuard& guard,
                                                const std::string& url, const std::string& body);

  absl::StatusOr<Incident> GetIncident(const std::string& ref);
  // `page_token` is from a previous page's next_page_token; empty at start.
  absl::StatusOr<IncidentPage> ListIncidents(IncidentQuery query, const std::string& page_token,
                                             std::string* next_page_token);

  const IncidentRules& rules() const { return rules_; }
  IncidentStore& store() { return store_; }

 private:
  // What a mutation of an existing incident does under the lock; fills the
  // record's kind/details and returns the update it posted, if any.
  using Mutation = std::function<absl::StatusOr<absl::optional<Update>>(
      Incident&, absl::Time now, StoreTransaction&, MutationRecord&)>;
  absl::StatusOr<WriteResult> Mutate(const CallContext& ctx, const WriteGuard& guard,
                                     const std::string& operation, const std::string& fingerprint,
                                     const Mutation& mutation);
  absl::StatusOr<WriteResult> Replay(const IdempotentResult& r, const std::string& operation,
                                     const std::string& fingerprint);
  absl::Time Now() const;

  const Clock& clock_;
  IncidentStore& store_;
  const IncidentRules rules_;
};

// A stable fingerprint of a request's fields, to tell a retry from a
// different request under the same idempotency key.
std::string Fingerprint(const std::vector<std::string>& fields);

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_INCIDENT_INCIDENT_COMMANDS_H_
