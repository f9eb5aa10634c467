#include "services/banner/banner_admin_service.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "libs/auth/unary_call.h"
#include "libs/base/field_violations.h"
#include "libs/base/proto_time.h"
#include "libs/base/status_macros.h"
#include "libs/base/text_limits.h"

namespace statuscast {
namespace {

bool IsName(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    if (!(absl::ascii_islower(static_cast<unsigned char>(c)) ||
          absl::ascii_isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '_' ||
          c == '.')) {
      return false;
    }
  }
  return true;
}

void CheckNames(const std::vector<std::string>& names, const std::string& field, size_t max,
                FieldViolations& v) {
  if (names.size() > max) v.Add(field, absl::StrCat("has more than ", max, " entries"));
  for (size_t i = 0; i < names.size() && i < max; ++i) {
    if (!IsName(names[i])) {
      v.Add(absl::StrCat(field, "[", i, "]"), "must be 1-64 characters of a-z, 0-9, '-', '_', '.'");
    }
  }
}

ManualBannerRecord FromProto(const v1::ManualBanner& p) {
  ManualBannerRecord b;
  b.id = p.id();
  b.text = p.text();
  b.level = static_cast<BannerLevel>(p.level());
  b.link = p.link();
  b.target.apps.assign(p.target().apps().begin(), p.target().apps().end());
  b.target.path_patterns.assign(p.target().path_patterns().begin(),
                                p.target().path_patterns().end());
  b.target.components.assign(p.target().components().begin(), p.target().components().end());
  b.starts_at = TimeFromProto(p.starts_at(), p.has_starts_at());
  b.ends_at = TimeFromProto(p.ends_at(), p.has_ends_at());
  b.enabled = p.enabled();
  return b;
}

void ToProto(const ManualBannerRecord& b, v1::ManualBanner* p) {
  p->set_id(b.id);
  p->set_text(b.text);
  p->set_level(static_cast<v1::BannerLevel>(b.level));
  p->set_link(b.link);
  for (const auto& a : b.target.apps) p->mutable_target()->add_apps(a);
  for (const auto& a : b.target.path_patterns) p->mutable_target()->add_path_patterns(a);
  for (const auto& a : b.target.components) p->mutable_target()->add_components(a);
  if (b.starts_at) SetTime(*b.starts_at, p->mutable_starts_at());
  if (b.ends_at) SetTime(*b.ends_at, p->mutable_ends_at());
  p->set_enabled(b.enabled);
  p->set_content_version(b.content_version);
  SetTime(b.updated_at, p->mutable_updated_at());
  p->set_updated_by(b.updated_by);
}

void ToProto(const KillSwitchRecord& k, v1::KillSwitch* p) {
  p->set_scope(k.scope);
  p->set_engaged(k.engaged);
  p->set_reason(k.reason);
  p->set_set_by(k.set_by);
  SetTime(k.set_at, p->mutable_set_at());
}

absl::Status CheckAuthor(const std::string& author) {
  std::string problem = CheckText(author, 128, false);
  if (author.empty()) return InvalidField("author", "is required (who makes this change)");
  if (!problem.empty()) return InvalidField("author", problem);
  return absl::OkStatus();
}

// RunUnaryCall (libs/auth/unary_call.h), then fn(AdminCall)
// whose actor is the token's name, or (access control off) the request's
// author, which must then be given.
template <typename Fn>
grpc::Status Handle(TokenVerifier* verifier, grpc::ServerContext* ctx, const char* method,
                    Scope needed, const std::string& author, const Clock& clock, Fn&& fn) {
  return RunUnaryCall(verifier, ctx, {method, needed, "", "", author},
                      [&](UnaryCaller& caller) -> absl::Status {
                        if (!caller.authenticated) RETURN_IF_ERROR(CheckAuthor(author));
                        return fn(AdminCall{caller.actor, caller.request_id, clock.Now()});
                      });
}

}  // namespace

absl::Status ValidateManualBanner(const ManualBannerRecord& b) {
  FieldViolations v;
  if (b.text.empty()) {
    v.Add("banner.text", "is required");
  } else {
    std::string problem = CheckText(b.text, 280, false);
    if (!problem.empty()) v.Add("banner.text", problem);
  }
  int level = static_cast<int>(b.level);
  if (level < 1 || level > 5) {
    v.Add("banner.level", "must be info, maintenance, minor, major or critical");
  }
  if (!b.link.empty()) {
    std::string problem = CheckText(b.link, 2048, false);
    if (!problem.empty()) v.Add("banner.link", problem);
    else if (!absl::StartsWith(b.link, "https://") && !absl::StartsWith(b.link, "http://")) {
      v.Add("banner.link", "must be an http:// or https:// link");
    }
  }
  CheckNames(b.target.apps, "banner.target.apps", 20, v);
  CheckNames(b.target.components, "banner.target.components", 50, v);
  if (b.target.path_patterns.size() > 20) v.Add("banner.target.path_patterns", "has more than 20");
  for (size_t i = 0; i < b.target.path_patterns.size() && i < 20; ++i) {
    const std::string& p = b.target.path_patterns[i];
    if (p.empty() || (p[0] != '/' && p[0] != '*') || p.find(',') != std::string::npos ||
        !CheckText(p, 200, false).empty()) {
      v.Add(absl::StrCat("banner.target.path_patterns[", i, "]"),
            "must be a pattern starting with '/' or '*' (e.g. /checkout/*), at most 200 bytes, "
            "no ','");
    }
  }
  if (b.starts_at && b.ends_at && *b.ends_at <= *b.starts_at) {
    v.Add("banner.ends_at", "must be after starts_at");
  }
  return v.ToStatus();
}

