// Linter benchmark: how long Linter::Lint takes on one 2 kB status update
// (with p50/p99 of single calls as counters) and on every case of the
// labelled corpora (tests/lint/corpus and the blind corpus), each case in its
// own context. Run with bench/lint/run (docs/benchmarks.md, "Linter").
#include <dirent.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "benchmark/benchmark.h"
#include "google/protobuf/text_format.h"
#include "libs/lint/linter.h"
#include "lint_corpus.pb.h"
#include "lint_corpus_input.h"

namespace statuscast {
namespace lint {
namespace {

namespace corpus = ::statuscast::lintcorpus;

// The built-in rules, or only the rules file named by LINT_BENCH_RULES (to
// compare rule sets, e.g. an older default_rules.textproto).
absl::StatusOr<std::unique_ptr<Linter>> BuildLinter() {
  const char* path = std::getenv("LINT_BENCH_RULES");
  if (path == nullptr || *path == '\0') return Linter::Default();
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return Linter::FromTextProtos({text.str()}, {path});
}

const Linter& TheLinter() {
  static const Linter* linter = [] {
    auto l = BuildLinter();
    if (!l.ok()) {
      std::fprintf(stderr, "%s\n", l.status().ToString().c_str());
      std::abort();
    }
    return l->release();
  }();
  return *linter;
}

// A SEV-1 update of about 2 kB: plain progress text with times, components,
// a quoted error and a few phrases several rules look at.
LintInput TwoKilobyteUpdate() {
  static const char* const kSentences[] = {
      "We're continuing to investigate failed payments at checkout affecting customers in "
      "Europe and North America since 14:05 UTC. ",
      "Card and wallet payments show \"Payment failed\" after the confirmation step; bank "
      "transfers are working normally. ",
      "Between 14:05 and 14:20 UTC about 60% of attempts failed; since 14:20 UTC about 30% "
      "fail. ",
      "We've moved part of the traffic to our second payment region and are watching error "
      "rates closely. ",
      "If a payment failed, you have not been charged; please try again or use a bank "
      "transfer. ",
      "We have no ETA yet. ",
  };
  LintInput in;
  size_t i = 0;
  while (in.message.size() < 2000) {
    in.message += kSentences[i % (sizeof(kSentences) / sizeof(kSentences[0]))];
    ++i;
  }
  in.message += "Next update by 14:30 UTC.";
  in.phase = Phase::kUpdate;
  in.severity = Severity::kSev1;
  in.state_before = State::kInvestigating;
  in.state_after = State::kInvestigating;
  in.channels = {Channel::kStatusPage};
  in.affected_components = {"payments", "checkout"};
  in.next_update_at = absl::FromUnixSeconds(1714573800);  // 2024-05-01 14:30 UTC
  return in;
}

void AppendFile(const std::string& path, std::vector<LintInput>* out) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  corpus::LintCorpus c;
  if (!google::protobuf::TextFormat::ParseFromString(text.str(), &c)) {
    std::fprintf(stderr, "cannot parse %s\n", path.c_str());
    std::abort();
  }
  for (const auto& x : c.cases()) out->push_back(CorpusCaseToInput(x));
}

const std::vector<LintInput>& AllCases() {
  static const std::vector<LintInput>* cases = [] {
    auto* v = new std::vector<LintInput>;
    std::vector<std::string> files;
    if (DIR* dir = opendir(LINT_CORPUS_DIR)) {
      while (dirent* e = readdir(dir)) {
        std::string name = e->d_name;
        if (name.size() > 10 && name.substr(name.size() - 10) == ".textproto") {
          files.push_back(std::string(LINT_CORPUS_DIR) + "/" + name);
        }
      }
      closedir(dir);
    }
    std::sort(files.begin(), files.end());
    for (const char* batch :
         {"blind_corpus.textproto", "blind_corpus2.textproto", "blind_corpus3.textproto"}) {
      files.push_back(std::string(LINT_BLIND_DIR) + "/" + batch);
    }
    for (const std::string& f : files) AppendFile(f, v);
    return v;
  }();
  return *cases;
}

// One call per iteration, each timed, so the counters give the distribution.
void BM_Lint2kMessage(benchmark::State& state) {
  const Linter& linter = TheLinter();
  const LintInput in = TwoKilobyteUpdate();
  std::vector<double> us;
  us.reserve(1 << 20);
  for (auto _ : state) {
    auto start = std::chrono::steady_clock::now();
    auto findings = linter.Lint(in);
    auto end = std::chrono::steady_clock::now();
    benchmark::DoNotOptimize(findings);
    us.push_back(std::chrono::duration<double, std::micro>(end - start).count());
  }
  std::sort(us.begin(), us.end());
  auto at = [&](double q) {
    return us[std::min(us.size() - 1, static_cast<size_t>(q * us.size()))];
  };
  state.counters["bytes"] = static_cast<double>(in.message.size());
  state.counters["p50_us"] = at(0.50);
  state.counters["p99_us"] = at(0.99);
  state.counters["max_us"] = us.back();
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * in.message.size()));
}
BENCHMARK(BM_Lint2kMessage)->MinTime(2.0)->Unit(benchmark::kMicrosecond);

// Every corpus case, each in its own context, per iteration.
void BM_LintWholeCorpus(benchmark::State& state) {
  const Linter& linter = TheLinter();
  const std::vector<LintInput>& cases = AllCases();
  size_t bytes = 0;
  for (const LintInput& in : cases) bytes += in.message.size() + in.banner_text.size();
  for (auto _ : state) {
    for (const LintInput& in : cases) {
      auto findings = linter.Lint(in);
      benchmark::DoNotOptimize(findings);
    }
  }
  state.counters["cases"] = static_cast<double>(cases.size());
  // Seconds per case (printed with a unit, e.g. "61.5us").
  state.counters["per_case"] = benchmark::Counter(
      static_cast<double>(cases.size()),
      benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
}
BENCHMARK(BM_LintWholeCorpus)->MinTime(2.0)->Unit(benchmark::kMillisecond);

// Building the linter from the rules text (start-up cost).
void BM_BuildDefaultLinter(benchmark::State& state) {
  for (auto _ : state) {
    auto l = BuildLinter();
    benchmark::DoNotOptimize(l);
  }
}
BENCHMARK(BM_BuildDefaultLinter)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace lint
}  // namespace statuscast

BENCHMARK_MAIN();
