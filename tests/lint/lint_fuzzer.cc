// libFuzzer target: lints arbitrary bytes (any encoding) in arbitrary context
// and checks the findings' invariants. Built only by scripts/fuzz-lint.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdint>
#include <cstdlib>
#include <string>

#include "absl/time/time.h"
#include "libs/lint/linter.h"
#include "libs/lint/templates.h"

namespace {

using statuscast::lint::Channel;
using statuscast::lint::Finding;
using statuscast::lint::Linter;
using statuscast::lint::LintInput;
using statuscast::lint::Phase;
using statuscast::lint::Severity;
using statuscast::lint::State;
using statuscast::lint::TextField;

const Linter& TheLinter() {
  static const Linter* linter = [] {
    auto l = Linter::Default();
    if (!l.ok()) std::abort();
    return l->release();
  }();
  return *linter;
}

void Check(const LintInput& in) {
  auto findings = TheLinter().Lint(in);
  if (!findings.ok()) {
    if (in.message.size() <= statuscast::lint::kMaxLintTextBytes &&
        in.banner_text.size() <= statuscast::lint::kMaxLintTextBytes) {
      std::abort();
    }
    return;
  }
  for (const Finding& f : *findings) {
    const std::string& text = f.field == TextField::kBannerText ? in.banner_text : in.message;
    if (f.begin > f.end || f.end > text.size() || f.rule_id.empty()) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider fdp(data, size);
  LintInput in;
  in.phase = static_cast<Phase>(fdp.ConsumeIntegralInRange<int>(0, 3));
  in.severity = static_cast<Severity>(fdp.ConsumeIntegralInRange<int>(0, 3));
  in.state_before = static_cast<State>(fdp.ConsumeIntegralInRange<int>(0, 4));
  in.state_after = static_cast<State>(fdp.ConsumeIntegralInRange<int>(0, 4));
  uint8_t flags = fdp.ConsumeIntegral<uint8_t>();
  if (flags & 1) in.channels.push_back(Channel::kInAppBanner);
  if (flags & 2) in.channels.push_back(Channel::kStatusPage);
  in.third_party_confirmed = flags & 4;
  if (flags & 8) in.next_update_at = absl::FromUnixSeconds(fdp.ConsumeIntegral<uint32_t>());
  if (flags & 16) in.affected_components.push_back(fdp.ConsumeRandomLengthString(64));
  in.banner_text = fdp.ConsumeRandomLengthString(512);
  in.message = fdp.ConsumeRemainingBytesAsString();
  Check(in);

  // A template filled from fuzzed components is linted too.
  statuscast::lint::TemplateInput t;
  t.severity = in.severity;
  t.state = in.state_after;
  t.affected_components = in.affected_components;
  t.next_update_at = in.next_update_at;
  t.what_happened = in.banner_text;
  auto filled = statuscast::lint::FillTemplate(static_cast<statuscast::lint::Tone>(flags >> 6), t);
  if (filled.ok()) {
    Check(statuscast::lint::TemplateLintInput(static_cast<statuscast::lint::Tone>(flags >> 6), t,
                                              *filled));
  }
  return 0;
}
