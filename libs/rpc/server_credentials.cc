#include "libs/rpc/server_credentials.h"

#include <grpcpp/security/server_credentials.h>
#include <grpcpp/security/tls_certificate_provider.h>
#include <grpcpp/security/tls_credentials_options.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "libs/base/log.h"

namespace statuscast {
namespace {

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;
using X509Ptr = std::unique_ptr<X509, X509Free>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;

absl::Status Invalid(const PemFileFlag& f, const std::string& what) {
  return absl::InvalidArgumentError(absl::StrCat(f.flag, ": ", what));
}

absl::StatusOr<std::string> ReadPemFile(const PemFileFlag& f) {
  std::FILE* file = std::fopen(f.path.c_str(), "rb");
  if (file == nullptr) {
    return Invalid(f, absl::StrCat("cannot read ", f.path, ": ", std::strerror(errno)));
  }
  std::string text;
  char buf[8192];
  size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof(buf), file)) > 0) text.append(buf, n);
  const bool failed = std::ferror(file) != 0;
  const int error = errno;
  std::fclose(file);
  if (failed) return Invalid(f, absl::StrCat("cannot read ", f.path, ": ", std::strerror(error)));
  if (text.empty()) return Invalid(f, absl::StrCat(f.path, " is empty"));
  return text;
}

BioPtr MemoryBio(const std::string& text) {
  return BioPtr(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

// Never prompt for a passphrase on the terminal: an encrypted key just fails.
int NoPassphrase(char*, int, int, void*) { return -1; }

// The certificates in `pem`, in order; empty when there is none.
std::vector<X509Ptr> ParseCertificates(const std::string& pem) {
  std::vector<X509Ptr> out;
  BioPtr bio = MemoryBio(pem);
  while (X509* x = PEM_read_bio_X509(bio.get(), nullptr, NoPassphrase, nullptr)) {
    out.emplace_back(x);
  }
  ERR_clear_error();  // the end of the input reads as an error
  return out;
}

// True when `gid` is this process's effective or a supplementary group.
bool InOwnGroups(gid_t gid) {
  if (gid == ::getegid()) return true;
  gid_t groups[256];
  const int n = ::getgroups(256, groups);
  for (int i = 0; i < n; ++i) {
    if (groups[i] == gid) return true;
  }
  return false;
}

}  // namespace

const char* ServerTls::ModeName() const {
  switch (mode) {
    case Mode::kPlaintext:
      return "plaintext";
    case Mode::kTls:
      return "tls";
    case Mode::kMutualTls:
      return "mtls";
  }
  return "plaintext";
}

std::string KeyFilePermissionWarning(const PemFileFlag& key) {
  struct stat st;
  if (key.path.empty() || ::stat(key.path.c_str(), &st) != 0) return "";
  const unsigned mode = st.st_mode & 07777;
  // The process's own group may read it (Kubernetes' fsGroup makes secret
  // files 0440 root:fsGroup so a non-root container can read them at all).
  const bool others = (mode & 007) != 0;
  const bool foreign_group = (mode & 070) != 0 && !InOwnGroups(st.st_gid);
  if (!others && !foreign_group) return "";
  return absl::StrFormat(
      "%s: %s has mode %04o: %s may read this private key; chmod 600 it (in Kubernetes: "
      "defaultMode 0400 on the secret volume)",
      key.flag, key.path, mode, others ? "any user" : "another group");
}

absl::StatusOr<KeyPairPem> LoadKeyPair(const PemFileFlag& cert_flag, const PemFileFlag& key_flag) {
  const bool has_cert = !cert_flag.path.empty();
  const bool has_key = !key_flag.path.empty();
  if (has_cert != has_key) {
    const PemFileFlag& set = has_cert ? cert_flag : key_flag;
    const PemFileFlag& missing = has_cert ? key_flag : cert_flag;
    return Invalid(missing, absl::StrCat("must be set together with ", set.flag,
                                         " (TLS needs both the certificate and its key)"));
  }
  KeyPairPem pair;
  if (!has_cert) return pair;
  absl::StatusOr<std::string> cert = LoadCertificates(cert_flag);
  if (!cert.ok()) return cert.status();
  absl::StatusOr<std::string> key = ReadPemFile(key_flag);
  if (!key.ok()) return key.status();
  if (std::string warning = KeyFilePermissionWarning(key_flag); !warning.empty()) {
    LogEvent("tls_key_permissions", {{"flag", key_flag.flag}, {"warning", warning}});
  }
  std::vector<X509Ptr> chain = ParseCertificates(*cert);
  BioPtr key_bio = MemoryBio(*key);
  PkeyPtr pkey(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, NoPassphrase, nullptr));
  ERR_clear_error();
  if (pkey == nullptr) {
    return Invalid(key_flag, absl::StrCat(key_flag.path,
                                          " holds no unencrypted PEM private key "
                                          "(-----BEGIN PRIVATE KEY-----)"));
  }
  if (X509_check_private_key(chain.front().get(), pkey.get()) != 1) {
    ERR_clear_error();
    return Invalid(key_flag, absl::StrCat(key_flag.path, " does not match the certificate in ",
                                          cert_flag.flag, " (", cert_flag.path, ")"));
  }
  pair.cert_pem = *std::move(cert);
  pair.key_pem = *std::move(key);
  return pair;
}

