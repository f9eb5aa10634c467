// A labelled corpus case (tests/lint/lint_corpus.proto) as the linter's
// input: one conversion for the corpus tests, the blind corpus test and the
// linter benchmark (bench/lint), so all three lint a case the same way.
#ifndef STATUSCAST_TESTS_LINT_LINT_CORPUS_INPUT_H_
#define STATUSCAST_TESTS_LINT_LINT_CORPUS_INPUT_H_

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "libs/lint/linter.h"
#include "lint_corpus.pb.h"

namespace statuscast {
namespace lint {

// A next_update_at that is not RFC 3339 is left out, and `*error` (when not
// null) names the case and the problem; otherwise `*error` is left empty.
inline LintInput CorpusCaseToInput(const ::statuscast::lintcorpus::LintCorpusCase& c,
                                   std::string* error = nullptr) {
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
    if (absl::ParseTime(absl::RFC3339_full, c.next_update_at(), &t, &err)) {
      in.next_update_at = t;
    } else if (error != nullptr) {
      *error = absl::StrCat(c.name(), ": next_update_at: ", err);
    }
  }
  in.affected_components.assign(c.affected_components().begin(), c.affected_components().end());
  in.third_party_confirmed = c.third_party_confirmed();
  return in;
}

}  // namespace lint
}  // namespace statuscast

#endif  // STATUSCAST_TESTS_LINT_LINT_CORPUS_INPUT_H_
