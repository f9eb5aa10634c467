// Access control on statuscast-banner (--auth=required), over real gRPC and
// PostgreSQL: every BannerAdminService RPC refuses a call without a token,
// with a wrong, expired or revoked token and with a token below its scope,
// and writes nothing; the token's name is recorded as updated_by / set_by.
// The public BannerService needs no token and carries no author, token name
// or other internal field, also in its JSON mapping (which SSE and the
// snapshot serve).
#include <google/protobuf/util/json_util.h>
#include <grpcpp/grpcpp.h>

#include <functional>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "libs/auth/pg_token_store.h"
#include "libs/auth/token_issuer.h"
#include "libs/pgstore/pg_pool.h"
#include "tests/support/banner_test_server.h"
#include "tests/support/comms_test_server.h"
#include "tests/support/rpc_coverage.h"
#include "tests/support/test_database.h"

namespace statuscast {
namespace {

using testing::BannerTestServer;
using testing::CommsTestServer;
using testing::SetToken;
using testing::TestDatabase;

struct Rpc {
  std::string name;
  Scope needed;
  std::function<grpc::Status(grpc::ClientContext&)> call;
};

class BannerAdminAuthTest : public ::testing::Test {
 protected:
  BannerAdminAuthTest()
      : pool_(db_.url(), 2),
        token_store_(pool_),
        issuer_(token_store_, RealClock::Get()),
        banner_(db_.url(), absl::Milliseconds(300), /*require_tokens=*/true),
        stub_(banner_.NewStub()),
        admin_(banner_.NewAdminStub()) {}

