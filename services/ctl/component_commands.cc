// statuscastctl component list|create|update|retire.
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/ctl/command_support.h"
#include "services/ctl/commands.h"
#include "services/ctl/inputs.h"
#include "services/ctl/render.h"

namespace statuscast {
namespace ctl {

int CommandRunner::Component(const std::vector<std::string>& args) {
  const CtlOptions& o = options_;
  std::string sub = args.size() > 1 ? args[1] : "list";
  if (sub == "list") {
    if (args.size() > 2) return UsageError("component", "component list takes no arguments");
    for (const char* f :
         {"group", "description", "banner_apps", "banner_paths", "display_name", "reason"}) {
      if (o.given.count(f)) {
        return UsageError("component",
                          absl::StrCat("--", f, " goes with component create, update or retire"));
      }
    }
    v1::ListComponentsRequest list;
    list.set_include_retired(true);
    v1::ListComponentsResponse resp;
    int code = Call(&v1::IncidentService::StubInterface::ListComponents, list, &resp,
                    "list components", "", "");
    if (code != kExitOk) return code;
    if (o.json) {
      PrintJson(resp);
    } else {
      *out_ << RenderComponents(resp);
    }
    return kExitOk;
  }
  if (sub == "create") {
    if (args.size() != 3) return UsageError("component", "component create takes one NAME");
    v1::CreateComponentRequest req;
    req.set_name(args[2]);
    req.set_group(o.group);
    req.set_description(o.description);
    req.set_display_name(o.display_name);
    for (const std::string& a : ParseNameList(o.banner_apps)) req.add_banner_apps(a);
    for (const std::string& p : ParseNameList(o.banner_paths)) req.add_banner_paths(p);
    v1::Component resp;
    int code = Call(&v1::IncidentService::StubInterface::CreateComponent, req, &resp,
                    absl::StrCat("create component ", args[2]), "", "");
    if (code != kExitOk) return code;
    if (o.json) {
      PrintJson(resp);
    } else {
      *out_ << "component " << resp.name() << " created"
            << (resp.group().empty() ? "" : absl::StrCat(" in group ", resp.group())) << " ("
            << ComponentStatusLabel(resp.status()) << ")\n";
      if (resp.banner_apps_size() > 0 || resp.banner_paths_size() > 0) {
        *out_ << "  its incident banner shows in "
              << (resp.banner_apps_size() > 0
                      ? absl::StrCat("apps ", absl::StrJoin(resp.banner_apps(), ","))
                      : std::string("every app"))
              << " on "
              << (resp.banner_paths_size() > 0
                      ? absl::StrCat("pages ", absl::StrJoin(resp.banner_paths(), ","))
                      : std::string("every page"))
              << "\n";
      }
    }
    return kExitOk;
  }
  if (sub == "update" || sub == "retire") {
    if (args.size() != 3) return UsageError("component", absl::StrCat("component ", sub, " takes one NAME"));
    for (const char* f : {"group", "banner_apps", "banner_paths"}) {
      if (o.given.count(f)) {
        return UsageError("component", absl::StrCat("--", f, " goes with component create"));
      }
    }
    v1::Component resp;
    int code = kExitOk;
    if (sub == "update" && !o.given.count("display_name") && !o.given.count("description")) {
      return UsageError("component", "component update needs --display-name, --description or both");
    }
    // Read first, so the edit carries the version seen (a responder never
    // types one); an unknown name goes unchecked and the server says so.
    v1::ListComponentsRequest list;
    list.set_include_retired(true);
    v1::ListComponentsResponse listed;
    code = Call(&v1::IncidentService::StubInterface::ListComponents, list, &listed,
                "list components", "", "");
    if (code != kExitOk) return code;
    int64_t seen_version = 0;
    for (const v1::Component& c : listed.components()) {
      if (c.name() == args[2]) seen_version = c.version();
    }
    if (sub == "update") {
      v1::UpdateComponentRequest req;
      req.set_name(args[2]);
      if (o.given.count("display_name")) req.mutable_display_name()->set_value(o.display_name);
      if (o.given.count("description")) req.mutable_description()->set_value(o.description);
      req.set_expected_version(seen_version);
      code = Call(&v1::IncidentService::StubInterface::UpdateComponent, req, &resp,
                  absl::StrCat("update component ", args[2]), "", "");
    } else {
      v1::RetireComponentRequest req;
      req.set_name(args[2]);
      req.set_reason(o.reason);
      req.set_expected_version(seen_version);
      code = Call(&v1::IncidentService::StubInterface::RetireComponent, req, &resp,
                  absl::StrCat("retire component ", args[2]), "", "");
    }
    if (code != kExitOk) return code;
    if (o.json) {
      PrintJson(resp);
    } else if (sub == "update") {
      *out_ << "component " << resp.name() << " updated: customers read \""
            << (resp.display_name().empty() ? resp.name() : resp.display_name()) << "\"\n";
    } else {
      *out_ << "component " << resp.name()
            << " retired: hidden from the status page; its incidents keep it\n";
    }
    return kExitOk;
  }
  return UsageError("component", absl::StrCat("unknown component command \"", sub,
                                              "\" (use list, create, update or retire)"));
}

}  // namespace ctl
}  // namespace statuscast
