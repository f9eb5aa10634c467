// The labelled corpus: every case names the rules that must fire; the test
// reports precision and recall per rule and fails below 0.9 / 0.8.
#include <dirent.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "lint_corpus.pb.h"
#include "lint_test_util.h"

namespace statuscast {
namespace lint {
namespace {

namespace corpus = ::statuscast::lintcorpus;

constexpr double kMinPrecision = 0.9;
constexpr double kMinRecall = 0.8;

std::vector<corpus::LintCorpusCase> LoadCorpus() {
  std::vector<std::string> files;
  DIR* dir = opendir(LINT_CORPUS_DIR);
  EXPECT_NE(dir, nullptr) << LINT_CORPUS_DIR;
  if (dir == nullptr) return {};
  while (dirent* e = readdir(dir)) {
    std::string name = e->d_name;
    if (name.size() > 10 && name.substr(name.size() - 10) == ".textproto") files.push_back(name);
  }
  closedir(dir);
  std::sort(files.begin(), files.end());
  std::vector<corpus::LintCorpusCase> cases;
  for (const std::string& name : files) {
    std::ifstream in(std::string(LINT_CORPUS_DIR) + "/" + name);
    std::stringstream text;
    text << in.rdbuf();
    corpus::LintCorpus c;
    EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text.str(), &c)) << name;
    for (auto& x : *c.mutable_cases()) cases.push_back(x);
  }
  return cases;
}

LintInput ToInput(const corpus::LintCorpusCase& c) { return CorpusCaseInput(c); }

struct Counts {
  int tp = 0, fp = 0, fn = 0;
};

TEST(LintCorpusTest, PrecisionAndRecallPerRuleMeetTheBar) {
  std::vector<corpus::LintCorpusCase> cases = LoadCorpus();
  ASSERT_GE(cases.size(), 100u);
  std::map<std::string, Counts> counts;
  for (const std::string& id : DefaultLinter().RuleIds()) counts[id];
  int clean_cases = 0, mission_cases = 0;
  std::set<std::string> names;
  for (const auto& c : cases) {
    EXPECT_TRUE(names.insert(c.name()).second) << "duplicate case name " << c.name();
    std::set<std::string> expected(c.expect().begin(), c.expect().end());
    for (const std::string& id : expected) {
      EXPECT_TRUE(counts.count(id)) << c.name() << " expects unknown rule " << id;
    }
    if (expected.empty()) ++clean_cases;
    if (c.source() == "mission") ++mission_cases;
    std::vector<Finding> findings = LintOrFail(ToInput(c));
    std::set<std::string> fired;
    for (const Finding& f : findings) fired.insert(f.rule_id);
    for (const std::string& id : fired) {
      if (expected.count(id)) {
        ++counts[id].tp;
      } else {
        ++counts[id].fp;
        ADD_FAILURE() << "false positive " << id << " in " << c.name() << ":\n  " << c.message()
                      << "\n"
                      << Describe(OfRule(findings, id));
      }
    }
    for (const std::string& id : expected) {
      if (!fired.count(id)) {
        ++counts[id].fn;
        ADD_FAILURE() << "missed " << id << " in " << c.name() << ":\n  " << c.message();
      }
    }
  }
  std::string table = absl::StrFormat(
      "\nLint corpus: %d cases (%d clean, %d from the mission text)\n%-28s %4s %4s %4s %9s %7s\n",
      cases.size(), clean_cases, mission_cases, "rule", "tp", "fp", "fn", "precision", "recall");
  bool ok = true;
  for (const auto& [id, k] : counts) {
    double precision = k.tp + k.fp == 0 ? 1.0 : static_cast<double>(k.tp) / (k.tp + k.fp);
    double recall = k.tp + k.fn == 0 ? 1.0 : static_cast<double>(k.tp) / (k.tp + k.fn);
    bool rule_ok = precision >= kMinPrecision && recall >= kMinRecall && k.tp > 0;
    ok = ok && rule_ok;
    absl::StrAppendFormat(&table, "%-28s %4d %4d %4d %9.3f %7.3f%s\n", id, k.tp, k.fp, k.fn,
                          precision, recall, rule_ok ? "" : "  <-- below the bar / untested");
  }
  std::printf("%s", table.c_str());
  std::fflush(stdout);
  EXPECT_TRUE(ok) << "every rule needs examples, precision >= " << kMinPrecision
                  << " and recall >= " << kMinRecall << table;
}

}  // namespace
}  // namespace lint
}  // namespace statuscast
