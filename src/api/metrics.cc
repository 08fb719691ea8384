#include "api/metrics.h"

#include <cstdio>

namespace fidelis::api {
namespace {

std::string number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.6g", value);
  return text;
}

}  // namespace

template <std::size_t N>
void Metrics::observe(Histogram& histogram, const std::array<double, N>& bounds, double value) {
  std::size_t bucket = 0;
  while (bucket < N && value > bounds[bucket]) ++bucket;
  ++histogram.buckets[bucket];
  ++histogram.count;
  histogram.sum += value;
}

template <std::size_t N>
void Metrics::write(std::string& out, const std::string& name, const std::string& labels,
                    const Histogram& histogram, const std::array<double, N>& bounds) {
  const std::string separator = labels.empty() ? "" : ",";
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i <= N; ++i) {
    cumulative += histogram.buckets[i];
    out += name + "_bucket{" + labels + separator + "le=\"" + (i < N ? number(bounds[i]) : "+Inf") +
           "\"} " + std::to_string(cumulative) + "\n";
  }
  const std::string braces = labels.empty() ? "" : "{" + labels + "}";
  out += name + "_sum" + braces + " " + number(histogram.sum) + "\n";
  out += name + "_count" + braces + " " + std::to_string(histogram.count) + "\n";
}

void Metrics::request(const std::string& route, int status, double seconds) {
  std::lock_guard lock(mutex_);
  ++requests_[{route, status}];
  observe(latency_[route], kLatencyBounds, seconds);
}

void Metrics::batch(std::size_t size, std::size_t accepted) {
  std::lock_guard lock(mutex_);
  observe(batches_, kBatchBounds, static_cast<double>(size));
  events_accepted_ += accepted;
}

void Metrics::store_error() {
  std::lock_guard lock(mutex_);
  ++store_errors_;
}

std::string Metrics::render() const {
  std::lock_guard lock(mutex_);
  std::string out;
  out += "# HELP fidelis_http_requests_total Requests answered, by route and status.\n";
  out += "# TYPE fidelis_http_requests_total counter\n";
  for (const auto& [key, count] : requests_) {
    out += "fidelis_http_requests_total{route=\"" + key.first + "\",status=\"" +
           std::to_string(key.second) + "\"} " + std::to_string(count) + "\n";
  }
  out += "# HELP fidelis_http_request_seconds Time from receiving a request to answering it.\n";
  out += "# TYPE fidelis_http_request_seconds histogram\n";
  for (const auto& [route, histogram] : latency_) {
    write(out, "fidelis_http_request_seconds", "route=\"" + route + "\"", histogram,
          kLatencyBounds);
  }
  out += "# HELP fidelis_events_ingested_total Events accepted and made durable.\n";
  out += "# TYPE fidelis_events_ingested_total counter\n";
  out += "fidelis_events_ingested_total " + std::to_string(events_accepted_) + "\n";
  out += "# HELP fidelis_batch_events Event posts per committed batch (group commit).\n";
  out += "# TYPE fidelis_batch_events histogram\n";
  write(out, "fidelis_batch_events", "", batches_, kBatchBounds);
  out += "# HELP fidelis_store_errors_total Store operations that failed.\n";
  out += "# TYPE fidelis_store_errors_total counter\n";
  out += "fidelis_store_errors_total " + std::to_string(store_errors_) + "\n";
  out += "# HELP fidelis_read_cache_total Member reads looked up on the HTTP threads, by result.\n";
  out += "# TYPE fidelis_read_cache_total counter\n";
  out +=
      "fidelis_read_cache_total{result=\"hit\"} " + std::to_string(read_cache_hits_.load()) + "\n";
  out += "fidelis_read_cache_total{result=\"miss\"} " + std::to_string(read_cache_misses_.load()) +
         "\n";
  return out;
}

}  // namespace fidelis::api
