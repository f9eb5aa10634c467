#include "tests/support/banner_test_server.h"

#include "absl/strings/str_cat.h"
#include "libs/auth/pg_token_store.h"
#include "libs/auth/token_verifier.h"
#include "libs/banner/banner_follower.h"
#include "libs/pgstore/change_feed.h"
#include "libs/pgstore/pg_banner_store.h"
#include "services/banner/banner_admin_service.h"
#include "services/banner/banner_grpc_service.h"

namespace statuscast::testing {

BannerTestServer::BannerTestServer(const std::string& database_url, absl::Duration heartbeat,
                                   bool require_tokens) {
  pool_ = std::make_unique<PgPool>(database_url, 4);
  store_ = std::make_unique<PgBannerStore>(*pool_);
  BannerHubOptions options;
  options.status_page_url = "https://status.example.com";
  options.validity = heartbeat * 3;
  validity_ = options.validity;
  hub_ = std::make_unique<BannerHub>(RealClock::Get(), options);
  feed_ = std::make_unique<ChangeFeed>(database_url, absl::Seconds(5));
  feed_->Start();
  BannerFollowerOptions follower_options;
  follower_options.reconcile_interval = absl::Seconds(5);
  follower_options.retry_interval = absl::Milliseconds(200);
  PgBannerStore* store = store_.get();
  ChangeFeed* feed = feed_.get();
  follower_ = std::make_unique<BannerFollower>(
      *hub_, RealClock::Get(), [store](int64_t after) { return store->LoadWorld(after); },
      [feed](int64_t seq, absl::Time deadline) { return feed->WaitBeyond(seq, deadline); },
      follower_options);
  (void)follower_->SyncOnce();
  follower_->Start();
  service_ = std::make_unique<BannerGrpcService>(*hub_, &metrics_, heartbeat);
  service_->Start();
  token_store_ = std::make_unique<PgTokenStore>(*pool_);
  verifier_ = std::make_unique<TokenVerifier>(*token_store_, RealClock::Get());
  admin_ = std::make_unique<BannerAdminService>(*store_, RealClock::Get(),
                                                require_tokens ? verifier_.get() : nullptr);
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(service_.get());
  builder.RegisterService(admin_.get());
  server_ = builder.BuildAndStart();
  address_ = absl::StrCat("127.0.0.1:", port);
}

BannerTestServer::~BannerTestServer() { Shutdown(); }

void BannerTestServer::Shutdown() {
  if (!server_) return;
  service_->Stop();
  hub_->CloseAll();
  server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
  feed_->Stop();
  follower_->Stop();
  server_.reset();
}

std::unique_ptr<v1::BannerService::Stub> BannerTestServer::NewStub() const {
  return v1::BannerService::NewStub(
      grpc::CreateChannel(address_, grpc::InsecureChannelCredentials()));
}

std::unique_ptr<v1::BannerAdminService::Stub> BannerTestServer::NewAdminStub() const {
  return v1::BannerAdminService::NewStub(
      grpc::CreateChannel(address_, grpc::InsecureChannelCredentials()));
}

}  // namespace statuscast::testing
