// statuscastctl template --edit against the fake IncidentService, with
// $EDITOR set to small shell scripts that stand in for a person: one fills
// every placeholder, one forgets one, one gives up (exit 1), one empties the
// file.
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "tests/ctl/commands_fixture.h"

namespace statuscast {
namespace ctl {
namespace {

constexpr char kResolving[] =
    "Resolved: the issue affecting users of checkout is fixed and the service is working "
    "normally. What happened: <the cause, in plain words>. We know this affected <what customers "
    "could not do>, and we're sorry. To prevent this from happening again, we're <the change we "
    "are making>.";

class TemplateEditTest : public CommandsTest {
 protected:
  void SetUp() override {
    CommandsTest::SetUp();
    char dir[] = "/tmp/statuscast-editor-XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    dir_ = dir;
    setenv("TMPDIR", dir_.c_str(), 1);
    unsetenv("VISUAL");
    absl::MutexLock lock(&service_.mu);
    service_.fill_message = kResolving;
  }
  void TearDown() override {
    unsetenv("EDITOR");
    unsetenv("TMPDIR");
    std::system(("rm -rf '" + dir_ + "'").c_str());
    CommandsTest::TearDown();
  }

  // An executable script in the test's folder; $EDITOR runs it with the
  // file's path as $1.
  std::string Editor(const std::string& name, const std::string& body) {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path) << "#!/bin/sh\n" << body << "\n";
    chmod(path.c_str(), 0755);
    return path;
  }

  int RunEdit(bool post) {
    CtlOptions o;
    o.tone = "resolving";
    o.edit = true;
    o.post = post;
    o.given = {"tone", "edit"};
    if (post) o.given.insert("post");
    return Run({"template", "INC-12"}, o);
  }

  static std::string Read(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }

  std::string dir_;
};

TEST_F(TemplateEditTest, ATemplateFilledInTheEditorIsPostedWithoutTheCommentLines) {
  setenv("EDITOR",
         Editor("fill.sh",
                "sed -i -e 's/<the cause, in plain words>/a settings change slowed payments/' "
                "-e 's/<what customers could not do>/card payments for 20 minutes/' "
                "-e 's/<the change we are making>/adding a check before such changes/' \"$1\"")
             .c_str(),
         1);
  ASSERT_EQ(RunEdit(true), kExitOk) << err_.str();
  absl::MutexLock lock(&service_.mu);
  EXPECT_EQ(service_.last_resolve.message(),
            "Resolved: the issue affecting users of checkout is fixed and the service is working "
            "normally. What happened: a settings change slowed payments. We know this affected "
            "card payments for 20 minutes, and we're sorry. To prevent this from happening "
            "again, we're adding a check before such changes.");
  EXPECT_EQ(service_.last_resolve.expected_version(), 7);
}

TEST_F(TemplateEditTest, APlaceholderLeftInTheEditorIsRefusedByNameAndTheTextKept) {
  setenv("EDITOR",
         Editor("forgetful.sh",
                "sed -i -e 's/<the cause, in plain words>/a settings change slowed payments/' "
                "\"$1\"")
             .c_str(),
         1);
  ASSERT_EQ(RunEdit(true), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("still has placeholders <what customers could not do>, "
                                    "<the change we are making>; nothing was sent"));
  {
    absl::MutexLock lock(&service_.mu);
    EXPECT_TRUE(service_.last_resolve.message().empty()) << "nothing resolved";
  }
  // The file is kept with what was typed.
  const std::string err = err_.str();
  const size_t at = err.find("kept in ");
  ASSERT_NE(at, std::string::npos) << err;
  const std::string path = err.substr(at + 8, err.find(')', at) - at - 8);
  EXPECT_THAT(Read(path), HasSubstr("a settings change slowed payments"));
  EXPECT_THAT(Read(path), HasSubstr("# statuscastctl template INC-12 --tone resolving"));
}

TEST_F(TemplateEditTest, WithoutPostTheEditedTextIsPrintedAndNothingSent) {
  setenv("EDITOR",
         Editor("rewrite.sh",
                "printf 'Resolved: card payments work again.\\n# a comment\\n' > \"$1\"")
             .c_str(),
         1);
  ASSERT_EQ(RunEdit(false), kExitOk) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("Resolved: card payments work again.\n"));
  EXPECT_THAT(out_.str(), ::testing::Not(HasSubstr("a comment")));
  EXPECT_THAT(out_.str(), HasSubstr("--edit --post"));
  absl::MutexLock lock(&service_.mu);
  EXPECT_TRUE(service_.last_resolve.message().empty());
}

TEST_F(TemplateEditTest, NoEditorAFailingEditorOrAnEmptyTextSendsNothing) {
  unsetenv("EDITOR");
  ASSERT_EQ(RunEdit(true), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("set $VISUAL or $EDITOR"));

  setenv("EDITOR", Editor("quit.sh", "exit 1").c_str(), 1);
  ASSERT_EQ(RunEdit(true), kExitFailed);
  EXPECT_THAT(err_.str(), HasSubstr("exited with status 1; nothing was sent"));

  setenv("EDITOR", Editor("empty.sh", ": > \"$1\"").c_str(), 1);
  ASSERT_EQ(RunEdit(true), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("the edited message is empty; nothing was sent"));
  absl::MutexLock lock(&service_.mu);
  EXPECT_TRUE(service_.last_resolve.message().empty());
}

TEST_F(TemplateEditTest, VisualWinsOverEditor) {
  setenv("EDITOR", Editor("quit.sh", "exit 1").c_str(), 1);
  setenv("VISUAL",
         Editor("fill.sh", "printf 'Resolved: card payments work again.\\n' > \"$1\"").c_str(), 1);
  EXPECT_EQ(RunEdit(true), kExitOk) << err_.str();
  unsetenv("VISUAL");
  absl::MutexLock lock(&service_.mu);
  EXPECT_EQ(service_.last_resolve.message(), "Resolved: card payments work again.");
}

}  // namespace
}  // namespace ctl
}  // namespace statuscast
