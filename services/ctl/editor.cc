#include "services/ctl/editor.h"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

extern char** environ;

namespace statuscast {
namespace ctl {

std::string EditorFromEnvironment() {
  for (const char* name : {"VISUAL", "EDITOR"}) {
    const char* v = std::getenv(name);
    if (v != nullptr && *v != '\0') return v;
  }
  return "";
}

absl::StatusOr<EditedText> EditText(const std::string& editor, const std::string& text,
                                    const std::string& comment) {
  if (editor.empty()) {
    return absl::FailedPreconditionError(
        "--edit needs an editor: set $VISUAL or $EDITOR (e.g. EDITOR=nano)");
  }
  const char* tmp = std::getenv("TMPDIR");
  std::string path = absl::StrCat(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp",
                                  "/statuscastctl-XXXXXX.txt");
  std::vector<char> name(path.begin(), path.end());
  name.push_back('\0');
  const int fd = mkstemps(name.data(), 4);
  if (fd < 0) {
    return absl::InternalError(
        absl::StrCat("cannot create a file to edit in (", path, "): ", std::strerror(errno)));
  }
  close(fd);
  path = name.data();
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text << "\n\n";
    for (absl::string_view line : absl::StrSplit(comment, '\n')) {
      out << "#" << (line.empty() ? "" : " ") << line << "\n";
    }
    if (!out) {
      unlink(path.c_str());
      return absl::InternalError(absl::StrCat("cannot write ", path));
    }
  }
  // sh -c '<editor> "$1"' sh <path>: the editor string may carry arguments,
  // the path is passed as an argument, never pasted into the command.
  const std::string command = absl::StrCat(editor, " \"$1\"");
  std::vector<std::string> argv_s = {"sh", "-c", command, "sh", path};
  std::vector<char*> argv;
  for (std::string& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, "/bin/sh", nullptr, nullptr, argv.data(), environ);
  if (rc != 0) {
    unlink(path.c_str());
    return absl::InternalError(absl::StrCat("cannot run the editor: ", std::strerror(rc)));
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    unlink(path.c_str());
    return absl::AbortedError(absl::StrCat(
        "the editor (", editor, ") ",
        WIFEXITED(status) ? absl::StrCat("exited with status ", WEXITSTATUS(status))
                          : std::string("was stopped by a signal"),
        "; nothing was sent"));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::InternalError(absl::StrCat("cannot read back ", path));
  std::stringstream buf;
  buf << in.rdbuf();
  std::string kept;
  for (absl::string_view line : absl::StrSplit(buf.str(), '\n')) {
    if (absl::StartsWith(line, "#")) continue;
    absl::StrAppend(&kept, line, "\n");
  }
  EditedText out;
  out.text = std::string(absl::StripAsciiWhitespace(kept));
  out.path = path;
  return out;
}

}  // namespace ctl
}  // namespace statuscast
