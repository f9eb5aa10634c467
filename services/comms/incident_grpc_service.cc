#include "services/comms/incident_grpc_service.h"

#include "absl/strings/str_cat.h"
#include "libs/auth/grpc_auth.h"
#include "libs/base/field_violations.h"
#include "libs/base/log.h"
#include "libs/base/status_macros.h"
#include "libs/proto_convert/incident_proto.h"
#include "libs/proto_convert/lint_proto.h"
#include "libs/rpc/grpc_status.h"
#include "services/comms/compliance_grpc_service.h"
#include "services/comms/grpc_call.h"

namespace statuscast {

void KeepTokenActorOr(CallContext& call, const std::string& requested_author) {
  if (call.actor.empty()) call.actor = requested_author;
}

void IncidentToProto(const IncidentCommands& commands, const Incident& in, bool with_timeline,
                     v1::Incident* out) {
  ToProto(in, with_timeline, out);
  out->set_next_update_overdue(
      in.state != IncidentState::kResolved && in.next_update_at &&
      commands.rules().promises().Overdue(*in.next_update_at, commands.clock().Now()));
}

void FillWrite(const IncidentCommands& commands, const WriteResult& r,
               v1::WriteIncidentResponse* resp) {
  IncidentToProto(commands, r.incident, false, resp->mutable_incident());
  if (r.update) ToProto(*r.update, resp->mutable_update());
  resp->set_replayed(r.replayed);
  resp->set_sequence(r.sequence);
  if (r.update) {
    for (const lint::Finding& f : r.update->lint_findings) {
      lint::FindingToProto(f, resp->add_lint_findings());
    }
  } else if (r.incident.postmortem && !r.replayed) {  // a postmortem just published
    for (const lint::Finding& f : r.incident.postmortem->lint_findings) {
      lint::FindingToProto(f, resp->add_lint_findings());
    }
  }
}

namespace {

WriteGuard Guard(const std::string& ref, int64_t version, const std::string& key,
                 const std::string& lint_override_reason) {
  return WriteGuard{ref, version, key, lint_override_reason};
}

v1::IncidentEvent::Kind EventKind(const std::string& kind) {
  if (kind == "declared") return v1::IncidentEvent::KIND_DECLARED;
  if (kind == "updated") return v1::IncidentEvent::KIND_UPDATED;
  if (kind == "severity_changed") return v1::IncidentEvent::KIND_SEVERITY_CHANGED;
  if (kind == "resolved") return v1::IncidentEvent::KIND_RESOLVED;
  if (kind == "reopened") return v1::IncidentEvent::KIND_REOPENED;
  if (kind == "postmortem_published") return v1::IncidentEvent::KIND_POSTMORTEM_PUBLISHED;
  if (kind == "component_created") return v1::IncidentEvent::KIND_COMPONENT_CREATED;
  if (kind == "banner_created") return v1::IncidentEvent::KIND_BANNER_CREATED;
  if (kind == "banner_updated") return v1::IncidentEvent::KIND_BANNER_UPDATED;
  if (kind == "banner_disabled") return v1::IncidentEvent::KIND_BANNER_DISABLED;
  if (kind == "kill_switch") return v1::IncidentEvent::KIND_KILL_SWITCH;
  if (kind == "update_corrected") return v1::IncidentEvent::KIND_UPDATE_CORRECTED;
  if (kind == "component_updated") return v1::IncidentEvent::KIND_COMPONENT_UPDATED;
  if (kind == "component_retired") return v1::IncidentEvent::KIND_COMPONENT_RETIRED;
  if (kind == "roles_changed") return v1::IncidentEvent::KIND_ROLES_CHANGED;
  if (kind == "draft_proposed") return v1::IncidentEvent::KIND_DRAFT_PROPOSED;
  if (kind == "draft_rejected") return v1::IncidentEvent::KIND_DRAFT_REJECTED;
  return v1::IncidentEvent::KIND_UNSPECIFIED;
}

}  // namespace

grpc::Status IncidentGrpcService::CreateComponent(grpc::ServerContext* ctx,
                                                  const v1::CreateComponentRequest* req,
                                                  v1::Component* resp) {
  return Handle(verifier_, ctx, "CreateComponent", Scope::kAdmin, "",
                [&](CallContext& call) -> absl::Status {
                  Component c;
                  c.name = req->name();
                  c.group = req->group();
                  c.description = req->description();
                  c.banner_apps.assign(req->banner_apps().begin(), req->banner_apps().end());
                  c.banner_paths.assign(req->banner_paths().begin(), req->banner_paths().end());
                  c.display_name = req->display_name();
                  KeepTokenActorOr(call, "api");
                  ASSIGN_OR_RETURN(Component created, commands_.CreateComponent(call, c));
                  ToProto(created, resp);
                  return absl::OkStatus();
                });
}

grpc::Status IncidentGrpcService::ListComponents(grpc::ServerContext* ctx,
                                                 const v1::ListComponentsRequest* req,
                                                 v1::ListComponentsResponse* resp) {
  return Handle(verifier_, ctx, "ListComponents", Scope::kRead, "",
                [&](CallContext&) -> absl::Status {
                  ASSIGN_OR_RETURN(std::vector<Component> all,
                                   commands_.ListComponents(req->include_retired()));
                  for (const Component& c : all) ToProto(c, resp->add_components());
                  return absl::OkStatus();
                });
}

grpc::Status IncidentGrpcService::DeclareIncident(grpc::ServerContext* ctx,
                                                  const v1::DeclareIncidentRequest* req,
                                                  v1::WriteIncidentResponse* resp) {
  return Handle(
      verifier_, ctx, "DeclareIncident", Scope::kWrite, "", [&](CallContext& call) -> absl::Status {
        KeepTokenActorOr(call, req->author());
        DeclareInput in;
        in.title = req->title();
        in.severity = FromProto(req->severity());
        in.affected = FromProto(req->affected_components());
        in.confirmed_start = TimeFromProto(req->confirmed_start(), req->has_confirmed_start());
        if (req->has_first_update()) in.first_update = FromProto(req->first_update());
        in.author = call.actor;
        in.lint_override_reason = req->lint_override_reason();
        in.commander = req->commander();
        in.comms_lead = req->comms_lead();
        ASSIGN_OR_RETURN(WriteResult r, commands_.Declare(call, req->idempotency_key(), in));
        FillWrite(commands_, r, resp);
        return absl::OkStatus();
      });
}

grpc::Status IncidentGrpcService::PostUpdate(grpc::ServerContext* ctx,
                                             const v1::PostUpdateRequest* req,
                                             v1::WriteIncidentResponse* resp) {
  return Handle(
      verifier_, ctx, "PostUpdate", Scope::kWrite, req->incident_ref(),
      [&](CallContext& call) -> absl::Status {
        KeepTokenActorOr(call, req->author());
        ASSIGN_OR_RETURN(
            WriteResult r,
            commands_.PostUpdate(call,
                                 Guard(req->incident_ref(), req->expected_version(),
                                       req->idempotency_key(), req->lint_override_reason()),
                                 FromProto(req->update()), FromProto(req->affected_components())));
        FillWrite(commands_, r, resp);
        return absl::OkStatus();
      });
}

grpc::Status IncidentGrpcService::ChangeSeverity(grpc::ServerContext* ctx,
                                                 const v1::ChangeSeverityRequest* req,
                                                 v1::WriteIncidentResponse* resp) {
  return Handle(verifier_, ctx, "ChangeSeverity", Scope::kWrite, req->incident_ref(),
                [&](CallContext& call) -> absl::Status {
                  KeepTokenActorOr(call, req->author());
                  ASSIGN_OR_RETURN(WriteResult r,
                                   commands_.ChangeSeverity(
                                       call,
                                       Guard(req->incident_ref(), req->expected_version(),
                                             req->idempotency_key(), ""),
                                       FromProto(req->severity()), req->reason()));
                  FillWrite(commands_, r, resp);
                  return absl::OkStatus();
                });
}

grpc::Status IncidentGrpcService::ResolveIncident(grpc::ServerContext* ctx,
                                                  const v1::ResolveIncidentRequest* req,
                                                  v1::WriteIncidentResponse* resp) {
  return Handle(verifier_, ctx, "ResolveIncident", Scope::kWrite, req->incident_ref(),
                [&](CallContext& call) -> absl::Status {
                  KeepTokenActorOr(call, req->author());
                  ASSIGN_OR_RETURN(
                      WriteResult r,
                      commands_.Resolve(call,
                                        Guard(req->incident_ref(), req->expected_version(),
                                              req->idempotency_key(), req->lint_override_reason()),
                                        req->message(), ChannelsFromProto(req->channels()),
                                        req->third_party_confirmed()));
                  FillWrite(commands_, r, resp);
                  return absl::OkStatus();
                });
}

grpc::Status IncidentGrpcService::ReopenIncident(grpc::ServerContext* ctx,
                                                 const v1::ReopenIncidentRequest* req,
                                                 v1::WriteIncidentResponse* resp) {
  return Handle(verifier_, ctx, "ReopenIncident", Scope::kWrite, req->incident_ref(),
                [&](CallContext& call) -> absl::Status {
                  KeepTokenActorOr(call, req->author());
                  ASSIGN_OR_RETURN(
                      WriteResult r,
                      commands_.Reopen(call,
                                       Guard(req->incident_ref(), req->expected_version(),
                                             req->idempotency_key(), req->lint_override_reason()),
                                       req->reason(), FromProto(req->update())));
                  FillWrite(commands_, r, resp);
                  return absl::OkStatus();
                });
}

grpc::Status IncidentGrpcService::PublishPostmortem(grpc::ServerContext* ctx,
                                                    const v1::PublishPostmortemRequest* req,
                                                    v1::WriteIncidentResponse* resp) {
  return Handle(verifier_, ctx, "PublishPostmortem", Scope::kWrite, req->incident_ref(),
                [&](CallContext& call) -> absl::Status {
                  KeepTokenActorOr(call, req->author());
                  ASSIGN_OR_RETURN(WriteResult r,
                                   commands_.PublishPostmortem(
                                       call,
                                       Guard(req->incident_ref(), req->expected_version(),
                                             req->idempotency_key(), req->lint_override_reason()),
                                       req->url(), req->body()));
                  FillWrite(commands_, r, resp);
                  return absl::OkStatus();
                });
}

grpc::Status IncidentGrpcService::GetIncident(grpc::ServerContext* ctx,
                                              const v1::GetIncidentRequest* req,
                                              v1::Incident* resp) {
  return Handle(verifier_, ctx, "GetIncident", Scope::kRead, req->incident_ref(),
                [&](CallContext&) -> absl::Status {
                  ASSIGN_OR_RETURN(Incident i, commands_.GetIncident(req->incident_ref()));
                  IncidentToProto(commands_, i, true, resp);
                  const absl::Time now = commands_.clock().Now();
                  ToProto(EvaluateIncident(i, now, commands_.rules().policy(), compliance_), now,
                          resp->mutable_compliance());
                  return absl::OkStatus();
                });
}

grpc::Status IncidentGrpcService::ListPostmortemVersions(
    grpc::ServerContext* ctx, const v1::ListPostmortemVersionsRequest* req,
    v1::ListPostmortemVersionsResponse* resp) {
  return Handle(verifier_, ctx, "ListPostmortemVersions", Scope::kRead, req->incident_ref(),
                [&](CallContext&) -> absl::Status {
                  ASSIGN_OR_RETURN(std::vector<Postmortem> versions,
                                   commands_.ListPostmortemVersions(req->incident_ref()));
                  for (const Postmortem& p : versions) ToProto(p, resp->add_versions());
                  return absl::OkStatus();
                });
}

grpc::Status IncidentGrpcService::ListIncidents(grpc::ServerContext* ctx,
                                                const v1::ListIncidentsRequest* req,
                                                v1::ListIncidentsResponse* resp) {
  return Handle(
      verifier_, ctx, "ListIncidents", Scope::kRead, "", [&](CallContext&) -> absl::Status {
        IncidentQuery q;
        q.openness = req->openness() == v1::ListIncidentsRequest::OPENNESS_OPEN
                         ? IncidentQuery::Openness::kOpen
                     : req->openness() == v1::ListIncidentsRequest::OPENNESS_CLOSED
                         ? IncidentQuery::Openness::kClosed
                         : IncidentQuery::Openness::kAny;
        FieldViolations v;
        if (!v1::ListIncidentsRequest::Openness_IsValid(req->openness())) {
          v.Add("openness", "is not a known value");
        }
        RETURN_IF_ERROR(v.ToStatus());
        for (int s : req->states()) {
          q.states.push_back(FromProto(static_cast<v1::IncidentState>(s)));
        }
        for (int s : req->severities()) {
          q.severities.push_back(FromProto(static_cast<v1::Severity>(s)));
        }
        q.started_after = TimeFromProto(req->started_after(), req->has_started_after());
        q.started_before = TimeFromProto(req->started_before(), req->has_started_before());
        q.page_size = req->page_size();
        std::string next;
        ASSIGN_OR_RETURN(IncidentPage page, commands_.ListIncidents(q, req->page_token(), &next));
        for (const Incident& i : page.incidents)
          IncidentToProto(commands_, i, false, resp->add_incidents());
        resp->set_next_page_token(next);
        return absl::OkStatus();
      });
}

grpc::Status IncidentGrpcService::LintUpdate(grpc::ServerContext* ctx,
                                             const v1::LintUpdateRequest* req,
                                             v1::LintUpdateResponse* resp) {
  return Handle(verifier_, ctx, "LintUpdate", Scope::kRead, req->incident_ref(),
                [&](CallContext&) -> absl::Status {
                  FieldViolations v;
                  lint::CheckEnums(*req, v);
                  RETURN_IF_ERROR(v.ToStatus());
                  ASSIGN_OR_RETURN(
                      std::vector<lint::Finding> findings,
                      commands_.LintDraft(req->incident_ref(), lint::InputFromProto(*req)));
                  *resp = lint::ResponseFromFindings(findings);
                  return absl::OkStatus();
                });
}

grpc::Status IncidentGrpcService::FillTemplate(grpc::ServerContext* ctx,
                                               const v1::FillTemplateRequest* req,
                                               v1::FillTemplateResponse* resp) {
  return Handle(
      verifier_, ctx, "FillTemplate", Scope::kRead, req->incident_ref(),
      [&](CallContext&) -> absl::Status {
        lint::Tone tone;
        switch (req->tone()) {
          case v1::TEMPLATE_TONE_ACKNOWLEDGING:
            tone = lint::Tone::kAcknowledging;
            break;
          case v1::TEMPLATE_TONE_UPDATING:
            tone = lint::Tone::kUpdating;
            break;
          case v1::TEMPLATE_TONE_NO_PROGRESS:
            tone = lint::Tone::kNoProgress;
            break;
          case v1::TEMPLATE_TONE_RESOLVING:
            tone = lint::Tone::kResolving;
            break;
          default:
            return InvalidField("tone",
                                "is required: acknowledging, updating, no_progress or resolving");
        }
        lint::TemplateInput extras;
        extras.learned = req->learned();
        extras.what_happened = req->what_happened();
        extras.impact = req->impact();
        extras.prevention = req->prevention();
        ASSIGN_OR_RETURN(
            FilledUpdate filled,
            commands_.FillTemplate(req->incident_ref(), tone,
                                   TimeFromProto(req->next_update_at(), req->has_next_update_at()),
                                   extras));
        resp->set_message(filled.text.message);
        resp->set_banner_text(filled.text.banner_text);
        resp->set_headline(filled.text.headline);
        if (filled.next_update_at) SetTime(*filled.next_update_at, resp->mutable_next_update_at());
        for (const lint::Finding& f : filled.findings) {
          lint::FindingToProto(f, resp->add_lint_findings());
        }
        return absl::OkStatus();
      });
}

grpc::Status IncidentGrpcService::UpdateComponent(grpc::ServerContext* ctx,
                                                  const v1::UpdateComponentRequest* req,
                                                  v1::Component* resp) {
  return Handle(verifier_, ctx, "UpdateComponent", Scope::kAdmin, "",
                [&](CallContext& call) -> absl::Status {
                  KeepTokenActorOr(call, "api");
                  ComponentEdit edit;
                  edit.name = req->name();
                  if (req->has_display_name()) edit.display_name = req->display_name().value();
                  if (req->has_description()) edit.description = req->description().value();
                  edit.expected_version = req->expected_version();
                  ASSIGN_OR_RETURN(Component c, commands_.UpdateComponent(call, edit));
                  ToProto(c, resp);
                  return absl::OkStatus();
                });
}

grpc::Status IncidentGrpcService::RetireComponent(grpc::ServerContext* ctx,
                                                  const v1::RetireComponentRequest* req,
                                                  v1::Component* resp) {
  return Handle(verifier_, ctx, "RetireComponent", Scope::kAdmin, "",
                [&](CallContext& call) -> absl::Status {
                  KeepTokenActorOr(call, "api");
                  ASSIGN_OR_RETURN(Component c,
                                   commands_.RetireComponent(call, req->name(), req->reason(),
                                                             req->expected_version()));
                  ToProto(c, resp);
                  return absl::OkStatus();
                });
}

grpc::Status IncidentGrpcService::CorrectUpdate(grpc::ServerContext* ctx,
                                                const v1::CorrectUpdateRequest* req,
                                                v1::WriteIncidentResponse* resp) {
  return Handle(verifier_, ctx, "CorrectUpdate", Scope::kWrite, req->incident_ref(),
                [&](CallContext& call) -> absl::Status {
                  KeepTokenActorOr(call, req->author());
                  Correction c{req->message(), req->banner_text(), req->reason(),
                               req->third_party_confirmed()};
                  ASSIGN_OR_RETURN(
                      WriteResult r,
                      commands_.CorrectUpdate(
                          call,
                          Guard(req->incident_ref(), req->expected_version(),
                                req->idempotency_key(), req->lint_override_reason()),
                          req->update_id(), c));
                  FillWrite(commands_, r, resp);
                  return absl::OkStatus();
                });
}

grpc::Status IncidentGrpcService::WatchIncidents(grpc::ServerContext* ctx,
                                                 const v1::WatchIncidentsRequest* req,
                                                 grpc::ServerWriter<v1::IncidentEvent>* writer) {
  const std::string request_id = RequestIdFor(ctx);
  absl::StatusOr<Principal> who = AuthorizeCall(verifier_, *ctx, Scope::kRead, "WatchIncidents");
  if (!who.ok()) {
    LogEvent("watch_refused", {{"request_id", request_id},
                               {"code", absl::StatusCodeToString(who.status().code())},
                               {"error", std::string(who.status().message())}});
    return ToGrpcStatus(who.status());
  }
  if (watchers_.fetch_add(1) >= watch_.max_watchers) {
    watchers_.fetch_sub(1);
    LogEvent("watch_refused", {{"request_id", request_id}});
    return grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                        "too many WatchIncidents streams on this replica; retry with backoff");
  }
  LogEvent("watch_start", {{"request_id", request_id},
                           {"after_sequence", absl::StrCat(req->after_sequence())}});
  StreamTokenCheck token(verifier_, *ctx, Scope::kRead, "WatchIncidents",
                         watch_.token_recheck_interval);
  absl::Status status = Watch(ctx, *req, writer, token);
  watchers_.fetch_sub(1);
  LogEvent("watch_end", {{"request_id", request_id},
                         {"code", absl::StatusCodeToString(status.code())}});
  return ToGrpcStatus(status);
}

