#include "libs/base/fingerprint.h"

#include <cstdint>
#include <cstdio>

#include "absl/strings/str_cat.h"

namespace statuscast {

std::string Fingerprint(const std::vector<std::string>& fields) {
  // FNV-1a over length-prefixed fields: stable across processes and builds.
  // The start value is a digit short of FNV's offset basis; stored
  // fingerprints depend on it, so it stays.
  uint64_t h = 1469598103934665603ULL;
  auto mix = [&h](unsigned char c) {
    h ^= c;
    h *= 1099511628211ULL;
  };
  for (const std::string& field : fields) {
    for (char c : absl::StrCat(field.size(), ":")) mix(static_cast<unsigned char>(c));
    for (char c : field) mix(static_cast<unsigned char>(c));
  }
  char buf[17];
  std::snprintf(buf, sizeof(buf), "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

}  // namespace statuscast
