#include "libs/http/http_route.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "libs/base/log.h"

namespace statuscast {

std::string HttpMethods::AllowHeader() const {
  std::string out;
  auto add = [&out](const char* name) {
    if (!out.empty()) out += ", ";
    out += name;
  };
  if (Has(HttpMethod::kGet)) add("GET");
  if (Has(HttpMethod::kHead)) add("HEAD");
  if (Has(HttpMethod::kPost)) add("POST");
  add("OPTIONS");
  return out;
}

const std::string& HttpRequest::Header(const std::string& name) const {
  static const std::string* const kEmpty = new std::string();
  auto it = headers.find(name);
  return it == headers.end() ? *kEmpty : it->second;
}

const std::string* HttpRequest::Query(const std::string& name) const {
  auto it = query.find(name);
  return it == query.end() ? nullptr : &it->second;
}

const std::string* HttpRequest::Param(const std::string& name) const {
  auto it = params.find(name);
  return it == params.end() ? nullptr : &it->second;
}

HttpResponse HttpResponse::Json(int status, std::string json_body) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(json_body);
  return r;
}

HttpResponse HttpResponse::Error(int status, const std::string& message,
                                 const std::string& parameter) {
  std::string body = "{\"error\":" + JsonQuote(message);
  if (!parameter.empty()) body += ",\"parameter\":" + JsonQuote(parameter);
  body += "}";
  HttpResponse r = Json(status, std::move(body));
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
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

}  // namespace statuscast