absl::Status IncidentGrpcService::Watch(grpc::ServerContext* ctx,
                                        const v1::WatchIncidentsRequest& req,
                                        grpc::ServerWriter<v1::IncidentEvent>* writer,
                                        StreamTokenCheck& token) {
  IncidentStore& store = commands_.store();
  int64_t seq = req.after_sequence();
  if (seq < 0) return InvalidField("after_sequence", "must be 0 (from now) or a sequence seen");
  ASSIGN_OR_RETURN(int64_t head, store.HeadSequence());
  if (seq > head) {
    return InvalidField("after_sequence",
                        absl::StrCat("is ", seq, " but the newest change is ", head,
                                     "; resume from a sequence this server sent"));
  }
  if (seq == 0) {
    // The current state: every open incident, then a marker at the head.
    IncidentQuery q;
    q.openness = IncidentQuery::Openness::kOpen;
    q.page_size = 200;
    std::string token, next;
    do {
      ASSIGN_OR_RETURN(IncidentPage page, commands_.ListIncidents(q, token, &next));
      for (const Incident& i : page.incidents) {
        v1::IncidentEvent e;
        e.set_sequence(head);
        e.set_kind(v1::IncidentEvent::KIND_SNAPSHOT);
        IncidentToProto(commands_, i, false, e.mutable_incident());
        if (!writer->Write(e)) return absl::CancelledError("watcher went away");
      }
      token = next;
    } while (!token.empty());
    v1::IncidentEvent end;
    end.set_sequence(head);
    end.set_kind(v1::IncidentEvent::KIND_SNAPSHOT_END);
    if (!writer->Write(end)) return absl::CancelledError("watcher went away");
    seq = head;
  }
  while (!ctx->IsCancelled() && !feed_.stopped()) {
    RETURN_IF_ERROR(token.WhenDue());
    absl::StatusOr<std::vector<ChangeRecord>> changes = store.ReadChanges(seq, 200);
    if (changes.ok() && !changes->empty()) RETURN_IF_ERROR(token.BeforeDelivery());
    if (!changes.ok()) {
      // PostgreSQL is away: keep the stream, retry after a pause.
      feed_.WaitBeyond(std::numeric_limits<int64_t>::max(), absl::Now() + watch_.poll_interval);
      continue;
    }
    for (const ChangeRecord& c : *changes) {
      v1::IncidentEvent e;
      e.set_sequence(c.sequence);
      e.set_kind(EventKind(c.kind));
      SetTime(c.at, e.mutable_at());
      e.set_actor(c.actor);
      e.set_summary(c.summary);
      if (!c.incident_ref.empty()) {
        absl::StatusOr<Incident> i = store.GetIncident(c.incident_ref, false);
        if (!i.ok()) break;  // retry this change on the next round
        IncidentToProto(commands_, *i, false, e.mutable_incident());
        if (c.update_id != 0) {
          absl::StatusOr<Update> u = store.GetUpdate(c.update_id);
          if (!u.ok()) break;
          ToProto(*u, e.mutable_update());
        }
      }
      if (!c.component_name.empty()) e.mutable_component()->set_name(c.component_name);
      if (!writer->Write(e)) return absl::CancelledError("watcher went away");
      seq = c.sequence;
    }
    if (changes->empty()) feed_.WaitBeyond(seq, absl::Now() + watch_.poll_interval);
  }
  if (feed_.stopped()) {
    return absl::UnavailableError("server is shutting down; resume from the last sequence");
  }
  return absl::CancelledError("watcher went away");
}

}  // namespace statuscast
