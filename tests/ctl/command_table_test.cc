// The table of commands: one name per command, aliases that work, "did you
// mean" for a typo, and exit code 2 for every refusal before anything is sent.
#include "services/ctl/command_table.h"

#include <set>

#include "commands_fixture.h"
#include "services/ctl/usage.h"

namespace statuscast {
namespace ctl {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(CommandTableTest, EveryNameAndAliasIsOneCommandWithAHandlerAndHelp) {
  std::set<std::string> seen;
  for (const CommandSpec& c : CommandTable()) {
    EXPECT_TRUE(seen.insert(c.name).second) << c.name;
    for (const std::string& a : c.aliases) EXPECT_TRUE(seen.insert(a).second) << a;
    EXPECT_NE(c.handler, nullptr) << c.name;
    EXPECT_EQ(FindCommand(c.name), &c);
    EXPECT_THAT(CommandUsage(c.name), HasSubstr(absl::StrCat("usage: statuscastctl ", c.name)));
    // Writes of an incident take a retry key; nothing else does.
    const bool takes_key =
        std::find(c.flags.begin(), c.flags.end(), "idempotency_key") != c.flags.end();
    if (takes_key) {
      EXPECT_EQ(c.scope, CommandScope::kWrite) << c.name;
    }
  }
  EXPECT_EQ(FindCommand("frobnicate"), nullptr);
}

TEST(CommandTableTest, NounsAreSingularAndTheirPluralIsAnAlias) {
  for (const char* plural : {"banners", "tokens", "components"}) {
    const CommandSpec* c = FindCommand(plural);
    ASSERT_NE(c, nullptr) << plural;
    EXPECT_EQ(std::string(c->name) + "s", plural);
  }
  EXPECT_THAT(CommandUsage("banners"), HasSubstr("  also spelled: banners\n"));
  EXPECT_THAT(CommandUsage("token"), HasSubstr("  token scope: admin\n"));
  EXPECT_THAT(CommandUsage("show"), HasSubstr("  token scope: read\n"));
}

TEST(CommandTableTest, SuggestsTheNearestCommands) {
  EXPECT_THAT(SuggestCommands("updte"), ElementsAre("update"));
  EXPECT_THAT(SuggestCommands("Resolv"), ElementsAre("resolve"));
  EXPECT_THAT(SuggestCommands("bannners"), ElementsAre("banner"));
  EXPECT_THAT(SuggestCommands("lst"), ElementsAre("list"));
  EXPECT_THAT(SuggestCommands("frobnicate"), IsEmpty());
  EXPECT_THAT(SuggestCommands("x"), IsEmpty());
}

TEST_F(CommandsTest, AnUnknownCommandSaysWhatWasMeantAndExitsTwo) {
  EXPECT_EQ(Run({"updte", "INC-12"}), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("statuscastctl: unknown command \"updte\"; did you mean "
                                    "update?\n"));
  EXPECT_EQ(Run({"frobnicate"}), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("statuscastctl: unknown command \"frobnicate\"\nusage:"));
  absl::MutexLock lock(&service_.mu);
  EXPECT_FALSE(service_.last_post.has_update());
}

TEST_F(CommandsTest, ThePluralSpellingRunsTheSameCommand) {
  ASSERT_EQ(Run({"banner", "list"}), kExitOk) << err_.str();
  const std::string singular = out_.str();
  ASSERT_EQ(Run({"banners", "list"}), kExitOk) << err_.str();
  EXPECT_EQ(out_.str(), singular);
  EXPECT_THAT(singular, HasSubstr("Old text"));
  ASSERT_EQ(Run({"components", "create", "checkout"}), kExitOk) << err_.str();
  const std::string plural = out_.str();
  ASSERT_EQ(Run({"component", "create", "checkout"}), kExitOk) << err_.str();
  EXPECT_EQ(out_.str(), plural);
  EXPECT_THAT(plural, HasSubstr("component checkout created"));
  // Usage errors name the command by its own name, whichever was typed.
  EXPECT_EQ(Run({"components", "create"}), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("component create takes one NAME"));
}

TEST_F(CommandsTest, EveryRefusalBeforeSendingExitsTwo) {
  // A flag value that does not parse: "--flag: why", one wording everywhere.
  CtlOptions o;
  o.since = "yesterday-ish";
  o.given = {"since"};
  EXPECT_EQ(Run({"list"}, o), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("statuscastctl: --since: "));
  EXPECT_EQ(Run({"report"}, o), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("statuscastctl: --since: "));
  // A service the command needs is not connected.
  CommandRunner bare(CtlOptions(), stub_.get(), channel_.get(), &clock_, &out_, &err_);
  err_.str("");
  EXPECT_EQ(bare.Run({"banner", "list"}), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("no connection to statuscast-banner; nothing was sent"));
  EXPECT_EQ(bare.Run({"report"}), kExitUsage);
  EXPECT_EQ(bare.Run({"token", "list"}), kExitUsage);
  // A flag of another command.
  o = CtlOptions();
  o.idempotency_key = "k";
  o.given = {"idempotency_key"};
  EXPECT_EQ(Run({"show", "INC-12"}, o), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("--idempotency_key does not apply to show"));
}

TEST_F(CommandsTest, PeopleReadSev1AndJsonKeepsTheProtoEnumName) {
  ASSERT_EQ(Run({"show", "INC-12"}), kExitOk) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("SEV-1"));
  EXPECT_THAT(out_.str(), ::testing::Not(HasSubstr("SEVERITY_")));
  CtlOptions o;
  o.json = true;
  o.given = {"json"};
  ASSERT_EQ(Run({"show", "INC-12"}, o), kExitOk) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("\"severity\":\"SEVERITY_SEV1\""));
}

}  // namespace
}  // namespace ctl
}  // namespace statuscast
