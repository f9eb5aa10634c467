#include "libs/incident/corrections.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "libs/base/field_violations.h"
#include "libs/base/fingerprint.h"
#include "libs/base/status_macros.h"
#include "libs/base/text_limits.h"
#include "libs/incident/incident_commands.h"

namespace statuscast {
namespace {

void CheckField(const std::string& value, const std::string& field, size_t max, bool required,
                bool multiline, FieldViolations& v) {
  if (absl::StripAsciiWhitespace(value).empty()) {
    if (required) v.Add(field, "is required");
    if (required || value.empty()) return;
  }
  std::string problem = CheckText(value, max, multiline);
  if (!problem.empty()) v.Add(field, problem);
}

}  // namespace

absl::StatusOr<Update> ApplyCorrection(const InputLimits& limits, const Incident& incident,
                                       Update u, const Correction& c, const std::string& author,
                                       absl::Time now) {
  FieldViolations v;
  CheckField(c.message, "message", limits.message_bytes, true, true, v);
  CheckField(c.banner_text, "banner_text", limits.banner_text_bytes, false, false, v);
  CheckField(c.reason, "reason", limits.reason_bytes, false, true, v);
  RETURN_IF_ERROR(v.ToStatus());
  std::string banner = c.banner_text;
  if (banner.empty()) {
    const bool was_default = u.banner_text == DefaultBannerText(u.message, limits.banner_text_bytes);
    banner = was_default ? DefaultBannerText(c.message, limits.banner_text_bytes) : u.banner_text;
  }
  if (c.message == u.message && banner == u.banner_text) {
    return InvalidField("message", absl::StrCat("is the text update ", u.id, " of ", incident.ref,
                                                " already has; nothing to correct"));
  }
  if (u.revisions.size() >= kMaxRevisions) {
    return absl::FailedPreconditionError(absl::StrCat(
        "update ", u.id, " of ", incident.ref, " already has ", u.revisions.size(),
        " revisions, the most kept; post a new update instead"));
  }
  if (u.revisions.empty()) {
    u.revisions.push_back(UpdateRevision{1, u.message, u.banner_text, u.posted_at, u.author, ""});
  }
  const int number = u.revisions.back().number + 1;
  u.revisions.push_back(UpdateRevision{number, c.message, banner, now, author, c.reason});
  u.message = c.message;
  u.banner_text = banner;
  return u;
}

absl::StatusOr<WriteResult> IncidentCommands::CorrectUpdate(const CallContext& ctx,
                                                            const WriteGuard& guard,
                                                            int64_t update_id,
                                                            const Correction& c) {
  RETURN_IF_ERROR(rules_.CheckWriteMeta(ctx.actor, guard.idempotency_key, true,
                                        guard.expected_version));
  RETURN_IF_ERROR(CheckOverrideReason(guard.lint_override_reason));
  if (update_id <= 0) {
    return InvalidField("update_id", "is required: the id of the update to correct "
                                     "(statuscastctl show INC-n lists them)");
  }
  std::vector<std::string> f = {guard.incident_ref, absl::StrCat(guard.expected_version),
                                absl::StrCat(update_id), c.message, c.banner_text, c.reason,
                                c.third_party_confirmed ? "tp" : "",
                                absl::StrCat("override:", guard.lint_override_reason)};
  absl::optional<Update> corrected;
  ASSIGN_OR_RETURN(
      WriteResult result,
      Mutate(ctx, guard, "update_corrected", Fingerprint(f),
             [&](Incident& inc, absl::Time now, StoreTransaction& tx,
                 MutationRecord& m) -> absl::StatusOr<absl::optional<Update>> {
               // A correction is customer-facing text like the post it fixes.
               RETURN_IF_ERROR(MayPost(inc, ctx, "correct its updates", false));
               ASSIGN_OR_RETURN(Update old, tx.LockUpdate(inc.id, update_id));
               ASSIGN_OR_RETURN(Update u,
                                ApplyCorrection(rules_.limits(), inc, old, c, ctx.actor, now));
               std::string note;
               RETURN_IF_ERROR(LintPosted(inc, u.state, c.banner_text, c.third_party_confirmed,
                                          guard.lint_override_reason, "", u, &note));
               RETURN_IF_ERROR(tx.SaveCorrection(u));
               m.kind = "update_corrected";
               m.update_id = u.id;
               m.details = absl::StrCat("corrected update ", u.id, " (revision ",
                                        u.revisions.back().number, ")",
                                        c.reason.empty() ? "" : absl::StrCat(": ", c.reason), note);
               corrected = std::move(u);
               return absl::optional<Update>();
             }));
  if (corrected) result.update = std::move(corrected);
  return result;
}

}  // namespace statuscast
