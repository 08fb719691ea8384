// A Bloom filter over strings: "certainly absent" or "maybe present". The engine keeps one of the
// ids a shop has stored so that a new id (nearly every id during an ingest) needs no lookup in
// the store; "maybe present" still goes to the store, so answers never depend on the filter.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace fidelis::core {

class BloomFilter {
 public:
  // Sized for `capacity` items at about 1 % false positives (10 bits and 7 probes per item).
  explicit BloomFilter(std::size_t capacity = 0);

  void add(std::string_view item);
  bool maybe_contains(std::string_view item) const;
  std::size_t size() const { return items_; }
  std::size_t capacity() const { return capacity_; }
  // Past its capacity the false-positive rate climbs: the owner rebuilds a larger filter.
  bool full() const { return items_ >= capacity_; }

 private:
  static constexpr int kProbes = 7;
  std::size_t capacity_ = 0;
  std::size_t items_ = 0;
  std::vector<std::uint64_t> bits_;
};

}  // namespace fidelis::core
