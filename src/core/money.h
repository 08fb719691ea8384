// Money: integer minor units plus an ISO 4217 currency. Amounts are parsed from decimal strings
// exactly, per the currency's exponent ("19.90" EUR = 1990, "1990" JPY = 1990, "1.250" KWD = 1250).
// No floating point anywhere.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace fidelis::core {

struct Currency {
  char code[4] = {0, 0, 0, 0};  // three upper-case letters and a terminating zero
  int exponent = 2;             // digits of the minor unit: 2 for EUR, 0 for JPY, 3 for KWD

  std::string_view code_view() const { return std::string_view(code, 3); }
  // 10^exponent: minor units in one major unit.
  std::int64_t minor_per_unit() const;
  bool operator==(const Currency& other) const { return code_view() == other.code_view(); }
};

// The currency with that ISO 4217 code, or nothing if the code is not one we know.
std::optional<Currency> find_currency(std::string_view code);

// Amounts are bounded so that products with points and multipliers never overflow.
inline constexpr std::int64_t kMoneyMinorMax = 1'000'000'000'000'000;  // 10^15 minor units

struct Money {
  std::int64_t minor = 0;
  Currency currency;

  bool operator==(const Money&) const = default;
};

// Parses a non-negative decimal amount written in the currency's unit: digits, then optionally a
// point and at most `exponent` digits. No sign, no exponent notation, no leading zeros ("0.5" is
// fine, "00.5" is not). Errors: money_invalid, money_too_many_decimals, money_out_of_range.
Result<std::int64_t> parse_amount(std::string_view text, const Currency& currency);

// Formats minor units in the currency's unit with exactly `exponent` decimals ("19.90").
std::string format_amount(std::int64_t minor, const Currency& currency);

}  // namespace fidelis::core
