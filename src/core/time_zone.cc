// Time zones through Howard Hinnant's date library (libhowardhinnant-date-dev), reading the
// system's tz database (tzdata): the local dates of member milestones.
#include <date/tz.h>

#include <chrono>
#include <stdexcept>

#include "core/time.h"

namespace fidelis::core {
namespace {

namespace chr = std::chrono;

const date::time_zone* find_zone(std::string_view zone) {
  try {
    return date::locate_zone(std::string(zone));
  } catch (const std::runtime_error&) {
    return nullptr;
  }
}

}  // namespace

bool is_time_zone(std::string_view zone) { return !zone.empty() && find_zone(zone) != nullptr; }

Timestamp next_local_day(std::string_view zone, int month, int day, Timestamp after) {
  const date::time_zone* tz = zone.empty() ? nullptr : find_zone(zone);
  const chr::sys_time<chr::microseconds> after_sys{chr::microseconds{after.micros}};
  // The local year of `after`, then the next one: one of the two has the date after `after`.
  const auto local_after = tz != nullptr
                               ? tz->to_local(after_sys)
                               : date::local_time<chr::microseconds>{after_sys.time_since_epoch()};
  const date::year_month_day today{date::floor<date::days>(local_after)};
  for (int offset = 0; offset < 3; ++offset) {
    const date::year year = today.year() + date::years{offset};
    date::year_month_day target{year, date::month{static_cast<unsigned>(month)},
                                date::day{static_cast<unsigned>(day)}};
    if (!target.ok()) target = date::year_month_day{year / date::month{2} / date::last};
    const date::local_days midnight{target};
    const chr::sys_time<chr::microseconds> at =
        tz != nullptr ? tz->to_sys(midnight, date::choose::earliest)
                      : chr::sys_time<chr::microseconds>{midnight.time_since_epoch()};
    if (at > after_sys) return Timestamp{at.time_since_epoch().count()};
  }
  return Timestamp::max();  // not reached: a date recurs every year
}

MonthDay local_month_day(std::string_view zone, Timestamp at) {
  const date::time_zone* tz = zone.empty() ? nullptr : find_zone(zone);
  const chr::sys_time<chr::microseconds> at_sys{chr::microseconds{at.micros}};
  const auto local = tz != nullptr ? tz->to_local(at_sys)
                                   : date::local_time<chr::microseconds>{at_sys.time_since_epoch()};
  const date::year_month_day ymd{date::floor<date::days>(local)};
  return {static_cast<int>(static_cast<unsigned>(ymd.month())),
          static_cast<int>(static_cast<unsigned>(ymd.day()))};
}

}  // namespace fidelis::core
