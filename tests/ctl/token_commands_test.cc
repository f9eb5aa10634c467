// statuscastctl token and the bearer token every call carries, against a fake
// TokenService over real gRPC on 127.0.0.1.
#include "services/ctl/token_commands.h"

#include <grpcpp/grpcpp.h>

#include <sstream>

#include "absl/strings/match.h"
#include "absl/synchronization/mutex.h"
#include "gtest/gtest.h"
#include "libs/base/clock.h"
#include "services/ctl/bearer_token.h"
#include "services/ctl/rpc_errors.h"

namespace statuscast {
namespace ctl {
namespace {

absl::Time At(int hour) {
  return absl::FromCivil(absl::CivilSecond(2026, 11, 27, hour, 0, 0), absl::UTCTimeZone());
}
void SetTs(absl::Time t, google::protobuf::Timestamp* ts) {
  ts->set_seconds(absl::ToUnixSeconds(t));
}

// Accepts only "Bearer sct_admin", as statuscast-comms would an admin token.
class FakeTokenService final : public v1::TokenService::Service {
 public:
  grpc::Status CreateToken(grpc::ServerContext* ctx, const v1::CreateTokenRequest* req,
                           v1::CreateTokenResponse* resp) override {
    if (grpc::Status s = Check(ctx); !s.ok()) return s;
    absl::MutexLock lock(&mu_);
    last_create = *req;
    resp->set_secret("sct_new");
    resp->mutable_token()->set_name(req->name());
    resp->mutable_token()->set_scope(req->scope());
    SetTs(At(14) + absl::Seconds(req->ttl().seconds()),
          resp->mutable_token()->mutable_expires_at());
    return grpc::Status::OK;
  }
  grpc::Status ListTokens(grpc::ServerContext* ctx, const v1::ListTokensRequest*,
                          v1::ListTokensResponse* resp) override {
    if (grpc::Status s = Check(ctx); !s.ok()) return s;
    for (const char* name : {"ci", "old", "gone"}) {
      v1::ApiToken* t = resp->add_tokens();
      t->set_name(name);
      t->set_scope(v1::TOKEN_SCOPE_WRITE);
      t->set_created_by("alice");
      SetTs(At(10), t->mutable_created_at());
      SetTs(std::string(name) == "old" ? At(12) : At(20), t->mutable_expires_at());
      if (std::string(name) == "gone") SetTs(At(13), t->mutable_revoked_at());
    }
    return grpc::Status::OK;
  }
  grpc::Status RevokeToken(grpc::ServerContext* ctx, const v1::RevokeTokenRequest* req,
                           v1::ApiToken* resp) override {
    if (grpc::Status s = Check(ctx); !s.ok()) return s;
    resp->set_name(req->name());
    SetTs(At(14), resp->mutable_revoked_at());
    return grpc::Status::OK;
  }

  v1::CreateTokenRequest last_create;

 private:
  grpc::Status Check(grpc::ServerContext* ctx) {
    auto it = ctx->client_metadata().find("authorization");
    if (it == ctx->client_metadata().end()) {
      return grpc::Status(grpc::StatusCode::UNAUTHENTICATED,
                          "no token: send the metadata \"authorization: Bearer sct_...\"");
    }
    if (std::string(it->second.data(), it->second.size()) == "Bearer sct_reader") {
      return grpc::Status(grpc::StatusCode::PERMISSION_DENIED,
                          "ListTokens needs a token with scope admin; token \"viewer\" has "
                          "scope read");
    }
    if (std::string(it->second.data(), it->second.size()) != "Bearer sct_admin") {
      return grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "unknown token");
    }
    return grpc::Status::OK;
  }
  absl::Mutex mu_;
};

class TokenCommandsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(&service_);
    server_ = builder.BuildAndStart();
    address_ = "127.0.0.1:" + std::to_string(port);
  }
  void TearDown() override { server_->Shutdown(); }

  int Run(std::vector<std::string> args, const std::string& token, CtlOptions o = CtlOptions()) {
    o.server = address_;
    auto channel = NewChannelWithToken(address_, grpc::InsecureChannelCredentials(),
                                       grpc::ChannelArguments(), token);
    auto stub = v1::TokenService::NewStub(channel);
    out_.str("");
    err_.str("");
    return RunTokenCommand(o, stub.get(), clock_, args, "usage: token ...\n", &out_, &err_);
  }

  FakeTokenService service_;
  std::unique_ptr<grpc::Server> server_;
  std::string address_;
  FakeClock clock_{At(14)};
  std::ostringstream out_, err_;
};

