// statuscastctl banner and killswitch, on statuscast-banner.
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "libs/base/clock.h"
#include "services/ctl/command_support.h"
#include "services/ctl/commands.h"
#include "services/ctl/inputs.h"
#include "services/ctl/render.h"

namespace statuscast {
namespace ctl {

bool CommandRunner::ApplyBannerFlags(v1::ManualBanner* b, int* code) {
  const CtlOptions& o = options_;
  const absl::Time now = clock_->Now();
  if (o.given.count("text")) b->set_text(o.text);
  if (o.given.count("link")) b->set_link(o.link);
  if (o.given.count("level")) {
    absl::StatusOr<v1::BannerLevel> level = ParseBannerLevelInput(o.level);
    if (!level.ok()) {
      *code = FlagError("level", level.status());
      return false;
    }
    b->set_level(*level);
  }
  v1::BannerTarget* t = b->mutable_target();
  if (o.given.count("apps")) {
    t->clear_apps();
    for (const std::string& a : ParseNameList(o.apps)) t->add_apps(a);
  }
  if (o.given.count("paths")) {
    t->clear_path_patterns();
    for (const std::string& p : ParseNameList(o.paths)) t->add_path_patterns(p);
  }
  if (o.given.count("components")) {
    t->clear_components();
    for (const std::string& c : ParseNameList(o.components)) t->add_components(c);
  }
  for (const auto& [flag, value, field] :
       {std::make_tuple("starts", &o.starts, b->mutable_starts_at()),
        std::make_tuple("ends", &o.ends, b->mutable_ends_at())}) {
    if (!o.given.count(flag)) continue;
    absl::StatusOr<absl::Time> when = ParseWhenInput(*value, now);
    if (!when.ok()) {
      *code = FlagError(flag, when.status());
      return false;
    }
    ToProto(*when, field);
  }
  if (!o.given.count("starts") && b->starts_at().seconds() == 0 && b->starts_at().nanos() == 0) {
    b->clear_starts_at();
  }
  if (!o.given.count("ends") && b->ends_at().seconds() == 0 && b->ends_at().nanos() == 0) {
    b->clear_ends_at();
  }
  return true;
}

int CommandRunner::Banner(const std::vector<std::string>& args) {
  const CtlOptions& o = options_;
  if (banner_stub_ == nullptr) {
    return NoConnection("statuscast-banner");
  }
  const std::string sub = args.size() > 1 ? args[1] : "list";
  const bool edits = sub == "create" || sub == "edit";
  if (!edits) {
    for (const char* f :
         {"text", "level", "apps", "paths", "components", "starts", "ends", "link"}) {
      if (o.given.count(f)) {
        return UsageError("banner", absl::StrCat("--", f, " goes with banner create or edit"));
      }
    }
  }
  if (sub == "list") {
    if (args.size() > 2) return UsageError("banner", "banner list takes no arguments");
    v1::ListBannersResponse resp;
    int code = CallOn(banner_stub_, &v1::BannerAdminService::StubInterface::ListBanners,
                      v1::ListBannersRequest(), &resp, "list banners", "", "");
    if (code != kExitOk) return code;
    if (o.json) {
      PrintJson(resp);
    } else {
      *out_ << RenderBanners(resp, clock_->Now());
    }
    return kExitOk;
  }
  v1::ManualBanner result;
  int code = kExitOk;
  if (sub == "create") {
    if (args.size() != 2) return UsageError("banner", "banner create takes only flags");
    if (o.text.empty()) return UsageError("banner", "--text is required: what users read");
    v1::CreateBannerRequest req;
    v1::ManualBanner* b = req.mutable_banner();
    b->set_level(v1::BANNER_LEVEL_INFO);
    b->set_enabled(true);
    if (!ApplyBannerFlags(b, &code)) return code;
    req.set_author(o.author);
    code = CallOn(banner_stub_, &v1::BannerAdminService::StubInterface::CreateBanner, req, &result,
                  "create the banner", "", "");
  } else if (sub == "edit" || sub == "disable") {
    int64_t id = 0;
    if (args.size() != 3 || !absl::SimpleAtoi(args[2], &id) || id <= 0) {
      return UsageError("banner", absl::StrCat("banner ", sub, " takes one banner ID (a number)"));
    }
    if (sub == "disable") {
      v1::DisableBannerRequest req;
      req.set_id(id);
      req.set_author(o.author);
      code = CallOn(banner_stub_, &v1::BannerAdminService::StubInterface::DisableBanner, req,
                    &result, absl::StrCat("disable banner ", id), "", "");
    } else {
      v1::ListBannersResponse all;
      code = CallOn(banner_stub_, &v1::BannerAdminService::StubInterface::ListBanners,
                    v1::ListBannersRequest(), &all, "read the banners", "", "");
      if (code != kExitOk) return code;
      v1::UpdateBannerRequest req;
      bool found = false;
      for (const v1::ManualBanner& b : all.banners()) {
        if (b.id() == id) {
          *req.mutable_banner() = b;
          found = true;
        }
      }
      if (!found) {
        *err_ << "statuscastctl: no banner " << id << " (statuscastctl banner list shows them)\n";
        return kExitFailed;
      }
      if (!ApplyBannerFlags(req.mutable_banner(), &code)) return code;
      req.set_author(o.author);
      code = CallOn(banner_stub_, &v1::BannerAdminService::StubInterface::UpdateBanner, req,
                    &result, absl::StrCat("edit banner ", id), "", "");
    }
  } else {
    return UsageError("banner", absl::StrCat("unknown banner command \"", sub,
                                             "\" (use list, create, edit or disable)"));
  }
  if (code != kExitOk) return code;
  if (o.json) {
    PrintJson(result);
  } else {
    *out_ << RenderBannerLine(result, clock_->Now());
  }
  return kExitOk;
}

int CommandRunner::KillSwitch(const std::vector<std::string>& args) {
  const CtlOptions& o = options_;
  if (banner_stub_ == nullptr) {
    return NoConnection("statuscast-banner");
  }
  if (args.size() != 2 || (args[1] != "on" && args[1] != "off")) {
    return UsageError("killswitch", "killswitch takes on or off");
  }
  if (o.reason.empty()) return UsageError("killswitch", "--reason is required (it is recorded)");
  v1::SetKillSwitchRequest req;
  req.set_scope(o.app.empty() ? "*" : o.app);
  req.set_engaged(args[1] == "on");
  req.set_reason(o.reason);
  req.set_author(o.author);
  v1::KillSwitch resp;
  int code = CallOn(banner_stub_, &v1::BannerAdminService::StubInterface::SetKillSwitch, req, &resp,
                    absl::StrCat("turn the kill switch ", args[1]), "", "");
  if (code != kExitOk) return code;
  if (o.json) {
    PrintJson(resp);
  } else {
    *out_ << "kill switch " << (resp.engaged() ? "ON" : "off") << " for "
          << (resp.scope() == "*" ? std::string("every app") : resp.scope())
          << (resp.engaged() ? ": its banners are hidden now" : ": its banners show again") << "\n";
  }
  return kExitOk;
}

}  // namespace ctl
}  // namespace statuscast
