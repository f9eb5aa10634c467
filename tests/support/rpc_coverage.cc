#include "tests/support/rpc_coverage.h"

#include <google/protobuf/descriptor.h>

#include <algorithm>
#include <iterator>

#include "absl/strings/str_join.h"
#include "gtest/gtest.h"

namespace statuscast::testing {

void ExpectEveryMethodCovered(const std::vector<std::string>& service_full_names,
                              std::vector<std::string> covered, const std::string& table) {
  std::vector<std::string> served;
  for (const std::string& service : service_full_names) {
    const google::protobuf::ServiceDescriptor* d =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(service);
    if (d == nullptr) {
      ADD_FAILURE() << "no service " << service << " in the generated descriptor pool";
      continue;
    }
    for (int i = 0; i < d->method_count(); ++i) served.push_back(d->method(i)->name());
  }
  std::sort(served.begin(), served.end());
  std::sort(covered.begin(), covered.end());
  std::vector<std::string> missing, unknown, twice;
  std::set_difference(served.begin(), served.end(), covered.begin(), covered.end(),
                      std::back_inserter(missing));
  std::set_difference(covered.begin(), covered.end(), served.begin(), served.end(),
                      std::back_inserter(unknown));
  for (size_t i = 1; i < covered.size(); ++i) {
    if (covered[i] == covered[i - 1]) twice.push_back(covered[i]);
  }
  EXPECT_TRUE(missing.empty()) << "served but not in " << table << ": "
                               << absl::StrJoin(missing, ", ");
  EXPECT_TRUE(unknown.empty()) << "in " << table
                               << " but not served: " << absl::StrJoin(unknown, ", ");
  EXPECT_TRUE(twice.empty()) << "twice in " << table << ": " << absl::StrJoin(twice, ", ");
}

}  // namespace statuscast::testing
