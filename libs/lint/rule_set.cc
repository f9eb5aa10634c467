#include "libs/lint/rule_set.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/text_format.h"
#include "libs/base/status_macros.h"
#include "statuscast/v1/lint.pb.h"

namespace statuscast {
namespace lint {
namespace internal {
namespace {

namespace v1 = ::statuscast::v1;

std::vector<int> ToInts(const google::protobuf::RepeatedField<int>& values) {
  return std::vector<int>(values.begin(), values.end());
}

Condition CompileCondition(const v1::LintCondition& c) {
  Condition out;
  out.phases = ToInts(c.phases());
  out.severities = ToInts(c.severities());
  out.states_after = ToInts(c.states_after());
  out.channels_any = ToInts(c.channels_any());
  out.banner_text_present = c.banner_text_present();
  out.third_party_unconfirmed = c.third_party_unconfirmed();
  return out;
}

bool Contains(const std::vector<int>& values, int v) {
  return std::find(values.begin(), values.end(), v) != values.end();
}

bool Holds(const Condition& c, const LintInput& in, Phase phase) {
  if (!c.phases.empty() && !Contains(c.phases, static_cast<int>(phase))) return false;
  if (!c.severities.empty() && !Contains(c.severities, static_cast<int>(in.severity))) {
    return false;
  }
  if (!c.states_after.empty() && !Contains(c.states_after, static_cast<int>(in.state_after))) {
    return false;
  }
  if (!c.channels_any.empty()) {
    // A draft linted without channels (statuscastctl lint, LintUpdate) has
    // CHANNEL_UNSPECIFIED: a rule lists it to run on such drafts too.
    bool any =
        in.channels.empty() && Contains(c.channels_any, static_cast<int>(Channel::kUnspecified));
    for (Channel ch : in.channels) any = any || Contains(c.channels_any, static_cast<int>(ch));
    if (!any) return false;
  }
  if (c.banner_text_present && in.banner_text.empty()) return false;
  if (c.third_party_unconfirmed && in.third_party_confirmed) return false;
  return true;
}

// Collects parse errors with their line and column.
class ErrorCollector : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, int column, const std::string& message) override {
    if (!first_.empty()) return;
    first_ = absl::StrCat("line ", line + 1, ":", column + 1, ": ", message);
  }
  const std::string& first() const { return first_; }

 private:
  std::string first_;
};

bool IsIdChar(char c, bool allow_underscore) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         (allow_underscore && c == '_');
}

bool IsValidName(const std::string& s, bool allow_underscore) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!IsIdChar(c, allow_underscore)) return false;
  }
  return true;
}

// Turns a literal phrase into a pattern: metacharacters quoted, spaces match
// any whitespace run.
std::string PhrasePattern(const std::string& phrase) {
  std::vector<std::string> words = absl::StrSplit(phrase, ' ', absl::SkipEmpty());
  std::vector<std::string> quoted;
  for (const std::string& w : words) quoted.push_back(RE2::QuoteMeta(w));
  return absl::StrJoin(quoted, "\\s+");
}

class RuleCompiler {
 public:
  explicit RuleCompiler(const std::map<std::string, std::string>& lists) : lists_(lists) {}

  // Replaces {{name}} with the word list's alternation.
  absl::StatusOr<std::string> Expand(const std::string& regex) const {
    std::string out;
    size_t pos = 0;
    while (true) {
      size_t open = regex.find("{{", pos);
      if (open == std::string::npos) break;
      size_t close = regex.find("}}", open + 2);
      if (close == std::string::npos) {
        return absl::InvalidArgumentError(
            absl::StrCat("unterminated word-list reference \"{{\" in \"", regex, "\""));
      }
      std::string name = regex.substr(open + 2, close - open - 2);
      auto it = lists_.find(name);
      if (it == lists_.end()) {
        return absl::InvalidArgumentError(
            absl::StrCat("unknown word list \"", name, "\" in \"", regex, "\""));
      }
      absl::StrAppend(&out, regex.substr(pos, open - pos), it->second);
      pos = close + 2;
    }
    absl::StrAppend(&out, regex.substr(pos));
    return out;
  }

