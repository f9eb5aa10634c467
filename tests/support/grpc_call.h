// One unary gRPC call from a test, with a fresh grpc::ClientContext (no
// token, no deadline), for any generated stub:
//
//   v1::Component out;
//   grpc::Status s = Call(*stub_, &v1::IncidentService::Stub::RetireComponent, req, &out);
//   v1::Incident inc = CallOk(*stub_, &v1::IncidentService::Stub::GetIncident, req);
//   CallError e = Describe(Call(*stub_, &v1::IncidentService::Stub::GetIncident, bad));
//
// Tests that send a token or a deadline make their own ClientContext.
#ifndef STATUSCAST_TESTS_SUPPORT_GRPC_CALL_H_
#define STATUSCAST_TESTS_SUPPORT_GRPC_CALL_H_

#include <grpcpp/grpcpp.h>

#include "gtest/gtest.h"

namespace statuscast::testing {

template <typename Stub, typename Request, typename Response>
using UnaryMethod = grpc::Status (Stub::*)(grpc::ClientContext*, const Request&, Response*);

// The call's status; the response in *out.
template <typename Stub, typename Request, typename Response>
grpc::Status Call(Stub& stub, UnaryMethod<Stub, Request, Response> method, const Request& req,
                  Response* out) {
  grpc::ClientContext ctx;
  return (stub.*method)(&ctx, req, out);
}

// The call's status, for calls whose response the test does not read.
template <typename Stub, typename Request, typename Response>
grpc::Status Call(Stub& stub, UnaryMethod<Stub, Request, Response> method, const Request& req) {
  Response out;
  return Call(stub, method, req, &out);
}

// The response of a call that should succeed: a failed call fails the test
// (non-fatally, naming the error) and returns an empty response.
template <typename Stub, typename Request, typename Response>
Response CallOk(Stub& stub, UnaryMethod<Stub, Request, Response> method, const Request& req) {
  Response out;
  grpc::Status s = Call(stub, method, req, &out);
  EXPECT_TRUE(s.ok()) << s.error_message();
  return out;
}

}  // namespace statuscast::testing

#endif  // STATUSCAST_TESTS_SUPPORT_GRPC_CALL_H_
