// statuscastctl roles, draft, drafts, approve, reject, audit: who speaks for
// an incident, the review of drafts, and the audit trail.
#include <algorithm>
#include <iostream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "libs/base/clock.h"
#include "services/ctl/command_support.h"
#include "services/ctl/commands.h"
#include "services/ctl/inputs.h"
#include "services/ctl/render.h"

namespace statuscast {
namespace ctl {
namespace {

// The draft id in args[2]; 0 when it is not a positive number.
int64_t DraftId(const std::vector<std::string>& args) {
  int64_t id = 0;
  if (args.size() < 3 || !absl::SimpleAtoi(args[2], &id) || id <= 0) return 0;
  return id;
}

}  // namespace

int CommandRunner::Roles(const std::vector<std::string>& args) {
  const CtlOptions& o = options_;
  if (args.size() != 2) return UsageError("roles", "roles takes one incident reference");
  if (o.ic.empty() && o.comms.empty()) {
    return UsageError("roles", "give --ic NAME, --comms NAME or both (token names)");
  }
  v1::Incident inc;
  int code = kExitOk;
  if (!Fetch(args, "roles", &inc, &code)) return code;
  v1::SetIncidentRolesRequest req;
  req.set_commander(o.ic);
  req.set_comms_lead(o.comms);
  return WriteExisting(&v1::IncidentService::StubInterface::SetIncidentRoles, inc, req,
                       absl::StrCat("set the roles of ", inc.ref()), "roles set");
}

int CommandRunner::Draft(const std::vector<std::string>& args) {
  if (args.size() != 2) {
    return UsageError("draft", "draft takes one incident reference; quote the --message");
  }
  if (options_.message.empty()) return UsageError("draft", "--message is required");
  v1::Incident inc;
  int code = kExitOk;
  if (!Fetch(args, "draft", &inc, &code)) return code;
  v1::ProposeUpdateRequest req;
  if (!BuildDraft(inc.state(), kDefaultChannels, req.mutable_update(), &code)) return code;
  if (req.update().state() == v1::INCIDENT_STATE_RESOLVED) {
    // A proposed resolution: what resolve would send, for approval.
    for (const char* f : {"banner", "next", "no_progress"}) {
      if (options_.given.count(f)) {
        return UsageError("draft", absl::StrCat(FlagSpelling(f), " does not go with --state resolved: a "
                                                      "resolution clears the banner and promises "
                                                      "no next update"));
      }
    }
    v1::UpdateDraft* d = req.mutable_update();
    d->clear_next_update_at();
    d->set_use_default_next_update(false);
    if (!options_.given.count("channels")) {
      d->clear_channels();
      absl::StatusOr<std::vector<v1::Channel>> channels = ParseChannelsInput(kResolveChannels);
      if (!channels.ok()) return FlagError("channels", channels.status());
      for (v1::Channel c : *channels) d->add_channels(c);
    }
  }
  req.set_incident_ref(inc.ref());
  req.set_expected_version(inc.version());
  req.set_author(options_.author);
  req.set_idempotency_key(IdempotencyKey());
  v1::DraftResponse resp;
  code = Call(&v1::IncidentService::StubInterface::ProposeUpdate, req, &resp,
              absl::StrCat("propose a draft for ", inc.ref()), inc.ref(), req.idempotency_key());
  if (code != kExitOk) return code;
  if (options_.json) {
    PrintJson(resp);
  } else {
    *out_ << "draft " << resp.draft().id() << " proposed for " << inc.ref()
          << "; it is private until its communicator approves it\n"
          << RenderDraft(resp.draft(), clock_->Now());
  }
  return kExitOk;
}

int CommandRunner::Drafts(const std::vector<std::string>& args) {
  if (args.size() != 2) return UsageError("drafts", "drafts takes one incident reference");
  absl::StatusOr<std::string> ref = ParseIncidentRef(args[1]);
  if (!ref.ok()) return UsageError("drafts", std::string(ref.status().message()));
  v1::ListDraftsRequest req;
  req.set_incident_ref(*ref);
  req.set_include_decided(options_.all);
  v1::ListDraftsResponse resp;
  int code = Call(&v1::IncidentService::StubInterface::ListDrafts, req, &resp,
                  absl::StrCat("list the drafts of ", *ref), *ref, "");
  if (code != kExitOk) return code;
  if (options_.json) {
    PrintJson(resp);
  } else {
    *out_ << RenderDrafts(resp, *ref, clock_->Now());
  }
  return kExitOk;
}

int CommandRunner::Approve(const std::vector<std::string>& args) {
  const CtlOptions& o = options_;
  const int64_t id = DraftId(args);
  if (args.size() != 3 || id == 0) {
    return UsageError("approve",
                      "approve takes an incident reference and a draft id (drafts "
                      "INC-n lists them)");
  }
  v1::Incident inc;
  int code = kExitOk;
  if (!Fetch(args, "approve", &inc, &code)) return code;
  v1::ApproveDraftRequest req;
  req.set_draft_id(id);
  req.set_message(o.message);
  req.set_banner_text(o.banner);
  if (!o.next.empty()) {
    absl::StatusOr<absl::Time> next = ParseNextInput(o.next, clock_->Now());
    if (!next.ok()) return FlagError("next", next.status());
    ToProto(*next, req.mutable_next_update_at());
  }
  req.set_lint_override_reason(o.override_reason);
  return WriteExisting(&v1::IncidentService::StubInterface::ApproveDraft, inc, req,
                       absl::StrCat("approve draft ", id, " of ", inc.ref()), "updated");
}

int CommandRunner::Reject(const std::vector<std::string>& args) {
  const int64_t id = DraftId(args);
  if (args.size() != 3 || id == 0) {
    return UsageError("reject", "reject takes an incident reference and a draft id");
  }
  if (options_.reason.empty()) {
    return UsageError("reject", "--reason is required: tell the author why");
  }
  absl::StatusOr<std::string> ref = ParseIncidentRef(args[1]);
  if (!ref.ok()) return UsageError("reject", std::string(ref.status().message()));
  v1::RejectDraftRequest req;
  req.set_incident_ref(*ref);
  req.set_draft_id(id);
  req.set_reason(options_.reason);
  req.set_author(options_.author);
  req.set_idempotency_key(IdempotencyKey());
  v1::DraftResponse resp;
  int code = Call(&v1::IncidentService::StubInterface::RejectDraft, req, &resp,
                  absl::StrCat("reject draft ", id, " of ", *ref), *ref, req.idempotency_key());
  if (code != kExitOk) return code;
  if (options_.json) {
    PrintJson(resp);
  } else {
    *out_ << RenderDraft(resp.draft(), clock_->Now());
  }
  return kExitOk;
}

int CommandRunner::Audit(const std::vector<std::string>& args) {
  const CtlOptions& o = options_;
  if (args.size() > 2) return UsageError("audit", "audit takes at most one incident reference");
  v1::ListAuditEventsRequest req;
  if (args.size() == 2) {
    absl::StatusOr<std::string> ref = ParseIncidentRef(args[1]);
    if (!ref.ok()) return UsageError("audit", std::string(ref.status().message()));
    req.set_incident_ref(*ref);
  }
  req.set_actor(o.actor);
  const absl::Time now = clock_->Now();
  if (!o.since.empty()) {
    absl::StatusOr<absl::Time> t = ParsePastInput(o.since, now);
    if (!t.ok()) return FlagError("since", t.status());
    ToProto(*t, req.mutable_since());
  }
  if (!o.until.empty()) {
    absl::StatusOr<absl::Time> t = ParsePastInput(o.until, now);
    if (!t.ok()) return FlagError("until", t.status());
    ToProto(*t, req.mutable_until());
  }
  if (o.limit < 1) return UsageError("audit", "--limit must be at least 1");
  v1::ListAuditEventsResponse all;
  std::string token;
  do {
    req.set_page_size(std::min(kMaxPageSize, o.limit - all.events_size()));
    req.set_page_token(token);
    v1::ListAuditEventsResponse page;
    int code = Call(&v1::IncidentService::StubInterface::ListAuditEvents, req, &page,
                    "read the audit log", req.incident_ref(), "");
    if (code != kExitOk) return code;
    for (v1::AuditEvent& e : *page.mutable_events()) *all.add_events() = std::move(e);
    token = page.next_page_token();
  } while (!token.empty() && all.events_size() < o.limit);
  all.set_next_page_token(token);
  if (o.json) {
    PrintJson(all);
  } else {
    *out_ << RenderAuditEvents(all, now);
    if (!token.empty()) {
      *out_ << "(more: raise --limit, now " << o.limit << ")\n";
    }
  }
  return kExitOk;
}

}  // namespace ctl
}  // namespace statuscast
