// statuscast-bench-driver: the responder's side of the banner benchmark,
// talking to statuscast-comms.
//
//   component --name=checkout --banner_app=shop --banner_path='/checkout*'
//   declare                       a SEV-1 on --name, first update to the
//                                 in_app_banner and status_page channels
//   resolve --ref=INC-1 --expected_version=N
//
// declare and resolve print one line:
//   ref=INC-1 version=N sequence=S sent_ns=T0 returned_ns=T1
// returned_ns is absl::Now() when the RPC returned: the benchmark's commit
// time (the change-log row is committed before the reply is sent).
#include <grpcpp/grpcpp.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "statuscast/v1/incident.grpc.pb.h"

ABSL_FLAG(std::string, comms, "127.0.0.1:7400", "statuscast-comms gRPC address");
ABSL_FLAG(std::string, name, "checkout", "component name");
ABSL_FLAG(std::string, banner_app, "shop", "app where the component's banner shows");
ABSL_FLAG(std::string, banner_path, "/checkout*", "page-path pattern where it shows");
ABSL_FLAG(std::string, ref, "", "incident to resolve");
ABSL_FLAG(int64_t, expected_version, 0, "incident version the resolve expects");
ABSL_FLAG(std::string, token, "",
          "bearer token sent with every call, as statuscastctl does (env STATUSCAST_TOKEN)");

namespace statuscast::bench {
namespace {

void SetTime(absl::Time t, google::protobuf::Timestamp* out) {
  out->set_seconds(absl::ToUnixSeconds(t));
}

int Report(const grpc::Status& status, const v1::WriteIncidentResponse& r, absl::Time sent,
           absl::Time returned) {
  if (!status.ok()) {
    std::fprintf(stderr, "RPC failed: %d %s\n", status.error_code(),
                 status.error_message().c_str());
    return 1;
  }
  std::printf("ref=%s version=%lld sequence=%lld sent_ns=%lld returned_ns=%lld\n",
              r.incident().ref().c_str(), static_cast<long long>(r.incident().version()),
              static_cast<long long>(r.sequence()), static_cast<long long>(absl::ToUnixNanos(sent)),
              static_cast<long long>(absl::ToUnixNanos(returned)));
  return 0;
}

std::string Token() {
  std::string token = absl::GetFlag(FLAGS_token);
  if (token.empty()) {
    const char* env = std::getenv("STATUSCAST_TOKEN");
    if (env != nullptr) token = env;
  }
  return token;
}

std::unique_ptr<grpc::ClientContext> Context() {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  static const std::string token = Token();
  if (!token.empty()) context->AddMetadata("authorization", "Bearer " + token);
  return context;
}

std::string Key(const std::string& what) {
  return absl::StrCat("bench-", what, "-", absl::ToUnixNanos(absl::Now()));
}

int Main(int argc, char** argv) {
  std::vector<char*> args = absl::ParseCommandLine(argc, argv);
  if (args.size() != 2) {
    std::fprintf(stderr, "usage: statuscast-bench-driver component|declare|resolve [flags]\n");
    return 2;
  }
  const std::string command = args[1];
  auto stub = v1::IncidentService::NewStub(
      grpc::CreateChannel(absl::GetFlag(FLAGS_comms), grpc::InsecureChannelCredentials()));
  const std::string component = absl::GetFlag(FLAGS_name);

  if (command == "component") {
    v1::CreateComponentRequest request;
    request.set_name(component);
    request.set_group("shop");
    request.add_banner_apps(absl::GetFlag(FLAGS_banner_app));
    request.add_banner_paths(absl::GetFlag(FLAGS_banner_path));
    v1::Component response;
    grpc::Status status = stub->CreateComponent(Context().get(), request, &response);
    if (!status.ok() && status.error_code() != grpc::StatusCode::ALREADY_EXISTS) {
      std::fprintf(stderr, "CreateComponent: %s\n", status.error_message().c_str());
      return 1;
    }
    std::printf("component=%s\n", component.c_str());
    return 0;
  }

  if (command == "declare") {
    const absl::Time now = absl::Now();
    const absl::Time promise =
        absl::FromUnixSeconds(absl::ToUnixSeconds(now) / 60 * 60) + absl::Minutes(25);
    v1::DeclareIncidentRequest request;
    request.set_title("Checkout failing");
    request.set_severity(v1::SEVERITY_SEV1);
    v1::AffectedComponent* affected = request.add_affected_components();
    affected->set_name(component);
    affected->set_status(v1::COMPONENT_STATUS_MAJOR_OUTAGE);
    SetTime(now - absl::Minutes(2), request.mutable_confirmed_start());
    v1::UpdateDraft* update = request.mutable_first_update();
    update->set_message(absl::StrCat(
        "We're experiencing issues with checkout and are working on it; next update by ",
        absl::FormatTime("%H:%M", promise, absl::UTCTimeZone()), " UTC."));
    update->set_banner_text("We're experiencing issues with checkout. We're working on it.");
    update->add_channels(v1::CHANNEL_IN_APP_BANNER);
    update->add_channels(v1::CHANNEL_STATUS_PAGE);
    SetTime(promise, update->mutable_next_update_at());
    request.set_author("bench");
    request.set_idempotency_key(Key("declare"));
    request.set_lint_override_reason("benchmark load, not a real incident");
    v1::WriteIncidentResponse response;
    const absl::Time sent = absl::Now();
    grpc::Status status = stub->DeclareIncident(Context().get(), request, &response);
    return Report(status, response, sent, absl::Now());
  }

  if (command == "resolve") {
    v1::ResolveIncidentRequest request;
    request.set_incident_ref(absl::GetFlag(FLAGS_ref));
    request.set_expected_version(absl::GetFlag(FLAGS_expected_version));
    request.set_idempotency_key(Key("resolve"));
    request.set_author("bench");
    request.set_message(
        "Resolved: checkout works normally again. What happened: a configuration change stopped "
        "orders from completing. We're sorry for the failed orders. To prevent this from "
        "happening again, we now test such changes against live traffic first. A more detailed "
        "postmortem will be published next week.");
    request.add_channels(v1::CHANNEL_IN_APP_BANNER);
    request.add_channels(v1::CHANNEL_STATUS_PAGE);
    request.set_lint_override_reason("benchmark load, not a real incident");
    v1::WriteIncidentResponse response;
    const absl::Time sent = absl::Now();
    grpc::Status status = stub->ResolveIncident(Context().get(), request, &response);
    return Report(status, response, sent, absl::Now());
  }

  std::fprintf(stderr, "unknown command %s\n", command.c_str());
  return 2;
}

}  // namespace
}  // namespace statuscast::bench

int main(int argc, char** argv) { return statuscast::bench::Main(argc, argv); }
