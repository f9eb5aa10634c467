#include "libs/incident/incident_rules.h"

#include <algorithm>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "libs/base/field_violations.h"
#include "libs/base/text_limits.h"
#include "libs/base/time_text.h"

namespace statuscast {
namespace {

void CheckString(const std::string& value, const std::string& field, size_t max, bool required,
                 bool multiline, FieldViolations& v) {
  if (value.empty() || absl::StripAsciiWhitespace(value).empty()) {
    if (required) v.Add(field, "is required");
    return;
  }
  std::string problem = CheckText(value, max, multiline);
  if (!problem.empty()) v.Add(field, problem);
}

bool IsValidComponentName(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  if (!absl::ascii_islower(name[0]) && !absl::ascii_isdigit(name[0])) return false;
  for (char c : name) {
    if (!absl::ascii_islower(c) && !absl::ascii_isdigit(c) && c != '-' && c != '_' && c != '.') {
      return false;
    }
  }
  return true;
}

bool IsKnownState(IncidentState s) {
  return s == IncidentState::kInvestigating || s == IncidentState::kIdentified ||
         s == IncidentState::kMonitoring || s == IncidentState::kResolved;
}

bool IsValidSeverity(Severity s) {
  return s == Severity::kSev1 || s == Severity::kSev2 || s == Severity::kSev3;
}

}  // namespace

bool IncidentRules::IsAllowedTransition(IncidentState from, IncidentState to) {
  if (from == IncidentState::kResolved || !IsKnownState(from) || !IsKnownState(to)) return false;
  if (to == from) return true;
  if (static_cast<int>(to) > static_cast<int>(from)) return true;
  return from == IncidentState::kMonitoring && to == IncidentState::kIdentified;
}

std::string DefaultBannerText(const std::string& message, size_t max_bytes) {
  size_t end = message.size();
  for (size_t i = 0; i + 1 < message.size(); ++i) {
    if ((message[i] == '.' || message[i] == '!' || message[i] == '?') &&
        (message[i + 1] == ' ' || message[i + 1] == '\n')) {
      end = i + 1;
      break;
    }
  }
  size_t nl = message.find('\n');
  if (nl != std::string::npos && nl < end) end = nl;
  if (end > max_bytes) {
    end = max_bytes;
    // Step back to the start of a UTF-8 sequence.
    while (end > 0 && (static_cast<unsigned char>(message[end]) & 0xC0) == 0x80) --end;
  }
  std::string out(absl::StripAsciiWhitespace(message.substr(0, end)));
  // A banner is one line: any tab or carriage return becomes a space.
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) c = ' ';
  }
  return out;
}

absl::Status IncidentRules::CheckWriteMeta(const std::string& author,
                                           const std::string& idempotency_key, bool needs_version,
                                           int64_t expected_version) const {
  FieldViolations v;
  CheckString(author, "author", limits_.author_bytes, true, false, v);
  if (idempotency_key.empty()) {
    v.Add("idempotency_key", "is required (any unique string per intended write, e.g. a UUID)");
  } else {
    CheckString(idempotency_key, "idempotency_key", limits_.idempotency_key_bytes, true, false, v);
  }
  if (needs_version && expected_version <= 0) {
    v.Add("expected_version",
          "is required: pass the incident's current version (GetIncident returns it)");
  }
  return v.ToStatus();
}

