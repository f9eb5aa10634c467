// FieldViolations: INVALID_ARGUMENT statuses that name the fields at fault.
//
// The domain reports bad input as absl::Status; the gRPC adapter turns the
// violations carried here into google.rpc.BadRequest details. The message of
// the status lists every violation, so a person reading only the message can
// act on it.
//
//   FieldViolations v;
//   if (title.empty()) v.Add("title", "is required");
//   RETURN_IF_ERROR(v.ToStatus());
#ifndef STATUSCAST_LIBS_BASE_FIELD_VIOLATIONS_H_
#define STATUSCAST_LIBS_BASE_FIELD_VIOLATIONS_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"

namespace statuscast {

struct FieldViolation {
  std::string field;
  std::string description;
};

class FieldViolations {
 public:
  void Add(std::string field, std::string description) {
    items_.push_back({std::move(field), std::move(description)});
  }
  bool empty() const { return items_.empty(); }
  // OK when empty; otherwise INVALID_ARGUMENT "field: description; ...".
  absl::Status ToStatus() const;
  // A status with `code` and `message` that carries the violations too (e.g.
  // FAILED_PRECONDITION naming the text a policy refused). REQUIRES: !empty().
  absl::Status ToStatusWith(absl::StatusCode code, const std::string& message) const;

 private:
  std::vector<FieldViolation> items_;
};

// A single-field INVALID_ARGUMENT.
absl::Status InvalidField(std::string field, std::string description);

// The violations a status carries (empty when it carries none).
std::vector<FieldViolation> GetFieldViolations(const absl::Status& status);

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_BASE_FIELD_VIOLATIONS_H_