  absl::StatusOr<std::unique_ptr<RE2>> Compile(const std::string& regex,
                                               bool case_sensitive) const {
    if (regex.empty()) return absl::InvalidArgumentError("empty pattern");
    ASSIGN_OR_RETURN(std::string expanded, Expand(regex));
    RE2::Options options;
    options.set_log_errors(false);
    options.set_case_sensitive(case_sensitive);
    options.set_encoding(RE2::Options::EncodingUTF8);
    auto re = std::make_unique<RE2>(expanded, options);
    if (!re->ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("invalid RE2 pattern \"", regex, "\": ", re->error()));
    }
    return re;
  }

 private:
  const std::map<std::string, std::string>& lists_;
};

absl::Status RuleError(const v1::LintRule& rule, absl::string_view problem) {
  return absl::InvalidArgumentError(
      absl::StrCat("rule \"", rule.id(), "\": ", std::string(problem)));
}

absl::StatusOr<CompiledRule> CompileRule(const v1::LintRule& rule, const RuleCompiler& rc) {
  CompiledRule out;
  out.id = rule.id();
  if (!IsValidName(rule.id(), /*allow_underscore=*/false)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "rule \"", rule.id(), "\": id must be non-empty lower-case letters, digits and '-'"));
  }
  if (rule.level() == v1::LINT_LEVEL_UNSPECIFIED) return RuleError(rule, "level is required");
  out.level = static_cast<Level>(rule.level());
  if (rule.explanation().empty()) return RuleError(rule, "explanation is required");
  out.explanation = rule.explanation();
  out.suggestion = rule.suggestion();
  for (const auto& c : rule.when()) out.when.push_back(CompileCondition(c));
  int kinds = (rule.patterns_size() > 0) + (rule.required_parts_size() > 0) +
              (rule.condition_only() ? 1 : 0);
  if (kinds != 1) {
    return RuleError(rule, "needs exactly one of patterns, required_parts or condition_only");
  }
  out.condition_only = rule.condition_only();
  out.unless_text_states_zone = rule.unless_text_states_zone();
  if (out.unless_text_states_zone && rule.patterns_size() == 0) {
    return RuleError(rule, "unless_text_states_zone applies only to a rule with patterns");
  }
  if (out.condition_only && out.when.empty()) {
    return RuleError(rule, "a condition_only rule needs a when condition");
  }
  const bool cs = rule.case_sensitive();
  for (int i = 0; i < rule.patterns_size(); ++i) {
    const v1::LintPattern& p = rule.patterns(i);
    auto re = rc.Compile(p.regex(), cs);
    if (!re.ok()) {
      return RuleError(rule, absl::StrCat("pattern ", i + 1, ": ", re.status().message()));
    }
    out.patterns.push_back({*std::move(re), p.suggestion(), p.explanation()});
  }
  for (int i = 0; i < rule.exceptions_size(); ++i) {
    auto re = rc.Compile(rule.exceptions(i), cs);
    if (!re.ok()) {
      return RuleError(rule, absl::StrCat("exception ", i + 1, ": ", re.status().message()));
    }
    out.exceptions.push_back(*std::move(re));
  }
  for (int i = 0; i < rule.unless_preceded_by_size(); ++i) {
    auto re = rc.Compile(rule.unless_preceded_by(i), cs);
    if (!re.ok()) {
      return RuleError(rule,
                       absl::StrCat("unless_preceded_by ", i + 1, ": ", re.status().message()));
    }
    out.unless_preceded_by.push_back(*std::move(re));
  }
  out.yields_to.assign(rule.yields_to().begin(), rule.yields_to().end());
  for (const v1::LintPart& part : rule.required_parts()) {
    CompiledPart cp;
    cp.name = part.name();
    if (cp.name.empty()) return RuleError(rule, "a required part has no name");
    if (part.patterns_size() == 0 && !part.match_affected_components() &&
        !part.match_next_update_at()) {
      return RuleError(rule, absl::StrCat("part \"", cp.name, "\" has nothing to match"));
    }
    for (int i = 0; i < part.patterns_size(); ++i) {
      auto re = rc.Compile(part.patterns(i), cs);
      if (!re.ok()) {
        return RuleError(rule, absl::StrCat("part \"", cp.name, "\" pattern ", i + 1, ": ",
                                            re.status().message()));
      }
      cp.patterns.push_back(*std::move(re));
    }
    cp.match_affected_components = part.match_affected_components();
    cp.match_next_update_at = part.match_next_update_at();
    for (const auto& c : part.when()) cp.when.push_back(CompileCondition(c));
    cp.level =
        part.level() == v1::LINT_LEVEL_UNSPECIFIED ? out.level : static_cast<Level>(part.level());
    cp.explanation = part.explanation().empty() ? out.explanation : part.explanation();
    cp.suggestion = part.suggestion().empty() ? out.suggestion : part.suggestion();
    out.parts.push_back(std::move(cp));
  }
  for (int f : rule.fields()) {
    if (f != v1::LINT_FIELD_MESSAGE && f != v1::LINT_FIELD_BANNER_TEXT) {
      return RuleError(rule, "fields may list only LINT_FIELD_MESSAGE and LINT_FIELD_BANNER_TEXT");
    }
    out.fields.push_back(static_cast<TextField>(f));
  }
  if (out.fields.empty()) out.fields = {TextField::kMessage, TextField::kBannerText};
  return out;
}

}  // namespace

