#include "libs/http/http_route.h"

#include "libs/base/log.h"

namespace statuscast {

const std::string& HttpRequest::Header(const std::string& name) const {
  static const std::string* const kEmpty = new std::string();
  auto it = headers.find(name);
  return it == headers.end() ? *kEmpty : it->second;
}

const std::string* HttpRequest::Query(const std::string& name) const {
  auto it = query.find(name);
  return it == query.end() ? nullptr : &it->second;
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

}  // namespace statuscast
