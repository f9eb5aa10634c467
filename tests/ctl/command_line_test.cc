#include "services/ctl/command_line.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>

namespace statuscast {
namespace ctl {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

absl::StatusOr<CommandLine> Parse(std::vector<std::string> args) {
  args.insert(args.begin(), "statuscastctl");
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  return ParseCommandLine(static_cast<int>(argv.size()), argv.data());
}

class CommandLineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    unsetenv("STATUSCAST_SERVER");
    unsetenv("STATUSCAST_AUTHOR");
    setenv("USER", "carol", 1);
  }
};

TEST_F(CommandLineTest, FlagsMayFollowPositionalsAndTakeDashesOrUnderscores) {
  auto cl = Parse({"update", "INC-12", "--message", "We are on it", "--no-progress",
                   "--idempotency-key=abc", "--next=30m"});
  ASSERT_TRUE(cl.ok()) << cl.status();
  EXPECT_THAT(cl->positional, ElementsAre("update", "INC-12"));
  EXPECT_EQ(cl->options.message, "We are on it");
  EXPECT_TRUE(cl->options.no_progress);
  EXPECT_EQ(cl->options.idempotency_key, "abc");
  EXPECT_EQ(cl->options.next, "30m");
  EXPECT_EQ(cl->options.given.count("no_progress"), 1u);
}

TEST_F(CommandLineTest, ThirdPartyConfirmedIsABooleanFlag) {
  auto cl = Parse({"resolve", "INC-12", "--message", "Fixed", "--third-party-confirmed"});
  ASSERT_TRUE(cl.ok()) << cl.status();
  EXPECT_TRUE(cl->options.third_party_confirmed);
  EXPECT_EQ(cl->options.given.count("third_party_confirmed"), 1u);
  cl = Parse({"resolve", "INC-12", "--message", "Fixed"});
  ASSERT_TRUE(cl.ok()) << cl.status();
  EXPECT_FALSE(cl->options.third_party_confirmed);
}

TEST_F(CommandLineTest, ValueStartingWithMinusIsTakenAsTheValue) {
  auto cl = Parse({"declare", "--started", "-20m"});
  ASSERT_TRUE(cl.ok()) << cl.status();
  EXPECT_EQ(cl->options.started, "-20m");
}

TEST_F(CommandLineTest, DefaultsComeFromTheEnvironmentAndTheFlagWins) {
  setenv("STATUSCAST_SERVER", "comms.internal:7400", 1);
  auto cl = Parse({"list"});
  ASSERT_TRUE(cl.ok());
  EXPECT_EQ(cl->options.server, "comms.internal:7400");
  EXPECT_EQ(cl->options.author, "carol");
  EXPECT_EQ(cl->options.timeout, absl::Seconds(10));
  auto flag = Parse({"list", "--server=127.0.0.1:1"});
  ASSERT_TRUE(flag.ok());
  EXPECT_EQ(flag->options.server, "127.0.0.1:1");
  unsetenv("STATUSCAST_SERVER");
  auto reset = Parse({"list"});
  EXPECT_EQ(reset->options.server, "127.0.0.1:7400");
}

TEST_F(CommandLineTest, UnknownFlagsAndMissingValuesAreUsageErrors) {
  auto unknown = Parse({"list", "--colour"});
  ASSERT_FALSE(unknown.ok());
  EXPECT_THAT(unknown.status().message(), HasSubstr("unknown flag --colour"));
  auto missing = Parse({"update", "INC-1", "--message"});
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(missing.status().message(), HasSubstr("--message needs a value"));
  auto bad = Parse({"list", "--limit=many"});
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().message(), HasSubstr("--limit=many"));
}

TEST_F(CommandLineTest, HelpAndDoubleDash) {
  auto cl = Parse({"--help"});
  ASSERT_TRUE(cl.ok());
  EXPECT_TRUE(cl->help);
  auto dd = Parse({"update", "--", "--not-a-flag"});
  ASSERT_TRUE(dd.ok());
  EXPECT_THAT(dd->positional, ElementsAre("update", "--not-a-flag"));
}

}  // namespace
}  // namespace ctl
}  // namespace statuscast
