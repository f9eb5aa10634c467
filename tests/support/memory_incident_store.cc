#include "tests/support/memory_incident_store.h"

#include <algorithm>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "libs/base/field_violations.h"

namespace statuscast::testing {
namespace {

absl::Status NoIncident(const std::string& ref) {
  return absl::NotFoundError(absl::StrCat(
      "no incident ", ref, " (references look like INC-12; statuscastctl list shows them)"));
}

absl::Status NoComponent(const std::string& name) {
  return absl::NotFoundError(absl::StrCat("no component named \"", name,
                                          "\" (statuscastctl components lists them)"));
}

absl::Status NoUpdate(int64_t, int64_t update_id) {
  return absl::NotFoundError(absl::StrCat("the incident has no update ", update_id,
                                          " (statuscastctl show INC-n lists its updates)"));
}

// What PostgreSQL's incidents row holds: no timeline.
Incident Header(Incident i) {
  i.updates.clear();
  i.severity_changes.clear();
  i.role_changes.clear();
  i.postmortem.reset();
  return i;
}

int StatusRank(ComponentStatus s) {
  switch (s) {
    case ComponentStatus::kMajorOutage:
      return 5;
    case ComponentStatus::kPartialOutage:
      return 4;
    case ComponentStatus::kDegradedPerformance:
      return 3;
    case ComponentStatus::kUnderMaintenance:
      return 2;
    default:
      return 1;
  }
}

// The incident as a read returns it.
Incident Read(const MemoryIncidentStore::State& s, const Incident& header, bool with_timeline) {
  Incident out = header;
  if (auto p = s.postmortems.find(out.id); p != s.postmortems.end()) out.postmortem = p->second;
  if (with_timeline) {
    for (const auto& [id, u] : s.updates) {
      if (id == out.id) out.updates.push_back(u);
    }
    for (const auto& [id, c] : s.severity_changes) {
      if (id == out.id) out.severity_changes.push_back(c);
    }
    for (const auto& [id, c] : s.role_changes) {
      if (id == out.id) out.role_changes.push_back(c);
    }
  }
  return out;
}

class MemoryTransaction : public StoreTransaction {
 public:
  explicit MemoryTransaction(MemoryIncidentStore::State& s) : s_(s) {}

  absl::StatusOr<absl::optional<IdempotentResult>> FindIdempotent(
      const std::string& key) override {
    auto it = s_.idempotency.find(key);
    if (it == s_.idempotency.end()) return absl::optional<IdempotentResult>();
    return absl::optional<IdempotentResult>(it->second);
  }

  absl::StatusOr<Incident> LockIncident(const std::string& ref) override {
    auto it = s_.incidents.find(ref);
    if (it == s_.incidents.end()) return NoIncident(ref);
    return Read(s_, it->second, false);
  }

  absl::Status CheckComponentsExist(const std::vector<AffectedComponent>& affected,
                                    const std::string& field) override {
    FieldViolations v;
    for (size_t i = 0; i < affected.size(); ++i) {
      auto c = std::find_if(s_.components.begin(), s_.components.end(),
                            [&](const Component& c) { return c.name == affected[i].name; });
      if (c != s_.components.end() && c->retired_at) {
        v.Add(absl::StrCat(field, "[", i, "].name"),
              absl::StrCat("component \"", affected[i].name,
                           "\" is retired; name a current one (statuscastctl components)"));
      } else if (c == s_.components.end()) {
        v.Add(absl::StrCat(field, "[", i, "].name"),
              absl::StrCat("no component named \"", affected[i].name,
                           "\"; create it first (statuscastctl components create ",
                           affected[i].name, ")"));
      }
    }
    return v.ToStatus();
  }

  absl::Status InsertIncident(Incident& incident) override {
    incident.id = static_cast<int64_t>(s_.refs.size()) + 1;
    incident.ref = absl::StrCat("INC-", incident.id);
    s_.refs[incident.id] = incident.ref;
    s_.incidents[incident.ref] = Header(incident);
    return absl::OkStatus();
  }

