#include "libs/lint/templates.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "libs/base/field_violations.h"
#include "libs/lint/clock_text.h"

namespace statuscast {
namespace lint {
namespace {

// SEV-1 and SEV-2 incidents get a postmortem.
bool ExpectsPostmortem(Severity s) { return s == Severity::kSev1 || s == Severity::kSev2; }

// "We'll post the next update by 14:30 UTC." or, without a promise (SEV-3),
// "We'll post an update when the status changes."
std::string NextUpdateSentence(const TemplateInput& in) {
  if (in.next_update_at) {
    return absl::StrCat("We'll post the next update by ", FormatUtcClock(*in.next_update_at), ".");
  }
  return "We'll post an update when the status changes.";
}

std::string Or(const std::string& value, const char* placeholder) {
  return value.empty() ? std::string(placeholder) : value;
}

std::string EndSentence(std::string s) {
  if (!s.empty() && s.back() != '.' && s.back() != '!' && s.back() != '?') s.push_back('.');
  return s;
}

// The sentences of `text`: each ends at '.', '!' or '?' followed by white
// space (or the end), or at a line break; trimmed, empty ones left out.
std::vector<std::string> Sentences(absl::string_view text) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t i = 0; i <= text.size(); ++i) {
    const bool end =
        i == text.size() || text[i] == '\n' ||
        ((text[i] == '.' || text[i] == '!' || text[i] == '?') &&
         (i + 1 == text.size() || absl::ascii_isspace(static_cast<unsigned char>(text[i + 1]))));
    if (!end) continue;
    const size_t stop = i < text.size() && text[i] != '\n' ? i + 1 : i;
    absl::string_view s = absl::StripAsciiWhitespace(text.substr(start, stop - start));
    if (!s.empty()) out.emplace_back(s);
    start = i + 1;
  }
  return out;
}

// The no-progress words for the state, without the closing promise.
std::string StillWorking(State state, const std::string& scope) {
  switch (state) {
    case State::kIdentified:
      return absl::StrCat("We're still working on the fix for the issue affecting ", scope,
                          "; no ETA yet");
    case State::kMonitoring:
      return absl::StrCat("We're monitoring the fix for the issue affecting ", scope,
                          " and will confirm once it is resolved");
    default:
      return absl::StrCat("We're still investigating the issue affecting ", scope, "; no ETA yet");
  }
}

}  // namespace

std::string RestatedSubstance(const std::string& last_message) {
  std::string out;
  for (const std::string& sentence : Sentences(last_message)) {
    if (!FindPromisedClocks(sentence).empty()) continue;
    if (out.empty() && sentence.size() > kMaxRestatedBytes) {
      // One long sentence: cut at the last word that fits.
      size_t cut = sentence.rfind(' ', kMaxRestatedBytes - 4);
      if (cut == std::string::npos || cut == 0) cut = kMaxRestatedBytes - 4;
      // Never split a UTF-8 sequence.
      while (cut > 0 && (static_cast<unsigned char>(sentence[cut]) & 0xC0) == 0x80) --cut;
      return absl::StrCat(absl::StripTrailingAsciiWhitespace(sentence.substr(0, cut)), " ...");
    }
    const size_t grown = out.size() + (out.empty() ? 0 : 1) + sentence.size();
    if (grown > kMaxRestatedBytes) break;
    absl::StrAppend(&out, out.empty() ? "" : " ", sentence);
  }
  return out.empty() ? out : EndSentence(out);
}

std::string ScopePhrase(const std::vector<std::string>& components) {
  if (components.empty()) return "some users";
  if (components.size() == 1) return absl::StrCat("users of ", components[0]);
  std::vector<std::string> head(components.begin(), components.end() - 1);
  return absl::StrCat("users of ", absl::StrJoin(head, ", "), " and ", components.back());
}

