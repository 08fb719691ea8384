#include "core/digest.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace fidelis::core
