#include "libs/notify/destination_guard.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/notify/fixed_resolver.h"

namespace statuscast {
namespace {

using ::testing::HasSubstr;

AddressClass ClassOf(const std::string& a) {
  absl::StatusOr<AddressClass> c = ClassifyAddress(a);
  EXPECT_TRUE(c.ok()) << a << ": " << c.status();
  return c.ok() ? *c : AddressClass::kPublic;
}

TEST(ClassifyAddress, Ipv4Ranges) {
  EXPECT_EQ(ClassOf("93.184.216.34"), AddressClass::kPublic);
  EXPECT_EQ(ClassOf("8.8.8.8"), AddressClass::kPublic);
  EXPECT_EQ(ClassOf("0.0.0.0"), AddressClass::kUnspecified);
  EXPECT_EQ(ClassOf("127.0.0.1"), AddressClass::kLoopback);
  EXPECT_EQ(ClassOf("127.255.0.9"), AddressClass::kLoopback);
  EXPECT_EQ(ClassOf("10.1.2.3"), AddressClass::kPrivate);
  EXPECT_EQ(ClassOf("172.16.0.1"), AddressClass::kPrivate);
  EXPECT_EQ(ClassOf("172.31.255.255"), AddressClass::kPrivate);
  EXPECT_EQ(ClassOf("172.32.0.1"), AddressClass::kPublic);
  EXPECT_EQ(ClassOf("192.168.1.1"), AddressClass::kPrivate);
  EXPECT_EQ(ClassOf("100.64.0.1"), AddressClass::kSharedAddressSpace);
  EXPECT_EQ(ClassOf("100.127.255.255"), AddressClass::kSharedAddressSpace);
  EXPECT_EQ(ClassOf("100.128.0.1"), AddressClass::kPublic);
  EXPECT_EQ(ClassOf("169.254.169.254"), AddressClass::kLinkLocal);
  EXPECT_EQ(ClassOf("192.0.2.10"), AddressClass::kDocumentation);
  EXPECT_EQ(ClassOf("198.51.100.7"), AddressClass::kDocumentation);
  EXPECT_EQ(ClassOf("203.0.113.99"), AddressClass::kDocumentation);
  EXPECT_EQ(ClassOf("198.18.0.1"), AddressClass::kReserved);
  EXPECT_EQ(ClassOf("224.0.0.251"), AddressClass::kMulticast);
  EXPECT_EQ(ClassOf("240.0.0.1"), AddressClass::kReserved);
  EXPECT_EQ(ClassOf("255.255.255.255"), AddressClass::kReserved);
}

TEST(ClassifyAddress, Ipv6RangesAndEmbeddedIpv4) {
  EXPECT_EQ(ClassOf("2606:4700:4700::1111"), AddressClass::kPublic);
  EXPECT_EQ(ClassOf("::"), AddressClass::kUnspecified);
  EXPECT_EQ(ClassOf("::1"), AddressClass::kLoopback);
  EXPECT_EQ(ClassOf("fe80::1"), AddressClass::kLinkLocal);
  EXPECT_EQ(ClassOf("fc00::1"), AddressClass::kUniqueLocal);
  EXPECT_EQ(ClassOf("fd12:3456::1"), AddressClass::kUniqueLocal);
  EXPECT_EQ(ClassOf("ff02::1"), AddressClass::kMulticast);
  EXPECT_EQ(ClassOf("2001:db8::1"), AddressClass::kDocumentation);
  EXPECT_EQ(ClassOf("2001::1"), AddressClass::kReserved);  // Teredo
  EXPECT_EQ(ClassOf("::ffff:127.0.0.1"), AddressClass::kLoopback);
  EXPECT_EQ(ClassOf("::ffff:169.254.169.254"), AddressClass::kLinkLocal);
  EXPECT_EQ(ClassOf("::ffff:10.0.0.1"), AddressClass::kPrivate);
  EXPECT_EQ(ClassOf("::ffff:8.8.8.8"), AddressClass::kPublic);
  EXPECT_EQ(ClassOf("64:ff9b::a9fe:a9fe"), AddressClass::kLinkLocal);  // NAT64 of 169.254.169.254
  EXPECT_EQ(ClassOf("2002:0a00:0001::1"), AddressClass::kPrivate);     // 6to4 of 10.0.0.1
  EXPECT_EQ(ClassOf("::10.0.0.1"), AddressClass::kReserved);
  EXPECT_EQ(ClassOf("4000::1"), AddressClass::kReserved);
}

TEST(ClassifyAddress, RefusesWhatIsNotAnAddress) {
  EXPECT_EQ(ClassifyAddress("example.com").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ClassifyAddress("[::1]").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(CheckAddress, NamesTheAddressAndItsClass) {
  absl::Status s = CheckAddress("169.254.169.254", {});
  EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(std::string(s.message()),
              HasSubstr("169.254.169.254 is link-local (the cloud metadata service)"));
  EXPECT_THAT(std::string(CheckAddress("100.64.1.1", {}).message()),
              HasSubstr("carrier-grade NAT"));
  EXPECT_TRUE(CheckAddress("93.184.216.34", {}).ok());
}

TEST(CheckAddress, TheAllowOptionAcceptsEveryClass) {
  DestinationPolicy allow;
  allow.allow_non_public = true;
  for (const char* a : {"127.0.0.1", "10.0.0.1", "169.254.169.254", "::1", "fd00::1"}) {
    EXPECT_TRUE(CheckAddress(a, allow).ok()) << a;
  }
}

TEST(CheckDestination, ANumericHostIsCheckedWithoutResolving) {
  FixedResolver resolver;
  absl::StatusOr<std::vector<std::string>> r = CheckDestination("10.9.8.7", resolver, {});
  EXPECT_EQ(r.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(resolver.lookups(), 0);
  r = CheckDestination("93.184.216.34", resolver, {});
  ASSERT_TRUE(r.ok());
  EXPECT_THAT(*r, ::testing::ElementsAre("93.184.216.34"));
}

TEST(CheckDestination, ANameIsRefusedWhenAnyOfItsAddressesIsRefused) {
  FixedResolver resolver({{"rebind.example.com", {"93.184.216.34", "10.0.0.5"}},
                          {"good.example.com", {"93.184.216.34", "2606:4700::6810:84e5"}}});
  absl::StatusOr<std::vector<std::string>> r = CheckDestination("rebind.example.com", resolver, {});
  EXPECT_EQ(r.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(std::string(r.status().message()),
              HasSubstr("host rebind.example.com resolves to a refused address"));
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("10.0.0.5 is private"));

  r = CheckDestination("good.example.com", resolver, {});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->size(), 2u);
  EXPECT_EQ(resolver.lookups(), 2);
}

TEST(CheckDestination, AnUnknownNameIsNotFound) {
  FixedResolver resolver;
  EXPECT_EQ(CheckDestination("nowhere.example.com", resolver, {}).status().code(),
            absl::StatusCode::kNotFound);
}

TEST(SystemResolver, ResolvesLocalhostWithoutTheNetwork) {
  SystemResolver resolver;
  absl::StatusOr<std::vector<std::string>> r = resolver.Resolve("localhost");
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_FALSE(r->empty());
  for (const std::string& a : *r) EXPECT_EQ(ClassOf(a), AddressClass::kLoopback) << a;
  EXPECT_EQ(CheckDestination("localhost", resolver, {}).status().code(),
            absl::StatusCode::kPermissionDenied);
}

}  // namespace
}  // namespace statuscast
