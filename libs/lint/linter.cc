#include "libs/lint/linter.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/text_format.h"
#include "libs/base/status_macros.h"
#include "libs/lint/clock_text.h"
#include "re2/re2.h"
#include "statuscast/v1/lint.pb.h"

namespace statuscast {
namespace lint {
namespace {

namespace v1 = ::statuscast::v1;

// Bounds the work and output on hostile input: at most this many matches of
// one pattern in one text are considered.
constexpr int kMaxMatchesPerPattern = 64;
// At most this many findings of one rule in one text are reported.
constexpr int kMaxFindingsPerRule = 32;
constexpr size_t kMaxExcerptBytes = 200;

struct Condition {
  std::vector<int> phases;
  std::vector<int> severities;
  std::vector<int> states_after;
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
  std::vector<TextField> fields;
};

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
    bool any = false;
    for (Channel ch : in.channels) any = any || Contains(c.channels_any, static_cast<int>(ch));
    if (!any) return false;
  }
  if (c.banner_text_present && in.banner_text.empty()) return false;
  if (c.third_party_unconfirmed && in.third_party_confirmed) return false;
  return true;
}

bool AnyHolds(const std::vector<Condition>& conditions, const LintInput& in, Phase phase) {
  if (conditions.empty()) return true;
  for (const Condition& c : conditions) {
    if (Holds(c, in, phase)) return true;
  }
  return false;
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

struct Span {
  size_t begin;
  size_t end;
  size_t pattern;
};

// Every match of `re` in `text`, leftmost first, at most kMaxMatchesPerPattern.
void FindAll(const RE2& re, absl::string_view text, size_t pattern, std::vector<Span>* out) {
  re2::StringPiece input(text.data(), text.size());
  size_t pos = 0;
  int found = 0;
  re2::StringPiece m;
  while (pos <= text.size() && found < kMaxMatchesPerPattern) {
    if (!re.Match(input, pos, text.size(), RE2::UNANCHORED, &m, 1)) break;
    size_t begin = static_cast<size_t>(m.data() - text.data());
    size_t end = begin + m.size();
    if (end > begin) {
      out->push_back({begin, end, pattern});
      ++found;
      pos = end;
    } else {
      pos = begin + 1;  // Empty matches are not findings.
    }
  }
}

std::string Excerpt(absl::string_view text, size_t begin, size_t end) {
  size_t n = std::min(end - begin, kMaxExcerptBytes);
  return std::string(text.substr(begin, n));
}

std::string ScopeText(const LintInput& in) {
  if (in.affected_components.empty()) return "the affected users";
  return absl::StrCat("users of ", absl::StrJoin(in.affected_components, ", "));
}

std::string Fill(const std::string& templ, const LintInput& in, absl::string_view match,
                 absl::string_view part) {
  if (templ.find("{{") == std::string::npos) return templ;
  std::string next = in.next_update_at ? FormatUtcClock(*in.next_update_at) : "HH:MM UTC";
  return absl::StrReplaceAll(templ, {{"{{match}}", std::string(match)},
                                     {"{{next_update}}", next},
                                     {"{{part}}", std::string(part)},
                                     {"{{scope}}", ScopeText(in)}});
}

bool StatesTime(absl::string_view text, absl::Time t) { return StatesClockTime(text, t); }

bool MentionsComponent(absl::string_view lower_text, const std::vector<std::string>& names) {
  for (const std::string& name : names) {
    if (name.empty()) continue;
    std::string lower = absl::AsciiStrToLower(name);
    if (absl::StrContains(lower_text, lower)) return true;
    std::string spaced = absl::StrReplaceAll(lower, {{"-", " "}, {"_", " "}});
    if (absl::StrContains(lower_text, spaced)) return true;
  }
  return false;
}

}  // namespace

bool MessageStatesTime(absl::string_view text, absl::Time t) { return StatesTime(text, t); }

struct Linter::Impl {
  std::vector<CompiledRule> rules;
};

Linter::Linter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Linter::~Linter() = default;

absl::StatusOr<std::unique_ptr<Linter>> Linter::FromTextProtos(
    const std::vector<std::string>& texts, const std::vector<std::string>& names) {
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
  auto impl = std::make_unique<Impl>();
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
    impl->rules.push_back(*std::move(compiled));
  }
  return std::unique_ptr<Linter>(new Linter(std::move(impl)));
}