  absl::Status SaveIncident(const Incident& incident) override {
    auto it = s_.refs.find(incident.id);
    if (it == s_.refs.end()) return NoIncident(incident.ref);
    s_.incidents[it->second] = Header(incident);
    return absl::OkStatus();
  }

  absl::StatusOr<int64_t> InsertUpdate(int64_t incident_id, const Update& update,
                                       const std::string&) override {
    Update u = update;
    u.id = static_cast<int64_t>(s_.updates.size()) + 1;
    s_.updates.emplace_back(incident_id, u);
    return u.id;
  }

  absl::Status InsertSeverityChange(int64_t incident_id, const SeverityChange& c) override {
    s_.severity_changes.emplace_back(incident_id, c);
    return absl::OkStatus();
  }

  absl::Status SavePostmortem(int64_t incident_id, const Postmortem& p) override {
    s_.postmortems[incident_id] = p;
    s_.postmortem_versions[incident_id].push_back(p);
    return absl::OkStatus();
  }

  absl::Status InsertComponent(Component& component) override {
    for (const Component& c : s_.components) {
      if (c.name == component.name) {
        return absl::AlreadyExistsError(
            absl::StrCat("a component named \"", component.name, "\" already exists"));
      }
    }
    s_.components.push_back(component);
    return absl::OkStatus();
  }

  absl::StatusOr<Component> LockComponent(const std::string& name) override {
    for (const Component& c : s_.components) {
      if (c.name == name) return c;
    }
    return NoComponent(name);
  }

  absl::StatusOr<std::vector<std::string>> OpenIncidentsAffecting(
      const std::string& name) override {
    std::vector<std::pair<int64_t, std::string>> found;
    for (const auto& [ref, i] : s_.incidents) {
      if (i.state == IncidentState::kResolved) continue;
      for (const AffectedComponent& a : i.affected) {
        if (a.name == name) found.emplace_back(i.id, ref);
      }
    }
    std::sort(found.begin(), found.end());
    std::vector<std::string> refs;
    for (const auto& f : found) refs.push_back(f.second);
    return refs;
  }

  absl::Status SaveComponent(const Component& component) override {
    for (Component& c : s_.components) {
      if (c.name == component.name) {
        c.display_name = component.display_name;
        c.description = component.description;
        c.retired_at = component.retired_at;
        c.version = component.version;
        return absl::OkStatus();
      }
    }
    return NoComponent(component.name);
  }

  absl::StatusOr<Update> LockUpdate(int64_t incident_id, int64_t update_id) override {
    for (const auto& [id, u] : s_.updates) {
      if (id == incident_id && u.id == update_id) return u;
    }
    return NoUpdate(incident_id, update_id);
  }

  absl::Status SaveCorrection(const Update& update) override {
    for (auto& [id, u] : s_.updates) {
      if (u.id == update.id) {
        u = update;
        return absl::OkStatus();
      }
    }
    return absl::NotFoundError(absl::StrCat("no update ", update.id));
  }

  absl::Status SaveRoles(const Incident& incident,
                         const std::vector<RoleChange>& changes) override {
    auto it = s_.refs.find(incident.id);
    if (it == s_.refs.end()) return NoIncident(incident.ref);
    Incident& stored = s_.incidents[it->second];
    stored.commander = incident.commander;
    stored.comms_lead = incident.comms_lead;
    for (const RoleChange& c : changes) s_.role_changes.emplace_back(incident.id, c);
    return absl::OkStatus();
  }

  absl::Status InsertDraft(Draft& draft) override {
    draft.id = static_cast<int64_t>(s_.drafts.size()) + 1;
    s_.drafts.push_back(draft);
    return absl::OkStatus();
  }

  absl::StatusOr<Draft> LockDraft(int64_t draft_id) override {
    if (draft_id < 1 || draft_id > static_cast<int64_t>(s_.drafts.size())) {
      return absl::NotFoundError(absl::StrCat("no draft ", draft_id));
    }
    return s_.drafts[draft_id - 1];
  }

  absl::Status SaveDraftDecision(const Draft& draft) override {
    if (draft.id < 1 || draft.id > static_cast<int64_t>(s_.drafts.size())) {
      return absl::NotFoundError(absl::StrCat("no draft ", draft.id));
    }
    s_.drafts[draft.id - 1] = draft;
    return absl::OkStatus();
  }

