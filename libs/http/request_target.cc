#include "libs/http/request_target.h"

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>
#include <cstdint>
#include <random>

#include "absl/strings/str_format.h"

namespace statuscast {

bool ParseRequestTarget(absl::string_view target, std::string* path,
                        std::map<std::string, std::string>* query) {
  boost::core::string_view view(target.data(), target.size());
  auto parsed = boost::urls::parse_origin_form(view);
  if (!parsed) return false;
  const boost::urls::url_view& url = *parsed;
  *path = url.path();
  query->clear();
  for (const auto& param : url.params()) {  // decoded, '+' as space
    query->emplace(param.key, param.value);
  }
  return true;
}

std::string PickRequestId(absl::string_view client_id) {
  bool sane = !client_id.empty() && client_id.size() <= 128;
  for (char c : client_id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == ':' || c == '-';
    if (!ok) {
      sane = false;
      break;
    }
  }
  if (sane) return std::string(client_id);
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return absl::StrFormat("%016x", rng());
}

bool ParseFormBody(absl::string_view body, std::map<std::string, std::string>* fields) {
  std::string path;
  return ParseRequestTarget(std::string("/?").append(body.data(), body.size()), &path, fields);
}

bool ParseFormBody(absl::string_view body, std::multimap<std::string, std::string>* fields) {
  const std::string target = std::string("/?").append(body.data(), body.size());
  auto parsed = boost::urls::parse_origin_form(boost::core::string_view(target));
  if (!parsed) return false;
  fields->clear();
  for (const auto& param : parsed->params()) fields->emplace(param.key, param.value);
  return true;
}

}  // namespace statuscast
