// The incident banner and corrections of posted updates (CorrectUpdate),
// through PostgreSQL: the banner shows the corrected text; a typo fix keeps
// its content version (dismissals hold), a material correction raises it.
// statuscast-comms and the banner service in-process over real gRPC.
#include <grpcpp/grpcpp.h>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "libs/banner/banner_follower.h"
#include "tests/support/banner_test_server.h"
#include "tests/support/comms_test_server.h"
#include "tests/support/test_database.h"

namespace statuscast {
namespace {

class BannerCorrectionsTest : public ::testing::Test {
 protected:
  BannerCorrectionsTest()
      : clock_(absl::FromUnixSeconds(absl::ToUnixSeconds(absl::Now()))),
        comms_(db_.url(), clock_),
        comms_stub_(comms_.NewStub()),
        banner_(db_.url()),
        stub_(banner_.NewStub()) {}

  void SetUp() override {
    ASSERT_TRUE(db_.ok());
    grpc::ClientContext ctx;
    v1::CreateComponentRequest component;
    component.set_name("checkout");
    v1::Component c;
    ASSERT_TRUE(comms_stub_->CreateComponent(&ctx, component, &c).ok());
    grpc::ClientContext declare_ctx;
    v1::DeclareIncidentRequest req;
    req.set_title("Checkout failing");
    req.set_severity(v1::SEVERITY_SEV3);
    req.add_affected_components()->set_name("checkout");
    auto* u = req.mutable_first_update();
    u->set_message("We're investigating failed checkouts.");
    u->set_banner_text("Checkout is failing for some paymnets.");
    u->add_channels(v1::CHANNEL_IN_APP_BANNER);
    req.set_author("alice");
    req.set_idempotency_key("declare");
    v1::WriteIncidentResponse r;
    grpc::Status s = comms_stub_->DeclareIncident(&declare_ctx, req, &r);
    ASSERT_TRUE(s.ok()) << s.error_message();
    incident_ = r.incident();
    update_id_ = r.update().id();
  }

  void Correct(const std::string& banner_text) {
    grpc::ClientContext ctx;
    v1::CorrectUpdateRequest req;
    req.set_incident_ref(incident_.ref());
    req.set_expected_version(incident_.version());
    req.set_idempotency_key(absl::StrCat("correct-", incident_.version()));
    req.set_author("bob");
    req.set_update_id(update_id_);
    req.set_message("We're investigating failed checkouts.");
    req.set_banner_text(banner_text);
    v1::WriteIncidentResponse r;
    grpc::Status s = comms_stub_->CorrectUpdate(&ctx, req, &r);
    ASSERT_TRUE(s.ok()) << s.error_message();
    incident_ = r.incident();
  }

  v1::Banner Shown() {
    EXPECT_TRUE(banner_.follower().SyncOnce().ok());
    grpc::ClientContext ctx;
    v1::GetBannersRequest req;
    req.set_app("shop");
    req.set_path("/checkout");
    v1::BannerSet set;
    grpc::Status s = stub_->GetBanners(&ctx, req, &set);
    EXPECT_TRUE(s.ok()) << s.error_message();
    EXPECT_EQ(set.banners_size(), 1);
    return set.banners_size() == 1 ? set.banners(0) : v1::Banner();
  }

  testing::TestDatabase db_;
  FakeClock clock_;
  testing::CommsTestServer comms_;
  std::unique_ptr<v1::IncidentService::Stub> comms_stub_;
  testing::BannerTestServer banner_;
  std::unique_ptr<v1::BannerService::Stub> stub_;
  v1::Incident incident_;
  int64_t update_id_ = 0;
};

TEST_F(BannerCorrectionsTest, ATypoFixKeepsTheVersionAndAMaterialCorrectionRaisesIt) {
  EXPECT_EQ(Shown().content_version(), 1);
  Correct("Checkout is failing for some payments.");
  v1::Banner fixed = Shown();
  EXPECT_EQ(fixed.text(), "Checkout is failing for some payments.");
  EXPECT_EQ(fixed.content_version(), 1);
  Correct("Card payments fail at checkout; PayPal still works.");
  v1::Banner changed = Shown();
  EXPECT_EQ(changed.text(), "Card payments fail at checkout; PayPal still works.");
  EXPECT_EQ(changed.content_version(), 2);
}

}  // namespace
}  // namespace statuscast
