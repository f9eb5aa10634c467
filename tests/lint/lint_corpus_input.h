// A labelled corpus case (tests/lint/lint_corpus.proto) as the linter's
// input: one conversion for the corpus tests and the blind corpus test.
#ifndef STATUSCAST_TESTS_LINT_LINT_CORPUS_INPUT_H_
#define STATUSCAST_TESTS_LINT_LINT_CORPUS_INPUT_H_

#include <string>

#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "libs/lint/linter.h"
#include "lint_corpus.pb.h"

namespace statuscast {
namespace lint {

// A bad next_update_at is a test failure naming the case.
inline LintInput CorpusCaseInput(const ::statuscast::lintcorpus::LintCorpusCase& c) {
  LintInput in;
  in.message = c.message();
  in.banner_text = c.banner_text();
  in.phase = static_cast<Phase>(c.phase());
  in.severity = static_cast<Severity>(c.severity());
  in.state_before = static_cast<State>(c.state_before());
  in.state_after = static_cast<State>(c.state_after());
  for (int ch : c.channels()) in.channels.push_back(static_cast<Channel>(ch));
  if (!c.next_update_at().empty()) {
    absl::Time t;
    std::string err;
    EXPECT_TRUE(absl::ParseTime(absl::RFC3339_full, c.next_update_at(), &t, &err))
        << c.name() << ": " << err;
    in.next_update_at = t;
  }
  in.affected_components.assign(c.affected_components().begin(), c.affected_components().end());
  in.third_party_confirmed = c.third_party_confirmed();
  return in;
}

}  // namespace lint
}  // namespace statuscast

#endif  // STATUSCAST_TESTS_LINT_LINT_CORPUS_INPUT_H_