absl::Status IncidentRules::CheckComponent(const Component& c) const {
  FieldViolations v;
  if (!IsValidComponentName(c.name) || c.name.size() > limits_.component_name_bytes) {
    v.Add("name",
          "must be 1-64 characters of lower-case letters, digits, '-', '_' or '.', starting with a "
          "letter or digit");
  }
  CheckString(c.group, "group", limits_.component_group_bytes, false, false, v);
  CheckString(c.description, "description", limits_.component_description_bytes, false, true, v);
  CheckString(c.display_name, "display_name", limits_.component_display_name_bytes, false, false,
              v);
  if (c.banner_apps.size() > 20) v.Add("banner_apps", "has more than 20 entries");
  for (size_t i = 0; i < c.banner_apps.size() && i < 20; ++i) {
    if (!IsValidComponentName(c.banner_apps[i])) {
      v.Add(absl::StrCat("banner_apps[", i, "]"),
            "must be 1-64 characters of lower-case letters, digits, '-', '_' or '.'");
    }
  }
  if (c.banner_paths.size() > 20) v.Add("banner_paths", "has more than 20 entries");
  for (size_t i = 0; i < c.banner_paths.size() && i < 20; ++i) {
    const std::string& p = c.banner_paths[i];
    std::string problem = CheckText(p, 200, false);
    if (p.empty() || (p[0] != '/' && p[0] != '*')) {
      v.Add(absl::StrCat("banner_paths[", i, "]"),
            "must be a path pattern starting with '/' or '*', e.g. /checkout/*");
    } else if (!problem.empty() || p.find(',') != std::string::npos) {
      v.Add(absl::StrCat("banner_paths[", i, "]"),
            problem.empty() ? "must not contain ','" : problem);
    }
  }
  return v.ToStatus();
}

void IncidentRules::CheckAffected(const std::vector<AffectedComponent>& affected, bool required,
                                  const std::string& field, FieldViolations& v) const {
  if (affected.empty()) {
    if (required) {
      v.Add(field, "name at least one affected component (who is affected is part of every "
                   "first communication)");
    }
    return;
  }
  if (affected.size() > limits_.affected_components) {
    v.Add(field, absl::StrCat("has ", affected.size(), " entries; the limit is ",
                              limits_.affected_components));
    return;
  }
  std::set<std::string> seen;
  for (size_t i = 0; i < affected.size(); ++i) {
    const std::string f = absl::StrCat(field, "[", i, "]");
    if (!IsValidComponentName(affected[i].name)) {
      v.Add(f + ".name", "is not a valid component name");
    } else if (!seen.insert(affected[i].name).second) {
      v.Add(f + ".name", absl::StrCat("\"", affected[i].name, "\" is listed twice"));
    }
    int st = static_cast<int>(affected[i].status);
    if (st < 0 || st > static_cast<int>(ComponentStatus::kUnderMaintenance)) {
      v.Add(f + ".status", "is not a known component status");
    }
  }
}

void IncidentRules::CheckDraft(const UpdateDraft& d, Severity sev, IncidentState state_after,
                               absl::Time now, const std::string& prefix,
                               FieldViolations& v) const {
  CheckString(d.message, prefix + "message", limits_.message_bytes, true, true, v);
  CheckString(d.banner_text, prefix + "banner_text", limits_.banner_text_bytes, false, false, v);
  if (d.channels.empty()) {
    v.Add(prefix + "channels",
          "name at least one channel: in_app_banner, status_page or public");
  } else if (d.channels.size() > limits_.channels) {
    v.Add(prefix + "channels", "lists a channel more than once");
  } else {
    std::set<Channel> seen;
    for (Channel c : d.channels) {
      if (c != Channel::kInAppBanner && c != Channel::kStatusPage && c != Channel::kPublic) {
        v.Add(prefix + "channels", "holds an unknown channel");
      } else if (!seen.insert(c).second) {
        v.Add(prefix + "channels", absl::StrCat("lists ", ChannelName(c), " twice"));
      }
    }
  }
  std::string problem = promises_.Check(sev, state_after, d.channels, d.next_update_at, now);
  if (!problem.empty()) v.Add(prefix + "next_update_at", problem);
  // One promise: the time customers read on the status page is the record's.
  if (ReachesStatusPage(d.channels)) {
    problem = TextPromiseProblem(d.message, d.next_update_at);
    if (!problem.empty()) v.Add(prefix + "message", problem);
  }
}

