// Rendering manual banners and the component catalog.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/ctl/render.h"
#include "services/ctl/render_internal.h"

namespace statuscast {
namespace ctl {
namespace {

const char* BannerLevelLabel(v1::BannerLevel l) {
  switch (l) {
    case v1::BANNER_LEVEL_INFO:
      return "info";
    case v1::BANNER_LEVEL_MAINTENANCE:
      return "maintenance";
    case v1::BANNER_LEVEL_MINOR:
      return "minor";
    case v1::BANNER_LEVEL_MAJOR:
      return "major";
    case v1::BANNER_LEVEL_CRITICAL:
      return "critical";
    default:
      return "?";
  }
}

// "apps shop; paths /checkout*; components checkout" or "everywhere".
std::string DescribeTarget(const v1::BannerTarget& t) {
  std::vector<std::string> parts;
  if (t.apps_size() > 0) parts.push_back(absl::StrCat("apps ", absl::StrJoin(t.apps(), ",")));
  if (t.path_patterns_size() > 0) {
    parts.push_back(absl::StrCat("paths ", absl::StrJoin(t.path_patterns(), ",")));
  }
  if (t.components_size() > 0) {
    parts.push_back(absl::StrCat("components ", absl::StrJoin(t.components(), ",")));
  }
  return parts.empty() ? "everywhere" : absl::StrJoin(parts, "; ");
}

// "from 14:00 UTC until 16:00 UTC", "until ...", "always".
std::string DescribeSchedule(const v1::ManualBanner& b, absl::Time now) {
  std::string out;
  if (b.has_starts_at())
    out = absl::StrCat("from ", FormatUtcNear(TimeFromProto(b.starts_at()), now));
  if (b.has_ends_at()) {
    absl::StrAppend(&out, out.empty() ? "" : " ", "until ",
                    FormatUtcNear(TimeFromProto(b.ends_at()), now));
  }
  return out.empty() ? "always" : out;
}

}  // namespace

std::string RenderComponents(const v1::ListComponentsResponse& list) {
  if (list.components_size() == 0) {
    return "no components yet (add one: statuscastctl component create NAME)\n";
  }
  std::vector<std::vector<std::string>> rows = {
      {"NAME", "CUSTOMERS READ", "GROUP", "STATUS", "BANNER SHOWS", "DESCRIPTION"}};
  for (const v1::Component& c : list.components()) {
    const std::string apps = c.banner_apps_size() > 0
                                 ? absl::StrCat("apps ", absl::StrJoin(c.banner_apps(), ","))
                                 : "every app";
    const std::string pages = c.banner_paths_size() > 0
                                  ? absl::StrCat("pages ", absl::StrJoin(c.banner_paths(), ","))
                                  : "every page";
    rows.push_back({c.name(), c.display_name().empty() ? c.name() : c.display_name(),
                    c.group().empty() ? "-" : c.group(),
                    c.has_retired_at() ? absl::StrCat("retired ", FormatUtcMinute(TimeFromProto(
                                                                      c.retired_at())))
                                       : ComponentStatusLabel(c.status()),
                    c.has_retired_at() ? "-" : absl::StrCat(apps, " on ", pages),
                    Truncate(OneLine(c.description()), 40)});
  }
  return Table(rows);
}

std::string RenderBannerLine(const v1::ManualBanner& b, absl::Time now) {
  return absl::StrCat("banner ", b.id(), " (", BannerLevelLabel(b.level()), ", ",
                      b.enabled() ? "enabled" : "disabled", ", version ", b.content_version(),
                      "): ", Truncate(OneLine(b.text()), 70), "\n  shown ",
                      DescribeTarget(b.target()), ", ", DescribeSchedule(b, now), "\n");
}

std::string RenderBanners(const v1::ListBannersResponse& list, absl::Time now) {
  std::string out;
  if (list.banners_size() == 0) {
    out = "no manual banners (add one: statuscastctl banner create --text T --level maintenance)\n";
  } else {
    std::vector<std::vector<std::string>> rows = {
        {"ID", "LEVEL", "STATE", "WHERE", "WHEN", "TEXT"}};
    for (const v1::ManualBanner& b : list.banners()) {
      rows.push_back({absl::StrCat(b.id()), BannerLevelLabel(b.level()),
                      b.enabled() ? "enabled" : "disabled", DescribeTarget(b.target()),
                      DescribeSchedule(b, now), Truncate(OneLine(b.text()), 50)});
    }
    out = Table(rows);
  }
  bool any = false;
  for (const v1::KillSwitch& k : list.kill_switches()) {
    if (!k.engaged()) continue;
    if (!any) absl::StrAppend(&out, "\n");
    any = true;
    absl::StrAppend(&out, "KILL SWITCH ON for ", k.scope() == "*" ? "every app" : k.scope(),
                    ": every banner hidden since ",
                    k.has_set_at() ? FormatUtcMinute(TimeFromProto(k.set_at())) : "?", " by ",
                    k.set_by().empty() ? "?" : k.set_by(), " (", OneLine(k.reason()), ")\n");
  }
  if (!any) absl::StrAppend(&out, "kill switches: all off\n");
  return out;
}

}  // namespace ctl
}  // namespace statuscast
