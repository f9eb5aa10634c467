// statuscast_grpc_requests_total over a real gRPC server on 127.0.0.1:
// made-up method paths share the label "unknown" instead of minting series.
#include "libs/metrics/grpc_request_metrics.h"

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <prometheus/registry.h>

#include <map>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "statuscast/v1/banner.grpc.pb.h"

namespace statuscast {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::Pair;

grpc::Status CallRaw(grpc::GenericStub& stub, const std::string& method) {
  grpc::CompletionQueue cq;
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  grpc::ByteBuffer request, response;  // empty: a valid GetBannersRequest
  grpc::Slice empty("");
  request = grpc::ByteBuffer(&empty, 1);
  auto call = stub.PrepareUnaryCall(&ctx, method, request, &cq);
  call->StartCall();
  grpc::Status status;
  call->Finish(&response, &status, reinterpret_cast<void*>(1));
  void* tag = nullptr;
  bool ok = false;
  cq.Next(&tag, &ok);
  cq.Shutdown();
  while (cq.Next(&tag, &ok)) {
  }
  return status;
}

// method label -> calls counted, over every code.
std::map<std::string, double> RequestsByMethod(prometheus::Registry& registry) {
  std::map<std::string, double> out;
  for (const prometheus::MetricFamily& f : registry.Collect()) {
    if (f.name != "statuscast_grpc_requests_total") continue;
    for (const prometheus::ClientMetric& m : f.metric) {
      for (const prometheus::ClientMetric::Label& l : m.label) {
        if (l.name == "method") out[l.value] += m.counter.value;
      }
    }
  }
  return out;
}

TEST(GrpcRequestMetricsTest, UnregisteredMethodsAreCountedAsUnknown) {
  prometheus::Registry registry;
  // Every method answers UNIMPLEMENTED, but they are registered methods.
  v1::BannerService::Service banner_service;
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&banner_service);
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> creators;
  creators.push_back(GrpcRequestMetrics(registry, {"statuscast.v1.BannerService"}));
  builder.experimental().SetInterceptorCreators(std::move(creators));
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  ASSERT_NE(server, nullptr);
  grpc::GenericStub stub(
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials()));

  EXPECT_EQ(CallRaw(stub, "/statuscast.v1.BannerService/GetBanners").error_code(),
            grpc::StatusCode::UNIMPLEMENTED);
  for (int i = 0; i < 20; ++i) {
    grpc::Status s = CallRaw(stub, absl::StrCat("/statuscast.v1.Made/Up", i));
    EXPECT_EQ(s.error_code(), grpc::StatusCode::UNIMPLEMENTED);
  }
  EXPECT_EQ(CallRaw(stub, "/no-such-service").error_code(), grpc::StatusCode::UNIMPLEMENTED);

  EXPECT_THAT(RequestsByMethod(registry),
              ElementsAre(Pair("/statuscast.v1.BannerService/GetBanners", 1), Pair("unknown", 21)));
  server->Shutdown();
}

TEST(GrpcRequestMetricsTest, AServiceNameExpandsToItsMethodsFromTheDescriptorPool) {
  std::vector<std::string> paths =
      ServedMethodPaths({"statuscast.v1.BannerService", "no.such.Service", "/x.Y/Z"});
  EXPECT_THAT(paths, Contains("/statuscast.v1.BannerService/Subscribe"));
  EXPECT_THAT(paths, Contains("/statuscast.v1.BannerService/GetBanners"));
  EXPECT_THAT(paths, Contains("/x.Y/Z"));
  EXPECT_EQ(paths.size(), 3u);
}

}  // namespace
}  // namespace statuscast
