// Text helpers the render_*.cc files share (internal to services/ctl; not
// part of render.h's contract): widths, wrapping, tables, timeline entries.
#ifndef STATUSCAST_SERVICES_CTL_RENDER_INTERNAL_H_
#define STATUSCAST_SERVICES_CTL_RENDER_INTERNAL_H_

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "services/ctl/render.h"

namespace statuscast {
namespace ctl {

constexpr size_t kWidth = 100;       // wrap timeline text at this column
constexpr size_t kTimeWidth = 20;    // "2026-11-27 14:02 UTC"
constexpr size_t kLabelWidth = 13;   // "investigating"
constexpr size_t kHeaderLabel = 16;  // "confirmed start "

size_t Utf8Length(const std::string& s);
std::string Pad(const std::string& s, size_t width);
std::string Truncate(const std::string& s, size_t max);
std::string OneLine(const std::string& s);
std::vector<std::string> Wrap(const std::string& text, size_t width);
absl::optional<absl::Time> OptTime(bool has, const google::protobuf::Timestamp& ts);
std::string ChannelList(const google::protobuf::RepeatedField<int>& channels);
bool HasChannel(const google::protobuf::RepeatedField<int>& channels, v1::Channel c);
bool IsOpen(const v1::Incident& inc);
void AppendEntry(std::string* out, absl::Time at, const std::string& label, const std::string& text,
                 const std::string& tail, const std::vector<std::string>& meta);
void AppendHeader(std::string* out, const std::string& label, const std::string& value);
std::string Table(const std::vector<std::vector<std::string>>& rows);
absl::optional<absl::Time> OverduePromise(const v1::IncidentCompliance& c);

}  // namespace ctl
}  // namespace statuscast

#endif  // STATUSCAST_SERVICES_CTL_RENDER_INTERNAL_H_
