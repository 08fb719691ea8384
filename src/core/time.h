// Timestamp: UTC microseconds since the Unix epoch. Parsed from RFC 3339 with an explicit offset
// and printed back as RFC 3339 in UTC. Calendar arithmetic (days, months clamped to the month's
// end) lives here so that the ledger never does it by hand.
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace fidelis::core {

inline constexpr std::int64_t kMicrosPerSecond = 1'000'000;
inline constexpr std::int64_t kMicrosPerDay = 86'400 * kMicrosPerSecond;

struct Timestamp {
  std::int64_t micros = 0;  // since 1970-01-01T00:00:00Z

  auto operator<=>(const Timestamp&) const = default;
  static constexpr Timestamp min() { return Timestamp{INT64_MIN}; }
  static constexpr Timestamp max() { return Timestamp{INT64_MAX}; }
};

// Parses "2025-03-01T10:15:00+01:00", "2025-03-01T09:15:00.25Z" ('T'/'t', 'Z'/'z'). Years
// 0001-9999, at most 6 fraction digits, no leap second. Error: timestamp_invalid.
Result<Timestamp> parse_rfc3339(std::string_view text);

// "2025-03-01T09:15:00Z", with ".ffffff" only when the microseconds are not zero.
std::string format_rfc3339(Timestamp at);

Timestamp add_days(Timestamp at, std::int64_t days);
// Same time of day `months` later; a day past the target month's end becomes its last day
// (Jan 31 + 1 month = Feb 28 or 29).
Timestamp add_months(Timestamp at, int months);
// The first instant of the month after the one containing `at` (UTC).
Timestamp start_of_next_month(Timestamp at);
// Whole days since the epoch (UTC) and months since year 0, for per-day and per-month caps.
std::int64_t utc_day_number(Timestamp at);
std::int64_t utc_month_number(Timestamp at);
// Whether `zone` is an IANA time zone name the system's database knows ("Europe/Paris").
bool is_time_zone(std::string_view zone);
// The first local midnight strictly after `after` that falls on `month`-`day` in `zone` (UTC when
// empty). February 29 falls on February 28 in other years.
Timestamp next_local_day(std::string_view zone, int month, int day, Timestamp after);
// The local month (1-12) and day of `at` in `zone` (UTC when empty or unknown).
struct MonthDay {
  int month = 1, day = 1;
};
MonthDay local_month_day(std::string_view zone, Timestamp at);

// The system clock now. Only the front doors (CLI, API) read it: the domain takes time as input.
Timestamp wall_clock();

// The first instant (UTC) of a month given as utc_month_number() counts it.
Timestamp start_of_month_number(std::int64_t month);

}  // namespace fidelis::core