absl::StatusOr<std::string> LoadCertificates(const PemFileFlag& file) {
  absl::StatusOr<std::string> text = ReadPemFile(file);
  if (!text.ok()) return text.status();
  if (ParseCertificates(*text).empty()) {
    return Invalid(
        file, absl::StrCat(file.path, " holds no PEM certificate (-----BEGIN CERTIFICATE-----)"));
  }
  return text;
}

absl::StatusOr<ServerTls> LoadServerTls(const ServerTlsFlags& flags) {
  ServerTls tls;
  const bool has_cert = !flags.cert.path.empty() || !flags.key.path.empty();
  if (!flags.client_ca.path.empty() && !has_cert) {
    return Invalid(flags.client_ca, absl::StrCat("needs ", flags.cert.flag, " and ", flags.key.flag,
                                                 " (mutual TLS is TLS plus client certificates)"));
  }
  if (flags.reload_interval != absl::ZeroDuration() && flags.reload_interval < absl::Seconds(1)) {
    return absl::InvalidArgumentError(
        "--tls_reload_interval: must be 0 (never reload) or at least 1s, e.g. 1m");
  }
  absl::StatusOr<KeyPairPem> pair = LoadKeyPair(flags.cert, flags.key);
  if (!pair.ok()) return pair.status();
  if (pair->cert_pem.empty()) return tls;
  tls.cert_path = flags.cert.path;
  tls.key_path = flags.key.path;
  tls.reload_interval = flags.reload_interval;
  tls.mode = ServerTls::Mode::kTls;
  tls.cert_pem = std::move(pair->cert_pem);
  tls.key_pem = std::move(pair->key_pem);
  if (!flags.client_ca.path.empty()) {
    absl::StatusOr<std::string> ca = LoadCertificates(flags.client_ca);
    if (!ca.ok()) return ca.status();
    tls.mode = ServerTls::Mode::kMutualTls;
    tls.client_ca_pem = *std::move(ca);
    tls.client_ca_path = flags.client_ca.path;
  }
  return tls;
}

std::shared_ptr<grpc::ServerCredentials> ServerCredentialsFor(const ServerTls& tls) {
  if (tls.mode == ServerTls::Mode::kPlaintext) return grpc::InsecureServerCredentials();
  if (tls.reload_interval > absl::ZeroDuration()) {
    const bool mutual = tls.mode == ServerTls::Mode::kMutualTls;
    auto provider = std::make_shared<grpc::experimental::FileWatcherCertificateProvider>(
        tls.key_path, tls.cert_path, mutual ? tls.client_ca_path : "",
        static_cast<unsigned int>(absl::ToInt64Seconds(tls.reload_interval)));
    grpc::experimental::TlsServerCredentialsOptions options(provider);
    options.watch_identity_key_cert_pairs();
    if (mutual) {
      options.watch_root_certs();
      options.set_cert_request_type(GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
    } else {
      options.set_cert_request_type(GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
    }
    return grpc::experimental::TlsServerCredentials(options);
  }
  grpc::SslServerCredentialsOptions options(
      tls.mode == ServerTls::Mode::kMutualTls
          ? GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY
          : GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
  options.pem_root_certs = tls.client_ca_pem;
  options.pem_key_cert_pairs.push_back({tls.key_pem, tls.cert_pem});
  return grpc::SslServerCredentials(options);
}

}  // namespace statuscast
