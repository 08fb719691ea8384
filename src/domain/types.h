// Vocabulary shared by every part of the domain.
#pragma once

#include <cstdint>

namespace fidelis::domain {

// Loyalty points are whole numbers; never a floating point.
using Points = std::int64_t;

// 128-bit integers for intermediate products (amount x points x multiplier); `__extension__`
// keeps -Wpedantic quiet about a type both GCC and Clang support.
__extension__ typedef __int128 Wide;

// Bounds that keep every product of points, money and multipliers inside 128-bit arithmetic and
// every loop finite.
inline constexpr Points kPointsMax = 1'000'000'000'000;  // per event, per adjustment
inline constexpr std::int64_t kQuantityMax = 1'000'000;
inline constexpr std::size_t kOrderLinesMax = 1000;
inline constexpr std::size_t kIdLengthMax = 128;

}  // namespace fidelis::domain
