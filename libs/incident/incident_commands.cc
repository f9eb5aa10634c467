#include "libs/incident/incident_commands.h"

#include <cstdio>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "libs/base/field_violations.h"
#include "libs/base/status_macros.h"

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
}

void AddAffected(std::vector<std::string>& f, const std::vector<AffectedComponent>& a) {
  for (const AffectedComponent& c : a) {
    f.push_back(absl::StrCat(c.name, "=", static_cast<int>(c.status)));
  }
  f.push_back("|");
}

}  // namespace

std::string Fingerprint(const std::vector<std::string>& fields) {
  // FNV-1a over length-prefixed fields: stable across processes and builds.
  uint64_t h = 1469598103934665603ULL;
  auto mix = [&h](unsigned char c) {
    h ^= c;
    h *= 1099511628211ULL;
  };
  for (const std::string& field : fields) {
    for (char c : absl::StrCat(field.size(), ":")) mix(static_cast<unsigned char>(c));
    for (char c : field) mix(static_cast<unsigned char>(c));
  }
  char buf[17];
  std::snprintf(buf, sizeof(buf), "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

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
    return tx.Record(m).status();
  }));
  return c;
}

absl::StatusOr<std::vector<Component>> IncidentCommands::ListComponents() {
  return store_.ListComponents();
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
  std::vector<std::string> f = {in.title, absl::StrCat(static_cast<int>(in.severity)),
                                TimeField(in.confirmed_start), in.author};
  AddAffected(f, in.affected);
  if (in.first_update) AddDraft(f, *in.first_update);
  const std::string fingerprint = Fingerprint(f);
  const absl::Time now = Now();

  absl::optional<Update> first;
  ASSIGN_OR_RETURN(Incident incident, rules_.Declare(in, now, &first));
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
                             update ? " with its first update" : "");
    m.at = now;
    ASSIGN_OR_RETURN(result.sequence, tx.Record(m));
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
    m.update_id = update ? update->id : 0;
    m.actor = ctx.actor;
    m.request_id = ctx.request_id;
    m.idempotency_key = guard.idempotency_key;
    m.fingerprint = fingerprint;
    m.at = now;
    ASSIGN_OR_RETURN(result.sequence, tx.Record(m));
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
  std::vector<std::string> f = {guard.incident_ref, absl::StrCat(guard.expected_version)};
  AddDraft(f, draft);
  AddAffected(f, affected);
  return Mutate(ctx, guard, "updated", Fingerprint(f),
                [&](Incident& inc, absl::Time now, StoreTransaction& tx,
                    MutationRecord& m) -> absl::StatusOr<absl::optional<Update>> {
                  IncidentState before = inc.state;
                  ASSIGN_OR_RETURN(Update u, rules_.ApplyUpdate(inc, draft, affected, ctx.actor, now));
                  if (!affected.empty()) {
                    RETURN_IF_ERROR(tx.CheckComponentsExist(affected, "affected_components"));
                  }
                  m.kind = "updated";
                  m.details = absl::StrCat("posted a ", UpdateKindName(u.kind), " update (",
                                           StateName(before), " -> ", StateName(u.state), ")");
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
                                                      const std::vector<Channel>& channels) {
  RETURN_IF_ERROR(rules_.CheckWriteMeta(ctx.actor, guard.idempotency_key, true,
                                        guard.expected_version));
  std::vector<std::string> f = {guard.incident_ref, absl::StrCat(guard.expected_version), message};
  for (Channel c : channels) f.push_back(ChannelName(c));
  return Mutate(ctx, guard, "resolved", Fingerprint(f),
                [&](Incident& inc, absl::Time now, StoreTransaction&,
                    MutationRecord& m) -> absl::StatusOr<absl::optional<Update>> {
                  ASSIGN_OR_RETURN(Update u,
                                   rules_.ApplyResolve(inc, message, channels, ctx.actor, now));
                  m.kind = "resolved";
                  m.details = "resolved with a resolution message";
                  return absl::optional<Update>(std::move(u));
                });
}

absl::StatusOr<WriteResult> IncidentCommands::Reopen(const CallContext& ctx,
                                                     const WriteGuard& guard,
                                                     const std::string& reason,
                                                     const UpdateDraft& draft) {
  RETURN_IF_ERROR(rules_.CheckWriteMeta(ctx.actor, guard.idempotency_key, true,
                                        guard.expected_version));
  std::vector<std::string> f = {guard.incident_ref, absl::StrCat(guard.expected_version), reason};
  AddDraft(f, draft);
  return Mutate(ctx, guard, "reopened", Fingerprint(f),
                [&](Incident& inc, absl::Time now, StoreTransaction&,
                    MutationRecord& m) -> absl::StatusOr<absl::optional<Update>> {
                  ASSIGN_OR_RETURN(Update u, rules_.ApplyReopen(inc, reason, draft, ctx.actor, now));
                  m.kind = "reopened";
                  m.details = absl::StrCat("reopened: ", reason);
                  return absl::optional<Update>(std::move(u));
                });
}

absl::StatusOr<WriteResult> IncidentCommands::PublishPostmortem(const CallContext& ctx,
                                                                const WriteGuard& guard,
                                                                const std::string& url,
                                                                const std::string& body) {
  RETURN_IF_ERROR(rules_.CheckWriteMeta(ctx.actor, guard.idempotency_key, true,
                                        guard.expected_version));
  const std::string fp =
      Fingerprint({guard.incident_ref, absl::StrCat(guard.expected_version), url, body});
  return Mutate(ctx, guard, "postmortem_published", fp,
                [&](Incident& inc, absl::Time now, StoreTransaction& tx,
                    MutationRecord& m) -> absl::StatusOr<absl::optional<Update>> {
                  ASSIGN_OR_RETURN(Postmortem p,
                                   rules_.ApplyPostmortem(inc, url, body, ctx.actor, now));
                  RETURN_IF_ERROR(tx.SavePostmortem(inc.id, p));
                  m.kind = "postmortem_published";
                  m.details = url.empty() ? "published a postmortem"
                                          : absl::StrCat("published a postmortem at ", url);
                  return absl::optional<Update>();
                });
}

absl::StatusOr<Incident> IncidentCommands::GetIncident(const std::string& ref) {
  if (ref.empty()) return InvalidField("incident_ref", "is required (e.g. INC-12)");
  return store_.GetIncident(ref, true);
}

absl::StatusOr<IncidentPage> IncidentCommands::ListIncidents(IncidentQuery query,
                                                             const std::string& page_token,
                                                             std::string* next_page_token) {
  FieldViolations v;
  if (query.page_size == 0) query.page_size = 50;
  if (query.page_size < 1 || query.page_size > 200) v.Add("page_size", "must be 1..200");
  if (query.started_after && query.started_before && *query.started_after >= *query.started_before) {
    v.Add("started_before", "must be after started_after");
  }
  if (!page_token.empty()) {
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
