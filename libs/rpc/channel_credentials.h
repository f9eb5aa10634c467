// Client side of libs/rpc/server_credentials.h: the channel credentials a
// statuscast client (statuscastctl, tests) uses to reach a TLS or mutual-TLS
// server.
//
// No flag set: plaintext. --tls_ca alone: TLS, verifying the server against
// that CA (empty: the system roots). --tls_cert with --tls_key: also present
// a client certificate, for servers started with --tls_client_ca.
//
// Thread safety: a plain function over values.
#ifndef STATUSCAST_LIBS_RPC_CHANNEL_CREDENTIALS_H_
#define STATUSCAST_LIBS_RPC_CHANNEL_CREDENTIALS_H_

#include <memory>

#include "absl/status/statusor.h"
#include "libs/rpc/server_credentials.h"

namespace grpc {
class ChannelCredentials;
}  // namespace grpc

namespace statuscast {

struct ClientTlsFlags {
  PemFileFlag ca{"--tls_ca", ""};      // CA that signed the server's certificate
  PemFileFlag cert{"--tls_cert", ""};  // client certificate, for mutual TLS
  PemFileFlag key{"--tls_key", ""};    // its unencrypted private key
  // Use TLS even without --tls_ca (verifying against the system roots).
  bool force_tls = false;
};

// INVALID_ARGUMENT naming the flag when a file is unreadable or not PEM, or
// only one of cert and key is set.
absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> ChannelCredentialsFor(
    const ClientTlsFlags& flags);

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_RPC_CHANNEL_CREDENTIALS_H_