void IncidentRules::FillDefaultPromise(UpdateDraft& d, Severity sev, absl::Time now,
                                       const std::string& prefix, FieldViolations& v) const {
  if (!d.use_default_next_update) return;
  if (d.next_update_at) {
    v.Add(prefix + "next_update_at",
          "must be unset when use_default_next_update asks the server for the default promise");
    return;
  }
  if (!promises_.Required(sev, d.state, d.channels)) return;
  // A time the text already names is the promise; else the cadence's.
  absl::StatusOr<absl::optional<absl::Time>> named = PromiseInText(d.message, now);
  if (!named.ok()) {
    v.Add(prefix + "message", std::string(named.status().message()));
    return;
  }
  if (named->has_value()) {
    d.next_update_at = **named;
    return;
  }
  d.next_update_at = promises_.Default(sev, now);
  if (d.next_update_at) d.message = StatePromise(d.message, *d.next_update_at);
}

Update IncidentRules::Post(Incident& incident, UpdateDraft d, UpdateKind kind,
                           const std::string& author, absl::Time now) const {
  Update u;
  u.kind = kind;
  u.state = d.state;
  u.message = d.message;
  u.banner_text =
      d.banner_text.empty() ? DefaultBannerText(d.message, limits_.banner_text_bytes) : d.banner_text;
  u.channels = d.channels;
  u.posted_at = now;
  u.next_update_at = d.next_update_at;
  u.author = author;
  u.severity = incident.severity;
  // Only an update customers can read on the status page keeps the standing
  // promise or makes a new one; a banner-only update leaves both alone.
  const bool on_status_page = ReachesStatusPage(d.channels);
  if (incident.next_update_at && on_status_page) {
    u.kept_promise = promises_.KeptBy(*incident.next_update_at, now) ? PromiseOutcome::kKept
                                                                      : PromiseOutcome::kLate;
  } else {
    u.kept_promise = PromiseOutcome::kNone;
  }
  if (u.kind != UpdateKind::kReopen && !incident.first_communication_at) {
    u.kind = UpdateKind::kFirst;
  }
  if (!incident.first_communication_at) incident.first_communication_at = now;
  if (d.state != incident.state || kind == UpdateKind::kReopen) {
    switch (d.state) {
      case IncidentState::kInvestigating: incident.investigating_at = now; break;
      case IncidentState::kIdentified: incident.identified_at = now; break;
      case IncidentState::kMonitoring: incident.monitoring_at = now; break;
      case IncidentState::kResolved: incident.resolved_at = now; break;
      default: break;
    }
  }
  incident.state = d.state;
  if (on_status_page) incident.next_update_at = d.next_update_at;
  incident.updated_at = now;
  return u;
}

absl::StatusOr<Incident> IncidentRules::Declare(const DeclareInput& in, absl::Time now,
                                                absl::optional<Update>* first_update) const {
  FieldViolations v;
  CheckString(in.title, "title", limits_.title_bytes, true, false, v);
  if (!IsValidSeverity(in.severity)) v.Add("severity", "must be SEV-1, SEV-2 or SEV-3");
  CheckAffected(in.affected, true, "affected_components", v);
  absl::Time start = in.confirmed_start.value_or(now);
  if (start > now) {
    v.Add("confirmed_start", absl::StrCat("is in the future (", FormatUtc(start),
                                          "); the confirmed start is when the issue was "
                                          "confirmed real, now or earlier"));
  } else if (start < now - limits_.max_backdate) {
    v.Add("confirmed_start", absl::StrCat("is more than ", absl::FormatDuration(limits_.max_backdate),
                                          " ago; check the date"));
  }
  UpdateDraft first;
  if (in.first_update) {
    first = *in.first_update;
    if (first.state == IncidentState::kUnspecified) first.state = IncidentState::kInvestigating;
    if (first.state == IncidentState::kResolved) {
      v.Add("first_update.state", "cannot be resolved: declare, then resolve");
    } else if (!IsKnownState(first.state)) {
      v.Add("first_update.state", "must be investigating, identified or monitoring");
    }
    if (IsValidSeverity(in.severity)) {
      FillDefaultPromise(first, in.severity, now, "first_update.", v);
      CheckDraft(first, in.severity, first.state, now, "first_update.", v);
    }
  }
  if (!v.empty()) return v.ToStatus();

  Incident inc;
  inc.title = in.title;
  inc.severity = in.severity;
  inc.state = IncidentState::kInvestigating;
  inc.confirmed_start = start;
  inc.declared_at = now;
  inc.updated_at = now;
  inc.investigating_at = now;
  inc.version = 1;
  inc.affected = in.affected;
  for (AffectedComponent& a : inc.affected) {
    if (a.status == ComponentStatus::kUnspecified) a.status = ComponentStatus::kPartialOutage;
  }
  first_update->reset();
  if (in.first_update) {
    *first_update = Post(inc, first, UpdateKind::kFirst, in.author, now);
  }
  return inc;
}

