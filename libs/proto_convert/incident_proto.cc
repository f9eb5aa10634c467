#include "libs/proto_convert/incident_proto.h"

#include <algorithm>

#include "libs/base/proto_time.h"
#include "libs/proto_convert/lint_proto.h"

namespace statuscast {
namespace {
void SetTime(const absl::optional<absl::Time>& t, google::protobuf::Timestamp* out) {
  if (t) statuscast::SetTime(*t, out);
}

}  // namespace

void ToProto(const Update& in, v1::Update* out) {
  out->set_id(in.id);
  out->set_kind(ToProto(in.kind));
  out->set_state(ToProto(in.state));
  out->set_message(in.message);
  out->set_banner_text(in.banner_text);
  for (Channel c : in.channels) out->add_channels(ToProto(c));
  SetTime(in.posted_at, out->mutable_posted_at());
  if (in.next_update_at) SetTime(*in.next_update_at, out->mutable_next_update_at());
  out->set_author(in.author);
  out->set_severity(ToProto(in.severity));
  out->set_kept_promise(static_cast<v1::PromiseOutcome>(in.kept_promise));
  out->set_third_party_confirmed(in.third_party_confirmed);
  for (const UpdateRevision& r : in.revisions) {
    v1::UpdateRevision* p = out->add_revisions();
    p->set_number(r.number);
    p->set_message(r.message);
    p->set_banner_text(r.banner_text);
    SetTime(r.at, p->mutable_revised_at());
    p->set_author(r.author);
    p->set_reason(r.reason);
  }
  if (in.edited_at()) SetTime(*in.edited_at(), out->mutable_edited_at());
  for (const lint::Finding& f : in.lint_findings) lint::FindingToProto(f, out->add_lint_findings());
  out->set_lint_override_reason(in.lint_override_reason);
}

void ToProto(const Component& in, v1::Component* out) {
  out->set_name(in.name);
  out->set_group(in.group);
  out->set_description(in.description);
  out->set_status(ToProto(in.status));
  SetTime(in.created_at, out->mutable_created_at());
  for (const std::string& a : in.banner_apps) out->add_banner_apps(a);
  for (const std::string& p : in.banner_paths) out->add_banner_paths(p);
  out->set_display_name(in.display_name);
  if (in.retired_at) SetTime(*in.retired_at, out->mutable_retired_at());
  out->set_version(in.version);
}

void ToProto(const Postmortem& in, v1::Postmortem* out) {
  out->set_url(in.url);
  out->set_body(in.body);
  SetTime(in.published_at, out->mutable_published_at());
  out->set_author(in.author);
  out->set_revision(in.revision);
  SetTime(in.first_published_at, out->mutable_first_published_at());
}

void ToProto(const Incident& in, bool with_timeline, v1::Incident* out) {
  out->set_ref(in.ref);
  out->set_title(in.title);
  out->set_severity(ToProto(in.severity));
  out->set_state(ToProto(in.state));
  SetTime(in.confirmed_start, out->mutable_confirmed_start());
  SetTime(in.declared_at, out->mutable_declared_at());
  if (in.first_communication_at) {
    SetTime(*in.first_communication_at, out->mutable_first_communication_at());
    SetDuration(*in.first_communication_at - in.confirmed_start,
                out->mutable_first_communication_delay());
  }
  if (in.resolved_at) SetTime(*in.resolved_at, out->mutable_resolved_at());
  if (in.next_update_at) SetTime(*in.next_update_at, out->mutable_next_update_at());
  if (in.investigating_at) SetTime(*in.investigating_at, out->mutable_investigating_at());
  if (in.identified_at) SetTime(*in.identified_at, out->mutable_identified_at());
  if (in.monitoring_at) SetTime(*in.monitoring_at, out->mutable_monitoring_at());
  SetTime(in.updated_at, out->mutable_updated_at());
  out->set_version(in.version);
  out->set_reopen_count(in.reopen_count);
  for (const AffectedComponent& a : in.affected) {
    auto* p = out->add_affected_components();
    p->set_name(a.name);
    p->set_status(ToProto(a.status));
  }
  if (in.postmortem) ToProto(*in.postmortem, out->mutable_postmortem());
  out->set_commander(in.commander);
  out->set_comms_lead(in.comms_lead);
  if (!with_timeline) return;
  // Merge updates, severity and role changes by time (in that order on ties).
  struct Item {
    absl::Time at;
    int order;
    const Update* update;
    const SeverityChange* change;
    const RoleChange* role;
  };
  std::vector<Item> items;
  for (const Update& u : in.updates) items.push_back({u.posted_at, 0, &u, nullptr, nullptr});
  for (const SeverityChange& c : in.severity_changes) {
    items.push_back({c.changed_at, 1, nullptr, &c, nullptr});
  }
  for (const RoleChange& r : in.role_changes) {
    items.push_back({r.changed_at, 2, nullptr, nullptr, &r});
  }
  std::stable_sort(items.begin(), items.end(), [](const Item& a, const Item& b) {
    return a.at != b.at ? a.at < b.at : a.order < b.order;
  });
  for (const Item& item : items) {
    v1::TimelineEvent* e = out->add_timeline();
    SetTime(item.at, e->mutable_at());
    if (item.update) {
      ToProto(*item.update, e->mutable_update());
    } else if (item.role) {
      v1::RoleChange* r = e->mutable_role_change();
      r->set_role(item.role->role == IncidentRole::kCommander ? v1::INCIDENT_ROLE_COMMANDER
                                                              : v1::INCIDENT_ROLE_COMMS_LEAD);
      r->set_from(item.role->from);
      r->set_to(item.role->to);
      r->set_author(item.role->author);
      SetTime(item.role->changed_at, r->mutable_changed_at());
    } else {
      v1::SeverityChange* c = e->mutable_severity_change();
      c->set_from(ToProto(item.change->from));
      c->set_to(ToProto(item.change->to));
      c->set_reason(item.change->reason);
      c->set_author(item.change->author);
      SetTime(item.change->changed_at, c->mutable_changed_at());
      SetTime(item.change->next_update_at_before, c->mutable_next_update_at_before());
      SetTime(item.change->next_update_at_after, c->mutable_next_update_at_after());
    }
  }
  if (in.postmortem) {
    v1::TimelineEvent* e = out->add_timeline();
    SetTime(in.postmortem->published_at, e->mutable_at());
    ToProto(*in.postmortem, e->mutable_postmortem());
  }
}

void ToProto(const UpdateDraft& in, v1::UpdateDraft* out) {
  out->set_state(ToProto(in.state));
  out->set_message(in.message);
  out->set_banner_text(in.banner_text);
  for (Channel c : in.channels) out->add_channels(ToProto(c));
  if (in.next_update_at) SetTime(*in.next_update_at, out->mutable_next_update_at());
  out->set_no_progress(in.no_progress);
  out->set_third_party_confirmed(in.third_party_confirmed);
  out->set_use_default_next_update(in.use_default_next_update);
}

void ToProto(const Draft& in, v1::Draft* out) {
  out->set_id(in.id);
  out->set_incident_ref(in.incident_ref);
  out->set_status(static_cast<v1::DraftStatus>(in.status));
  ToProto(in.update, out->mutable_update());
  out->set_author(in.author);
  SetTime(in.proposed_at, out->mutable_proposed_at());
  out->set_based_on_version(in.based_on_version);
  for (const lint::Finding& f : in.lint_findings) lint::FindingToProto(f, out->add_lint_findings());
  out->set_decided_by(in.decided_by);
  SetTime(in.decided_at, out->mutable_decided_at());
  out->set_reject_reason(in.reject_reason);
  out->set_update_id(in.update_id);
}

void ToProto(const AuditEvent& in, v1::AuditEvent* out) {
  out->set_id(in.id);
  SetTime(in.at, out->mutable_at());
  out->set_actor(in.actor);
  out->set_action(in.action);
  out->set_incident_ref(in.incident_ref);
  out->set_request_id(in.request_id);
  out->set_details(in.details);
  out->set_update_id(in.update_id);
  out->set_lint_override_reason(in.lint_override_reason);
  out->set_third_party_confirmed(in.third_party_confirmed);
}

UpdateDraft FromProto(const v1::UpdateDraft& in) {
  UpdateDraft d;
  d.state = FromProto(in.state());
  d.message = in.message();
  d.banner_text = in.banner_text();
  d.channels = ChannelsFromProto(in.channels());
  d.next_update_at = TimeFromProto(in.next_update_at(), in.has_next_update_at());
  d.no_progress = in.no_progress();
  d.third_party_confirmed = in.third_party_confirmed();
  d.use_default_next_update = in.use_default_next_update();
  return d;
}

std::vector<AffectedComponent> FromProto(
    const google::protobuf::RepeatedPtrField<v1::AffectedComponent>& in) {
  std::vector<AffectedComponent> out;
  for (const auto& a : in) out.push_back({a.name(), FromProto(a.status())});
  return out;
}

}  // namespace statuscast
