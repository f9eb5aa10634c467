// Helpers shared by the linter tests.
#ifndef STATUSCAST_TESTS_LINT_LINT_TEST_UTIL_H_
#define STATUSCAST_TESTS_LINT_LINT_TEST_UTIL_H_

#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "libs/lint/linter.h"
#include "lint_corpus_input.h"

namespace statuscast {
namespace lint {

// The default linter, built once.
inline const Linter& DefaultLinter() {
  static const Linter* linter = [] {
    auto l = Linter::Default();
    if (!l.ok()) {
      ADD_FAILURE() << l.status();
      std::abort();
    }
    return l->release();
  }();
  return *linter;
}

// A corpus case as input; a bad next_update_at is a test failure naming the
// case.
inline LintInput CorpusCaseInput(const ::statuscast::lintcorpus::LintCorpusCase& c) {
  std::string error;
  LintInput in = CorpusCaseToInput(c, &error);
  EXPECT_TRUE(error.empty()) << error;
  return in;
}

inline std::vector<Finding> LintOrFail(const LintInput& in) {
  auto findings = DefaultLinter().Lint(in);
  EXPECT_TRUE(findings.ok()) << findings.status();
  return findings.ok() ? *findings : std::vector<Finding>{};
}

inline std::vector<Finding> OfRule(const std::vector<Finding>& findings, const std::string& id) {
  std::vector<Finding> out;
  for (const Finding& f : findings) {
    if (f.rule_id == id) out.push_back(f);
  }
  return out;
}

// Findings at warning or error level.
inline std::vector<Finding> Blocking(const std::vector<Finding>& findings) {
  std::vector<Finding> out;
  for (const Finding& f : findings) {
    if (f.level == Level::kWarning || f.level == Level::kError) out.push_back(f);
  }
  return out;
}

inline std::string Describe(const std::vector<Finding>& findings) {
  std::string s;
  for (const Finding& f : findings) {
    s += "  [" + f.rule_id + " " + LevelName(f.level) + " " + std::to_string(f.begin) + "-" +
         std::to_string(f.end) + "] \"" + f.excerpt + "\" -> " + f.suggestion + "\n";
  }
  return s;
}

}  // namespace lint
}  // namespace statuscast

#endif  // STATUSCAST_TESTS_LINT_LINT_TEST_UTIL_H_
