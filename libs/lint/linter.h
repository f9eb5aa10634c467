// Linter: checks a customer-facing incident update before anyone reads it.
//
// The rules come from data (a LintRuleSet in protobuf text format; the
// built-in set is libs/lint/rules/default_rules.textproto), so operators add
// word lists and rules without recompiling. Every pattern is RE2, so any input
// is matched in time linear in its length; text need not be valid UTF-8.
//
//   ASSIGN_OR_RETURN(std::unique_ptr<Linter> linter, Linter::Default());
//   LintInput in;
//   in.message = "AWS is having issues; should be fixed in 30 minutes.";
//   ASSIGN_OR_RETURN(std::vector<Finding> findings, linter->Lint(in));
//
// Thread safety: a Linter is immutable once built; Lint() may be called from
// any number of threads at once.
#ifndef STATUSCAST_LIBS_LINT_LINTER_H_
#define STATUSCAST_LIBS_LINT_LINTER_H_

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "libs/base/time_text.h"
#include "libs/vocabulary/vocabulary.h"

namespace statuscast {
namespace lint {

// The numeric values equal those of the statuscast.v1 enums of the same
// names (LintLevel, LintPhase, LintField); the conversions are
// libs/proto_convert/lint_proto.h.
enum class Level { kUnspecified = 0, kInfo = 1, kWarning = 2, kError = 3 };
enum class Phase { kUnspecified = 0, kFirst = 1, kUpdate = 2, kResolution = 3, kPostmortem = 4 };
enum class TextField { kUnspecified = 0, kMessage = 1, kBannerText = 2 };
// The incident's words are the domain's (libs/vocabulary/vocabulary.h).
using Severity = statuscast::Severity;
using State = statuscast::IncidentState;
using Channel = statuscast::Channel;

// What is linted, with the context the rules depend on. Unknown context is
// left unspecified: rules limited to a phase, severity or state then do not
// run, except that speculation is checked unless the state after the update
// is identified or later.
struct LintInput {
  std::string message;
  std::string banner_text;
  // Unspecified with state_after == kResolved means kResolution.
  Phase phase = Phase::kUnspecified;
  Severity severity = Severity::kUnspecified;
  State state_before = State::kUnspecified;
  State state_after = State::kUnspecified;
  std::vector<Channel> channels;
  // The responder confirmed that a named third party is at fault.
  bool third_party_confirmed = false;
  // The promise the update makes; the message must state it in UTC.
  absl::optional<absl::Time> next_update_at;
  // The status page shows these names to customers: a pattern match that is
  // exactly one of them (case aside) is not a finding.
  std::vector<std::string> affected_components;
};

struct Finding {
  std::string rule_id;
  Level level = Level::kUnspecified;
  TextField field = TextField::kMessage;
  // Byte offsets [begin, end) into the field's text. A finding about
  // something missing has begin == end == the text's size.
  size_t begin = 0;
  size_t end = 0;
  std::string excerpt;
  std::string explanation;
  std::string suggestion;
};

// Texts longer than this (in bytes) are rejected with INVALID_ARGUMENT.
inline constexpr size_t kMaxLintTextBytes = 64 * 1024;

class Linter {
 public:
  // Builds from rule sets in text format, applied in order (a later rule with
  // an id seen before replaces it; see LintRuleSet in lint.proto).
  // `names[i]` names `texts[i]` in errors (e.g. the file path); it may be
  // shorter than `texts`. INVALID_ARGUMENT names the file, the rule and the
  // problem: a parse error with its line, an invalid RE2 pattern, an unknown
  // word list, a missing level or explanation.
  static absl::StatusOr<std::unique_ptr<Linter>> FromTextProtos(
      const std::vector<std::string>& texts, const std::vector<std::string>& names = {});

  // The built-in default rules followed by the files at `paths` (NOT_FOUND
  // when one cannot be read).
  static absl::StatusOr<std::unique_ptr<Linter>> Default(
      const std::vector<std::string>& extra_rule_files = {});

  ~Linter();
  Linter(const Linter&) = delete;
  Linter& operator=(const Linter&) = delete;

  // Findings ordered by field, then span start, then rule order.
  // INVALID_ARGUMENT when a text is longer than kMaxLintTextBytes.
  absl::StatusOr<std::vector<Finding>> Lint(const LintInput& input) const;

  // The ids of the enabled rules, in order.
  std::vector<std::string> RuleIds() const;

 private:
  struct Impl;
  explicit Linter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The text of libs/lint/rules/default_rules.textproto, built in.
absl::string_view DefaultRulesText();

// "14:30 UTC": how a next-update time is stated in messages.
using statuscast::FormatUtcClock;

// Whether `text` states the clock time `t` (to the minute, in UTC or GMT, in
// the forms the update-missing-next-update rule accepts).
bool MessageStatesTime(absl::string_view text, absl::Time t);

// True when some finding is at error level.
bool HasError(const std::vector<Finding>& findings);

const char* LevelName(Level level);  // "error", "warning", "info"

}  // namespace lint
}  // namespace statuscast

#endif  // STATUSCAST_LIBS_LINT_LINTER_H_
