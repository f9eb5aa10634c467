#include "libs/metrics/grpc_request_metrics.h"

#include <google/protobuf/descriptor.h>
#include <grpcpp/support/server_interceptor.h>
#include <prometheus/counter.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace statuscast {
namespace {

const char* CodeName(grpc::StatusCode code) {
  static const char* const kNames[] = {
      "OK",        "CANCELLED",          "UNKNOWN",           "INVALID_ARGUMENT",
      "DEADLINE_EXCEEDED", "NOT_FOUND",  "ALREADY_EXISTS",    "PERMISSION_DENIED",
      "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE",
      "UNIMPLEMENTED", "INTERNAL",       "UNAVAILABLE",       "DATA_LOSS",
      "UNAUTHENTICATED"};
  int i = static_cast<int>(code);
  return i >= 0 && i <= 16 ? kNames[i] : "UNKNOWN";
}

struct Families {
  explicit Families(prometheus::Registry& r)
      : requests(prometheus::BuildCounter()
                     .Name("statuscast_grpc_requests_total")
                     .Help("gRPC calls answered, by method and status code.")
                     .Register(r)),
        seconds(prometheus::BuildHistogram()
                    .Name("statuscast_grpc_request_duration_seconds")
                    .Help("Time from a call's start to its status (whole stream for streams).")
                    .Register(r)) {}
  prometheus::Family<prometheus::Counter>& requests;
  prometheus::Family<prometheus::Histogram>& seconds;
};

class MetricsInterceptor final : public grpc::experimental::Interceptor {
 public:
  MetricsInterceptor(Families& f, const char* method)
      : families_(f), method_(method ? method : "unknown"), start_(absl::Now()) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::PRE_SEND_STATUS)) {
      grpc::Status status = methods->GetSendStatus();
      families_.requests.Add({{"method", method_}, {"code", CodeName(status.error_code())}})
          .Increment();
      families_.seconds
          .Add({{"method", method_}},
               prometheus::Histogram::BucketBoundaries{0.001, 0.005, 0.01, 0.025, 0.05, 0.1,
                                                       0.25, 0.5, 1, 5, 60, 3600})
          .Observe(absl::ToDoubleSeconds(absl::Now() - start_));
    }
    methods->Proceed();
  }

 private:
  Families& families_;
  const std::string method_;
  const absl::Time start_;
};

class Factory final : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  Factory(prometheus::Registry& r, const std::vector<std::string>& served) : families_(r) {
    for (std::string& path : ServedMethodPaths(served)) served_.insert(std::move(path));
  }
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    const char* method = info->method();
    if (method == nullptr || served_.count(method) == 0) method = "unknown";
    return new MetricsInterceptor(families_, method);
  }

 private:
  Families families_;
  std::set<std::string, std::less<>> served_;
};

}  // namespace

std::vector<std::string> ServedMethodPaths(const std::vector<std::string>& served) {
  std::vector<std::string> paths;
  for (const std::string& s : served) {
    if (absl::StartsWith(s, "/")) {
      paths.push_back(s);
      continue;
    }
    const google::protobuf::ServiceDescriptor* service =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(s);
    if (service == nullptr) continue;  // counted as "unknown"
    for (int i = 0; i < service->method_count(); ++i) {
      paths.push_back(absl::StrCat("/", s, "/", service->method(i)->name()));
    }
  }
  return paths;
}

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> GrpcRequestMetrics(
    prometheus::Registry& registry, const std::vector<std::string>& served) {
  return std::make_unique<Factory>(registry, served);
}

}  // namespace statuscast
