#include "services/ctl/rpc_errors.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace statuscast {
namespace ctl {
namespace {

const char* CodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::CANCELLED:
      return "CANCELLED";
    case grpc::StatusCode::UNKNOWN:
      return "UNKNOWN";
    case grpc::StatusCode::INVALID_ARGUMENT:
      return "INVALID_ARGUMENT";
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return "DEADLINE_EXCEEDED";
    case grpc::StatusCode::NOT_FOUND:
      return "NOT_FOUND";
    case grpc::StatusCode::ALREADY_EXISTS:
      return "ALREADY_EXISTS";
    case grpc::StatusCode::PERMISSION_DENIED:
      return "PERMISSION_DENIED";
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return "RESOURCE_EXHAUSTED";
    case grpc::StatusCode::FAILED_PRECONDITION:
      return "FAILED_PRECONDITION";
    case grpc::StatusCode::ABORTED:
      return "ABORTED";
    case grpc::StatusCode::OUT_OF_RANGE:
      return "OUT_OF_RANGE";
    case grpc::StatusCode::UNIMPLEMENTED:
      return "UNIMPLEMENTED";
    case grpc::StatusCode::INTERNAL:
      return "INTERNAL";
    case grpc::StatusCode::UNAVAILABLE:
      return "UNAVAILABLE";
    case grpc::StatusCode::DATA_LOSS:
      return "DATA_LOSS";
    case grpc::StatusCode::UNAUTHENTICATED:
      return "UNAUTHENTICATED";
    default:
      return "error";
  }
}

void AddRetryHint(const RpcCall& call, bool may_have_happened, RpcFailure* f) {
  if (call.idempotency_key.empty()) return;
  f->lines.push_back(
      absl::StrCat(may_have_happened ? "the write may or may not have happened; " : "",
                   "re-run the same command with --idempotency_key=", call.idempotency_key,
                   " (a retry with the same key never writes twice)"));
}

// A connection that fails before the server answers is often TLS: say which
// side refused and what to check (gRPC's own text is "Socket closed").
void AddTlsHint(const RpcCall& call, const std::string& msg, RpcFailure* f) {
  if (call.server_answered) return;
  if (absl::StrContains(msg, "certificate verify failed")) {
    f->lines.push_back(absl::StrCat(
        "TLS: ", call.service,
        "'s certificate was not accepted: check that --tls_ca "
        "(STATUSCAST_TLS_CA) is the CA that signed it, that it has not expired, and that it "
        "names the address you connect to"));
  } else if (absl::StrContains(msg, "Socket closed") ||
             absl::StrContains(msg, "Connection reset") || absl::StrContains(msg, "Handshake")) {
    f->lines.push_back(absl::StrCat(
        "the connection was closed before ", call.service,
        " answered: if it uses TLS, set --tls_ca; if it requires mutual TLS, also --tls_cert "
        "and --tls_key with an unexpired certificate signed by its --tls_client_ca (the "
        "server logs \"Handshake failed\" with the reason)"));
  }
}

}  // namespace

std::vector<std::pair<std::string, std::string>> FieldViolationsOf(const grpc::Status& status) {
  std::vector<std::pair<std::string, std::string>> out;
  if (status.error_details().empty()) return out;
  google::rpc::Status details;
  if (!details.ParseFromString(status.error_details())) return out;
  for (const google::protobuf::Any& any : details.details()) {
    google::rpc::BadRequest bad;
    if (!any.Is<google::rpc::BadRequest>() || !any.UnpackTo(&bad)) continue;
    for (const auto& v : bad.field_violations()) out.emplace_back(v.field(), v.description());
  }
  return out;
}

std::string FlagForField(const std::string& field) {
  if (absl::StrContains(field, "affected_components")) return "--components";
  if (absl::StrContains(field, "channels")) return "--channels";
  std::string last = field.substr(field.rfind('.') == std::string::npos ? 0 : field.rfind('.') + 1);
  last = last.substr(0, last.find('['));
  static const std::pair<const char*, const char*> kMap[] = {
      {"title", "--title"},
      {"confirmed_start", "--started"},
      {"next_update_at", "--next"},
      {"message", "--message"},
      {"banner_text", "--banner"},
      {"state", "--state"},
      {"reason", "--reason"},
      {"url", "--url"},
      {"body", "--body-file"},
      {"author", "--author"},
      {"idempotency_key", "--idempotency_key"},
      {"group", "--group"},
      {"description", "--description"},
      {"page_size", "--limit"},
      {"started_after", "--since"},
      {"started_before", "--until"},
      {"after_sequence", "--after"},
      {"lint_override_reason", "--override"},
  };
  for (const auto& [name, flag] : kMap) {
    if (last == name) return flag;
  }
  return "";
}

