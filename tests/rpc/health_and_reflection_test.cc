// grpc.health.v1.Health as HealthAndReflection serves it, through a real
// server on 127.0.0.1:0 and stubs generated from our health.proto: the
// behaviour of gRPC's default health service that it replaces (Check, Watch,
// Shutdown), and the descriptor that reflection needs. Listing and
// describing over reflection from outside is tests/api/reflection_test.py.
#include "libs/rpc/health_and_reflection.h"

#include <google/protobuf/descriptor.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>

#include <chrono>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace statuscast {
namespace {

using grpc::health::v1::Health;
using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

class HealthAndReflectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::ServerBuilder builder;
    public_services_.AddTo(builder);
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    ASSERT_GT(port, 0);
    stub_ = Health::NewStub(
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials()));
  }

  void TearDown() override { StopServer(); }

  void StopServer() {
    if (!server_) return;
    public_services_.Shutdown();
    server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(10));
    server_.reset();
  }

  static std::chrono::system_clock::time_point In(int seconds) {
    return std::chrono::system_clock::now() + std::chrono::seconds(seconds);
  }

  grpc::Status Check(const std::string& service, HealthCheckResponse* response) {
    grpc::ClientContext ctx;
    ctx.set_deadline(In(5));
    HealthCheckRequest request;
    request.set_service(service);
    return stub_->Check(&ctx, request, response);
  }

  // Reads the next Watch message; UNKNOWN when the stream ended instead.
  static HealthCheckResponse::ServingStatus Next(grpc::ClientReader<HealthCheckResponse>& reader) {
    HealthCheckResponse response;
    if (!reader.Read(&response)) return HealthCheckResponse::UNKNOWN;
    return response.status();
  }

  HealthAndReflection public_services_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<Health::Stub> stub_;
};

TEST_F(HealthAndReflectionTest, TheWholeServerIsServingFromTheStart) {
  HealthCheckResponse response;
  grpc::Status status = Check("", &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.status(), HealthCheckResponse::SERVING);
  // The exact bytes deploy/docker/healthcheck.sh and the Python e2e test expect.
  EXPECT_EQ(response.SerializeAsString(), std::string("\x08\x01", 2));
}

TEST_F(HealthAndReflectionTest, CheckOfAnUnknownServiceIsNotFound) {
  HealthCheckResponse response;
  grpc::Status status = Check("statuscast.v1.NoSuchService", &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(status.error_message(),
            "unknown service \"statuscast.v1.NoSuchService\"; \"\" checks the whole server");
}

TEST_F(HealthAndReflectionTest, CheckReportsTheStatusLastSet) {
  public_services_.health().SetServingStatus("statuscast.v1.IncidentService", false);
  HealthCheckResponse response;
  ASSERT_TRUE(Check("statuscast.v1.IncidentService", &response).ok());
  EXPECT_EQ(response.status(), HealthCheckResponse::NOT_SERVING);
  public_services_.health().SetServingStatus("statuscast.v1.IncidentService", true);
  ASSERT_TRUE(Check("statuscast.v1.IncidentService", &response).ok());
  EXPECT_EQ(response.status(), HealthCheckResponse::SERVING);
}

TEST_F(HealthAndReflectionTest, WatchSendsTheStatusAtOnceAndThenEachChange) {
  grpc::ClientContext ctx;
  ctx.set_deadline(In(10));
  HealthCheckRequest request;
  auto reader = stub_->Watch(&ctx, request);
  EXPECT_EQ(Next(*reader), HealthCheckResponse::SERVING);
  public_services_.health().SetServingStatus("", false);
  EXPECT_EQ(Next(*reader), HealthCheckResponse::NOT_SERVING);
  public_services_.health().SetServingStatus("", true);
  EXPECT_EQ(Next(*reader), HealthCheckResponse::SERVING);
  ctx.TryCancel();
}

TEST_F(HealthAndReflectionTest, WatchOfAnUnknownServiceSaysSoUntilTheServiceIsSet) {
  grpc::ClientContext ctx;
  ctx.set_deadline(In(10));
  HealthCheckRequest request;
  request.set_service("statuscast.v1.BannerService");
  auto reader = stub_->Watch(&ctx, request);
  EXPECT_EQ(Next(*reader), HealthCheckResponse::SERVICE_UNKNOWN);
  public_services_.health().SetServingStatus("statuscast.v1.BannerService", true);
  EXPECT_EQ(Next(*reader), HealthCheckResponse::SERVING);
  ctx.TryCancel();
}

TEST_F(HealthAndReflectionTest, ShutdownTurnsEverythingNotServingForGood) {
  public_services_.health().SetServingStatus("statuscast.v1.IncidentService", true);
  public_services_.Shutdown();
  public_services_.health().SetServingStatus("", true);  // ignored from now on
  HealthCheckResponse response;
  ASSERT_TRUE(Check("", &response).ok());
  EXPECT_EQ(response.status(), HealthCheckResponse::NOT_SERVING);
  ASSERT_TRUE(Check("statuscast.v1.IncidentService", &response).ok());
  EXPECT_EQ(response.status(), HealthCheckResponse::NOT_SERVING);
}

TEST_F(HealthAndReflectionTest, ShutdownEndsWatchStreamsSoTheServerStopsWithoutWaiting) {
  grpc::ClientContext ctx;
  ctx.set_deadline(In(30));
  auto reader = stub_->Watch(&ctx, HealthCheckRequest());
  ASSERT_EQ(Next(*reader), HealthCheckResponse::SERVING);

  const auto started = std::chrono::steady_clock::now();
  StopServer();  // health first, then the server with a 10 s grace period
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));

  EXPECT_EQ(Next(*reader), HealthCheckResponse::NOT_SERVING);
  EXPECT_EQ(Next(*reader), HealthCheckResponse::UNKNOWN);  // the stream ended
  grpc::Status status = reader->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(status.error_message(), "the server is shutting down; watch another replica");
}

TEST(HealthAndReflection, GrpcsOwnHealthServiceStaysOffEvenWhenEnabledGlobally) {
  // Two services named grpc.health.v1.Health would fail the build of the
  // server; ours must be the one that answers.
  grpc::EnableDefaultHealthCheckService(true);
  HealthAndReflection public_services;
  grpc::ServerBuilder builder;
  public_services.AddTo(builder);
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  grpc::EnableDefaultHealthCheckService(false);
  ASSERT_NE(server, nullptr);
  EXPECT_EQ(server->GetHealthCheckService(), nullptr);
  public_services.health().SetServingStatus("", false);
  auto stub = Health::NewStub(
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials()));
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  HealthCheckResponse response;
  ASSERT_TRUE(stub->Check(&ctx, HealthCheckRequest(), &response).ok());
  EXPECT_EQ(response.status(), HealthCheckResponse::NOT_SERVING);
  public_services.Shutdown();
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
}

TEST(HealthAndReflection, TheHealthServiceHasTheDescriptorReflectionServes) {
  // Reflection answers from the generated pool; gRPC's own health service is
  // missing there, which is what broke every reflection client.
  const google::protobuf::ServiceDescriptor* health =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
          "grpc.health.v1.Health");
  ASSERT_NE(health, nullptr);
  EXPECT_EQ(health->file()->name(), "grpc/health/v1/health.proto");
  ASSERT_NE(health->FindMethodByName("Check"), nullptr);
  ASSERT_NE(health->FindMethodByName("Watch"), nullptr);
  EXPECT_TRUE(health->FindMethodByName("Watch")->server_streaming());
}

}  // namespace
}  // namespace statuscast