absl::StatusOr<Update> IncidentRules::ApplyUpdate(Incident& incident, const UpdateDraft& draft,
                                                  const std::vector<AffectedComponent>& affected,
                                                  const std::string& author,
                                                  absl::Time now) const {
  if (incident.state == IncidentState::kResolved) {
    return absl::FailedPreconditionError(
        absl::StrCat(incident.ref, " is resolved; reopen it first (a reopen is recorded)"));
  }
  FieldViolations v;
  UpdateDraft d = draft;
  if (d.state == IncidentState::kUnspecified) d.state = incident.state;
  if (!IsKnownState(d.state)) {
    v.Add("update.state", "must be investigating, identified or monitoring");
    return v.ToStatus();
  }
  if (d.state == IncidentState::kResolved) {
    v.Add("update.state", "use ResolveIncident to resolve: it records the resolution message");
  } else if (!IsAllowedTransition(incident.state, d.state)) {
    return absl::FailedPreconditionError(absl::StrCat(
        incident.ref, " is ", StateName(incident.state), " and cannot go back to ",
        StateName(d.state),
        ": states move forward (investigating, identified, monitoring, resolved), except "
        "monitoring back to identified when a fix fails"));
  }
  FillDefaultPromise(d, incident.severity, now, "update.", v);
  CheckDraft(d, incident.severity, d.state, now, "update.", v);
  CheckAffected(affected, false, "affected_components", v);
  if (!v.empty()) return v.ToStatus();
  if (!affected.empty()) {
    incident.affected = affected;
    for (AffectedComponent& a : incident.affected) {
      if (a.status == ComponentStatus::kUnspecified) a.status = ComponentStatus::kPartialOutage;
    }
  }
  return Post(incident, d, d.no_progress ? UpdateKind::kNoProgress : UpdateKind::kProgress, author,
              now);
}

absl::StatusOr<SeverityChange> IncidentRules::ApplySeverityChange(Incident& incident, Severity to,
                                                                  const std::string& reason,
                                                                  const std::string& author,
                                                                  absl::Time now) const {
  FieldViolations v;
  if (!IsValidSeverity(to)) v.Add("severity", "must be SEV-1, SEV-2 or SEV-3");
  CheckString(reason, "reason", limits_.reason_bytes, false, true, v);
  if (!v.empty()) return v.ToStatus();
  if (incident.state == IncidentState::kResolved) {
    return absl::FailedPreconditionError(
        absl::StrCat(incident.ref, " is resolved; reopen it first (a reopen is recorded)"));
  }
  if (to == incident.severity) {
    return absl::FailedPreconditionError(
        absl::StrCat(incident.ref, " is already ", SeverityName(to)));
  }
  SeverityChange c;
  c.from = incident.severity;
  c.to = to;
  c.reason = reason;
  c.author = author;
  c.changed_at = now;
  c.next_update_at_before = incident.next_update_at;
  // Escalation tightens the standing promise; a promise already made is
  // binding, so de-escalation keeps it.
  incident.next_update_at = promises_.Tightened(to, incident.next_update_at,
                                                incident.first_communication_at.has_value(), now);
  c.next_update_at_after = incident.next_update_at;
  incident.severity = to;
  incident.updated_at = now;
  return c;
}

