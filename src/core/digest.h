// Keyed digests (HMAC-SHA256, via OpenSSL's libcrypto) and random bytes from the kernel.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct evp_mac_ctx_st;  // OpenSSL's EVP_MAC_CTX, kept out of this header

namespace fidelis::core {

// Lower-case hex of HMAC-SHA256(key, message).
std::string hmac_sha256_hex(std::string_view key, std::string_view message);

// HMAC-SHA256 under one key set up once, for many messages: hmac_sha256_hex looks up the
// algorithm and sets the key at every call (about 21,000 instructions a digest, most of that),
// which made the identity digests of member events a twentieth of a bulk ingest's preparing
// thread. Same digests as hmac_sha256_hex(key, message). One thread at a time.
class HmacSha256 {
 public:
  explicit HmacSha256(std::string_view key);
  ~HmacSha256();
  HmacSha256(const HmacSha256&) = delete;
  HmacSha256& operator=(const HmacSha256&) = delete;

  std::string hex(std::string_view message);

 private:
  ::evp_mac_ctx_st* context_;
  bool keyed_ = true;  // set up and not yet used: no re-initialisation needed
};
// Lower-case hex of any bytes, and back (upper or lower case; nothing when not hex).
std::string hex_encode(std::string_view bytes);
std::optional<std::string> hex_decode(std::string_view hex);
// The value of one hex digit, or -1.
int hex_digit(char c);

// Whether two secrets (digests, tokens) are equal, in a time that depends on their length only
// (no early exit that would tell an attacker how much of a guess was right).
bool equal_in_constant_time(std::string_view a, std::string_view b);

// Lower-case hex of SHA-256(message).
std::string sha256_hex(std::string_view message);
// `count` bytes from the kernel's CSPRNG (getrandom(2)).
std::vector<unsigned char> random_bytes(std::size_t count);
// `count` bytes from the kernel's CSPRNG, as lower-case hex.
std::string random_hex(std::size_t count);

}  // namespace fidelis::core
