#include "services/ctl/rpc_errors.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace statuscast {
namespace ctl {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

RpcCall ReadCall() {
  RpcCall call;
  call.action = "list components";
  call.server = "127.0.0.1:7400";
  return call;
}

RpcCall WriteCall() {
  RpcCall call;
  call.action = "post the update to INC-12";
  call.server = "127.0.0.1:7400";
  call.incident_ref = "INC-12";
  call.idempotency_key = "k123";
  return call;
}

grpc::Status WithViolations(grpc::StatusCode code, const std::string& message,
                            const std::vector<std::pair<std::string, std::string>>& v) {
  google::rpc::BadRequest bad;
  for (const auto& [field, description] : v) {
    auto* fv = bad.add_field_violations();
    fv->set_field(field);
    fv->set_description(description);
  }
  google::rpc::Status details;
  details.set_code(static_cast<int>(code));
  details.set_message(message);
  details.add_details()->PackFrom(bad);
  return grpc::Status(code, message, details.SerializeAsString());
}

TEST(RpcErrorsTest, FieldViolationsEachOnTheirOwnLineWithTheFlag) {
  grpc::Status st =
      WithViolations(grpc::StatusCode::INVALID_ARGUMENT, "the update is not valid",
                     {{"update.next_update_at", "must be in the future"},
                      {"affected_components[1].name", "is not a valid component name"}});
  RpcFailure f = DescribeRpcFailure(st, WriteCall());
  EXPECT_EQ(f.exit_code, kExitFailed);
  EXPECT_THAT(f.lines, ElementsAre("cannot post the update to INC-12: the update is not valid",
                                   "  update.next_update_at (--next): must be in the future",
                                   "  affected_components[1].name (--components): is not a valid "
                                   "component name"));
}

TEST(RpcErrorsTest, AMessageThatRepeatsItsViolationIsNotSaidTwice) {
  grpc::Status st = WithViolations(grpc::StatusCode::INVALID_ARGUMENT,
                                   "affected_components[0].name: no component named \"x\"",
                                   {{"affected_components[0].name", "no component named \"x\""}});
  EXPECT_THAT(
      DescribeRpcFailure(st, WriteCall()).lines,
      ElementsAre("cannot post the update to INC-12:",
                  "  affected_components[0].name (--components): no component named \"x\""));
}

TEST(RpcErrorsTest, UnreachableServerSaysHowToPointAtIt) {
  RpcFailure f = DescribeRpcFailure(
      grpc::Status(grpc::StatusCode::UNAVAILABLE, "failed to connect to all addresses"),
      WriteCall());
  EXPECT_EQ(f.exit_code, kExitUnreachable);
  EXPECT_EQ(f.lines[0],
            "cannot reach statuscast-comms at 127.0.0.1:7400: failed to connect to all addresses "
            "(is it running? set --server or STATUSCAST_SERVER)");
  EXPECT_THAT(f.lines[1], HasSubstr("--idempotency_key=k123"));
}

TEST(RpcErrorsTest, ConnectionClosedInTheHandshakeSaysWhatToCheckForTls) {
  RpcFailure f = DescribeRpcFailure(
      grpc::Status(grpc::StatusCode::UNAVAILABLE,
                   "failed to connect to all addresses; last error: UNAVAILABLE: "
                   "ipv4:127.0.0.1:7400: Socket closed"),
      ReadCall());
  EXPECT_EQ(f.exit_code, kExitUnreachable);
  ASSERT_EQ(f.lines.size(), 2u);
  EXPECT_THAT(f.lines[1], HasSubstr("if it uses TLS, set --tls_ca; if it requires mutual TLS, "
                                    "also --tls_cert and --tls_key"));
}

TEST(RpcErrorsTest, ServerCertificateNotVerifiedNamesTheCaFlag) {
  RpcFailure f =
      DescribeRpcFailure(grpc::Status(grpc::StatusCode::UNAVAILABLE,
                                      "failed to connect to all addresses; last error: UNKNOWN: "
                                      "ipv4:127.0.0.1:7400: Ssl handshake failed: SSL_ERROR_SSL: "
                                      "error:0A000086:SSL routines::certificate verify failed"),
                         ReadCall());
  ASSERT_EQ(f.lines.size(), 2u);
  EXPECT_THAT(f.lines[1], HasSubstr("statuscast-comms's certificate was not accepted: check "
                                    "that --tls_ca"));
}

TEST(RpcErrorsTest, UnavailableFromTheServerItselfIsNotCalledUnreachable) {
  RpcCall call = WriteCall();
  call.server_answered = true;
  RpcFailure f = DescribeRpcFailure(
      grpc::Status(grpc::StatusCode::UNAVAILABLE, "the database is unavailable"), call);
  EXPECT_EQ(f.exit_code, kExitUnreachable);
  EXPECT_THAT(f.lines[0],
              HasSubstr("cannot serve requests right now: the database is unavailable"));
  EXPECT_THAT(f.lines[1], HasSubstr("may or may not have happened"));
}

TEST(RpcErrorsTest, TimeoutPrintsTheKeyToRetryWith) {
  RpcFailure f = DescribeRpcFailure(
      grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, "Deadline Exceeded"), WriteCall());
  EXPECT_EQ(f.exit_code, kExitUnreachable);
  EXPECT_EQ(f.lines[0],
            "no answer from statuscast-comms at 127.0.0.1:7400 within 10s (--timeout) "
            "to post the update to INC-12");
  EXPECT_EQ(f.lines[1],
            "the write may or may not have happened; re-run the same command with "
            "--idempotency_key=k123 (a retry with the same key never writes twice)");
}

TEST(RpcErrorsTest, AbortedSaysSomeoneElseChangedIt) {
  RpcFailure f = DescribeRpcFailure(
      grpc::Status(grpc::StatusCode::ABORTED, "expected version 3, found 4"), WriteCall());
  EXPECT_EQ(f.exit_code, kExitFailed);
  EXPECT_THAT(f.lines[0], HasSubstr("someone else changed INC-12 meanwhile; nothing was written"));
  EXPECT_THAT(f.lines[0], HasSubstr("re-run this command"));
}

TEST(RpcErrorsTest, NotFoundCarriesTheServerMessage) {
  RpcCall call;
  call.action = "read INC-99";
  RpcFailure f =
      DescribeRpcFailure(grpc::Status(grpc::StatusCode::NOT_FOUND, "no incident INC-99"), call);
  EXPECT_EQ(f.exit_code, kExitFailed);
  EXPECT_THAT(f.lines, ElementsAre("cannot read INC-99: no incident INC-99"));
}

TEST(RpcErrorsTest, DetailsThatDoNotParseAreIgnored) {
  grpc::Status st(grpc::StatusCode::INVALID_ARGUMENT, "bad", "not a proto \xff\xff");
  EXPECT_TRUE(FieldViolationsOf(st).empty());
}

TEST(RpcErrorsTest, FlagForField) {
  EXPECT_EQ(FlagForField("first_update.next_update_at"), "--next");
  EXPECT_EQ(FlagForField("confirmed_start"), "--started");
  EXPECT_EQ(FlagForField("update.channels[0]"), "--channels");
  EXPECT_EQ(FlagForField("expected_version"), "");
}

}  // namespace
}  // namespace ctl
}  // namespace statuscast
