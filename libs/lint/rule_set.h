// The compiled form of lint rule sets (internal to libs/lint): text-format
// rule sets parsed, merged in order (a later rule with the same id replaces
// an earlier one; a word list is replaced or, with `append`, extended),
// word lists expanded and every pattern compiled with RE2. linter.cc runs
// them; nothing else includes this header.
#ifndef STATUSCAST_LIBS_LINT_RULE_SET_H_
#define STATUSCAST_LIBS_LINT_RULE_SET_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "libs/lint/linter.h"
#include "re2/re2.h"

namespace statuscast {
namespace lint {
namespace internal {

struct Condition {
  std::vector<int> phases;
  std::vector<int> severities;
  std::vector<int> states_after;
  // An input with no channels counts as CHANNEL_UNSPECIFIED here.
  std::vector<int> channels_any;
  bool banner_text_present = false;
  bool third_party_unconfirmed = false;
};

struct CompiledPattern {
  std::unique_ptr<RE2> re;
  std::string suggestion;
  std::string explanation;
};

struct CompiledPart {
  std::string name;
  std::vector<std::unique_ptr<RE2>> patterns;
  bool match_affected_components = false;
  bool match_next_update_at = false;
  std::vector<Condition> when;
  Level level = Level::kUnspecified;
  std::string explanation;
  std::string suggestion;
};

struct CompiledRule {
  std::string id;
  Level level = Level::kUnspecified;
  std::string explanation;
  std::string suggestion;
  std::vector<Condition> when;
  std::vector<CompiledPattern> patterns;
  std::vector<std::unique_ptr<RE2>> exceptions;
  std::vector<std::unique_ptr<RE2>> unless_preceded_by;
  std::vector<std::string> yields_to;
  std::vector<CompiledPart> parts;
  bool condition_only = false;
  bool unless_text_states_zone = false;
  std::vector<TextField> fields;
};

// True when one of `conditions` holds for the input (no condition: always).
bool AnyHolds(const std::vector<Condition>& conditions, const LintInput& in, Phase phase);

// Parses, merges and compiles the rule sets (`names` name them in errors).
// INVALID_ARGUMENT with the set's name, the rule's id and what is wrong.
absl::StatusOr<std::vector<CompiledRule>> CompileRuleSets(const std::vector<std::string>& texts,
                                                          const std::vector<std::string>& names);

}  // namespace internal
}  // namespace lint
}  // namespace statuscast

#endif  // STATUSCAST_LIBS_LINT_RULE_SET_H_