absl::StatusOr<Update> IncidentRules::ApplyResolve(Incident& incident, const std::string& message,
                                                   const std::vector<Channel>& channels,
                                                   const std::string& author,
                                                   absl::Time now) const {
  UpdateDraft d;
  d.state = IncidentState::kResolved;
  d.message = message;
  d.channels = channels;
  if (d.channels.empty()) d.channels = {Channel::kStatusPage, Channel::kPublic};
  FieldViolations v;
  CheckDraft(d, incident.severity, d.state, now, "", v);
  if (!v.empty()) return v.ToStatus();
  if (incident.state == IncidentState::kResolved) {
    return absl::FailedPreconditionError(absl::StrCat(incident.ref, " is already resolved"));
  }
  Update u = Post(incident, d, UpdateKind::kResolution, author, now);
  u.kind = UpdateKind::kResolution;
  return u;
}

absl::StatusOr<Update> IncidentRules::ApplyReopen(Incident& incident, const std::string& reason,
                                                  const UpdateDraft& draft,
                                                  const std::string& author,
                                                  absl::Time now) const {
  FieldViolations v;
  CheckString(reason, "reason", limits_.reason_bytes, true, true, v);
  UpdateDraft d = draft;
  if (d.state == IncidentState::kUnspecified) d.state = IncidentState::kInvestigating;
  if (d.state != IncidentState::kInvestigating && d.state != IncidentState::kIdentified) {
    v.Add("update.state", "a reopened incident is investigating or identified");
  }
  FillDefaultPromise(d, incident.severity, now, "update.", v);
  CheckDraft(d, incident.severity, d.state, now, "update.", v);
  if (!v.empty()) return v.ToStatus();
  if (incident.state != IncidentState::kResolved) {
    return absl::FailedPreconditionError(
        absl::StrCat(incident.ref, " is ", StateName(incident.state),
                     ", not resolved; post an update instead"));
  }
  // The promise standing before a reopen is none: the incident was closed.
  incident.next_update_at.reset();
  incident.resolved_at.reset();
  incident.reopen_count += 1;
  return Post(incident, d, UpdateKind::kReopen, author, now);
}

absl::StatusOr<Postmortem> IncidentRules::ApplyPostmortem(Incident& incident,
                                                          const std::string& url,
                                                          const std::string& body,
                                                          const std::string& author,
                                                          absl::Time now) const {
  FieldViolations v;
  if (absl::StripAsciiWhitespace(url).empty() && absl::StripAsciiWhitespace(body).empty()) {
    v.Add("url", "give a link to the postmortem, its body, or both");
  }
  if (!url.empty()) {
    std::string problem = CheckText(url, limits_.url_bytes, false);
    if (!problem.empty()) {
      v.Add("url", problem);
    } else if (!absl::StartsWith(url, "https://") && !absl::StartsWith(url, "http://")) {
      v.Add("url", "must be an http:// or https:// link");
    }
  }
  CheckString(body, "body", limits_.postmortem_body_bytes, false, true, v);
  if (!v.empty()) return v.ToStatus();
  if (incident.state != IncidentState::kResolved) {
    return absl::FailedPreconditionError(absl::StrCat(
        incident.ref, " is ", StateName(incident.state),
        "; a postmortem is published once the incident is resolved"));
  }
  Postmortem p{url, body, now, author};
  // Republishing adds a version; the first publication's time stays.
  p.revision = incident.postmortem ? incident.postmortem->revision + 1 : 1;
  p.first_published_at = incident.postmortem ? incident.postmortem->first_published_at : now;
  incident.postmortem = p;
  incident.updated_at = now;
  return p;
}

}  // namespace statuscast
