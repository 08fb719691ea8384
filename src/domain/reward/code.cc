#include "domain/reward/code.h"

#include "core/assert.h"

namespace fidelis::domain {
namespace {

constexpr std::string_view kAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

// Dashes after the 4th and 8th characters.
std::string grouped(std::string_view plain) {
  std::string text;
  text.reserve(kCodeCharacters + 2);
  for (std::size_t i = 0; i < plain.size(); ++i) {
    if (i == 4 || i == 8) text += '-';
    text += plain[i];
  }
  return text;
}

}  // namespace

std::string format_code(std::span<const unsigned char> random) {
  FIDELIS_ASSERT(random.size() == kCodeRandomBytes);
  std::uint64_t high = 0;  // the first 8 bytes
  for (std::size_t i = 0; i < 8; ++i) high = (high << 8) | random[i];
  std::string plain;
  // 12 characters from the first 64 bits, the 13th from 4 more bits and 1 of the 9th byte.
  for (int i = 0; i < 12; ++i) {
    plain += kAlphabet[(high >> (59 - 5 * i)) & 31];
  }
  plain += kAlphabet[((high & 15) << 1) | (random[8] & 1)];
  return grouped(plain);
}

std::optional<std::string> normalize_code(std::string_view text) {
  std::string plain;
  for (char c : text) {
    if (c == '-' || c == ' ') continue;
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c == 'O') c = '0';
    if (c == 'I' || c == 'L') c = '1';
    if (kAlphabet.find(c) == std::string_view::npos) return std::nullopt;
    plain += c;
    if (plain.size() > kCodeCharacters) return std::nullopt;
  }
  if (plain.size() != kCodeCharacters) return std::nullopt;
  return grouped(plain);
}

std::string referral_code_from_digest(std::string_view hex_digest) {
  FIDELIS_ASSERT(hex_digest.size() >= 13);
  std::uint64_t bits = 0;
  for (std::size_t i = 0; i < 13; ++i) {
    const char c = hex_digest[i];
    bits = (bits << 4) | static_cast<std::uint64_t>(c <= '9' ? c - '0' : c - 'a' + 10);
  }
  std::string code = "R-";
  for (int i = 0; i < 10; ++i) code += kAlphabet[(bits >> (47 - 5 * i)) & 31];
  return code;
}

bool looks_like_referral_code(std::string_view text) {
  if (text.size() != 12 || text.substr(0, 2) != "R-") return false;
  for (const char c : text.substr(2)) {
    if (kAlphabet.find(c) == std::string_view::npos) return false;
  }
  return true;
}

}  // namespace fidelis::domain
