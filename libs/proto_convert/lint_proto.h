// Conversions between the linter's plain types and statuscast.v1 messages,
// for the gRPC adapter, the command-line tool (which lints locally too) and
// the store (findings are kept as JSON in protobuf's mapping).
#ifndef STATUSCAST_LIBS_PROTO_CONVERT_LINT_PROTO_H_
#define STATUSCAST_LIBS_PROTO_CONVERT_LINT_PROTO_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "libs/base/field_violations.h"
#include "libs/lint/linter.h"
#include "statuscast/v1/incident.pb.h"
#include "statuscast/v1/lint.pb.h"

namespace statuscast {
namespace lint {

// The input a LintUpdateRequest describes (incident_ref is not resolved here).
LintInput InputFromProto(const v1::LintUpdateRequest& request);

// Adds to `v` each enum field of `request` holding a value this release does
// not know: "phase", "severity", "state_before", "state_after", "channels"
// (where unspecified is refused too).
void CheckEnums(const v1::LintUpdateRequest& request, FieldViolations& v);

// First -> kFirst; progress, no progress and reopen -> kUpdate;
// resolution -> kResolution.
Phase PhaseForUpdateKind(v1::UpdateKind kind);

void FindingToProto(const Finding& finding, v1::LintFinding* out);
Finding FindingFromProto(const v1::LintFinding& finding);

// A JSON array of LintFinding in protobuf's JSON mapping ("[]" when empty),
// the form findings are stored in; and back (INVALID_ARGUMENT when `json` is
// not such an array).
std::string FindingsToJson(const std::vector<Finding>& findings);
absl::StatusOr<std::vector<Finding>> FindingsFromJson(const std::string& json);

// Findings and their counts by level.
v1::LintUpdateResponse ResponseFromFindings(const std::vector<Finding>& findings);

}  // namespace lint
}  // namespace statuscast

#endif  // STATUSCAST_LIBS_PROTO_CONVERT_LINT_PROTO_H_
