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

}  // namespace fidelis::domain
