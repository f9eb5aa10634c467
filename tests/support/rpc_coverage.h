// A check that a test's table of RPCs covers a gRPC API: every method of the
// given services (looked up in the generated descriptor pool) and nothing
// else, once each.
#ifndef STATUSCAST_TESTS_SUPPORT_RPC_COVERAGE_H_
#define STATUSCAST_TESTS_SUPPORT_RPC_COVERAGE_H_

#include <string>
#include <vector>

namespace statuscast::testing {

// Adds a gtest failure naming each method of `service_full_names` (e.g.
// "statuscast.v1.IncidentService") missing from `covered` (bare method names),
// each name in `covered` no such service has, and each name listed twice.
// `table` names the table to fix in the messages.
void ExpectEveryMethodCovered(const std::vector<std::string>& service_full_names,
                              std::vector<std::string> covered, const std::string& table);

}  // namespace statuscast::testing

#endif  // STATUSCAST_TESTS_SUPPORT_RPC_COVERAGE_H_
