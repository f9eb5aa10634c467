#include "libs/rpc/grpc_status.h"

#include <grpcpp/server_context.h>

#include <random>

#include "absl/strings/str_format.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "libs/base/field_violations.h"

namespace statuscast {

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  auto code = static_cast<grpc::StatusCode>(status.code());
  std::string message(status.message());
  std::vector<FieldViolation> violations = GetFieldViolations(status);
  if (violations.empty()) return grpc::Status(code, message);
  google::rpc::BadRequest bad_request;
  for (const FieldViolation& v : violations) {
    auto* fv = bad_request.add_field_violations();
    fv->set_field(v.field);
    fv->set_description(v.description);
  }
  google::rpc::Status details;
  details.set_code(static_cast<int>(code));
  details.set_message(message);
  details.add_details()->PackFrom(bad_request);
  return grpc::Status(code, message, details.SerializeAsString());
}

std::string RequestIdFor(grpc::ServerContext* context) {
  std::string id;
  auto it = context->client_metadata().find("x-request-id");
  if (it != context->client_metadata().end()) {
    std::string given(it->second.data(), it->second.size());
    bool sane = !given.empty() && given.size() <= 64;
    for (char c : given) {
      if (!(isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) {
        sane = false;
      }
    }
    if (sane) id = given;
  }
  if (id.empty()) {
    thread_local std::mt19937_64 rng{std::random_device{}()};
    id = absl::StrFormat("%016x", rng());
  }
  context->AddInitialMetadata("x-request-id", id);
  return id;
}

}  // namespace statuscast
