// Editing text in the user's editor, as git commit does: the text goes to a
// temporary file, $VISUAL (else $EDITOR) runs on it through /bin/sh (so
// "code --wait" works), and the file is read back without its '#' comment
// lines. statuscastctl template --edit uses it.
// Thread safety: EditText blocks until the editor exits; no shared state.
#ifndef STATUSCAST_SERVICES_CTL_EDITOR_H_
#define STATUSCAST_SERVICES_CTL_EDITOR_H_

#include <string>

#include "absl/status/statusor.h"

namespace statuscast {
namespace ctl {

// $VISUAL when set and not empty, else $EDITOR, else "".
std::string EditorFromEnvironment();

struct EditedText {
  // The file as saved: lines starting with '#' left out, trailing white
  // space trimmed.
  std::string text;
  // Where it was saved; the file is kept (so nothing typed is lost when the
  // text is refused) and the caller removes it when done with it.
  std::string path;
};

// Writes `text`, a blank line and `comment` (each of its lines prefixed with
// "# ") to a new file under $TMPDIR (or /tmp), runs `editor` on it and reads
// it back. FAILED_PRECONDITION when `editor` is empty; INTERNAL when the file
// cannot be written or read; ABORTED when the editor exits non-zero or is
// killed (the file is removed then).
absl::StatusOr<EditedText> EditText(const std::string& editor, const std::string& text,
                                    const std::string& comment);

}  // namespace ctl
}  // namespace statuscast

#endif  // STATUSCAST_SERVICES_CTL_EDITOR_H_
