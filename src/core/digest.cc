// HMAC-SHA256 through OpenSSL and random bytes through getrandom(2).
#include "core/digest.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/params.h>
#include <sys/random.h>

#include <vector>

#include "core/assert.h"

namespace fidelis::core {
namespace {

std::string to_hex(const unsigned char* bytes, std::size_t count) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string text;
  text.reserve(count * 2);
  for (std::size_t i = 0; i < count; ++i) {
    text += kHex[bytes[i] >> 4];
    text += kHex[bytes[i] & 0xF];
  }
  return text;
}

}  // namespace

std::string hmac_sha256_hex(std::string_view key, std::string_view message) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  const unsigned char* result =
      HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest, &length);
  FIDELIS_ASSERT(result != nullptr);
  return to_hex(digest, length);
}

HmacSha256::HmacSha256(std::string_view key) {
  EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  FIDELIS_ASSERT(mac != nullptr);
  context_ = EVP_MAC_CTX_new(mac);
  EVP_MAC_free(mac);  // the context holds its own reference
  FIDELIS_ASSERT(context_ != nullptr);
  char digest[] = "SHA256";
  const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string("digest", digest, 0),
                               OSSL_PARAM_construct_end()};
  // A null key would mean "the previous key": an empty one still needs a pointer.
  static const unsigned char kEmpty = 0;
  const auto* bytes = key.empty() ? &kEmpty : reinterpret_cast<const unsigned char*>(key.data());
  FIDELIS_ASSERT(EVP_MAC_init(context_, bytes, key.size(), params) == 1);
}

HmacSha256::~HmacSha256() { EVP_MAC_CTX_free(context_); }

std::string HmacSha256::hex(std::string_view message) {
  // After a digest, initialising with no key starts over under the same key.
  if (!keyed_) FIDELIS_ASSERT(EVP_MAC_init(context_, nullptr, 0, nullptr) == 1);
  keyed_ = false;
  FIDELIS_ASSERT(EVP_MAC_update(context_, reinterpret_cast<const unsigned char*>(message.data()),
                                message.size()) == 1);
  unsigned char digest[EVP_MAX_MD_SIZE];
  std::size_t length = 0;
  FIDELIS_ASSERT(EVP_MAC_final(context_, digest, &length, sizeof digest) == 1);
  return to_hex(digest, length);
}

bool equal_in_constant_time(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string hex_encode(std::string_view bytes) {
  return to_hex(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> hex_decode(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  std::string out;
  out.reserve(hex.size() / 2);
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    const int high = hex_digit(hex[i]), low = hex_digit(hex[i + 1]);
    if (high < 0 || low < 0) return std::nullopt;
    out += static_cast<char>(high * 16 + low);
  }
  return out;
}

std::string sha256_hex(std::string_view message) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  const int ok = EVP_Digest(message.data(), message.size(), digest, &length, EVP_sha256(), nullptr);
  FIDELIS_ASSERT(ok == 1);
  return to_hex(digest, length);
}

std::vector<unsigned char> random_bytes(std::size_t count) {
  std::vector<unsigned char> bytes(count);
  std::size_t filled = 0;
  while (filled < count) {
    const ssize_t got = getrandom(bytes.data() + filled, count - filled, 0);
    FIDELIS_ASSERT(got > 0);
    filled += static_cast<std::size_t>(got);
  }
  return bytes;
}

std::string random_hex(std::size_t count) {
  const std::vector<unsigned char> bytes = random_bytes(count);
  return to_hex(bytes.data(), count);
}

}  // namespace fidelis::core