bool AnyHolds(const std::vector<Condition>& conditions, const LintInput& in, Phase phase) {
  if (conditions.empty()) return true;
  for (const Condition& c : conditions) {
    if (Holds(c, in, phase)) return true;
  }
  return false;
}

absl::StatusOr<std::vector<CompiledRule>> CompileRuleSets(const std::vector<std::string>& texts,
                                                          const std::vector<std::string>& names) {
  // Merge in order: later rules replace earlier ones with the same id.
  std::vector<v1::LintRule> rules;
  std::map<std::string, std::vector<std::string>> lists;
  for (size_t i = 0; i < texts.size(); ++i) {
    std::string name = i < names.size() ? names[i] : absl::StrCat("rule set ", i + 1);
    v1::LintRuleSet set;
    google::protobuf::TextFormat::Parser parser;
    ErrorCollector errors;
    parser.RecordErrorsTo(&errors);
    if (!parser.ParseFromString(texts[i], &set)) {
      return absl::InvalidArgumentError(absl::StrCat(name, ": ", errors.first()));
    }
    for (const v1::LintWordList& list : set.word_lists()) {
      if (!IsValidName(list.name(), /*allow_underscore=*/true)) {
        return absl::InvalidArgumentError(
            absl::StrCat(name, ": word list \"", list.name(),
                         "\": name must be non-empty lower-case letters, digits, '_' and '-'"));
      }
      std::vector<std::string>& words = lists[list.name()];
      if (!list.append()) words.clear();
      for (const std::string& w : list.words()) {
        if (absl::StripAsciiWhitespace(w).empty()) {
          return absl::InvalidArgumentError(
              absl::StrCat(name, ": word list \"", list.name(), "\": empty word"));
        }
        words.push_back(w);
      }
    }
    for (const v1::LintRule& rule : set.rules()) {
      auto it = std::find_if(rules.begin(), rules.end(),
                             [&](const v1::LintRule& r) { return r.id() == rule.id(); });
      if (it != rules.end()) {
        *it = rule;
      } else {
        rules.push_back(rule);
      }
    }
  }
  std::map<std::string, std::string> alternations;
  for (const auto& [list_name, words] : lists) {
    if (words.empty()) {
      // Matches nothing: an operator may empty a list to switch it off.
      alternations[list_name] = "(?:\\b\\B)";
      continue;
    }
    std::vector<std::string> quoted;
    for (const std::string& w : words) quoted.push_back(PhrasePattern(w));
    // Longest first, so a phrase wins over its prefix.
    std::sort(quoted.begin(), quoted.end(), [](const std::string& a, const std::string& b) {
      return a.size() != b.size() ? a.size() > b.size() : a < b;
    });
    alternations[list_name] = absl::StrCat("(?:", absl::StrJoin(quoted, "|"), ")");
  }
  RuleCompiler rc(alternations);
  std::vector<CompiledRule> out;
  std::set<std::string> ids;
  for (const v1::LintRule& r : rules) ids.insert(r.id());
  for (const v1::LintRule& r : rules) {
    if (r.disabled()) continue;
    absl::StatusOr<CompiledRule> compiled = CompileRule(r, rc);
    if (!compiled.ok()) return compiled.status();
    for (const std::string& y : compiled->yields_to) {
      if (ids.count(y) == 0) {
        return RuleError(r, absl::StrCat("yields_to names unknown rule \"", y, "\""));
      }
    }
    out.push_back(*std::move(compiled));
  }
  return out;
}

}  // namespace internal
}  // namespace lint
}  // namespace statuscast