  // The sequence is known at once here (one writer at a time); callers read
  // it only when RunInTransaction returns OK, as with PostgreSQL.
  absl::Status Record(const MutationRecord& m, int64_t* sequence) override {
    ChangeRecord c;
    c.sequence = static_cast<int64_t>(s_.changes.size()) + 1;
    c.kind = m.kind;
    c.incident_ref = m.incident_ref;
    c.update_id = m.update_id;
    c.component_name = m.component_name;
    c.actor = m.actor;
    c.at = m.at;
    c.summary = m.summary;
    s_.changes.push_back(c);
    s_.audit.push_back(m);
    if (!m.idempotency_key.empty()) {
      IdempotentResult r;
      r.operation = m.kind;
      r.fingerprint = m.fingerprint;
      r.incident_ref = m.incident_ref;
      r.update_id = m.update_id;
      r.sequence = c.sequence;
      s_.idempotency[m.idempotency_key] = r;
    }
    if (sequence != nullptr) *sequence = c.sequence;
    return absl::OkStatus();
  }

 private:
  MemoryIncidentStore::State& s_;
};

}  // namespace

absl::Status MemoryIncidentStore::RunInTransaction(
    const std::function<absl::Status(StoreTransaction&)>& fn) {
  absl::MutexLock lock(&mu_);
  if (fail_next_ > 0) {
    --fail_next_;
    return absl::UnavailableError("the in-memory store was told to fail this transaction");
  }
  State copy = state_;
  MemoryTransaction tx(copy);
  absl::Status s = fn(tx);
  if (s.ok()) state_ = std::move(copy);
  return s;
}

absl::StatusOr<Incident> MemoryIncidentStore::GetIncident(const std::string& ref,
                                                          bool with_timeline) {
  absl::MutexLock lock(&mu_);
  auto it = state_.incidents.find(ref);
  if (it == state_.incidents.end()) return NoIncident(ref);
  return Read(state_, it->second, with_timeline);
}

absl::StatusOr<Update> MemoryIncidentStore::GetUpdate(int64_t update_id) {
  absl::MutexLock lock(&mu_);
  for (const auto& [incident_id, u] : state_.updates) {
    if (u.id == update_id) return u;
  }
  return absl::NotFoundError(absl::StrCat("no update ", update_id));
}

absl::StatusOr<IncidentPage> MemoryIncidentStore::ListIncidents(const IncidentQuery& q) {
  absl::MutexLock lock(&mu_);
  std::vector<Incident> matching;
  for (const auto& [ref, i] : state_.incidents) {
    const bool resolved = i.state == IncidentState::kResolved;
    if (q.openness == IncidentQuery::Openness::kOpen && resolved) continue;
    if (q.openness == IncidentQuery::Openness::kClosed && !resolved) continue;
    if (!q.states.empty() && std::find(q.states.begin(), q.states.end(), i.state) == q.states.end()) {
      continue;
    }
    if (!q.severities.empty() &&
        std::find(q.severities.begin(), q.severities.end(), i.severity) == q.severities.end()) {
      continue;
    }
    if (q.started_after && i.confirmed_start < *q.started_after) continue;
    if (q.started_before && i.confirmed_start >= *q.started_before) continue;
    if (q.after_start && std::make_tuple(i.confirmed_start, i.id) >=
                             std::make_tuple(*q.after_start, q.after_id)) {
      continue;
    }
    matching.push_back(Read(state_, i, false));
  }
  std::sort(matching.begin(), matching.end(), [](const Incident& a, const Incident& b) {
    return std::make_tuple(a.confirmed_start, a.id) > std::make_tuple(b.confirmed_start, b.id);
  });
  IncidentPage page;
  for (Incident& i : matching) {
    if (static_cast<int>(page.incidents.size()) == q.page_size) {
      page.has_more = true;
      break;
    }
    page.incidents.push_back(std::move(i));
  }
  return page;
}

absl::StatusOr<std::vector<Component>> MemoryIncidentStore::ListComponents() {
  absl::MutexLock lock(&mu_);
  std::vector<Component> out = state_.components;
  for (Component& c : out) {
    c.status = ComponentStatus::kOperational;
    for (const auto& [ref, i] : state_.incidents) {
      if (i.state == IncidentState::kResolved) continue;
      for (const AffectedComponent& a : i.affected) {
        if (a.name == c.name && StatusRank(a.status) > StatusRank(c.status)) c.status = a.status;
      }
    }
  }
  std::sort(out.begin(), out.end(), [](const Component& a, const Component& b) {
    return std::tie(a.group, a.name) < std::tie(b.group, b.name);
  });
  return out;
}

absl::StatusOr<std::vector<ChangeRecord>> MemoryIncidentStore::ReadChanges(int64_t after,
                                                                         int limit) {
  absl::MutexLock lock(&mu_);
  std::vector<ChangeRecord> out;
  for (const ChangeRecord& c : state_.changes) {
    if (c.sequence > after && static_cast<int>(out.size()) < limit) out.push_back(c);
  }
  return out;
}

absl::StatusOr<int64_t> MemoryIncidentStore::HeadSequence() {
  absl::MutexLock lock(&mu_);
  return static_cast<int64_t>(state_.changes.size());
}

absl::StatusOr<std::vector<Draft>> MemoryIncidentStore::ListDrafts(const std::string& incident_ref,
                                                                   bool pending_only) {
  absl::MutexLock lock(&mu_);
  if (!incident_ref.empty() && !state_.incidents.count(incident_ref)) {
    return NoIncident(incident_ref);
  }
  std::vector<Draft> out;
  for (const Draft& d : state_.drafts) {
    if (pending_only && d.status != DraftStatus::kPending) continue;
    if (!incident_ref.empty() && d.incident_ref != incident_ref) continue;
    if (incident_ref.empty() &&
        state_.incidents.at(d.incident_ref).state == IncidentState::kResolved) {
      continue;
    }
    out.push_back(d);
  }
  return out;
}

absl::StatusOr<std::vector<Postmortem>> MemoryIncidentStore::ListPostmortemVersions(
    const std::string& incident_ref) {
  absl::MutexLock lock(&mu_);
  auto inc = state_.incidents.find(incident_ref);
  if (inc == state_.incidents.end()) return NoIncident(incident_ref);
  auto v = state_.postmortem_versions.find(inc->second.id);
  if (v == state_.postmortem_versions.end()) return std::vector<Postmortem>();
  return v->second;
}

absl::StatusOr<AuditPage> MemoryIncidentStore::ListAudit(const AuditQuery& q) {
  absl::MutexLock lock(&mu_);
  AuditPage page;
  for (size_t i = 0; i < state_.audit.size(); ++i) {
    const MutationRecord& m = state_.audit[i];
    const int64_t id = static_cast<int64_t>(i) + 1;
    if (id <= q.after_id) continue;
    if (!q.incident_ref.empty() && m.incident_ref != q.incident_ref) continue;
    if (!q.actor.empty() && m.actor != q.actor) continue;
    if (q.since && m.at < *q.since) continue;
    if (q.until && m.at >= *q.until) continue;
    if (static_cast<int>(page.events.size()) == q.page_size) {
      page.has_more = true;
      break;
    }
    AuditEvent e;
    e.id = id;
    e.at = m.at;
    e.actor = m.actor;
    e.action = m.kind;
    e.incident_ref = m.incident_ref;
    e.request_id = m.request_id;
    e.details = m.details;
    e.update_id = m.update_id;
    e.lint_override_reason = m.lint_override_reason;
    e.third_party_confirmed = m.third_party_confirmed;
    page.events.push_back(std::move(e));
  }
  return page;
}

std::vector<MutationRecord> MemoryIncidentStore::Audit() const {
  absl::MutexLock lock(&mu_);
  return state_.audit;
}

void MemoryIncidentStore::FailNextTransactions(int n) {
  absl::MutexLock lock(&mu_);
  fail_next_ = n;
}

}  // namespace statuscast::testing
