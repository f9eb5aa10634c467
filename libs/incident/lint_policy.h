// LintPolicy: what an error-level lint finding does to a write, per severity.
//
// Every customer-facing update is linted (libs/lint). For the severities the
// policy names, an error-level finding rejects the write (FAILED_PRECONDITION,
// nothing written) unless the author gives an override reason; for the others
// it only warns (the findings are returned and stored with the update).
// Warnings and infos never reject.
//
//   ASSIGN_OR_RETURN(LintPolicy p, LintPolicy::Parse("SEV-1,SEV-2"));
//   p.RejectsErrorsAt(Severity::kSev3);  // false: SEV-3 only warns
//
// Thread safety: a value type; immutable use is safe from any thread.
#ifndef STATUSCAST_LIBS_INCIDENT_LINT_POLICY_H_
#define STATUSCAST_LIBS_INCIDENT_LINT_POLICY_H_

#include <set>
#include <string>

#include "absl/status/statusor.h"
#include "libs/incident/model.h"

namespace statuscast {

// statuscast-comms' default --lint_reject: the severities with a binding
// cadence, where the most customers read every word. SEV-3 only warns.
inline constexpr char kDefaultLintReject[] = "SEV-1,SEV-2";

class LintPolicy {
 public:
  // Warns only, at every severity.
  LintPolicy() = default;

  // "SEV-1,SEV-2" (severity names as ParseSeverity reads them), "all" for
  // every severity, "" or "none" for none. INVALID_ARGUMENT names a bad entry.
  static absl::StatusOr<LintPolicy> Parse(const std::string& text);

  bool RejectsErrorsAt(Severity severity) const { return reject_.count(severity) > 0; }
  // "SEV-1, SEV-2" or "none", for logs and messages.
  std::string Describe() const;

 private:
  std::set<Severity> reject_;
};

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_INCIDENT_LINT_POLICY_H_
