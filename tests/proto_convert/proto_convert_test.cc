#include "libs/base/field_violations.h"
#include "libs/proto_convert/lint_proto.h"
#include "libs/proto_convert/vocabulary_proto.h"

#include <string>

#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace statuscast {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(VocabularyProtoTest, EnumsRoundTripAndUnknownNumbersStayUnknown) {
  EXPECT_EQ(FromProto(v1::SEVERITY_SEV2), Severity::kSev2);
  EXPECT_EQ(ToProto(Severity::kSev2), v1::SEVERITY_SEV2);
  EXPECT_EQ(FromProto(v1::INCIDENT_STATE_RESOLVED), IncidentState::kResolved);
  EXPECT_EQ(ToProto(Channel::kPublic), v1::CHANNEL_PUBLIC);
  EXPECT_EQ(ToProto(ComponentStatus::kUnderMaintenance), v1::COMPONENT_STATUS_UNDER_MAINTENANCE);
  EXPECT_EQ(ToProto(UpdateKind::kReopen), v1::UPDATE_KIND_REOPEN);
  EXPECT_FALSE(IsKnown(FromProto(static_cast<v1::Severity>(7))));
  google::protobuf::RepeatedField<int> channels;
  channels.Add(v1::CHANNEL_STATUS_PAGE);
  channels.Add(9);
  ASSERT_EQ(ChannelsFromProto(channels).size(), 2u);
  EXPECT_EQ(ChannelsFromProto(channels)[0], Channel::kStatusPage);
  EXPECT_FALSE(IsKnown(ChannelsFromProto(channels)[1]));
}

std::string Violations(const v1::LintUpdateRequest& req) {
  FieldViolations v;
  lint::CheckEnums(req, v);
  return std::string(v.ToStatus().message());
}

TEST(LintProtoTest, CheckEnumsNamesEachUnknownField) {
  v1::LintUpdateRequest req;
  req.set_phase(static_cast<v1::LintPhase>(9));
  req.set_severity(static_cast<v1::Severity>(4));
  req.set_state_before(static_cast<v1::IncidentState>(-1));
  req.set_state_after(static_cast<v1::IncidentState>(5));
  req.add_channels(v1::CHANNEL_UNSPECIFIED);
  const std::string v = Violations(req);
  EXPECT_THAT(v, HasSubstr("phase: is not a known phase"));
  EXPECT_THAT(v, HasSubstr("severity: is not a known severity"));
  EXPECT_THAT(v, HasSubstr("state_before: is not a known state"));
  EXPECT_THAT(v, HasSubstr("state_after: is not a known state"));
  EXPECT_THAT(v, HasSubstr("channels: holds an unknown channel"));
}

TEST(LintProtoTest, CheckEnumsAcceptsEveryKnownValueIncludingThePostmortemPhase) {
  v1::LintUpdateRequest req;
  req.set_phase(v1::LINT_PHASE_POSTMORTEM);
  req.set_severity(v1::SEVERITY_SEV3);
  req.set_state_before(v1::INCIDENT_STATE_MONITORING);
  req.set_state_after(v1::INCIDENT_STATE_RESOLVED);
  req.add_channels(v1::CHANNEL_IN_APP_BANNER);
  req.add_channels(v1::CHANNEL_PUBLIC);
  EXPECT_EQ(Violations(req), "");
  EXPECT_THAT(Violations(v1::LintUpdateRequest()), Not(HasSubstr(":")));
}

TEST(LintProtoTest, InputFromProtoKeepsEveryField) {
  v1::LintUpdateRequest req;
  req.set_message("We are investigating.");
  req.set_phase(v1::LINT_PHASE_FIRST);
  req.set_severity(v1::SEVERITY_SEV1);
  req.set_state_after(v1::INCIDENT_STATE_INVESTIGATING);
  req.add_channels(v1::CHANNEL_STATUS_PAGE);
  req.mutable_next_update_at()->set_seconds(1700000000);
  req.mutable_next_update_at()->set_nanos(500000000);
  req.add_affected_components("api");
  lint::LintInput in = lint::InputFromProto(req);
  EXPECT_EQ(in.message, "We are investigating.");
  EXPECT_EQ(in.phase, lint::Phase::kFirst);
  EXPECT_EQ(in.severity, Severity::kSev1);
  EXPECT_EQ(in.state_after, IncidentState::kInvestigating);
  EXPECT_EQ(in.channels, std::vector<Channel>{Channel::kStatusPage});
  EXPECT_EQ(in.next_update_at, absl::FromUnixMillis(1700000000500));
  EXPECT_EQ(in.affected_components, std::vector<std::string>{"api"});
  EXPECT_EQ(lint::InputFromProto(v1::LintUpdateRequest()).next_update_at, absl::nullopt);
}

TEST(LintProtoTest, FindingsSurviveTheirJsonForm) {
  lint::Finding f;
  f.rule_id = "no-eta";
  f.level = lint::Level::kWarning;
  f.field = lint::TextField::kBannerText;
  f.begin = 3;
  f.end = 9;
  f.excerpt = "30 min";
  auto back = lint::FindingsFromJson(lint::FindingsToJson({f}));
  ASSERT_TRUE(back.ok()) << back.status();
  ASSERT_EQ(back->size(), 1u);
  EXPECT_EQ((*back)[0].rule_id, "no-eta");
  EXPECT_EQ((*back)[0].level, lint::Level::kWarning);
  EXPECT_EQ((*back)[0].field, lint::TextField::kBannerText);
  EXPECT_EQ((*back)[0].end, 9u);
  EXPECT_EQ(lint::FindingsToJson({}), "[]");
  EXPECT_FALSE(lint::FindingsFromJson("{").ok());
}

}  // namespace
}  // namespace statuscast
