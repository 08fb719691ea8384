#include "core/time.h"

#include <gtest/gtest.h>

namespace fidelis::core {
namespace {

Timestamp at(std::string_view text) { return *parse_rfc3339(text); }

TEST(Timestamp, ParsesOffsetsToUtc) {
  EXPECT_EQ(format_rfc3339(at("2025-03-01T10:15:00+01:00")), "2025-03-01T09:15:00Z");
  EXPECT_EQ(format_rfc3339(at("2025-03-01T00:15:00-05:30")), "2025-03-01T05:45:00Z");
  EXPECT_EQ(format_rfc3339(at("1970-01-01T00:00:00Z")), "1970-01-01T00:00:00Z");
  EXPECT_EQ(at("1970-01-01T00:00:01z").micros, 1'000'000);
  EXPECT_EQ(at("1969-12-31T23:59:59Z").micros, -1'000'000);
}

TEST(Timestamp, KeepsMicroseconds) {
  EXPECT_EQ(format_rfc3339(at("2025-03-01T09:15:00.25Z")), "2025-03-01T09:15:00.250000Z");
  EXPECT_EQ(at("2025-03-01T09:15:00.000001Z").micros % 1'000'000, 1);
}

TEST(Timestamp, RefusesWhatIsNotRfc3339) {
  for (const char* text :
       {"2025-03-01", "2025-03-01T10:15:00", "2025-02-30T10:00:00Z", "2025-03-01 10:15:00Z",
        "2025-13-01T10:00:00Z", "2025-03-01T24:00:00Z", "2025-03-01T10:00:60Z",
        "2025-03-01T10:00:00.1234567Z", "2025-03-01T10:00:00+0100", "2025-03-01T10:00:00Zjunk",
        "2025-03-01T10:00:00.Z", ""}) {
    SCOPED_TRACE(text);
    EXPECT_EQ(parse_rfc3339(text).error().code, ErrorCode::timestamp_invalid);
  }
}

TEST(Timestamp, AddsMonthsClampedToTheMonthEnd) {
  EXPECT_EQ(format_rfc3339(add_months(at("2025-01-31T12:00:00Z"), 1)), "2025-02-28T12:00:00Z");
  EXPECT_EQ(format_rfc3339(add_months(at("2024-01-31T12:00:00Z"), 1)), "2024-02-29T12:00:00Z");
  EXPECT_EQ(format_rfc3339(add_months(at("2025-03-15T08:00:00Z"), 12)), "2026-03-15T08:00:00Z");
  EXPECT_EQ(format_rfc3339(start_of_next_month(at("2025-12-15T08:00:00Z"))),
            "2026-01-01T00:00:00Z");
  EXPECT_EQ(format_rfc3339(add_days(at("2025-02-27T08:00:00Z"), 2)), "2025-03-01T08:00:00Z");
}

TEST(Timestamp, NumbersDaysAndMonths) {
  EXPECT_EQ(utc_day_number(at("1970-01-02T23:59:59Z")), 1);
  EXPECT_EQ(utc_day_number(at("1969-12-31T23:59:59Z")), -1);
  EXPECT_EQ(
      utc_month_number(at("2025-03-01T00:00:00Z")) - utc_month_number(at("2024-12-31T23:00:00Z")),
      3);
}

TEST(Timestamp, MonthNumbersRoundTrip) {
  const Timestamp at = *parse_rfc3339("2025-02-14T10:00:00Z");
  EXPECT_EQ(format_rfc3339(start_of_month_number(utc_month_number(at))), "2025-02-01T00:00:00Z");
  EXPECT_EQ(format_rfc3339(start_of_month_number(utc_month_number(at) + 11)),
            "2026-01-01T00:00:00Z");
}

TEST(TimeZones, NextLocalDayIsTheLocalMidnightInTheMembersZone) {
  const Timestamp january = *parse_rfc3339("2025-01-10T12:00:00Z");
  EXPECT_EQ(format_rfc3339(next_local_day("Europe/Paris", 3, 15, january)), "2025-03-14T23:00:00Z");
  EXPECT_EQ(format_rfc3339(next_local_day("America/Sao_Paulo", 3, 15, january)),
            "2025-03-15T03:00:00Z");
  EXPECT_EQ(format_rfc3339(next_local_day("", 3, 15, january)), "2025-03-15T00:00:00Z");
  // Strictly after: on the instant itself, next year's.
  EXPECT_EQ(
      format_rfc3339(next_local_day("Europe/Paris", 3, 15, *parse_rfc3339("2025-03-14T23:00:00Z"))),
      "2026-03-14T23:00:00Z");
  // February 29 falls on the 28th in other years.
  EXPECT_EQ(format_rfc3339(next_local_day("", 2, 29, january)), "2025-02-28T00:00:00Z");
  EXPECT_EQ(format_rfc3339(next_local_day("", 2, 29, *parse_rfc3339("2027-03-01T00:00:00Z"))),
            "2028-02-29T00:00:00Z");
  EXPECT_TRUE(is_time_zone("Europe/Paris"));
  EXPECT_FALSE(is_time_zone("Mars/Olympus"));
  EXPECT_FALSE(is_time_zone(""));
}

TEST(TimeZones, LocalMonthDayIsTheDateWhereTheMemberLives) {
  const Timestamp late = *parse_rfc3339("2025-03-14T23:30:00Z");
  EXPECT_EQ(local_month_day("Europe/Paris", late).month, 3);
  EXPECT_EQ(local_month_day("Europe/Paris", late).day, 15);
  EXPECT_EQ(local_month_day("", late).day, 14);
  EXPECT_EQ(local_month_day("America/Sao_Paulo", *parse_rfc3339("2025-01-01T01:00:00Z")).month, 12);
}

}  // namespace
}  // namespace fidelis::core
