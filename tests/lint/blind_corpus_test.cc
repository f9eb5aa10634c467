// The blind corpus (tests/lint/blind): status-page messages written by people
// who had read only the mission text, never the rules, in five batches by
// five writers: blind_corpus.textproto (262 cases), blind_corpus2.textproto
// (149 cases, written after the rules had been tuned on the first batch),
// blind_corpus3.textproto (162 cases, tuning data only),
// blind_corpus4.textproto (150 cases, written after all that tuning; its
// figures were measured on the rules as they stood before any change for
// it, docs/linter.md) and blind_corpus5.textproto (150 cases, first read by
// the rules after the third round, never tuned on). Each case carries one
// label: "clean" or the one anti-pattern in it. Batches 1, 2, 4 and 5 were
// each split once (scripts/lint-blind-split, fixed seed) into TUNE (rules
// are tuned on it) and TEST (never looked at while tuning); batch 3 is all
// TUNE. This test prints the figures of issue 13 for TUNE, each batch's TEST
// part and all TEST parts together, and per-rule precision and recall, and
// fails when the TEST parts together are below the goals. Single misses do
// not fail it: the figures it prints can be less than perfect and still be
// true.
//
// Every case is linted in its own context (phase, severity, states,
// next_update_at, components, third-party confirmation), as the service
// would lint it.
// It is also linted as issue 13 first measured it, a SEV-1 draft in its phase
// and nothing else (statuscastctl lint --local --severity SEV-1 --phase P);
// those figures are printed, not checked.
//
// LINT_BLIND_VERBOSE=1 also lists every TUNE case that is missed or wrongly
// flagged, =2 every TUNE case with its findings (never TEST cases: they stay
// unseen).
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "lint_corpus.pb.h"
#include "lint_test_util.h"

