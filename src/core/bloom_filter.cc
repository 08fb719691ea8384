#include "core/bloom_filter.h"

#include <algorithm>
#include <functional>

namespace fidelis::core {
namespace {

// Two independent-enough hashes from one: the standard library's string hash and a mix of it
// (Kirsch and Mitzenmacher: probes h1 + i * h2 behave like independent hashes).
struct Hashes {
  std::uint64_t h1;
  std::uint64_t h2;
};

Hashes hashes(std::string_view item) {
  const std::uint64_t h = std::hash<std::string_view>{}(item);
  std::uint64_t mixed = h ^ (h >> 33);
  mixed *= 0xff51afd7ed558ccdULL;
  mixed ^= mixed >> 33;
  mixed *= 0xc4ceb9fe1a85ec53ULL;
  mixed ^= mixed >> 33;
  return {h, mixed | 1};
}

}  // namespace

BloomFilter::BloomFilter(std::size_t capacity)
    : capacity_(std::max<std::size_t>(capacity, 1024)), bits_((capacity_ * 10 + 63) / 64, 0) {}

void BloomFilter::add(std::string_view item) {
  const auto [h1, h2] = hashes(item);
  const std::uint64_t nbits = bits_.size() * 64;
  for (int i = 0; i < kProbes; ++i) {
    const std::uint64_t bit = (h1 + static_cast<std::uint64_t>(i) * h2) % nbits;
    bits_[bit / 64] |= std::uint64_t{1} << (bit % 64);
  }
  ++items_;
}

bool BloomFilter::maybe_contains(std::string_view item) const {
  const auto [h1, h2] = hashes(item);
  const std::uint64_t nbits = bits_.size() * 64;
  for (int i = 0; i < kProbes; ++i) {
    const std::uint64_t bit = (h1 + static_cast<std::uint64_t>(i) * h2) % nbits;
    if ((bits_[bit / 64] & (std::uint64_t{1} << (bit % 64))) == 0) return false;
  }
  return true;
}

}  // namespace fidelis::core
