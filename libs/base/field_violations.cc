#include "libs/base/field_violations.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace statuscast {
namespace {
constexpr char kPayloadKey[] = "type.statuscast.dev/field-violations";
}  // namespace

absl::Status FieldViolations::ToStatus() const {
  if (items_.empty()) return absl::OkStatus();
  std::string message;
  std::string payload;
  for (const FieldViolation& v : items_) {
    if (!message.empty()) absl::StrAppend(&message, "; ");
    absl::StrAppend(&message, v.field, ": ", v.description);
    // Field names never hold tabs or newlines; descriptions are ours.
    absl::StrAppend(&payload, v.field, "\t", v.description, "\n");
  }
  absl::Status status = absl::InvalidArgumentError(message);
  status.SetPayload(kPayloadKey, absl::Cord(payload));
  return status;
}

absl::Status FieldViolations::ToStatusWith(absl::StatusCode code,
                                           const std::string& message) const {
  std::string payload;
  for (const FieldViolation& v : items_)
    absl::StrAppend(&payload, v.field, "\t", v.description, "\n");
  absl::Status status(code, message);
  status.SetPayload(kPayloadKey, absl::Cord(payload));
  return status;
}

absl::Status InvalidField(std::string field, std::string description) {
  FieldViolations v;
  v.Add(std::move(field), std::move(description));
  return v.ToStatus();
}

std::vector<FieldViolation> GetFieldViolations(const absl::Status& status) {
  std::vector<FieldViolation> out;
  absl::optional<absl::Cord> payload = status.GetPayload(kPayloadKey);
  if (!payload) return out;
  for (absl::string_view line : absl::StrSplit(std::string(*payload), '\n', absl::SkipEmpty())) {
    std::pair<std::string, std::string> parts = absl::StrSplit(line, absl::MaxSplits('\t', 1));
    out.push_back({parts.first, parts.second});
  }
  return out;
}

}  // namespace statuscast
