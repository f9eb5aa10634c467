// WebhookTransport in-process: refused destinations never reach libcurl's
// socket callback, and a pinned name goes only to its checked address. Only
// loopback traffic: refused addresses (10.x, 169.254.169.254) are never
// connected to, and the one real connection is to a listener on 127.0.0.1.
#include "libs/notify/webhook_transport.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/notify/fixed_resolver.h"

namespace statuscast {
namespace {

using ::testing::HasSubstr;

// Accepts one connection on 127.0.0.1, reads the request head, answers 204.
class OneShotHttpListener {
 public:
  OneShotHttpListener() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    listen(fd_, 1);
    socklen_t len = sizeof addr;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] {
      int c = accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      char buf[4096];
      ssize_t n;
      while ((n = read(c, buf, sizeof buf)) > 0) {
        request_.append(buf, static_cast<size_t>(n));
        if (request_.find("\r\n\r\n") != std::string::npos) break;
      }
      const char kAnswer[] =
          "HTTP/1.1 204 No Content\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
      (void)!write(c, kAnswer, sizeof kAnswer - 1);
      close(c);
    });
  }
  ~OneShotHttpListener() {
    shutdown(fd_, SHUT_RDWR);
    close(fd_);
    thread_.join();
  }
  int port() const { return port_; }
  // Valid after the transfer finished.
  const std::string& request() const { return request_; }

 private:
  int fd_ = -1;
  int port_ = 0;
  std::thread thread_;
  std::string request_;
};

WebhookTransportOptions HttpAllowed() {
  WebhookTransportOptions o;
  o.url_policy.allow_http = true;  // the refusals below are about addresses, not schemes
  o.timeout = absl::Seconds(5);
  return o;
}

TEST(WebhookTransport, ANameResolvingToAPrivateAddressIsRefusedBeforeAnySocket) {
  FixedResolver resolver({{"hooks.internal.test", {"10.1.2.3"}}});
  WebhookTransport transport(HttpAllowed(), &resolver);
  DeliveryResult r = transport.Post("http://hooks.internal.test/in", "{}", {});
  EXPECT_EQ(r.outcome, DeliveryOutcome::kRejected);
  EXPECT_THAT(r.detail, HasSubstr("10.1.2.3 is private"));
  EXPECT_EQ(r.sockets_requested, 0);
  EXPECT_EQ(r.sockets_opened, 0);
  EXPECT_EQ(resolver.lookups(), 1);
}

TEST(WebhookTransport, ANameResolvingToTheMetadataServiceIsRefusedBeforeAnySocket) {
  FixedResolver resolver(
      {{"metadata.test", {"169.254.169.254"}}, {"mapped.test", {"::ffff:169.254.169.254"}}});
  WebhookTransport transport(HttpAllowed(), &resolver);
  for (const char* url : {"http://metadata.test/latest/meta-data/", "https://mapped.test/"}) {
    DeliveryResult r = transport.Post(url, "{}", {});
    EXPECT_EQ(r.outcome, DeliveryOutcome::kRejected) << url;
    EXPECT_THAT(r.detail, HasSubstr("is link-local (the cloud metadata service)")) << url;
    EXPECT_EQ(r.sockets_requested, 0) << url;
  }
}

TEST(WebhookTransport, ALiteralRefusedAddressIsRefusedWithoutResolving) {
  FixedResolver resolver;
  WebhookTransport transport(HttpAllowed(), &resolver);
  for (const char* url : {"http://169.254.169.254/latest/meta-data/", "http://127.0.0.1:9/",
                          "http://[::1]:9/", "http://100.64.0.1/", "http://0.0.0.0/"}) {
    DeliveryResult r = transport.Post(url, "{}", {});
    EXPECT_EQ(r.outcome, DeliveryOutcome::kRejected) << url;
    EXPECT_EQ(r.sockets_requested, 0) << url;
  }
  EXPECT_EQ(resolver.lookups(), 0);
}