  void SetUp() override {
    ASSERT_TRUE(db_.ok());
    admin_token_ = Issue("ops-admin", Scope::kAdmin);
    writer_ = Issue("banner-writer", Scope::kWrite);
    reader_ = Issue("viewer", Scope::kRead);
    // Expired an hour ago: issued by a clock two days behind.
    FakeClock past(absl::Now() - absl::Hours(48));
    TokenIssuer past_issuer(token_store_, past);
    TokenExpiry hour;
    hour.ttl = absl::Hours(1);
    absl::StatusOr<IssuedToken> old = past_issuer.Create("old", Scope::kAdmin, hour, "test", "s");
    ASSERT_TRUE(old.ok()) << old.status();
    expired_ = old->secret;
    revoked_ = Issue("gone", Scope::kAdmin);
    ASSERT_TRUE(issuer_.Revoke("gone", "test", "setup").ok());

    grpc::Status s = Call(writer_, [&](grpc::ClientContext& ctx) {
      return admin_->CreateBanner(&ctx, NewBanner("Maintenance tonight 22:00-23:00 UTC."),
                                  &existing_);
    });
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  std::string Issue(const std::string& name, Scope scope) {
    absl::StatusOr<IssuedToken> t = issuer_.Create(name, scope, {}, "test", "setup");
    EXPECT_TRUE(t.ok()) << t.status();
    return t.ok() ? t->secret : "";
  }

  static v1::CreateBannerRequest NewBanner(const std::string& text) {
    v1::CreateBannerRequest req;
    req.set_author("intruder");
    req.mutable_banner()->set_text(text);
    req.mutable_banner()->set_level(v1::BANNER_LEVEL_MAINTENANCE);
    req.mutable_banner()->mutable_target()->add_apps("shop");
    return req;
  }

  grpc::Status Call(const std::string& token,
                    const std::function<grpc::Status(grpc::ClientContext&)>& fn) {
    grpc::ClientContext ctx;
    if (!token.empty()) SetToken(ctx, token);
    return fn(ctx);
  }

  std::vector<Rpc> AllRpcs() {
    std::vector<Rpc> rpcs;
    rpcs.push_back({"CreateBanner", Scope::kWrite, [this](grpc::ClientContext& ctx) {
                      v1::ManualBanner b;
                      return admin_->CreateBanner(&ctx, NewBanner("Another notice."), &b);
                    }});
    rpcs.push_back({"UpdateBanner", Scope::kWrite, [this](grpc::ClientContext& ctx) {
                      v1::UpdateBannerRequest req;
                      req.set_author("intruder");
                      *req.mutable_banner() = existing_;
                      req.mutable_banner()->set_text("Hacked.");
                      v1::ManualBanner b;
                      return admin_->UpdateBanner(&ctx, req, &b);
                    }});
    rpcs.push_back({"DisableBanner", Scope::kWrite, [this](grpc::ClientContext& ctx) {
                      v1::DisableBannerRequest req;
                      req.set_id(existing_.id());
                      req.set_author("intruder");
                      v1::ManualBanner b;
                      return admin_->DisableBanner(&ctx, req, &b);
                    }});
    rpcs.push_back({"ListBanners", Scope::kRead, [this](grpc::ClientContext& ctx) {
                      v1::ListBannersResponse r;
                      return admin_->ListBanners(&ctx, v1::ListBannersRequest(), &r);
                    }});
    rpcs.push_back({"SetKillSwitch", Scope::kAdmin, [this](grpc::ClientContext& ctx) {
                      v1::SetKillSwitchRequest req;
                      req.set_scope("shop");
                      req.set_engaged(true);
                      req.set_reason("silence");
                      req.set_author("intruder");
                      v1::KillSwitch k;
                      return admin_->SetKillSwitch(&ctx, req, &k);
                    }});
    return rpcs;
  }

  std::string Snapshot() {
    return db_.Query(
        "SELECT concat_ws(',', (SELECT count(*) FROM manual_banners), (SELECT count(*) FROM "
        "kill_switches), (SELECT count(*) FROM audit_log), (SELECT count(*) FROM change_log), "
        "(SELECT count(*) FROM incidents), (SELECT count(*) FROM incident_updates), (SELECT "
        "string_agg(id || ':' || content_version || ':' || enabled || ':' || text, ' ') FROM "
        "manual_banners))");
  }

  void ExpectEveryRpcRefused(const std::string& token, grpc::StatusCode code,
                             const std::string& message_part) {
    const std::string before = Snapshot();
    for (const Rpc& rpc : AllRpcs()) {
      SCOPED_TRACE(rpc.name);
      grpc::Status s = Call(token, rpc.call);
      EXPECT_EQ(s.error_code(), code) << s.error_message();
      EXPECT_TRUE(absl::StrContains(s.error_message(), message_part)) << s.error_message();
    }
    EXPECT_EQ(Snapshot(), before) << "a refused call changed the database";
  }

  TestDatabase db_;
  PgPool pool_;
  PgTokenStore token_store_;
  TokenIssuer issuer_;
  BannerTestServer banner_;
  std::unique_ptr<v1::BannerService::Stub> stub_;
  std::unique_ptr<v1::BannerAdminService::Stub> admin_;
  std::string admin_token_, writer_, reader_, expired_, revoked_;
  v1::ManualBanner existing_;
};

// Every BannerAdminService method is in the table the tests below check
// (BannerService, public by design, needs no token).
TEST_F(BannerAdminAuthTest, TheTableCoversEveryAdminMethod) {
  std::vector<std::string> covered;
  for (const Rpc& rpc : AllRpcs()) covered.push_back(rpc.name);
  testing::ExpectEveryMethodCovered({v1::BannerAdminService::service_full_name()}, covered,
                                    "BannerAdminAuthTest::AllRpcs()");
}

TEST_F(BannerAdminAuthTest, EveryRpcWithoutATokenIsUnauthenticatedAndChangesNothing) {
  ExpectEveryRpcRefused("", grpc::StatusCode::UNAUTHENTICATED,
                        "no token: send the metadata \"authorization: Bearer sct_...\"");
}

TEST_F(BannerAdminAuthTest, EveryRpcWithAWrongTokenIsUnauthenticated) {
  ExpectEveryRpcRefused("sct_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                        grpc::StatusCode::UNAUTHENTICATED, "unknown token");
}

TEST_F(BannerAdminAuthTest, EveryRpcWithAnExpiredTokenIsUnauthenticated) {
  ExpectEveryRpcRefused(expired_, grpc::StatusCode::UNAUTHENTICATED, "token \"old\" expired at");
}

TEST_F(BannerAdminAuthTest, EveryRpcWithARevokedTokenIsUnauthenticated) {
  ExpectEveryRpcRefused(revoked_, grpc::StatusCode::UNAUTHENTICATED,
                        "token \"gone\" was revoked at");
}

TEST_F(BannerAdminAuthTest, EveryRpcBeyondTheTokensScopeIsPermissionDenied) {
  const std::string before = Snapshot();
  int denied = 0;
  for (const auto& [token, name, scope] : std::vector<std::tuple<std::string, std::string, Scope>>{
           {reader_, "viewer", Scope::kRead}, {writer_, "banner-writer", Scope::kWrite}}) {
    for (const Rpc& rpc : AllRpcs()) {
      if (ScopeAllows(scope, rpc.needed)) continue;
      SCOPED_TRACE(absl::StrCat(rpc.name, " with ", name));
      grpc::Status s = Call(token, rpc.call);
      EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
      EXPECT_EQ(s.error_message(),
                absl::StrCat(rpc.name, " needs a token with scope ", ScopeName(rpc.needed),
                             "; token \"", name, "\" has scope ", ScopeName(scope)));
      ++denied;
    }
  }
  EXPECT_EQ(denied, 4 + 1);  // read: 3 banner writes and the kill switch; write: the kill switch
  EXPECT_EQ(Snapshot(), before);
}

TEST_F(BannerAdminAuthTest, EveryRpcPassesWithATokenOfItsScopeAndRecordsTheTokensName) {
  for (const Rpc& rpc : AllRpcs()) {
    SCOPED_TRACE(rpc.name);
    const std::string& token = rpc.needed == Scope::kRead    ? reader_
                               : rpc.needed == Scope::kWrite ? writer_
                                                             : admin_token_;
    grpc::Status s = Call(token, rpc.call);
    EXPECT_TRUE(s.ok()) << s.error_message();
  }
  EXPECT_EQ(existing_.updated_by(), "banner-writer");
  EXPECT_EQ(db_.Query("SELECT string_agg(DISTINCT updated_by, ',') FROM manual_banners"),
            "banner-writer");
  EXPECT_EQ(db_.Query("SELECT set_by FROM kill_switches WHERE scope = 'shop'"), "ops-admin");
  EXPECT_EQ(db_.Query("SELECT count(*) FROM audit_log WHERE actor = 'intruder'"), "0");
  EXPECT_EQ(db_.Query("SELECT count(*) FROM change_log WHERE actor = 'intruder'"), "0");
}

// The public stream needs no token and shows no author, token name or other
// internal field of either kind of banner.
TEST_F(BannerAdminAuthTest, PublicBannersNeedNoTokenAndCarryNoAuthor) {
  CommsTestServer comms(db_.url(), RealClock::Get());
  auto comms_stub = comms.NewStub();
  {
    grpc::ClientContext ctx;
    v1::CreateComponentRequest req;
    req.set_name("checkout");
    req.add_banner_apps("shop");
    v1::Component c;
    ASSERT_TRUE(comms_stub->CreateComponent(&ctx, req, &c).ok());
  }
  {
    grpc::ClientContext ctx;
    v1::DeclareIncidentRequest req;
    req.set_title("Checkout failing");
    req.set_severity(v1::SEVERITY_SEV3);
    req.add_affected_components()->set_name("checkout");
    req.mutable_first_update()->set_message("We're investigating failed checkouts.");
    req.mutable_first_update()->add_channels(v1::CHANNEL_IN_APP_BANNER);
    req.set_author("incident-author-xyz");
    req.set_idempotency_key("declare-1");
    v1::WriteIncidentResponse r;
    grpc::Status s = comms_stub->DeclareIncident(&ctx, req, &r);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  v1::BannerSet set;
  for (int i = 0; i < 100 && set.banners_size() < 2; ++i) {
    grpc::ClientContext ctx;  // no token
    v1::GetBannersRequest req;
    req.set_app("shop");
    req.set_path("/checkout");
    grpc::Status s = stub_->GetBanners(&ctx, req, &set);
    ASSERT_TRUE(s.ok()) << s.error_message();
    if (set.banners_size() < 2) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_EQ(set.banners_size(), 2) << set.DebugString();

  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  ASSERT_TRUE(google::protobuf::util::MessageToJsonString(set, &json, options).ok());
  for (const std::string& secret_part :
       {"incident-author-xyz", "banner-writer", "intruder", "author", "updatedBy", "updated_by",
        "setBy", "createdBy", "sct_", "lintOverride", "audit"}) {
    EXPECT_FALSE(absl::StrContains(json, secret_part)) << secret_part << " in " << json;
    EXPECT_FALSE(absl::StrContains(set.DebugString(), secret_part)) << secret_part;
  }

  // The public stream answers without a token too.
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  v1::SubscribeRequest req;
  req.set_app("shop");
  req.set_path("/checkout");
  auto reader = stub_->Subscribe(&ctx, req);
  v1::SubscribeResponse first;
  ASSERT_TRUE(reader->Read(&first));
  ASSERT_TRUE(first.has_set());
  EXPECT_EQ(first.set().banners_size(), 2);
  EXPECT_FALSE(absl::StrContains(first.DebugString(), "incident-author-xyz"));
  ctx.TryCancel();
}

}  // namespace
}  // namespace statuscast
