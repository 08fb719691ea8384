// Counters and histograms for GET /metrics, in the Prometheus text format (version 0.0.4).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace fidelis::api {

class Metrics {
 public:
  // One answered request: its route pattern ("/v1/members/{}"), status and latency.
  void request(const std::string& route, int status, double seconds);
  // One committed batch of event posts: how many, and how many were accepted.
  void batch(std::size_t size, std::size_t accepted);
  // A store operation failed (a batch that could not commit, a read error).
  void store_error();
  // A GET looked up in the read cache on an HTTP thread: answered there (hit) or not.
  void read_cache(bool hit) {
    (hit ? read_cache_hits_ : read_cache_misses_).fetch_add(1, std::memory_order_relaxed);
  }
  std::string render() const;

 private:
  static constexpr std::array<double, 12> kLatencyBounds = {
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5};
  static constexpr std::array<double, 8> kBatchBounds = {1, 2, 5, 10, 50, 100, 500, 1000};
  struct Histogram {
    std::array<std::uint64_t, 13> buckets{};  // per bound, then +Inf; not cumulative here
    std::uint64_t count = 0;
    double sum = 0;
  };
  template <std::size_t N>
  static void observe(Histogram& histogram, const std::array<double, N>& bounds, double value);
  template <std::size_t N>
  static void write(std::string& out, const std::string& name, const std::string& labels,
                    const Histogram& histogram, const std::array<double, N>& bounds);

  mutable std::mutex mutex_;
  std::map<std::pair<std::string, int>, std::uint64_t> requests_;
  std::map<std::string, Histogram> latency_;  // by route
  Histogram batches_;
  std::uint64_t events_accepted_ = 0;
  std::uint64_t store_errors_ = 0;
  std::atomic<std::uint64_t> read_cache_hits_{0}, read_cache_misses_{0};
};

}  // namespace fidelis::api
