#include "libs/http/client_address.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace statuscast {
namespace {

using ::testing::HasSubstr;

IpAddress Ip(const std::string& text) {
  absl::optional<IpAddress> a = ParseIpAddress(text);
  EXPECT_TRUE(a.has_value()) << text;
  return a.value_or(IpAddress{});
}

TrustedProxies Proxies(const std::vector<std::string>& entries) {
  absl::StatusOr<TrustedProxies> p = TrustedProxies::Parse(entries);
  EXPECT_TRUE(p.ok()) << p.status();
  return p.ok() ? *p : TrustedProxies{};
}

TEST(ClientAddressTest, ParsesIpv4Ipv6AndTurnsMappedIpv4IntoIpv4) {
  EXPECT_EQ(Ip("203.0.113.7").ToString(), "203.0.113.7");
  EXPECT_EQ(Ip(" 2001:db8::1 ").ToString(), "2001:db8::1");
  EXPECT_EQ(Ip("[2001:db8::1]").ToString(), "2001:db8::1");
  EXPECT_EQ(Ip("::ffff:192.0.2.1"), Ip("192.0.2.1"));
  EXPECT_EQ(Ip("fe80::1%eth0"), Ip("fe80::1"));
  EXPECT_FALSE(ParseIpAddress("unknown").has_value());
  EXPECT_FALSE(ParseIpAddress("203.0.113.7:443").has_value());
  EXPECT_FALSE(ParseIpAddress("").has_value());
}

TEST(ClientAddressTest, LoopbackIsAllOf127And1Ipv6) {
  EXPECT_TRUE(Ip("127.0.0.1").IsLoopback());
  EXPECT_TRUE(Ip("127.9.9.9").IsLoopback());
  EXPECT_TRUE(Ip("::1").IsLoopback());
  EXPECT_TRUE(Ip("::ffff:127.0.0.1").IsLoopback());
  EXPECT_FALSE(Ip("10.0.0.1").IsLoopback());
  EXPECT_FALSE(Ip("::2").IsLoopback());
}

TEST(ClientAddressTest, LimitKeyIsTheIpv4AddressOrTheIpv6Slash64) {
  EXPECT_EQ(LimitKey(Ip("198.51.100.4")), "198.51.100.4");
  EXPECT_EQ(LimitKey(Ip("2001:db8:1:2:aaaa::1")), "2001:db8:1:2::/64");
  EXPECT_EQ(LimitKey(Ip("2001:db8:1:2:bbbb::9")), LimitKey(Ip("2001:db8:1:2::5")));
  EXPECT_NE(LimitKey(Ip("2001:db8:1:3::1")), LimitKey(Ip("2001:db8:1:2::1")));
}

TEST(ClientAddressTest, TrustedProxiesMatchAddressesAndCidrBlocks) {
  TrustedProxies p = Proxies({"10.0.0.0/8", "192.0.2.7", "fd00::/8", "172.16.0.0/12"});
  EXPECT_TRUE(p.Contains(Ip("10.200.1.1")));
  EXPECT_TRUE(p.Contains(Ip("192.0.2.7")));
  EXPECT_FALSE(p.Contains(Ip("192.0.2.8")));
  EXPECT_TRUE(p.Contains(Ip("fd12::1")));
  EXPECT_FALSE(p.Contains(Ip("fe80::1")));
  EXPECT_TRUE(p.Contains(Ip("172.31.255.255")));
  EXPECT_FALSE(p.Contains(Ip("172.32.0.0")));
  EXPECT_FALSE(p.Contains(Ip("::ffff:11.0.0.1")));
  EXPECT_TRUE(p.Contains(Ip("::ffff:10.0.0.1")));
}

TEST(ClientAddressTest, ABadTrustedProxyEntryIsInvalidArgumentNamingIt) {
  for (const char* bad : {"10.0.0.0/33", "proxy.internal", "10.0.0.0/x", "::/129"}) {
    absl::StatusOr<TrustedProxies> p = TrustedProxies::Parse({"127.0.0.1", bad});
    ASSERT_FALSE(p.ok()) << bad;
    EXPECT_EQ(p.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(p.status().message()), HasSubstr(bad));
  }
}

TEST(ClientAddressTest, AnUntrustedPeerIsTheClientWhateverItForwards) {
  TrustedProxies p = Proxies({"10.0.0.0/8"});
  EXPECT_EQ(p.ClientOf(Ip("203.0.113.7"), "198.51.100.1"), Ip("203.0.113.7"));
  EXPECT_EQ(TrustedProxies{}.ClientOf(Ip("127.0.0.1"), "198.51.100.1"), Ip("127.0.0.1"));
}

TEST(ClientAddressTest, BehindTrustedProxiesTheClientIsTheRightMostUntrustedHop) {
  TrustedProxies p = Proxies({"10.0.0.0/8"});
  EXPECT_EQ(p.ClientOf(Ip("10.0.0.1"), "203.0.113.7"), Ip("203.0.113.7"));
  // The left part is whatever the client sent: ignored.
  EXPECT_EQ(p.ClientOf(Ip("10.0.0.1"), "1.2.3.4, 203.0.113.7"), Ip("203.0.113.7"));
  // Two proxies deep.
  EXPECT_EQ(p.ClientOf(Ip("10.0.0.1"), "1.2.3.4, 203.0.113.7, 10.9.9.9"), Ip("203.0.113.7"));
  // No header: the proxy itself.
  EXPECT_EQ(p.ClientOf(Ip("10.0.0.1"), ""), Ip("10.0.0.1"));
  // Garbage where a proxy would have written an address ends the walk.
  EXPECT_EQ(p.ClientOf(Ip("10.0.0.1"), "203.0.113.7, unknown"), Ip("10.0.0.1"));
  EXPECT_EQ(p.ClientOf(Ip("10.0.0.1"), "unknown, 10.2.2.2"), Ip("10.2.2.2"));
  // All trusted: the left-most.
  EXPECT_EQ(p.ClientOf(Ip("10.0.0.1"), "10.3.3.3, 10.2.2.2"), Ip("10.3.3.3"));
}

}  // namespace
}  // namespace statuscast