TEST_F(TokenCommandsTest, CreatePrintsTheSecretAloneOnStdout) {
  CtlOptions o;
  o.scope = "write";
  o.ttl = "30d";
  o.given = {"scope", "ttl"};
  EXPECT_EQ(Run({"token", "create", "ci-deploy"}, "sct_admin", o), kExitOk) << err_.str();
  EXPECT_EQ(out_.str(), "sct_new\n");
  EXPECT_EQ(err_.str(),
            "created token ci-deploy (scope write, expires 2026-12-27 14:00 UTC); its secret, "
            "above, is shown only now\n");
  EXPECT_EQ(service_.last_create.scope(), v1::TOKEN_SCOPE_WRITE);
  EXPECT_EQ(service_.last_create.ttl().seconds(), 30 * 86400);
}

TEST_F(TokenCommandsTest, ListShowsEachTokensStateButNoSecret) {
  EXPECT_EQ(Run({"token", "list"}, "sct_admin"), kExitOk) << err_.str();
  EXPECT_EQ(out_.str(),
            "NAME                     SCOPE  STATE    CREATED               EXPIRES               "
            "CREATED BY\n"
            "ci                       write  active   2026-11-27 10:00 UTC  2026-11-27 20:00 UTC  "
            "alice\n"
            "old                      write  expired  2026-11-27 10:00 UTC  2026-11-27 12:00 UTC  "
            "alice\n"
            "gone                     write  revoked  2026-11-27 10:00 UTC  2026-11-27 20:00 UTC  "
            "alice\n");
}

TEST_F(TokenCommandsTest, RevokeSaysWhen) {
  EXPECT_EQ(Run({"token", "revoke", "ci"}, "sct_admin"), kExitOk) << err_.str();
  EXPECT_EQ(out_.str(),
            "revoked token ci at 2026-11-27 14:00 UTC (every replica refuses it "
            "within 5 s)\n");
}

TEST_F(TokenCommandsTest, WithoutATokenItSaysHowToGetOneAndExitsAsAUsageError) {
  // Nothing was done and the fix is in the command line: exit 2.
  EXPECT_EQ(Run({"token", "list"}, ""), kExitUsage);
  EXPECT_EQ(err_.str(),
            "statuscastctl: no token: set STATUSCAST_TOKEN or --token; create one with "
            "statuscast-comms --create_token (or ask an admin for one: statuscastctl token "
            "create)\n");
}

TEST_F(TokenCommandsTest, ARefusedTokenAndATooLowScopeAreExplained) {
  EXPECT_EQ(Run({"token", "list"}, "sct_wrong"), kExitFailed);
  EXPECT_EQ(err_.str(), "statuscastctl: statuscast-comms at " + address_ +
                            " refused the token (--token or STATUSCAST_TOKEN): unknown token\n");
  EXPECT_EQ(Run({"token", "list"}, "sct_reader"), kExitFailed);
  EXPECT_EQ(err_.str(),
            "statuscastctl: cannot list tokens: ListTokens needs a token with scope admin; token "
            "\"viewer\" has scope read\n"
            "statuscastctl: ask an admin for a token with that scope (statuscastctl token create "
            "NAME --scope ...)\n");
}

TEST_F(TokenCommandsTest, UsageErrorsSendNothing) {
  EXPECT_EQ(Run({"token", "create", "ci"}, "sct_admin"), kExitUsage);
  EXPECT_TRUE(absl::StrContains(err_.str(), "token create needs --scope read, write or admin"));
  CtlOptions o;
  o.scope = "write";
  o.ttl = "forever";
  o.given = {"scope", "ttl"};
  EXPECT_EQ(Run({"token", "create", "ci"}, "sct_admin", o), kExitUsage);
  EXPECT_TRUE(absl::StrContains(err_.str(), "--ttl: \"forever\" is not a duration"));
  EXPECT_EQ(Run({"token", "revoke"}, "sct_admin"), kExitUsage);
  EXPECT_EQ(Run({"token", "rotate"}, "sct_admin"), kExitUsage);
  o.given = {"scope"};
  EXPECT_EQ(Run({"token", "list"}, "sct_admin", o), kExitUsage);
  EXPECT_TRUE(absl::StrContains(err_.str(), "--scope does not apply to token list"));
  EXPECT_TRUE(service_.last_create.name().empty());
}

TEST(ParseTtlTest, TakesHoursMinutesAndDays) {
  EXPECT_EQ(*ParseTtl("720h"), absl::Hours(720));
  EXPECT_EQ(*ParseTtl("90m"), absl::Minutes(90));
  EXPECT_EQ(*ParseTtl("30d"), absl::Hours(720));
  EXPECT_FALSE(ParseTtl("-1h").ok());
  EXPECT_FALSE(ParseTtl("soon").ok());
}

}  // namespace
}  // namespace ctl
}  // namespace statuscast
