// What a responder types, turned into statuscast.v1 values.
//
// Every parser is pure: the current time is passed in, never read. Errors are
// INVALID_ARGUMENT with a message that says what was wrong and what would be
// accepted, e.g. `unknown severity "sev4" (use SEV-1, SEV-2 or SEV-3)`. The
// caller prefixes the flag name.
// Thread safety: all functions are safe to call from any thread.
#ifndef STATUSCAST_SERVICES_CTL_INPUTS_H_
#define STATUSCAST_SERVICES_CTL_INPUTS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "statuscast/v1/banner.pb.h"
#include "statuscast/v1/incident.pb.h"
#include "statuscast/v1/lint.pb.h"

namespace statuscast {
namespace ctl {

// "SEV-1", "sev1", "sev-1", "1".
absl::StatusOr<v1::Severity> ParseSeverityInput(const std::string& text);

// "investigating", "identified", "monitoring", "resolved".
absl::StatusOr<v1::IncidentState> ParseStateInput(const std::string& text);

// A comma-separated list of either of the above (for list filters).
absl::StatusOr<std::vector<v1::Severity>> ParseSeverityList(const std::string& text);
absl::StatusOr<std::vector<v1::IncidentState>> ParseStateList(const std::string& text);

// "checkout:major_outage,payments": NAME[:STATUS], comma separated. A missing
// status stays unspecified (the server then uses partial_outage). Statuses are
// the Statuspage names, also with '-' or ' ', plus the short forms degraded,
// partial, major and maintenance.
absl::StatusOr<std::vector<v1::AffectedComponent>> ParseComponentsInput(const std::string& text);

// "in_app_banner,status_page,public" (also "banner", "page").
absl::StatusOr<std::vector<v1::Channel>> ParseChannelsInput(const std::string& text);

// "INC-12", "inc-12", "12" or "#12" -> "INC-12".
absl::StatusOr<std::string> ParseIncidentRef(const std::string& text);

// A span such as "20m", "1h30m", "90s", "2d": numbers with units s, m, h, d.
absl::StatusOr<absl::Duration> ParseSpan(const std::string& text);

// When the incident was confirmed real (--started): RFC3339
// ("2026-11-27T13:56:00Z"), "2026-11-27 13:56" (UTC; a trailing " UTC" is
// fine, so our own output can be pasted back), "13:56" (UTC, the most recent
// such time: today, or yesterday when that is still ahead), "-20m" or
// "20m ago", or "now". Never after `now`.
absl::StatusOr<absl::Time> ParseStartedInput(const std::string& text, absl::Time now);

// A point in the past for list filters (--since, --until): as
// ParseStartedInput, plus a bare date "2026-11-27" (00:00 UTC) and a bare
// span "24h" (meaning ago). May not be after `now`.
absl::StatusOr<absl::Time> ParsePastInput(const std::string& text, absl::Time now);

// The next-update promise (--next): "30m" / "+30m" / "in 30m" from `now`,
// RFC3339, "2026-11-27 14:30", or "14:30" (UTC: today, or tomorrow when the
// time passed more than 12 hours ago, so "00:15" typed at 23:50 means the
// coming midnight). Must be after `now`.
absl::StatusOr<absl::Time> ParseNextInput(const std::string& text, absl::Time now);

// "acknowledging", "updating", "no_progress" (also "no-progress"),
// "resolving".
absl::StatusOr<v1::TemplateTone> ParseToneInput(const std::string& text);

// "first", "update", "resolution", "postmortem" (lint --phase).
absl::StatusOr<v1::LintPhase> ParseLintPhaseInput(const std::string& text);

// "info", "maintenance", "minor", "major", "critical" (banner --level).
absl::StatusOr<v1::BannerLevel> ParseBannerLevelInput(const std::string& text);

// "a, b,,c" -> {"a", "b", "c"}: a comma-separated list, blanks dropped.
std::vector<std::string> ParseNameList(const std::string& text);

// When a banner starts or ends: "now", or any form ParseNextInput takes
// ("2h" from now, "14:30" UTC, RFC3339).
absl::StatusOr<absl::Time> ParseWhenInput(const std::string& text, absl::Time now);

// A fresh random 128-bit idempotency key, 32 hex digits.
std::string NewIdempotencyKey();

}  // namespace ctl
}  // namespace statuscast

#endif  // STATUSCAST_SERVICES_CTL_INPUTS_H_
