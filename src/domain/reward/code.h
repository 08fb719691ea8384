// Redemption codes: what a member shows at the till or types at checkout. 13 characters of
// Crockford's base32 (digits and capitals without I, L, O, U, so nothing reads as something else),
// 65 random bits, printed in groups: "K7QF-9M2X-ZT4PA". Reading is forgiving: case, dashes and
// spaces do not matter, and O, I, L are read as 0, 1, 1.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace fidelis::domain {

inline constexpr std::size_t kCodeRandomBytes = 9;  // 72 bits drawn, 65 used
inline constexpr std::size_t kCodeCharacters = 13;

// The code for `random` (kCodeRandomBytes bytes from a CSPRNG), in its printed form.
std::string format_code(std::span<const unsigned char> random);
// The printed form of a code as a person typed it, or nothing when it cannot be a code.
std::optional<std::string> normalize_code(std::string_view text);

// A member's referral code, "R-" and 10 characters of the same alphabet (50 bits), from a keyed
// digest of the member id in lower-case hex (at least 13 hex digits): stable, and unguessable
// without the shop's secret.
std::string referral_code_from_digest(std::string_view hex_digest);
// Whether `text` is written like a referral code (then it is looked up as one).
bool looks_like_referral_code(std::string_view text);

}  // namespace fidelis::domain