absl::StatusOr<FilledTemplate> FillTemplate(Tone tone, const TemplateInput& in) {
  const std::string scope = ScopePhrase(in.affected_components);
  const std::string feature = in.affected_components.empty()
                                  ? std::string("some features")
                                  : absl::StrJoin(in.affected_components, ", ");
  FilledTemplate out;
  out.headline = in.title;
  switch (tone) {
    case Tone::kAcknowledging:
      out.message = absl::StrCat("We're investigating an issue affecting ", scope,
                                 ". Our team is working on it. ", NextUpdateSentence(in));
      break;
    case Tone::kUpdating: {
      std::string status;
      switch (in.state) {
        case State::kIdentified:
          status = absl::StrCat("We've identified the cause of the issue affecting ", scope,
                                " and are working on a fix.");
          break;
        case State::kMonitoring:
          status = absl::StrCat("We've applied a fix for the issue affecting ", scope,
                                " and are monitoring the results.");
          break;
        default:
          status = absl::StrCat("We're continuing to investigate the issue affecting ", scope, ".");
          break;
      }
      out.message = status;
      if (!in.learned.empty()) absl::StrAppend(&out.message, " ", EndSentence(in.learned));
      absl::StrAppend(&out.message, " ", NextUpdateSentence(in));
      break;
    }
    case Tone::kNoProgress: {
      // Follows the state (a no-progress update never sounds like a step
      // back) and the last message (restated, so the update says where
      // things stand, not only that nothing changed).
      const std::string still = StillWorking(in.state, scope);
      const std::string said = RestatedSubstance(in.last_message);
      if (!said.empty()) {
        // "Our last message, at 14:05 UTC, said": no word of an update
        // before the clock, so the linter never reads that past time as the
        // promise (and no "as we said", which reads as defensive).
        out.message = absl::StrCat(
            still, ". Our last message",
            in.last_message_at ? absl::StrCat(", at ", FormatUtcClock(*in.last_message_at), ",")
                               : std::string(),
            " said: ", said, " ", NextUpdateSentence(in));
      } else if (in.next_update_at) {
        out.message =
            absl::StrCat(still, "; next update by ", FormatUtcClock(*in.next_update_at), ".");
      } else {
        out.message = absl::StrCat(still, ". ", NextUpdateSentence(in));
      }
      if (!in.banner_text.empty()) {
        out.banner_text = in.banner_text;
        return out;
      }
      break;
    }
    case Tone::kResolving: {
      out.message = absl::StrCat(
          "Resolved: the issue affecting ", scope,
          " is fixed and the service is working normally. ",
          "What happened: ", EndSentence(Or(in.what_happened, PlaceholderFor("what_happened"))),
          " We know this affected ", Or(in.impact, PlaceholderFor("impact")), ", and we're sorry. ",
          EndSentence(in.prevention.empty()
                          ? absl::StrCat("To prevent this from happening again, we're ",
                                         PlaceholderFor("prevention"))
                          : in.prevention));
      if (ExpectsPostmortem(in.severity) || in.postmortem_planned) {
        absl::StrAppend(&out.message, " A more detailed postmortem will be published next week.");
      }
      return out;
    }
  }
  out.banner_text = absl::StrCat("We're experiencing issues with ", feature,
                                 ". We're working on it; check the status page for updates.");
  return out;
}

std::vector<std::string> UnfilledPlaceholders(Tone tone, const TemplateInput& in) {
  std::vector<std::string> out;
  if (tone != Tone::kResolving) return out;  // `learned` is left out when empty
  if (in.what_happened.empty()) out.push_back("what_happened");
  if (in.impact.empty()) out.push_back("impact");
  if (in.prevention.empty()) out.push_back("prevention");
  return out;
}

const char* PlaceholderFor(const std::string& field) {
  if (field == "what_happened") return "<the cause, in plain words>";
  if (field == "impact") return "<what customers could not do>";
  if (field == "prevention") return "<the change we are making>";
  return "";
}

LintInput TemplateLintInput(Tone tone, const TemplateInput& in, const FilledTemplate& filled) {
  LintInput li;
  li.message = filled.message;
  li.banner_text = filled.banner_text;
  li.severity = in.severity;
  li.affected_components = in.affected_components;
  li.next_update_at = tone == Tone::kResolving ? absl::nullopt : in.next_update_at;
  switch (tone) {
    case Tone::kAcknowledging:
      li.phase = Phase::kFirst;
      li.state_before = State::kUnspecified;
      li.state_after = State::kInvestigating;
      break;
    case Tone::kUpdating:
      li.phase = Phase::kUpdate;
      li.state_before = State::kInvestigating;
      li.state_after = in.state;
      break;
    case Tone::kNoProgress:
      li.phase = Phase::kUpdate;
      li.state_before = in.state;
      li.state_after = in.state;
      break;
    case Tone::kResolving:
      li.phase = Phase::kResolution;
      li.state_before = State::kMonitoring;
      li.state_after = State::kResolved;
      break;
  }
  li.channels = {Channel::kStatusPage};
  if (!filled.banner_text.empty()) li.channels.push_back(Channel::kInAppBanner);
  return li;
}

absl::Status CheckTemplateSentences(const TemplateInput& input) {
  FieldViolations v;
  for (const auto& [field, text] : std::vector<std::pair<const char*, const std::string*>>{
           {"learned", &input.learned},
           {"what_happened", &input.what_happened},
           {"impact", &input.impact},
           {"prevention", &input.prevention}}) {
    if (text->size() > kMaxTemplateSentenceBytes) {
      v.Add(field, absl::StrCat("is ", text->size(), " bytes; the limit is ",
                                kMaxTemplateSentenceBytes));
    }
  }
  return v.ToStatus();
}

}  // namespace lint
}  // namespace statuscast