TEST(WebhookTransport, OtherSpellingsOfLoopbackAreRefused) {
  // curl_url normalizes numeric IPv4 forms, or the system resolver turns
  // them into 127.0.0.1: either way, refused without a socket.
  SystemResolver resolver;
  WebhookTransport transport(HttpAllowed(), &resolver);
  for (const char* url :
       {"http://2130706433/", "http://0x7f.1/", "http://127.1/", "http://localhost/"}) {
    DeliveryResult r = transport.Post(url, "{}", {});
    EXPECT_EQ(r.outcome, DeliveryOutcome::kRejected) << url << ": " << r.detail;
    EXPECT_EQ(r.sockets_requested, 0) << url;
  }
}

TEST(WebhookTransport, BadUrlsAreRejectedAndUnknownNamesRetried) {
  FixedResolver resolver;
  WebhookTransport transport(WebhookTransportOptions{}, &resolver);
  DeliveryResult r = transport.Post("http://hooks.example.com/", "{}", {});
  EXPECT_EQ(r.outcome, DeliveryOutcome::kRejected);
  EXPECT_THAT(r.detail, HasSubstr("must use https://"));
  r = transport.Post("file:///etc/passwd", "{}", {});
  EXPECT_EQ(r.outcome, DeliveryOutcome::kRejected);
  r = transport.Post("https://gone.example.com/", "{}", {});
  EXPECT_EQ(r.outcome, DeliveryOutcome::kRetry);
  EXPECT_THAT(r.detail, HasSubstr("does not exist"));
  EXPECT_EQ(r.sockets_requested, 0);
}

TEST(WebhookTransport, ANameIsPinnedToItsCheckedAddress) {
  // "hooks.pinned.test" exists only in this resolver: libcurl reaches the
  // listener because it uses the checked address, not DNS.
  OneShotHttpListener listener;
  FixedResolver resolver({{"hooks.pinned.test", {"127.0.0.1"}}});
  WebhookTransportOptions options = HttpAllowed();
  options.destination_policy.allow_non_public = true;
  WebhookTransport transport(options, &resolver);
  DeliveryResult r =
      transport.Post(absl::StrCat("http://hooks.pinned.test:", listener.port(), "/in"), "{\"a\":1}",
                     {{"webhook-id", "msg_1"}});
  EXPECT_EQ(r.outcome, DeliveryOutcome::kDelivered) << r.detail;
  EXPECT_EQ(r.status_code, 204);
  EXPECT_EQ(r.sockets_requested, 1);
  EXPECT_EQ(r.sockets_opened, 1);
  EXPECT_EQ(resolver.lookups(), 1);
}

TEST(ClassifyHttpStatus, FollowsTheDeliveryRules) {
  EXPECT_EQ(ClassifyHttpStatus(200), DeliveryOutcome::kDelivered);
  EXPECT_EQ(ClassifyHttpStatus(204), DeliveryOutcome::kDelivered);
  EXPECT_EQ(ClassifyHttpStatus(301), DeliveryOutcome::kRetry);
  EXPECT_EQ(ClassifyHttpStatus(302), DeliveryOutcome::kRetry);
  EXPECT_EQ(ClassifyHttpStatus(400), DeliveryOutcome::kRejected);
  EXPECT_EQ(ClassifyHttpStatus(404), DeliveryOutcome::kRejected);
  EXPECT_EQ(ClassifyHttpStatus(408), DeliveryOutcome::kRetry);
  EXPECT_EQ(ClassifyHttpStatus(410), DeliveryOutcome::kGone);
  EXPECT_EQ(ClassifyHttpStatus(429), DeliveryOutcome::kRetry);
  EXPECT_EQ(ClassifyHttpStatus(500), DeliveryOutcome::kRetry);
  EXPECT_EQ(ClassifyHttpStatus(503), DeliveryOutcome::kRetry);
}

}  // namespace
}  // namespace statuscast