namespace statuscast {
namespace lint {
namespace {

namespace corpus = ::statuscast::lintcorpus;

// The goals of issue 13, on the TEST parts together.
constexpr double kGoalAntiPatternFlagged = 0.90;
constexpr double kGoalCleanFlagged = 0.10;
constexpr double kGoalErrorClassBlocked = 0.90;
constexpr int kGoalCleanBlocked = 0;
// Three goals are not reached (after the fourth round, tuned on TUNE only,
// batch 5's TUNE part included: anti-pattern flagged 138/156 = 0.885, clean
// flagged 6/80 = 0.075, error-class blocked 82/92 = 0.891, three clean TEST
// messages blocked; docs/linter.md): the suite holds what was reached so
// that it cannot regress, and prints each goal as met or NOT met.
constexpr double kMinAntiPatternFlagged = 0.88;
constexpr double kMaxCleanFlagged = 0.075;
constexpr double kMinErrorClassBlocked = 0.89;
constexpr int kMaxCleanBlocked = 3;

// The rules whose finding names the problem a label stands for. A finding of
// another rule (e.g. a first communication refused only for a missing part
// when its problem is an ETA) does not count as flagging the problem.
const std::map<std::string, std::set<std::string>>& NamingRules() {
  static const auto* m = new std::map<std::string, std::set<std::string>>{
      {"speculation", {"speculation", "resolution-cause-guess"}},
      {"false_eta", {"eta-clock"}},
      {"individual_blame", {"individual-blame", "internal-detail"}},
      {"internal_detail", {"internal-detail"}},
      {"third_party_blame", {"third-party-blame"}},
      {"performative_apology", {"performative-apology"}},
      {"missing_part",
       {"first-comm-missing-part", "update-missing-next-update", "update-missing-part"}},
      {"vague_next_update", {"first-comm-missing-part", "update-missing-next-update"}},
      {"resolution_missing_part", {"resolution-missing-part"}},
      {"jargon", {"corporate-jargon", "passive-voice"}},
      {"false_tone", {"tone-false-calm", "tone-false-urgency", "tone-dismissive", "tone-shouting"}},
  };
  return *m;
}

// Labels whose problem must be blocked: an error-level finding.
const std::set<std::string>& ErrorClassLabels() {
  static const auto* s =
      new std::set<std::string>{"speculation",     "false_eta",         "individual_blame",
                                "internal_detail", "third_party_blame", "missing_part"};
  return *s;
}

struct BlindCase {
  corpus::LintCorpusCase c;
  int batch = 1;      // 1 to kBatches: which writer's batch.
  bool test = false;  // In the TEST split.
};

constexpr int kBatches = 5;
constexpr const char* kBatchFiles[kBatches] = {"blind_corpus.textproto", "blind_corpus2.textproto",
                                               "blind_corpus3.textproto", "blind_corpus4.textproto",
                                               "blind_corpus5.textproto"};

std::vector<BlindCase> LoadBlind() {
  std::map<std::string, std::string> split;
  std::ifstream sf(std::string(LINT_BLIND_DIR) + "/split.txt");
  std::string line;
  while (std::getline(sf, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> f = absl::StrSplit(line, ' ');
    if (f.size() == 2) split[f[0]] = f[1];
  }
  std::vector<BlindCase> out;
  for (int batch = 1; batch <= kBatches; ++batch) {
    std::ifstream in(std::string(LINT_BLIND_DIR) + "/" + kBatchFiles[batch - 1]);
    std::stringstream text;
    text << in.rdbuf();
    corpus::LintCorpus parsed;
    EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text.str(), &parsed))
        << kBatchFiles[batch - 1];
    for (const auto& c : parsed.cases()) {
      auto it = split.find(c.name());
      EXPECT_TRUE(it != split.end())
          << c.name() << " is in no split (rerun scripts/lint-blind-split)";
      if (it == split.end()) continue;
      out.push_back({c, batch, it->second == "TEST"});
    }
  }
  return out;
}

LintInput ToInput(const corpus::LintCorpusCase& c) {
  LintInput in = CorpusCaseInput(c);
  // The blind corpus is status-page messages (its writer gave no channels).
  if (in.channels.empty()) in.channels.push_back(Channel::kStatusPage);
  return in;
}

// The case as issue 13 first measured it: a SEV-1 draft in its phase and
// nothing else (`statuscastctl lint --local --severity SEV-1 --phase P`): no
// state, channels, next-update time, components or third-party confirmation.
LintInput ToSev1DraftInput(const corpus::LintCorpusCase& c) {
  LintInput in;
  in.message = c.message();
  in.phase = static_cast<Phase>(c.phase());
  in.severity = Severity::kSev1;
  return in;
}

struct Ratio {
  int n = 0, d = 0;
  double value() const { return d == 0 ? 0.0 : static_cast<double>(n) / d; }
  std::string str() const { return absl::StrFormat("%.2f (%d/%d)", value(), n, d); }
};

struct Figures {
  Ratio anti_pattern_flagged;  // By a rule naming the problem, at warning or error.
  Ratio clean_flagged;         // At warning or error, by any rule.
  Ratio error_class_blocked;   // An error-level finding.
  Ratio clean_blocked;         // An error-level finding.
};

// Adds one case to `fg`: flagged at warning or error, flagged by a rule
// naming its label, blocked by an error.
void Count(const corpus::LintCorpusCase& c, bool flagged, bool named, bool error, Figures* fg) {
  if (c.label() == "clean") {
    ++fg->clean_flagged.d;
    ++fg->clean_blocked.d;
    fg->clean_flagged.n += flagged;
    fg->clean_blocked.n += error;
  } else {
    ++fg->anti_pattern_flagged.d;
    fg->anti_pattern_flagged.n += named;
    if (ErrorClassLabels().count(c.label())) {
      ++fg->error_class_blocked.d;
      fg->error_class_blocked.n += error;
    }
  }
}

struct RuleCounts {
  int tp = 0, fp = 0;  // Cases the rule flagged (warning/error): label names it, or not.
  int expected = 0;    // Cases whose label names the rule and the rule's phase applies.
  int found = 0;       // ... of which it flagged.
};

// 0: figures only; 1: also the TUNE cases missed or wrongly flagged; 2: every
// TUNE case with its findings.
int Verbosity() {
  const char* v = std::getenv("LINT_BLIND_VERBOSE");
  return v == nullptr ? 0 : std::atoi(v);
}

// Rules that apply to a case's phase; a label naming several rules expects
// only the ones that can run there (missing_part in an update expects
// update-missing-next-update, not first-comm-missing-part).
std::set<std::string> ExpectedRules(const corpus::LintCorpusCase& c) {
  auto it = NamingRules().find(c.label());
  if (it == NamingRules().end()) return {};
  std::set<std::string> out;
  for (const std::string& id : it->second) {
    if (id == "first-comm-missing-part" && c.phase() != v1::LINT_PHASE_FIRST) continue;
    if ((id == "update-missing-next-update" || id == "update-missing-part") &&
        c.phase() != v1::LINT_PHASE_UPDATE) {
      continue;
    }
    out.insert(id);
  }
  return out;
}

TEST(LintBlindCorpusTest, TestSplitMeetsThreeGoalsAndHoldsTheErrorClassFigureReached) {
  std::vector<BlindCase> cases = LoadBlind();
  ASSERT_GE(cases.size(), 870u);
  // Columns: [0] TUNE (all batches), [b] TEST of batch b (batch 3 has none
  // and is left out when printed), [kAllTest] every TEST part together (the
  // figure the goals are checked on).
  constexpr int kAllTest = kBatches + 1;
  constexpr int kCols = kAllTest + 1;
  Figures fig[kCols];
  Figures whole[kBatches + 1];       // [1..]: each batch whole (TUNE and TEST), for the record.
  Figures tune_batch[kBatches + 1];  // [1..]: each batch's TUNE part.
  Figures sev1_draft[2];             // As SEV-1 drafts alone: [0] TUNE, [1] all TEST.
  std::map<std::string, RuleCounts> rules;
  for (const std::string& id : DefaultLinter().RuleIds()) rules[id];
  std::map<std::string, Ratio> per_label[2];  // [0] TUNE, [1] TEST (both)
  std::string misses;
  int clean_total = 0;
  for (const BlindCase& bc : cases) {
    const corpus::LintCorpusCase& c = bc.c;
    const bool clean = c.label() == "clean";
    clean_total += clean;
    ASSERT_TRUE(clean || NamingRules().count(c.label())) << c.name() << ": label " << c.label();
    std::vector<Finding> findings = LintOrFail(ToInput(c));
    std::set<std::string> flagged;  // Rules with a warning or error.
    bool error = false;
    for (const Finding& f : findings) {
      if (f.level == Level::kWarning || f.level == Level::kError) flagged.insert(f.rule_id);
      error = error || f.level == Level::kError;
    }
    const std::set<std::string> names =
        clean ? std::set<std::string>{} : NamingRules().at(c.label());
    bool named = false;
    for (const std::string& id : flagged) named = named || names.count(id) > 0;
    std::vector<Figures*> cols = {&whole[bc.batch]};
    if (bc.test) {
      cols.push_back(&fig[bc.batch]);
      cols.push_back(&fig[kAllTest]);
    } else {
      cols.push_back(&fig[0]);
      cols.push_back(&tune_batch[bc.batch]);
    }
    for (Figures* col : cols) Count(c, !flagged.empty(), named, error, col);
    {
      std::set<std::string> draft_flagged;
      bool draft_error = false;
      for (const Finding& f : LintOrFail(ToSev1DraftInput(c))) {
        if (f.level == Level::kWarning || f.level == Level::kError) draft_flagged.insert(f.rule_id);
        draft_error = draft_error || f.level == Level::kError;
      }
      bool draft_named = false;
      for (const std::string& id : draft_flagged) draft_named = draft_named || names.count(id) > 0;
      Count(c, !draft_flagged.empty(), draft_named, draft_error, &sev1_draft[bc.test ? 1 : 0]);
    }
    if (!clean) {
      Ratio& pl = per_label[bc.test ? 1 : 0][c.label()];
      ++pl.d;
      pl.n += named;
    }
    for (const std::string& id : flagged) {
      if (names.count(id)) {
        ++rules[id].tp;
      } else {
        ++rules[id].fp;
      }
    }
    for (const std::string& id : ExpectedRules(c)) {
      ++rules[id].expected;
      rules[id].found += flagged.count(id) > 0;
    }
    const bool wrong =
        clean ? !flagged.empty() : !named || (ErrorClassLabels().count(c.label()) && !error);
    if (!bc.test && (Verbosity() >= 2 || (wrong && Verbosity() >= 1))) {
      misses += absl::StrFormat("\n%s %s [%s]\n  %s\n%s",
                                !wrong  ? "OK"
                                : clean ? "FLAGGED"
                                        : "MISSED",
                                c.name(), c.label(), c.message(), Describe(findings));
    }
  }

  int batch_size[kBatches + 1] = {};
  for (const BlindCase& bc : cases) ++batch_size[bc.batch];
  std::string out = absl::StrFormat(
      "\nBlind lint corpus: %d cases (%d clean) in five batches (%d + %d + %d + %d split "
      "TUNE/TEST, %d TUNE only)\n"
      "%-50s %-15s %-15s %-15s %-15s %-15s %-15s %s\n",
      cases.size(), clean_total, batch_size[1], batch_size[2], batch_size[4], batch_size[5],
      batch_size[3], "figure", "TUNE", "TEST batch 1", "TEST batch 2", "TEST batch 4",
      "TEST batch 5", "TEST", "goal (TEST)");
  // The four figures of issue 13 as rows, one column per Figures, with the
  // goal in a last column when `goals` is given.
  static constexpr const char* kFigureNames[] = {
      "anti-pattern messages flagged by a rule naming it",
      "clean messages flagged at warning or error", "error-class messages blocked by an error",
      "clean messages blocked by an error"};
  auto cell = [](const Figures& f, int figure) {
    switch (figure) {
      case 0:
        return f.anti_pattern_flagged.str();
      case 1:
        return f.clean_flagged.str();
      case 2:
        return f.error_class_blocked.str();
      default:
        return absl::StrFormat("%d/%d", f.clean_blocked.n, f.clean_blocked.d);
    }
  };
  auto table = [&](const std::vector<const Figures*>& cols, const std::vector<std::string>& goals) {
    for (int figure = 0; figure < 4; ++figure) {
      absl::StrAppendFormat(&out, "%-50s", kFigureNames[figure]);
      for (const Figures* col : cols) absl::StrAppendFormat(&out, " %-15s", cell(*col, figure));
      if (!goals.empty()) absl::StrAppendFormat(&out, " %s", goals[figure]);
      absl::StrAppendFormat(&out, "\n");
    }
  };
  std::vector<const Figures*> main_cols;
  for (int col = 0; col < kCols; ++col) {
    if (col != 3) main_cols.push_back(&fig[col]);  // batch 3: no TEST
  }
  table(main_cols, {absl::StrFormat(">= %.2f", kGoalAntiPatternFlagged),
                    absl::StrFormat("<= %.2f", kGoalCleanFlagged),
                    absl::StrFormat(">= %.2f", kGoalErrorClassBlocked),
                    absl::StrFormat("%d", kGoalCleanBlocked)});
  const std::string batch_header = absl::StrFormat("%-15s %-15s %-15s %-15s %-15s", "batch 1",
                                                   "batch 2", "batch 3", "batch 4", "batch 5");
  std::vector<const Figures*> tune_cols, whole_cols;
  for (int b = 1; b <= kBatches; ++b) {
    tune_cols.push_back(&tune_batch[b]);
    whole_cols.push_back(&whole[b]);
  }
  absl::StrAppendFormat(&out, "\n%-50s %s\n", "each batch's TUNE part", batch_header);
  table(tune_cols, {});
  absl::StrAppendFormat(&out, "\n%-50s %-15s %-15s\n",
                        "as SEV-1 drafts alone (statuscastctl lint --local)", "TUNE", "TEST");
  table({&sev1_draft[0], &sev1_draft[1]}, {});
  absl::StrAppendFormat(&out, "\n%-50s %s\n", "each batch whole (TUNE and TEST)", batch_header);
  table(whole_cols, {});
  absl::StrAppendFormat(&out, "\nper label (flagged by a rule naming it)  %-16s %s\n", "TUNE",
                        "TEST");
  for (const auto& [label, _] : NamingRules()) {
    absl::StrAppendFormat(&out, "  %-38s %-16s %s\n", label, per_label[0][label].str(),
                          per_label[1][label].str());
  }
  absl::StrAppendFormat(&out,
                        "\nper rule, whole blind corpus (warning or error)\n"
                        "%-28s %4s %4s %9s %8s %7s\n",
                        "rule", "tp", "fp", "precision", "expected", "recall");
  for (const auto& [id, k] : rules) {
    std::string precision =
        k.tp + k.fp == 0 ? "-" : absl::StrFormat("%.3f", static_cast<double>(k.tp) / (k.tp + k.fp));
    std::string recall =
        k.expected == 0 ? "-" : absl::StrFormat("%.3f", static_cast<double>(k.found) / k.expected);
    absl::StrAppendFormat(&out, "%-28s %4d %4d %9s %8d %7s\n", id, k.tp, k.fp, precision,
                          k.expected, recall);
  }
  std::printf("%s%s", out.c_str(), misses.c_str());
  std::fflush(stdout);

  const Figures& t = fig[kAllTest];
  auto verdict = [](bool met) { return met ? "met" : "NOT met"; };
  std::printf(
      "\ngoals on TEST (all TEST parts): anti-pattern flagged %.3f (%s), clean flagged %.3f (%s), "
      "error-class blocked %.3f (%s), clean blocked %d (%s)\n",
      t.anti_pattern_flagged.value(),
      verdict(t.anti_pattern_flagged.value() >= kGoalAntiPatternFlagged), t.clean_flagged.value(),
      verdict(t.clean_flagged.value() <= kGoalCleanFlagged), t.error_class_blocked.value(),
      verdict(t.error_class_blocked.value() >= kGoalErrorClassBlocked), t.clean_blocked.n,
      verdict(t.clean_blocked.n <= kGoalCleanBlocked));
  std::fflush(stdout);
  EXPECT_GE(t.anti_pattern_flagged.value(), kMinAntiPatternFlagged)
      << "TEST split; see the figures above";
  EXPECT_LE(t.clean_flagged.value(), kMaxCleanFlagged) << "TEST split; see the figures above";
  EXPECT_GE(t.error_class_blocked.value(), kMinErrorClassBlocked)
      << "TEST split; see the figures above";
  EXPECT_LE(t.clean_blocked.n, kMaxCleanBlocked) << "TEST split; see the figures above";
}

}  // namespace
}  // namespace lint
}  // namespace statuscast
