#include "libs/base/peer_address.h"

#include "gtest/gtest.h"

namespace statuscast {
namespace {

TEST(PeerAddressTest, Ipv4IsKeyedByItsAddress) {
  PeerAddress p = PeerFromGrpc("ipv4:10.200.1.2:5000");
  EXPECT_EQ(p.key, "10.200.1.2");
  EXPECT_FALSE(p.loopback);
}

TEST(PeerAddressTest, Ipv6IsKeyedByItsSlash64) {
  EXPECT_EQ(PeerFromGrpc("ipv6:[2001:db8:1:2:3:4:5:6]:443").key, "2001:db8:1:2::/64");
  EXPECT_EQ(PeerFromGrpc("ipv6:%5B2001:db8:1:2::9%5D:443").key, "2001:db8:1:2::/64");
}

TEST(PeerAddressTest, MappedIpv4CountsAsIpv4) {
  PeerAddress p = PeerFromGrpc("ipv6:[::ffff:127.0.0.1]:80");
  EXPECT_EQ(p.key, "127.0.0.1");
  EXPECT_TRUE(p.loopback);
}

TEST(PeerAddressTest, LoopbackAndUnixSocketsAreLoopback) {
  EXPECT_TRUE(PeerFromGrpc("ipv4:127.0.0.1:1").loopback);
  EXPECT_TRUE(PeerFromGrpc("ipv4:127.3.4.5:1").loopback);
  EXPECT_TRUE(PeerFromGrpc("ipv6:[::1]:1").loopback);
  EXPECT_TRUE(PeerFromGrpc("unix:/tmp/s").loopback);
}

TEST(PeerAddressTest, UnreadablePeersShareOneKey) {
  EXPECT_EQ(PeerFromGrpc("garbage").key, "unknown");
  EXPECT_FALSE(PeerFromGrpc("garbage").loopback);
  EXPECT_EQ(PeerFromGrpc("ipv4:999.1.1.1:1").key, "unknown");
}

}  // namespace
}  // namespace statuscast