absl::StatusOr<std::unique_ptr<Linter>> Linter::Default(
    const std::vector<std::string>& extra_rule_files) {
  std::vector<std::string> texts = {std::string(DefaultRulesText())};
  std::vector<std::string> names = {"default_rules.textproto"};
  for (const std::string& path : extra_rule_files) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      return absl::NotFoundError(absl::StrCat("cannot read lint rules file \"", path, "\""));
    }
    std::stringstream buffer;
    buffer << in.rdbuf();
    texts.push_back(buffer.str());
    names.push_back(path);
  }
  return FromTextProtos(texts, names);
}

std::vector<std::string> Linter::RuleIds() const {
  std::vector<std::string> ids;
  for (const CompiledRule& r : impl_->rules) ids.push_back(r.id);
  return ids;
}

absl::StatusOr<std::vector<Finding>> Linter::Lint(const LintInput& in) const {
  if (in.message.size() > kMaxLintTextBytes) {
    return absl::InvalidArgumentError(absl::StrCat("message: is ", in.message.size(),
                                                   " bytes; the limit is ", kMaxLintTextBytes));
  }
  if (in.banner_text.size() > kMaxLintTextBytes) {
    return absl::InvalidArgumentError(absl::StrCat("banner_text: is ", in.banner_text.size(),
                                                   " bytes; the limit is ", kMaxLintTextBytes));
  }
  Phase phase = in.phase;
  if (phase == Phase::kUnspecified && in.state_after == State::kResolved) {
    phase = Phase::kResolution;
  }
  struct Tagged {
    Finding finding;
    size_t rule_index;
  };
  std::vector<Tagged> all;
  std::string lower_message;  // Computed on first need.

  for (size_t ri = 0; ri < impl_->rules.size(); ++ri) {
    const CompiledRule& rule = impl_->rules[ri];
    if (!AnyHolds(rule.when, in, phase)) continue;
    if (rule.condition_only) {
      TextField field = rule.fields.size() == 1 ? rule.fields[0] : TextField::kMessage;
      const std::string& text = field == TextField::kBannerText ? in.banner_text : in.message;
      Finding f;
      f.rule_id = rule.id;
      f.level = rule.level;
      f.field = field;
      f.begin = 0;
      f.end = text.size();
      f.excerpt = Excerpt(text, 0, text.size());
      f.explanation = Fill(rule.explanation, in, f.excerpt, "");
      f.suggestion = Fill(rule.suggestion, in, f.excerpt, "");
      all.push_back({std::move(f), ri});
      continue;
    }
    if (!rule.parts.empty()) {
      for (const CompiledPart& part : rule.parts) {
        if (!AnyHolds(part.when, in, phase)) continue;
        bool present = false;
        if (part.match_next_update_at && in.next_update_at) {
          present = StatesTime(in.message, *in.next_update_at);
        } else {
          for (const auto& re : part.patterns) {
            if (RE2::PartialMatch(re2::StringPiece(in.message.data(), in.message.size()), *re)) {
              present = true;
              break;
            }
          }
          if (!present && part.match_affected_components) {
            if (lower_message.empty()) lower_message = absl::AsciiStrToLower(in.message);
            present = MentionsComponent(lower_message, in.affected_components);
          }
        }
        if (present) continue;
        Finding f;
        f.rule_id = rule.id;
        f.level = part.level;
        f.field = TextField::kMessage;
        f.begin = f.end = in.message.size();
        f.explanation = Fill(part.explanation, in, "", part.name);
        f.suggestion = Fill(part.suggestion, in, "", part.name);
        all.push_back({std::move(f), ri});
      }
      continue;
    }
    for (TextField field : rule.fields) {
      const std::string& text = field == TextField::kBannerText ? in.banner_text : in.message;
      if (text.empty()) continue;
      std::vector<Span> spans;
      for (size_t pi = 0; pi < rule.patterns.size(); ++pi) {
        FindAll(*rule.patterns[pi].re, text, pi, &spans);
      }
      if (spans.empty()) continue;
      std::vector<Span> exceptions;
      for (const auto& re : rule.exceptions) FindAll(*re, text, 0, &exceptions);
      size_t covered_from = text.size() + 1;  // Matches starting here or later are covered.
      for (const auto& re : rule.unless_preceded_by) {
        re2::StringPiece m;
        if (re->Match(re2::StringPiece(text.data(), text.size()), 0, text.size(), RE2::UNANCHORED,
                      &m, 1)) {
          covered_from =
              std::min(covered_from, static_cast<size_t>(m.data() - text.data()) + m.size());
        }
      }
      std::sort(spans.begin(), spans.end(), [](const Span& a, const Span& b) {
        if (a.begin != b.begin) return a.begin < b.begin;
        if (a.end != b.end) return a.end > b.end;
        return a.pattern < b.pattern;
      });
      size_t last_end = 0;
      int reported = 0;
      for (const Span& s : spans) {
        if (reported >= kMaxFindingsPerRule) break;
        if (s.begin < last_end) continue;  // Overlaps a kept match of this rule.
        if (s.begin >= covered_from) continue;
        bool excepted = false;
        for (const Span& e : exceptions) {
          if (e.begin <= s.begin && s.end <= e.end) {
            excepted = true;
            break;
          }
        }
        if (excepted) continue;
        last_end = s.end;
        ++reported;
        const CompiledPattern& p = rule.patterns[s.pattern];
        Finding f;
        f.rule_id = rule.id;
        f.level = rule.level;
        f.field = field;
        f.begin = s.begin;
        f.end = s.end;
        f.excerpt = Excerpt(text, s.begin, s.end);
        absl::string_view match(text.data() + s.begin, s.end - s.begin);
        f.explanation =
            Fill(p.explanation.empty() ? rule.explanation : p.explanation, in, match, "");
        f.suggestion = Fill(p.suggestion.empty() ? rule.suggestion : p.suggestion, in, match, "");
        all.push_back({std::move(f), ri});
      }
    }
  }

  // Drop findings that overlap a finding of a rule this one yields to.
  std::vector<Tagged> kept;
  for (const Tagged& t : all) {
    const CompiledRule& rule = impl_->rules[t.rule_index];
    bool drop = false;
    if (!rule.yields_to.empty()) {
      for (const Tagged& o : all) {
        if (o.finding.field != t.finding.field) continue;
        if (std::find(rule.yields_to.begin(), rule.yields_to.end(), o.finding.rule_id) ==
            rule.yields_to.end()) {
          continue;
        }
        if (o.finding.begin < t.finding.end && t.finding.begin < o.finding.end) {
          drop = true;
          break;
        }
      }
    }
    if (!drop) kept.push_back(t);
  }
  std::stable_sort(kept.begin(), kept.end(), [](const Tagged& a, const Tagged& b) {
    if (a.finding.field != b.finding.field) return a.finding.field < b.finding.field;
    if (a.finding.begin != b.finding.begin) return a.finding.begin < b.finding.begin;
    return a.rule_index < b.rule_index;
  });
  std::vector<Finding> out;
  out.reserve(kept.size());
  for (Tagged& t : kept) out.push_back(std::move(t.finding));
  return out;
}

bool HasError(const std::vector<Finding>& findings) {
  for (const Finding& f : findings) {
    if (f.level == Level::kError) return true;
  }
  return false;
}

const char* LevelName(Level level) {
  switch (level) {
    case Level::kInfo:
      return "info";
    case Level::kWarning:
      return "warning";
    case Level::kError:
      return "error";
    case Level::kUnspecified:
      break;
  }
  return "unspecified";
}

}  // namespace lint
}  // namespace statuscast
