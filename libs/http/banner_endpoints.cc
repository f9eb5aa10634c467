#include "libs/http/banner_endpoints.h"

#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "libs/banner/banner_hub.h"
#include "libs/base/text_limits.h"

namespace statuscast {
namespace {

bool IsAppChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

}  // namespace

bool ParseBannerTarget(const HttpRequest& req, BannerTarget* target, HttpResponse* error) {
  const std::string* app = req.Query("app");
  if (app == nullptr || app->empty()) {
    *error = HttpResponse::Error(400, "app is required (e.g. ?app=shop)", "app");
    return false;
  }
  bool app_ok = app->size() <= kMaxAppBytes;
  for (char c : *app) app_ok = app_ok && IsAppChar(c);
  if (!app_ok) {
    *error = HttpResponse::Error(
        400, "app must be 1-64 characters of lower-case letters, digits, '.', '_' or '-'", "app");
    return false;
  }
  const std::string* path = req.Query("path");
  if (path == nullptr || path->empty()) {
    *error =
        HttpResponse::Error(400, "path is required (the page path, e.g. &path=/checkout)", "path");
    return false;
  }
  if ((*path)[0] != '/') {
    *error = HttpResponse::Error(400, "path must start with '/'", "path");
    return false;
  }
  std::string problem = CheckText(*path, kMaxPagePathBytes, /*multiline=*/false);
  if (!problem.empty()) {
    *error = HttpResponse::Error(400, "path " + problem, "path");
    return false;
  }
  target->app = *app;
  target->path = *path;
  return true;
}

bool ParseResumeVersion(const HttpRequest& req, int64_t* version, HttpResponse* error) {
  *version = 0;
  auto header = req.headers.find("last-event-id");
  const std::string* text = nullptr;
  const char* name = nullptr;
  if (header != req.headers.end()) {
    text = &header->second;
    name = "Last-Event-ID";
  } else if ((text = req.Query("last_version")) != nullptr) {
    name = "last_version";
  } else {
    return true;
  }
  std::string trimmed(absl::StripAsciiWhitespace(*text));
  if (trimmed.empty()) return true;  // EventSource before any event
  int64_t v = 0;
  if (!absl::SimpleAtoi(trimmed, &v) || v < 0 ||
      trimmed.find_first_not_of("0123456789") != std::string::npos) {
    *error = HttpResponse::Error(
        400, std::string(name) + " must be a non-negative integer (the id of the last event seen)",
        name);
    return false;
  }
  *version = v;
  return true;
}

bool IfNoneMatchMatches(absl::string_view if_none_match, absl::string_view etag) {
  for (absl::string_view candidate : absl::StrSplit(if_none_match, ',')) {
    candidate = absl::StripAsciiWhitespace(candidate);
    if (candidate == "*") return true;
    if (absl::StartsWith(candidate, "W/")) candidate.remove_prefix(2);  // weak comparison
    if (candidate == etag) return true;
  }
  return false;
}

HttpResponse BannerSnapshot(BannerHub& hub, const HttpRequest& req) {
  BannerTarget target;
  HttpResponse error;
  if (!ParseBannerTarget(req, &target, &error)) return error;
  std::shared_ptr<const RenderedSet> set = hub.ready() ? hub.Current(target) : nullptr;
  if (set == nullptr) {
    return HttpResponse::Error(503, "banners are not loaded yet; retry shortly")
        .WithHeader("Retry-After", "1");
  }
  const std::string etag = absl::StrCat("\"", set->content_hash, "\"");
  auto inm = req.headers.find("if-none-match");
  if (inm != req.headers.end() && IfNoneMatchMatches(inm->second, etag)) {
    HttpResponse not_modified;
    not_modified.status = 304;
    not_modified.content_type.clear();
    not_modified.WithHeader("ETag", etag).WithHeader("Cache-Control", "no-cache");
    return not_modified;
  }
  return HttpResponse::Json(200, set->json)
      .WithHeader("ETag", etag)
      .WithHeader("Cache-Control", "no-cache");
}

std::string SseRetry(int64_t millis) { return absl::StrCat("retry: ", millis, "\n\n"); }

std::string SseSetPrefix(int64_t version) {
  return absl::StrCat("id: ", version, "\nevent: banners\ndata: ");
}

std::string SseSetEvent(int64_t version, absl::string_view json) {
  std::string out = absl::StrCat("id: ", version, "\nevent: banners\n");
  for (absl::string_view line : absl::StrSplit(json, '\n')) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    absl::StrAppend(&out, "data: ", line, "\n");
  }
  out += "\n";
  return out;
}

std::string SseHeartbeat(int64_t version) { return absl::StrCat(": heartbeat ", version, "\n\n"); }

}  // namespace statuscast
