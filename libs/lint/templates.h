// Update templates: the acknowledging, updating, no-progress and resolving
// messages, filled from the incident (scope from its affected components, the
// next update time rendered "HH:MM UTC"). A filled template lints clean with
// the default rules; TemplateLintInput gives the context to check that.
//
//   TemplateInput in;
//   in.severity = Severity::kSev1;
//   in.affected_components = {"checkout"};
//   in.next_update_at = absl::FromUnixSeconds(...);
//   ASSIGN_OR_RETURN(FilledTemplate t, FillTemplate(Tone::kAcknowledging, in));
//
// Thread safety: pure functions.
#ifndef STATUSCAST_LIBS_LINT_TEMPLATES_H_
#define STATUSCAST_LIBS_LINT_TEMPLATES_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "libs/lint/linter.h"

namespace statuscast {
namespace lint {

enum class Tone {
  // The first communication: calm, factual, brief.
  kAcknowledging,
  // During the investigation: what we have learned.
  kUpdating,
  // Nothing new, worded for the state the incident is in: investigating
  // "We're still investigating ...; no ETA yet; next update by 14:30 UTC.",
  // identified "We're still working on the fix ...", monitoring "We're
  // monitoring the fix ...". With TemplateInput.last_message it restates
  // what that message said ("Our last message, at 14:05 UTC, said: ..."), so customers
  // who missed it read where things stand. It keeps the banner text shown now.
  kNoProgress,
  // The resolution message, with its five parts.
  kResolving,
};

struct TemplateInput {
  std::string title;  // Becomes the headline.
  Severity severity = Severity::kUnspecified;
  // The incident's state the update leaves it in (kUpdating and kNoProgress
  // word it).
  State state = State::kInvestigating;
  std::vector<std::string> affected_components;
  // The promise the text states ("We'll post the next update by 14:30
  // UTC."); unset, it says updates come when the status changes. Whether one
  // is due is the caller's to decide (Promises in libs/incident/promise.h:
  // SEV-1 and SEV-2 while open); kResolving states none.
  absl::optional<absl::Time> next_update_at;
  // Optional sentences; placeholders in <angle brackets> are used when empty.
  std::string learned;        // kUpdating: what we have learned.
  std::string what_happened;  // kResolving: in plain words.
  std::string impact;         // kResolving: what customers could not do.
  std::string prevention;     // kResolving: what prevents a recurrence.
  // kNoProgress: the banner text shown now (the last banner update's); kept
  // when set, so "no progress" does not replace it with generic words.
  std::string banner_text;
  // kNoProgress: the last update customers could read on the status page
  // that said something new (not itself a no-progress update), and when it
  // was posted. Its substance is restated: its first sentences, up to
  // kMaxRestatedBytes, without the sentence that promised its next update
  // (that time is past; the text states one promise).
  std::string last_message;
  absl::optional<absl::Time> last_message_at;
  // kResolving on a SEV-3: add the postmortem pointer anyway.
  bool postmortem_planned = false;
};

struct FilledTemplate {
  std::string headline;
  std::string message;
  // Empty for kResolving: resolving clears the banner.
  std::string banner_text;
};

// The filled template. Always OK today: whether a promise is due is the
// caller's (see TemplateInput.next_update_at).
absl::StatusOr<FilledTemplate> FillTemplate(Tone tone, const TemplateInput& input);

// The optional sentences a caller supplies (learned, what_happened, impact,
// prevention) are at most this many bytes each.
inline constexpr size_t kMaxTemplateSentenceBytes = 1000;
// INVALID_ARGUMENT naming each optional sentence over the limit
// ("learned: is 1001 bytes; the limit is 1000").
absl::Status CheckTemplateSentences(const TemplateInput& input);

// At most this much of the last message is restated (whole sentences; the
// first sentence is cut at a word when it alone is longer).
inline constexpr size_t kMaxRestatedBytes = 300;

// What kNoProgress restates of `last_message`: its sentences in order, up to
// kMaxRestatedBytes, leaving out those that promise a next update at a clock
// time ("Next update by 14:25 UTC."). Empty when nothing is left.
std::string RestatedSubstance(const std::string& last_message);

// The TemplateInput fields whose placeholder the filled `tone` would carry
// ("what_happened", "impact", "prevention" for kResolving when empty), in
// message order. Empty: the filled text has no placeholder. A placeholder
// left in posted text is the lint error "unfilled-placeholder".
std::vector<std::string> UnfilledPlaceholders(Tone tone, const TemplateInput& input);

// The placeholder the filled text carries for `field` (one of
// UnfilledPlaceholders' names): "<the cause, in plain words>" for
// "what_happened"; "" for another name.
const char* PlaceholderFor(const std::string& field);

// The lint context a filled template is posted with.
LintInput TemplateLintInput(Tone tone, const TemplateInput& input, const FilledTemplate& filled);

// "users of checkout and search" / "some users".
std::string ScopePhrase(const std::vector<std::string>& components);

}  // namespace lint
}  // namespace statuscast

#endif  // STATUSCAST_LIBS_LINT_TEMPLATES_H_
