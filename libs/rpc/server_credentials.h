// Server TLS for the gRPC listeners (and the HTTP listener's key pair check):
// turns the certificate flags into validated PEM text and then into
// grpc::ServerCredentials.
//
//   ServerTlsFlags flags;  // defaults name --tls_cert, --tls_key, --tls_client_ca
//   flags.cert.path = absl::GetFlag(FLAGS_tls_cert);
//   ...
//   absl::StatusOr<ServerTls> tls = LoadServerTls(flags);
//   if (!tls.ok()) return Fail(tls.status().message());   // names the flag
//   builder.AddListeningPort(address, ServerCredentialsFor(*tls), &port);
//
// Modes: no certificate flags: plaintext. Certificate and key: TLS. Also a
// client CA: mutual TLS, where every client must present a certificate that
// CA signed (the handshake fails otherwise, before any RPC runs).
//
// Reload: with a positive reload_interval (--tls_reload_interval), the
// credentials re-read the certificate, key and client CA files that often
// (grpc::experimental::FileWatcherCertificateProvider), so rotated files
// take effect for new connections without a restart; open connections keep
// the certificate they were made with. Files are validated at start-up only
// (LoadServerTls); a rotation that leaves unreadable or mismatched files is
// logged by gRPC and the previous certificate stays in use.
//
// Thread safety: plain functions over values; call them from anywhere.
#ifndef STATUSCAST_LIBS_RPC_SERVER_CREDENTIALS_H_
#define STATUSCAST_LIBS_RPC_SERVER_CREDENTIALS_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace grpc {
class ServerCredentials;
}  // namespace grpc

namespace statuscast {

// A PEM file given by a flag; `flag` ("--tls_cert") is what errors name.
struct PemFileFlag {
  std::string flag;
  std::string path;  // "" when the flag is not set
};

// A certificate chain and its private key as PEM text; both empty when
// neither flag is set.
struct KeyPairPem {
  std::string cert_pem;
  std::string key_pem;
};

// Both or neither of `cert` and `key`; readable files; the certificate file
// holds PEM certificates, the key file an unencrypted PEM private key that
// matches the first certificate. INVALID_ARGUMENT starting with the flag at
// fault otherwise. A key file that any user, or a group this process is not
// in, may read is accepted with one warning log line (event
// tls_key_permissions) naming the flag, the file and its mode: refusing
// would break mounts whose mode the operator cannot easily set, but the key
// should be 0600 or 0400 (0440 with the process's own group, as Kubernetes'
// fsGroup makes secret files, passes).
absl::StatusOr<KeyPairPem> LoadKeyPair(const PemFileFlag& cert, const PemFileFlag& key);

// The warning LoadKeyPair logs for `key` ("--tls_key: /etc/k.pem has mode
// 0644: any user may read ..."), or "" when it is private as above (or it
// cannot be examined; reading it then reports the error).
std::string KeyFilePermissionWarning(const PemFileFlag& key);

// The file's text when it holds at least one PEM certificate (a CA bundle).
absl::StatusOr<std::string> LoadCertificates(const PemFileFlag& file);

struct ServerTlsFlags {
  PemFileFlag cert{"--tls_cert", ""};            // certificate chain, leaf first
  PemFileFlag key{"--tls_key", ""};              // unencrypted private key
  PemFileFlag client_ca{"--tls_client_ca", ""};  // set: require client certificates
  // --tls_reload_interval: re-read the files this often; zero: never.
  absl::Duration reload_interval = absl::ZeroDuration();
};

struct ServerTls {
  enum class Mode { kPlaintext, kTls, kMutualTls };
  Mode mode = Mode::kPlaintext;
  std::string cert_pem;
  std::string key_pem;
  std::string client_ca_pem;
  // The files, for reloading; and how often (zero: the PEM text above, once).
  std::string cert_path;
  std::string key_path;
  std::string client_ca_path;
  absl::Duration reload_interval = absl::ZeroDuration();

  // "plaintext", "tls" or "mtls", for the start-up log line.
  const char* ModeName() const;
};

// LoadKeyPair and LoadCertificates over the flags; a client CA also needs a
// certificate and key; a reload interval is zero or at least one second.
// INVALID_ARGUMENT with a message that starts with the flag at fault
// otherwise.
absl::StatusOr<ServerTls> LoadServerTls(const ServerTlsFlags& flags);

// Insecure credentials for kPlaintext, else TLS credentials; kMutualTls
// requests, requires and verifies a client certificate against the client CA.
// With a reload interval, the files are watched (see Reload above).
std::shared_ptr<grpc::ServerCredentials> ServerCredentialsFor(const ServerTls& tls);

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_RPC_SERVER_CREDENTIALS_H_
