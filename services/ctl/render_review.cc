// statuscastctl's output for drafts and the audit log (render.h).
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "libs/incident/draft.h"
#include "services/ctl/render.h"
#include "services/ctl/render_internal.h"

namespace statuscast {
namespace ctl {
namespace {

const char* DraftStatusLabel(v1::DraftStatus s) {
  // The wire enum numbers the statuses as the model does.
  return DraftStatusName(static_cast<DraftStatus>(s));
}

int Errors(const google::protobuf::RepeatedPtrField<v1::LintFinding>& findings) {
  int n = 0;
  for (const v1::LintFinding& f : findings) n += f.level() == v1::LINT_LEVEL_ERROR;
  return n;
}

}  // namespace

std::string RenderPostmortemVersions(const v1::ListPostmortemVersionsResponse& list,
                                     const std::string& incident_ref, absl::Time now) {
  if (list.versions_size() == 0) {
    return absl::StrCat("no postmortem published for ", incident_ref, "\n");
  }
  std::string out;
  for (const v1::Postmortem& p : list.versions()) {
    absl::StrAppend(&out, "version ", p.revision(), " of ", incident_ref, "'s postmortem  ",
                    FormatUtcNear(TimeFromProto(p.published_at()), now), "  by ", p.author(),
                    p.revision() == list.versions(list.versions_size() - 1).revision()
                        ? "  (in force)"
                        : "",
                    "\n");
    if (!p.url().empty()) absl::StrAppend(&out, "    ", p.url(), "\n");
    for (const std::string& line : Wrap(p.body(), kWidth - 4)) {
      absl::StrAppend(&out, "    ", line, "\n");
    }
  }
  return out;
}

std::string RenderDraft(const v1::Draft& d, absl::Time now) {
  const v1::UpdateDraft& u = d.update();
  std::string head = absl::StrCat("draft ", d.id(), " of ", d.incident_ref(), "  ",
                                  DraftStatusLabel(d.status()), "  from ", d.author(), " at ",
                                  FormatUtcNear(TimeFromProto(d.proposed_at()), now));
  if (u.state() == v1::INCIDENT_STATE_RESOLVED) {
    absl::StrAppend(&head, "  proposes the resolution");
  } else if (u.state() != v1::INCIDENT_STATE_UNSPECIFIED) {
    absl::StrAppend(&head, "  state ", StateLabel(u.state()));
  }
  if (u.channels_size() > 0) absl::StrAppend(&head, "  to ", ChannelList(u.channels()));
  std::string out = absl::StrCat(head, "\n");
  for (const std::string& line : Wrap(u.message(), kWidth - 4)) {
    absl::StrAppend(&out, "    ", line, "\n");
  }
  if (!u.banner_text().empty()) {
    absl::StrAppend(&out, "    banner: \"", OneLine(u.banner_text()), "\"\n");
  }
  const int errors = Errors(d.lint_findings());
  if (d.lint_findings_size() > 0) {
    absl::StrAppend(&out, "    lint: ", d.lint_findings_size(), " finding(s), ", errors,
                    " error(s)\n", RenderLintNotes(d.lint_findings()));
  }
  switch (d.status()) {
    case v1::DRAFT_STATUS_APPROVED:
      absl::StrAppend(&out, "    approved by ", d.decided_by(), " at ",
                      FormatUtcNear(TimeFromProto(d.decided_at()), now), " as update ",
                      d.update_id(), "\n");
      break;
    case v1::DRAFT_STATUS_REJECTED:
      absl::StrAppend(&out, "    rejected by ", d.decided_by(), " at ",
                      FormatUtcNear(TimeFromProto(d.decided_at()), now), ": ",
                      OneLine(d.reject_reason()), "\n");
      break;
    default:
      absl::StrAppend(&out, "    review: statuscastctl approve ", d.incident_ref(), " ", d.id(),
                      " [--message M]  |  statuscastctl reject ", d.incident_ref(), " ", d.id(),
                      " --reason R\n");
      break;
  }
  return out;
}

std::string RenderDrafts(const v1::ListDraftsResponse& list, const std::string& incident_ref,
                         absl::Time now) {
  if (list.drafts_size() == 0) return absl::StrCat("no drafts waiting for ", incident_ref, "\n");
  std::string out;
  for (const v1::Draft& d : list.drafts()) absl::StrAppend(&out, RenderDraft(d, now), "\n");
  return out;
}

std::string RenderAuditEvents(const v1::ListAuditEventsResponse& page, absl::Time now) {
  if (page.events_size() == 0) return "no audit events match\n";
  std::vector<std::vector<std::string>> rows = {{"TIME", "ACTOR", "ACTION", "INCIDENT", "WHAT"}};
  for (const v1::AuditEvent& e : page.events()) {
    std::vector<std::string> what = {OneLine(e.details())};
    if (!e.lint_override_reason().empty()) {
      what.push_back(absl::StrCat("lint override: ", OneLine(e.lint_override_reason())));
    }
    if (e.third_party_confirmed()) what.push_back("third party confirmed");
    rows.push_back({FormatUtcNear(TimeFromProto(e.at()), now), e.actor(), e.action(),
                    e.incident_ref().empty() ? "-" : e.incident_ref(), absl::StrJoin(what, "; ")});
  }
  return Table(rows);
}

}  // namespace ctl
}  // namespace statuscast
