// gRPC over TLS and mutual TLS with certificates made by the openssl tool:
// a real server (a generic echo method) and real channels; a call succeeds
// only when the handshake does.
#include <grpcpp/generic/async_generic_service.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "libs/rpc/channel_credentials.h"
#include "libs/rpc/server_credentials.h"
#include "tests/rpc/test_certificates.h"

namespace statuscast {
namespace {

using testing::CertificateFiles;
using testing::TestCertificates;

// Answers every method with the request's bytes.
class EchoService final : public grpc::CallbackGenericService {
  grpc::ServerGenericBidiReactor* CreateReactor(grpc::GenericCallbackServerContext*) override {
    class Echo final : public grpc::ServerGenericBidiReactor {
     public:
      Echo() { StartRead(&message_); }
      void OnReadDone(bool ok) override {
        if (!ok) return Finish(grpc::Status::OK);
        StartWrite(&message_);
      }
      void OnWriteDone(bool ok) override {
        if (!ok) return Finish(grpc::Status::CANCELLED);
        StartRead(&message_);
      }
      void OnDone() override { delete this; }

     private:
      grpc::ByteBuffer message_;
    };
    return new Echo;
  }
};

class GrpcTlsTest : public ::testing::Test {
 protected:
  void StartServer(const std::string& client_ca,
                   absl::Duration reload_interval = absl::ZeroDuration()) {
    const auto& c = TestCertificates::Get();
    ServerTlsFlags flags;
    flags.cert.path = c.server.cert;
    flags.key.path = c.server.key;
    flags.client_ca.path = client_ca;
    flags.reload_interval = reload_interval;
    absl::StatusOr<ServerTls> tls = LoadServerTls(flags);
    ASSERT_TRUE(tls.ok()) << tls.status();
    grpc::ServerBuilder builder;
    builder.RegisterCallbackGenericService(&echo_);
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", ServerCredentialsFor(*tls), &port);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    ASSERT_GT(port, 0);
    address_ = absl::StrCat("127.0.0.1:", port);
  }

  void TearDown() override {
    if (server_) server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
  }

  // One echo call over `creds`.
  grpc::Status Check(std::shared_ptr<grpc::ChannelCredentials> creds) {
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
    auto channel = grpc::CreateCustomChannel(address_, creds, args);
    grpc::GenericStub stub(channel);
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    grpc::Slice hello("hello");
    grpc::ByteBuffer request(&hello, 1);
    grpc::ByteBuffer response;
    std::promise<grpc::Status> done;
    stub.UnaryCall(&context, "/statuscast.test.Echo/Echo", grpc::StubOptions(), &request, &response,
                   [&done](grpc::Status s) { done.set_value(std::move(s)); });
    grpc::Status status = done.get_future().get();
    std::vector<grpc::Slice> slices;
    if (status.ok() &&
        (!response.Dump(&slices).ok() || slices.size() != 1 || slices[0].size() != 5)) {
      return grpc::Status(grpc::StatusCode::INTERNAL, "echo answered something else");
    }
    return status;
  }

  static std::shared_ptr<grpc::ChannelCredentials> Client(const std::string& ca,
                                                          const CertificateFiles* pair = nullptr) {
    ClientTlsFlags flags;
    flags.ca.path = ca;
    flags.force_tls = true;
    if (pair != nullptr) {
      flags.cert.path = pair->cert;
      flags.key.path = pair->key;
    }
    absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> creds = ChannelCredentialsFor(flags);
    EXPECT_TRUE(creds.ok()) << creds.status();
    return creds.ok() ? *creds : nullptr;
  }

  EchoService echo_;
  std::unique_ptr<grpc::Server> server_;
  std::string address_;
};

TEST_F(GrpcTlsTest, CallSucceedsWithTheCaThatSignedTheServer) {
  StartServer("");
  grpc::Status s = Check(Client(TestCertificates::Get().ca.cert));
  EXPECT_TRUE(s.ok()) << s.error_code() << " " << s.error_message();
}

TEST_F(GrpcTlsTest, CallFailsWithoutTheCa) {
  StartServer("");
  // The system roots do not know the test CA.
  grpc::Status s = Check(Client(""));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE) << s.error_message();
  // Nor does another CA.
  s = Check(Client(TestCertificates::Get().other_ca.cert));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE) << s.error_message();
}

TEST_F(GrpcTlsTest, PlaintextClientCannotCallATlsServer) {
  StartServer("");
  grpc::Status s = Check(grpc::InsecureChannelCredentials());
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE) << s.error_message();
}

TEST_F(GrpcTlsTest, MutualTlsRefusesAClientWithoutACertificate) {
  const auto& c = TestCertificates::Get();
  StartServer(c.ca.cert);
  grpc::Status s = Check(Client(c.ca.cert));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE) << s.error_message();
}

TEST_F(GrpcTlsTest, MutualTlsRefusesACertificateFromAnotherCa) {
  const auto& c = TestCertificates::Get();
  StartServer(c.ca.cert);
  grpc::Status s = Check(Client(c.ca.cert, &c.other_client));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE) << s.error_message();
}

TEST_F(GrpcTlsTest, MutualTlsAcceptsAClientCertificateSignedByTheCa) {
  const auto& c = TestCertificates::Get();
  StartServer(c.ca.cert);
  grpc::Status s = Check(Client(c.ca.cert, &c.client));
  EXPECT_TRUE(s.ok()) << s.error_code() << " " << s.error_message();
}

// The same rules with the reloading credentials (--tls_reload_interval):
// FileWatcherCertificateProvider instead of the PEM text read at start-up.
TEST_F(GrpcTlsTest, ReloadingMutualTlsAcceptsTheCaSignedClientAndRefusesOthers) {
  const auto& c = TestCertificates::Get();
  StartServer(c.ca.cert, absl::Seconds(1));
  grpc::Status s = Check(Client(c.ca.cert, &c.client));
  EXPECT_TRUE(s.ok()) << s.error_code() << " " << s.error_message();
  EXPECT_EQ(Check(Client(c.ca.cert)).error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(Check(Client(c.ca.cert, &c.other_client)).error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(Check(grpc::InsecureChannelCredentials()).error_code(), grpc::StatusCode::UNAVAILABLE);
}

TEST_F(GrpcTlsTest, ReloadingTlsServesTheCertificate) {
  StartServer("", absl::Seconds(1));
  grpc::Status s = Check(Client(TestCertificates::Get().ca.cert));
  EXPECT_TRUE(s.ok()) << s.error_code() << " " << s.error_message();
}

}  // namespace
}  // namespace statuscast
