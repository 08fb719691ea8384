// RFC 3339 parsing/printing and calendar arithmetic on top of std::chrono's civil calendar.
#include "core/time.h"

#include <chrono>
#include <cstdio>

namespace fidelis::core {
namespace {

namespace chr = std::chrono;

bool read_digits(std::string_view text, std::size_t at, std::size_t count, int& out) {
  if (at + count > text.size()) return false;
  int value = 0;
  for (std::size_t i = at; i < at + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    value = value * 10 + (text[i] - '0');
  }
  out = value;
  return true;
}

Error invalid(std::string_view text, std::string_view why) {
  return make_error(ErrorCode::timestamp_invalid,
                    "timestamp \"" + std::string(text.substr(0, 40)) + "\" " + std::string(why) +
                        " (expected RFC 3339 like 2025-03-01T10:15:00+01:00)");
}

chr::sys_days to_days(Timestamp at) {
  return chr::floor<chr::days>(chr::sys_time<chr::microseconds>(chr::microseconds(at.micros)));
}

}  // namespace

Result<Timestamp> parse_rfc3339(std::string_view text) {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!read_digits(text, 0, 4, year) || text.size() < 20 || text[4] != '-' ||
      !read_digits(text, 5, 2, month) || text[7] != '-' || !read_digits(text, 8, 2, day) ||
      (text[10] != 'T' && text[10] != 't') || !read_digits(text, 11, 2, hour) || text[13] != ':' ||
      !read_digits(text, 14, 2, minute) || text[16] != ':' || !read_digits(text, 17, 2, second)) {
    return invalid(text, "is not of the form YYYY-MM-DDTHH:MM:SS");
  }
  std::size_t pos = 19;
  std::int64_t micros = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    const std::size_t start = pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
    const std::size_t digits = pos - start;
    if (digits == 0) return invalid(text, "has an empty fraction");
    if (digits > 6) return invalid(text, "has more than 6 fraction digits (microseconds)");
    for (std::size_t i = 0; i < 6; ++i) {
      micros = micros * 10 + (i < digits ? text[start + i] - '0' : 0);
    }
  }
  int offset_minutes = 0;
  if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
    ++pos;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    int off_hour = 0, off_minute = 0;
    if (!read_digits(text, pos + 1, 2, off_hour) || pos + 3 >= text.size() ||
        text[pos + 3] != ':' || !read_digits(text, pos + 4, 2, off_minute) || off_hour > 23 ||
        off_minute > 59) {
      return invalid(text, "has a malformed offset");
    }
    offset_minutes = (off_hour * 60 + off_minute) * (text[pos] == '-' ? -1 : 1);
    pos += 6;
  } else {
    return invalid(text, "has no offset ('Z' or +HH:MM)");
  }
  if (pos != text.size()) return invalid(text, "has trailing characters");
  if (year < 1 || month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) {
    return invalid(text, "has a field out of range");
  }
  const chr::year_month_day date{chr::year{year}, chr::month{static_cast<unsigned>(month)},
                                 chr::day{static_cast<unsigned>(day)}};
  if (!date.ok()) return invalid(text, "is not a calendar date");
  const std::int64_t days = chr::sys_days(date).time_since_epoch().count();
  const std::int64_t seconds =
      days * 86'400 + hour * 3'600 + minute * 60 + second - std::int64_t{offset_minutes} * 60;
  return Timestamp{seconds * kMicrosPerSecond + micros};
}

std::string format_rfc3339(Timestamp at) {
  const chr::sys_days days = to_days(at);
  const chr::year_month_day date{days};
  const std::int64_t in_day = at.micros - days.time_since_epoch().count() * kMicrosPerDay;
  const std::int64_t seconds = in_day / kMicrosPerSecond;
  const std::int64_t micros = in_day % kMicrosPerSecond;
  char buffer[48];
  int written = std::snprintf(
      buffer, sizeof buffer, "%04d-%02u-%02uT%02lld:%02lld:%02lld", static_cast<int>(date.year()),
      static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
      static_cast<long long>(seconds / 3600), static_cast<long long>(seconds / 60 % 60),
      static_cast<long long>(seconds % 60));
  if (micros != 0) {
    written += std::snprintf(buffer + written, sizeof buffer - static_cast<std::size_t>(written),
                             ".%06lld", static_cast<long long>(micros));
  }
  return std::string(buffer, static_cast<std::size_t>(written)) + "Z";
}

Timestamp add_days(Timestamp at, std::int64_t days) {
  return Timestamp{at.micros + days * kMicrosPerDay};
}

Timestamp add_months(Timestamp at, int months) {
  const chr::sys_days days = to_days(at);
  const std::int64_t in_day = at.micros - days.time_since_epoch().count() * kMicrosPerDay;
  const chr::year_month_day date{days};
  chr::year_month_day target = date + chr::months{months};
  if (!target.ok()) target = target.year() / target.month() / chr::last;
  return Timestamp{chr::sys_days(target).time_since_epoch().count() * kMicrosPerDay + in_day};
}

Timestamp start_of_next_month(Timestamp at) {
  const chr::year_month_day date{to_days(at)};
  const chr::year_month_day first = (date.year() / date.month() / 1) + chr::months{1};
  return Timestamp{chr::sys_days(first).time_since_epoch().count() * kMicrosPerDay};
}

std::int64_t utc_day_number(Timestamp at) { return to_days(at).time_since_epoch().count(); }

std::int64_t utc_month_number(Timestamp at) {
  const chr::year_month_day date{to_days(at)};
  return static_cast<std::int64_t>(static_cast<int>(date.year())) * 12 +
         static_cast<unsigned>(date.month()) - 1;
}

Timestamp start_of_month_number(std::int64_t month) {
  const chr::year_month_day first{chr::year{static_cast<int>(month / 12)},
                                  chr::month{static_cast<unsigned>(month % 12 + 1)}, chr::day{1}};
  return Timestamp{chr::sys_days(first).time_since_epoch().count() * kMicrosPerDay};
}

Timestamp wall_clock() {
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  return Timestamp{std::chrono::duration_cast<std::chrono::microseconds>(now).count()};
}

}  // namespace fidelis::core
