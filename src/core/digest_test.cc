#include "core/digest.h"

#include <gtest/gtest.h>

#include <string>

namespace fidelis::core {
namespace {

TEST(Digest, ComparesSecretsWholly) {
  EXPECT_TRUE(equal_in_constant_time("", ""));
  EXPECT_TRUE(equal_in_constant_time("fk_abc", "fk_abc"));
  EXPECT_FALSE(equal_in_constant_time("fk_abc", "fk_abd"));
  EXPECT_FALSE(equal_in_constant_time("fk_abc", "fk_ab"));  // a prefix is not equal
  EXPECT_FALSE(equal_in_constant_time("", "x"));
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

// A keyed HMAC reused for many messages gives, message after message, what the one-shot
// function gives (the re-initialisation between digests must keep the key and drop the data).
TEST(Digest, KeyedHmacMatchesTheOneShotMessageAfterMessage) {
  for (const std::string& key :
       {std::string("shop-secret-0123456789abcdef"), std::string(), std::string(100, 'k')}) {
    HmacSha256 keyed(key);
    for (const std::string& message :
         {std::string("email:ana@example.com"), std::string(), std::string("referral\x1fm-000001"),
          std::string(1000, 'x'), std::string("a")}) {
      EXPECT_EQ(keyed.hex(message), hmac_sha256_hex(key, message))
          << "key of " << key.size() << " bytes, message of " << message.size();
    }
  }
  // RFC 4231, test case 2.
  HmacSha256 jefe("Jefe");
  EXPECT_EQ(jefe.hex("what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(jefe.hex("what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

}  // namespace
}  // namespace fidelis::core
