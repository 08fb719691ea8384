// Keyed digests (HMAC-SHA256, via OpenSSL's libcrypto) and random bytes from the kernel.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fidelis::core {

// Lower-case hex of HMAC-SHA256(key, message).
std::string hmac_sha256_hex(std::string_view key, std::string_view message);
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
