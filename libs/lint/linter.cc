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
#include "libs/lint/rule_set.h"
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

using internal::AnyHolds;
using internal::CompiledPart;
using internal::CompiledPattern;
using internal::CompiledRule;

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

bool IsComponentName(absl::string_view match, const std::vector<std::string>& names) {
  for (const std::string& name : names) {
    if (!name.empty() && absl::EqualsIgnoreCase(match, name)) return true;
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
  ASSIGN_OR_RETURN(std::vector<CompiledRule> rules, internal::CompileRuleSets(texts, names));
  auto impl = std::make_unique<Impl>();
  impl->rules = std::move(rules);
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
        // A next-update time the message names that is not the promise.
        absl::optional<ZonedClock> wrong_time;
        if (part.match_next_update_at && in.next_update_at) {
          present = StatesTime(in.message, *in.next_update_at);
          std::vector<ZonedClock> named = FindPromisedClocks(in.message);
          if (!present && !named.empty()) wrong_time = named.front();
        } else {
          for (const auto& re : part.patterns) {
            if (RE2::PartialMatch(re2::StringPiece(in.message.data(), in.message.size()), *re)) {
              present = true;
              break;
            }
          }
          // No promise given (a draft linted alone): any time the text
          // promises an update at, in a zone the clock engine reads, counts
          // ("Next update at 19:45 CET", "we'll post again by 2.30pm BST").
          if (!present && part.match_next_update_at) {
            present = !FindPromisedClocks(in.message).empty();
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
        if (wrong_time) {
          f.begin = wrong_time->begin;
          f.end = wrong_time->end;
          f.excerpt = Excerpt(in.message, f.begin, f.end);
          f.explanation = absl::StrCat(
              "The message names the next update at ", f.excerpt, ", but the promise is ",
              FormatUtcClock(*in.next_update_at),
              ": one promise, on the record and in the text (the server refuses the two "
              "disagreeing).");
          f.suggestion = FormatUtcClock(*in.next_update_at);
        }
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
      if (rule.unless_text_states_zone && !FindZonedClocks(text).empty()) continue;
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
        // An affected component's name is what the status page shows customers.
        if (IsComponentName(absl::string_view(text.data() + s.begin, s.end - s.begin),
                            in.affected_components)) {
          continue;
        }
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
