#include "libs/base/flag_env.h"

#include <cstdlib>

#include "absl/flags/flag.h"
#include "gtest/gtest.h"

ABSL_FLAG(std::string, flag_env_test_named, "default",
          "a flag whose help names its variable (env STATUSCAST_FLAG_ENV_TEST_NAMED)");
ABSL_FLAG(int, flag_env_test_listed, 1,
          "a flag named among others (env STATUSCAST_FLAG_ENV_TEST_LISTED, or the command line)");
ABSL_FLAG(std::string, flag_env_test_unnamed, "default", "Command line only");

namespace statuscast {
namespace {

TEST(EnvironmentVariableInHelpTest, FindsTheNameInParenthesesOrBeforeAComma) {
  EXPECT_EQ(EnvironmentVariableInHelp("listen here (env STATUSCAST_GRPC_ADDRESS)"),
            "STATUSCAST_GRPC_ADDRESS");
  EXPECT_EQ(EnvironmentVariableInHelp("(env STATUSCAST_A, or --a)"), "STATUSCAST_A");
  EXPECT_EQ(EnvironmentVariableInHelp("Command line only"), "");
  EXPECT_EQ(EnvironmentVariableInHelp("(env STATUSCAST_A"), "");
  EXPECT_EQ(EnvironmentVariableInHelp("(env lower)"), "");
}

TEST(ApplyEnvironmentNamedInHelpTest, SetsTheFlagsOfTheFileFromTheVariablesTheirHelpNames) {
  setenv("STATUSCAST_FLAG_ENV_TEST_NAMED", "from-env", 1);
  setenv("STATUSCAST_FLAG_ENV_TEST_LISTED", "7", 1);
  ASSERT_TRUE(ApplyEnvironmentNamedInHelp(__FILE__).ok());
  EXPECT_EQ(absl::GetFlag(FLAGS_flag_env_test_named), "from-env");
  EXPECT_EQ(absl::GetFlag(FLAGS_flag_env_test_listed), 7);
  EXPECT_EQ(absl::GetFlag(FLAGS_flag_env_test_unnamed), "default");

  setenv("STATUSCAST_FLAG_ENV_TEST_LISTED", "seven", 1);
  absl::Status bad = ApplyEnvironmentNamedInHelp(__FILE__);
  EXPECT_EQ(bad.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(bad.message().find("STATUSCAST_FLAG_ENV_TEST_LISTED=\"seven\""), std::string::npos)
      << bad;
  unsetenv("STATUSCAST_FLAG_ENV_TEST_NAMED");
  unsetenv("STATUSCAST_FLAG_ENV_TEST_LISTED");
}

TEST(ApplyEnvironmentNamedInHelpTest, LeavesFlagsOfOtherFilesAlone) {
  setenv("STATUSCAST_FLAG_ENV_TEST_NAMED", "elsewhere", 1);
  absl::SetFlag(&FLAGS_flag_env_test_named, "default");
  ASSERT_TRUE(ApplyEnvironmentNamedInHelp("some/other/main.cc").ok());
  EXPECT_EQ(absl::GetFlag(FLAGS_flag_env_test_named), "default");
  unsetenv("STATUSCAST_FLAG_ENV_TEST_NAMED");
}

}  // namespace
}  // namespace statuscast
