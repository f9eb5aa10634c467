// IncidentCommands' component edits: display name, description, retire
// (declared in incident_commands.h).
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "libs/base/field_violations.h"
#include "libs/base/status_macros.h"
#include "libs/base/text_limits.h"
#include "libs/incident/incident_commands.h"

namespace statuscast {
namespace {

absl::Status CheckNotRetired(const Component& c) {
  if (!c.retired_at) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      "component ", c.name, " is retired; create a new component instead"));
}

// INVALID_ARGUMENT for a negative version; ABORTED, saying how to retry, when
// `expected_version` is set (not 0) and `c` is at another version. The same
// words as an incident's CheckExpectedVersion.
absl::Status CheckComponentVersion(const Component& c, int64_t expected_version) {
  if (expected_version == 0 || expected_version == c.version) return absl::OkStatus();
  return absl::AbortedError(absl::StrCat(
      "component ", c.name, " has changed since version ", expected_version,
      " (it is now version ", c.version,
      "); read it again (statuscastctl component list), then retry with expected_version ",
      c.version));
}

// The audit and change-log record of a change to component `name`.
MutationRecord ComponentRecord(const char* kind, const std::string& name, const CallContext& ctx,
                               std::string details, absl::Time at) {
  MutationRecord m;
  m.kind = kind;
  m.component_name = name;
  m.actor = ctx.actor;
  m.request_id = ctx.request_id;
  m.details = std::move(details);
  m.at = at;
  return m;
}

}  // namespace

absl::StatusOr<Component> IncidentCommands::UpdateComponent(const CallContext& ctx,
                                                            const ComponentEdit& edit) {
  FieldViolations v;
  if (edit.name.empty()) v.Add("name", "is required: the component to change");
  if (!edit.display_name && !edit.description) {
    v.Add("display_name", "give display_name, description or both: nothing to change");
  }
  if (edit.expected_version < 0) v.Add("expected_version", "must not be negative (0: no check)");
  RETURN_IF_ERROR(v.ToStatus());
  Component out;
  RETURN_IF_ERROR(store_.RunInTransaction([&](StoreTransaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(Component c, tx.LockComponent(edit.name));
    RETURN_IF_ERROR(CheckComponentVersion(c, edit.expected_version));
    RETURN_IF_ERROR(CheckNotRetired(c));
    std::vector<std::string> changed;
    if (edit.display_name && *edit.display_name != c.display_name) {
      c.display_name = std::string(absl::StripAsciiWhitespace(*edit.display_name));
      changed.push_back(absl::StrCat("display name \"", c.display_name, "\""));
    }
    if (edit.description && *edit.description != c.description) {
      c.description = *edit.description;
      changed.push_back("description");
    }
    RETURN_IF_ERROR(rules_.CheckComponent(c));
    if (changed.empty()) {
      return InvalidField(edit.display_name ? "display_name" : "description",
                          absl::StrCat("is what component ", c.name, " already has"));
    }
    ++c.version;
    RETURN_IF_ERROR(tx.SaveComponent(c));
    RETURN_IF_ERROR(tx.Record(
        ComponentRecord("component_updated", c.name, ctx,
                        absl::StrCat("changed component ", c.name, ": ",
                                     absl::StrJoin(changed, ", ")),
                        Now()),
        nullptr));
    out = std::move(c);
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<Component> IncidentCommands::RetireComponent(const CallContext& ctx,
                                                            const std::string& name,
                                                            const std::string& reason,
                                                            int64_t expected_version) {
  if (name.empty()) return InvalidField("name", "is required: the component to retire");
  if (expected_version < 0) {
    return InvalidField("expected_version", "must not be negative (0: no check)");
  }
  std::string problem = CheckText(reason, rules_.limits().reason_bytes, true);
  if (!problem.empty()) return InvalidField("reason", problem);
  Component out;
  RETURN_IF_ERROR(store_.RunInTransaction([&](StoreTransaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(Component c, tx.LockComponent(name));
    RETURN_IF_ERROR(CheckComponentVersion(c, expected_version));
    if (c.retired_at) {
      return absl::FailedPreconditionError(absl::StrCat("component ", name, " is already retired"));
    }
    ASSIGN_OR_RETURN(std::vector<std::string> open, tx.OpenIncidentsAffecting(name));
    if (!open.empty()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "component ", name, " is affected by open incident", open.size() > 1 ? "s " : " ",
          absl::StrJoin(open, ", "), "; resolve ", open.size() > 1 ? "them" : "it",
          " (or post an update without it) first"));
    }
    c.retired_at = Now();
    ++c.version;
    RETURN_IF_ERROR(tx.SaveComponent(c));
    RETURN_IF_ERROR(tx.Record(
        ComponentRecord("component_retired", c.name, ctx,
                        absl::StrCat("retired component ", c.name,
                                     reason.empty() ? "" : absl::StrCat(": ", reason)),
                        *c.retired_at),
        nullptr));
    out = std::move(c);
    return absl::OkStatus();
  }));
  return out;
}

}  // namespace statuscast
