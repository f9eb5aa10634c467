#include "libs/rpc/health_and_reflection.h"

#include <grpcpp/ext/health_check_service_server_builder_option.h>
#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/impl/server_builder_option.h>
#include <grpcpp/impl/server_builder_plugin.h>
#include <grpcpp/server_builder.h>

#include <memory>
#include <vector>

namespace statuscast {
namespace {

// Adds the reflection plugin to one builder, instead of to every builder in
// the process (grpc::reflection::InitProtoReflectionServerBuilderPlugin), and
// only once even if that global registration was made too.
class ReflectionOption final : public grpc::ServerBuilderOption {
 public:
  void UpdateArguments(grpc::ChannelArguments*) override {}
  void UpdatePlugins(std::vector<std::unique_ptr<grpc::ServerBuilderPlugin>>* plugins) override {
    auto reflection = std::make_unique<grpc::reflection::ProtoServerReflectionPlugin>();
    for (const auto& plugin : *plugins) {
      if (plugin->name() == reflection->name()) return;
    }
    plugins->push_back(std::move(reflection));
  }
};

}  // namespace

void HealthAndReflection::AddTo(grpc::ServerBuilder& builder) {
  // A null health service turns gRPC's default one off for this server.
  builder.SetOption(std::make_unique<grpc::HealthCheckServiceServerBuilderOption>(nullptr));
  builder.SetOption(std::make_unique<ReflectionOption>());
  builder.RegisterService(&health_);
}

}  // namespace statuscast
