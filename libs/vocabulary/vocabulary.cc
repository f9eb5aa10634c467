#include "libs/vocabulary/vocabulary.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_replace.h"

namespace statuscast {
namespace {
std::string Normalize(const std::string& text) {
  std::string s = absl::AsciiStrToLower(text);
  return absl::StrReplaceAll(s, {{"-", "_"}, {" ", "_"}});
}
}  // namespace

bool IsKnown(Severity s) {
  switch (s) {
    case Severity::kUnspecified:
    case Severity::kSev1:
    case Severity::kSev2:
    case Severity::kSev3:
      return true;
  }
  return false;
}

bool IsKnown(IncidentState s) {
  switch (s) {
    case IncidentState::kUnspecified:
    case IncidentState::kInvestigating:
    case IncidentState::kIdentified:
    case IncidentState::kMonitoring:
    case IncidentState::kResolved:
      return true;
  }
  return false;
}

bool IsKnown(Channel c) {
  switch (c) {
    case Channel::kUnspecified:
    case Channel::kInAppBanner:
    case Channel::kStatusPage:
    case Channel::kPublic:
      return true;
  }
  return false;
}

const char* SeverityName(Severity s) {
  switch (s) {
    case Severity::kSev1: return "SEV-1";
    case Severity::kSev2: return "SEV-2";
    case Severity::kSev3: return "SEV-3";
    default: return "unspecified";
  }
}

const char* StateName(IncidentState s) {
  switch (s) {
    case IncidentState::kInvestigating: return "investigating";
    case IncidentState::kIdentified: return "identified";
    case IncidentState::kMonitoring: return "monitoring";
    case IncidentState::kResolved: return "resolved";
    default: return "unspecified";
  }
}

const char* ComponentStatusName(ComponentStatus s) {
  switch (s) {
    case ComponentStatus::kOperational: return "operational";
    case ComponentStatus::kDegradedPerformance: return "degraded_performance";
    case ComponentStatus::kPartialOutage: return "partial_outage";
    case ComponentStatus::kMajorOutage: return "major_outage";
    case ComponentStatus::kUnderMaintenance: return "under_maintenance";
    default: return "unspecified";
  }
}

const char* ChannelName(Channel c) {
  switch (c) {
    case Channel::kInAppBanner: return "in_app_banner";
    case Channel::kStatusPage: return "status_page";
    case Channel::kPublic: return "public";
    default: return "unspecified";
  }
}

const char* UpdateKindName(UpdateKind k) {
  switch (k) {
    case UpdateKind::kFirst: return "first";
    case UpdateKind::kProgress: return "progress";
    case UpdateKind::kNoProgress: return "no_progress";
    case UpdateKind::kResolution: return "resolution";
    case UpdateKind::kReopen: return "reopen";
    default: return "unspecified";
  }
}

bool ParseSeverity(const std::string& text, Severity* out) {
  std::string s = Normalize(text);
  if (s == "sev_1" || s == "sev1" || s == "1") *out = Severity::kSev1;
  else if (s == "sev_2" || s == "sev2" || s == "2") *out = Severity::kSev2;
  else if (s == "sev_3" || s == "sev3" || s == "3") *out = Severity::kSev3;
  else return false;
  return true;
}

bool ParseState(const std::string& text, IncidentState* out) {
  for (auto st : {IncidentState::kInvestigating, IncidentState::kIdentified,
                  IncidentState::kMonitoring, IncidentState::kResolved}) {
    if (Normalize(text) == StateName(st)) {
      *out = st;
      return true;
    }
  }
  return false;
}

bool ParseComponentStatus(const std::string& text, ComponentStatus* out) {
  for (auto st : {ComponentStatus::kOperational, ComponentStatus::kDegradedPerformance,
                  ComponentStatus::kPartialOutage, ComponentStatus::kMajorOutage,
                  ComponentStatus::kUnderMaintenance}) {
    if (Normalize(text) == ComponentStatusName(st)) {
      *out = st;
      return true;
    }
  }
  return false;
}

bool ParseChannel(const std::string& text, Channel* out) {
  std::string s = Normalize(text);
  if (s == "banner") s = "in_app_banner";
  for (auto c : {Channel::kInAppBanner, Channel::kStatusPage, Channel::kPublic}) {
    if (s == ChannelName(c)) {
      *out = c;
      return true;
    }
  }
  return false;
}

}  // namespace statuscast
