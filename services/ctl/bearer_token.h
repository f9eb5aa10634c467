// Channels that send "authorization: Bearer <token>" on every call, through a
// client interceptor, so every command and every stream carries the token
// without each call site adding it. An empty token sends nothing (the server
// then answers UNAUTHENTICATED and says how to get one).
// Thread safety: the channel is safe to share, like any gRPC channel.
#ifndef STATUSCAST_SERVICES_CTL_BEARER_TOKEN_H_
#define STATUSCAST_SERVICES_CTL_BEARER_TOKEN_H_

#include <grpcpp/channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/channel_arguments.h>

#include <memory>
#include <string>

namespace statuscast {
namespace ctl {

std::shared_ptr<grpc::Channel> NewChannelWithToken(
    const std::string& target, const std::shared_ptr<grpc::ChannelCredentials>& credentials,
    const grpc::ChannelArguments& args, const std::string& token);

}  // namespace ctl
}  // namespace statuscast

#endif  // STATUSCAST_SERVICES_CTL_BEARER_TOKEN_H_