absl::Status ValidateKillSwitch(const KillSwitchRecord& k) {
  FieldViolations v;
  if (k.scope != "*" && !IsName(k.scope)) {
    v.Add("scope", "must be \"*\" (every app) or an app name of a-z, 0-9, '-', '_', '.'");
  }
  std::string problem = CheckText(k.reason, 500, false);
  if (!problem.empty()) v.Add("reason", problem);
  return v.ToStatus();
}

grpc::Status BannerAdminService::CreateBanner(grpc::ServerContext* ctx,
                                              const v1::CreateBannerRequest* req,
                                              v1::ManualBanner* resp) {
  return Handle(verifier_, ctx, "CreateBanner", Scope::kWrite, req->author(), clock_,
                [&](const AdminCall& call) -> absl::Status {
                  ManualBannerRecord b = FromProto(req->banner());
                  b.enabled = true;
                  RETURN_IF_ERROR(ValidateManualBanner(b));
                  ASSIGN_OR_RETURN(ManualBannerRecord created, store_.CreateBanner(b, call));
                  ToProto(created, resp);
                  return absl::OkStatus();
                });
}

grpc::Status BannerAdminService::UpdateBanner(grpc::ServerContext* ctx,
                                              const v1::UpdateBannerRequest* req,
                                              v1::ManualBanner* resp) {
  return Handle(verifier_, ctx, "UpdateBanner", Scope::kWrite, req->author(), clock_,
                [&](const AdminCall& call) -> absl::Status {
                  ManualBannerRecord b = FromProto(req->banner());
                  if (b.id <= 0)
                    return InvalidField("banner.id", "is required (statuscastctl banner list)");
                  RETURN_IF_ERROR(ValidateManualBanner(b));
                  ASSIGN_OR_RETURN(ManualBannerRecord updated, store_.UpdateBanner(b, call));
                  ToProto(updated, resp);
                  return absl::OkStatus();
                });
}

grpc::Status BannerAdminService::DisableBanner(grpc::ServerContext* ctx,
                                               const v1::DisableBannerRequest* req,
                                               v1::ManualBanner* resp) {
  return Handle(verifier_, ctx, "DisableBanner", Scope::kWrite, req->author(), clock_,
                [&](const AdminCall& call) -> absl::Status {
                  if (req->id() <= 0)
                    return InvalidField("id", "is required (statuscastctl banner list)");
                  ASSIGN_OR_RETURN(ManualBannerRecord b, store_.DisableBanner(req->id(), call));
                  ToProto(b, resp);
                  return absl::OkStatus();
                });
}

grpc::Status BannerAdminService::ListBanners(grpc::ServerContext* ctx,
                                             const v1::ListBannersRequest*,
                                             v1::ListBannersResponse* resp) {
  return Handle(verifier_, ctx, "ListBanners", Scope::kRead, "reader", clock_,
                [&](const AdminCall&) -> absl::Status {
                  ASSIGN_OR_RETURN(std::vector<ManualBannerRecord> banners, store_.ListBanners());
                  for (const auto& b : banners) ToProto(b, resp->add_banners());
                  ASSIGN_OR_RETURN(std::vector<KillSwitchRecord> switches,
                                   store_.ListKillSwitches());
                  for (const auto& k : switches) ToProto(k, resp->add_kill_switches());
                  return absl::OkStatus();
                });
}

grpc::Status BannerAdminService::SetKillSwitch(grpc::ServerContext* ctx,
                                               const v1::SetKillSwitchRequest* req,
                                               v1::KillSwitch* resp) {
  return Handle(verifier_, ctx, "SetKillSwitch", Scope::kAdmin, req->author(), clock_,
                [&](const AdminCall& call) -> absl::Status {
                  KillSwitchRecord k{req->scope(), req->engaged(), req->reason(), "", absl::Time()};
                  RETURN_IF_ERROR(ValidateKillSwitch(k));
                  ASSIGN_OR_RETURN(KillSwitchRecord set, store_.SetKillSwitch(k, call));
                  ToProto(set, resp);
                  return absl::OkStatus();
                });
}

}  // namespace statuscast
