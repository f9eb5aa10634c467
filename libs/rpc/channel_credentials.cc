#include "libs/rpc/channel_credentials.h"

#include <grpcpp/security/credentials.h>

#include <utility>

namespace statuscast {

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> ChannelCredentialsFor(
    const ClientTlsFlags& flags) {
  const bool has_ca = !flags.ca.path.empty();
  const bool has_pair = !flags.cert.path.empty() || !flags.key.path.empty();
  if (!has_ca && !has_pair && !flags.force_tls) return grpc::InsecureChannelCredentials();

  grpc::SslCredentialsOptions options;
  if (has_ca) {
    absl::StatusOr<std::string> ca = LoadCertificates(flags.ca);
    if (!ca.ok()) return ca.status();
    options.pem_root_certs = *std::move(ca);
  }
  absl::StatusOr<KeyPairPem> pair = LoadKeyPair(flags.cert, flags.key);
  if (!pair.ok()) return pair.status();
  options.pem_cert_chain = std::move(pair->cert_pem);
  options.pem_private_key = std::move(pair->key_pem);
  return grpc::SslCredentials(options);
}

}  // namespace statuscast