RpcFailure DescribeRpcFailure(const grpc::Status& status, const RpcCall& call) {
  RpcFailure f;
  const std::string msg = status.error_message();
  switch (status.error_code()) {
    case grpc::StatusCode::UNAVAILABLE:
      f.exit_code = kExitUnreachable;
      if (call.server_answered) {
        f.lines.push_back(absl::StrCat(call.service, " at ", call.server,
                                       " cannot serve requests right now: ", msg,
                                       " (retry in a moment)"));
      } else {
        f.lines.push_back(absl::StrCat("cannot reach ", call.service, " at ", call.server, ": ",
                                       msg, " (is it running? set ", call.server_flag, ")"));
      }
      AddTlsHint(call, msg, &f);
      AddRetryHint(call, call.server_answered, &f);
      return f;
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      f.exit_code = kExitUnreachable;
      f.lines.push_back(absl::StrCat("no answer from ", call.service, " at ", call.server,
                                     " within ", call.timeout, " (--timeout) to ", call.action));
      AddRetryHint(call, true, &f);
      return f;
    case grpc::StatusCode::ABORTED:
      f.exit_code = kExitFailed;
      if (!call.incident_ref.empty()) {
        f.lines.push_back(absl::StrCat("someone else changed ", call.incident_ref,
                                       " meanwhile; nothing was written. Check it with "
                                       "`statuscastctl show ",
                                       call.incident_ref, "`, then re-run this command."));
      } else {
        f.lines.push_back(absl::StrCat("cannot ", call.action, ": ", msg,
                                       " (nothing was written; re-run this command)"));
      }
      return f;
    case grpc::StatusCode::UNAUTHENTICATED:
      if (absl::StartsWith(msg, "no token")) {
        // Nothing was done, and the fix is in the command line: a usage error.
        f.exit_code = kExitUsage;
        f.lines.push_back(
            "no token: set STATUSCAST_TOKEN or --token; create one with statuscast-comms "
            "--create_token (or ask an admin for one: statuscastctl token create)");
      } else {
        f.lines.push_back(absl::StrCat(call.service, " at ", call.server,
                                       " refused the token (--token or STATUSCAST_TOKEN): ", msg));
      }
      return f;
    case grpc::StatusCode::PERMISSION_DENIED:
      f.lines.push_back(absl::StrCat("cannot ", call.action, ": ", msg));
      f.lines.push_back(
          "ask an admin for a token with that scope (statuscastctl token create NAME --scope "
          "...)");
      return f;
    case grpc::StatusCode::UNIMPLEMENTED:
      f.lines.push_back(absl::StrCat("cannot ", call.action, ": the server at ", call.server,
                                     " does not offer it (", msg, "); is it ", call.service, "?"));
      return f;
    default:
      break;
  }
  std::vector<std::pair<std::string, std::string>> violations = FieldViolationsOf(status);
  // The server's message often repeats its one violation; then the violation
  // lines below say it all, with the flag to change.
  bool repeated = !violations.empty();
  for (const auto& [field, description] : violations) {
    repeated = repeated && absl::StrContains(msg, absl::StrCat(field, ": ", description));
  }
  std::string line = absl::StrCat("cannot ", call.action, ":");
  // A message that quotes every violation's description (e.g. a lint refusal
  // listing its findings) is shortened to what surrounds them; the violation
  // lines below carry the rest.
  size_t first = std::string::npos, last_end = 0;
  bool all_quoted = !violations.empty() && !repeated;
  for (const auto& [field, description] : violations) {
    size_t at = description.empty() ? std::string::npos : msg.find(description);
    if (at == std::string::npos) {
      all_quoted = false;
      break;
    }
    first = std::min(first, at);
    last_end = std::max(last_end, at + description.size());
  }
  if (all_quoted) {
    std::string head(absl::StripTrailingAsciiWhitespace(msg.substr(0, first)));
    while (!head.empty() && (head.back() == ':' || head.back() == ';')) head.pop_back();
    std::string tail(absl::StripAsciiWhitespace(msg.substr(last_end)));
    while (!tail.empty() && (tail.front() == '.' || tail.front() == ';' || tail.front() == ' ')) {
      tail.erase(0, 1);
    }
    absl::StrAppend(&line, " ", head, tail.empty() ? "" : ". ", tail);
  } else if (!repeated) {
    absl::StrAppend(&line, " ", msg.empty() ? "failed" : msg);
  }
  switch (status.error_code()) {
    case grpc::StatusCode::INVALID_ARGUMENT:
    case grpc::StatusCode::NOT_FOUND:
    case grpc::StatusCode::FAILED_PRECONDITION:
    case grpc::StatusCode::ALREADY_EXISTS:
      break;
    default:
      absl::StrAppend(&line, " (", CodeName(status.error_code()),
                      call.request_id.empty() ? "" : absl::StrCat(", request id ", call.request_id),
                      ")");
  }
  f.lines.push_back(line);
  for (const auto& [field, description] : violations) {
    std::string flag = FlagForField(field);
    f.lines.push_back(absl::StrCat("  ", field, flag.empty() ? "" : absl::StrCat(" (", flag, ")"),
                                   ": ", description));
  }
  return f;
}

}  // namespace ctl
}  // namespace statuscast
