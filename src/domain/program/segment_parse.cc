// read_segments(): the "segments" object (custom segments: conditions on recent behaviour and
// standing), and the lists of ids that segments and rewards name.
#include "domain/program/parse_helpers.h"

namespace fidelis::domain {
namespace {

constexpr std::int64_t kCountMax = 1'000'000'000;

Segment read_segment(ObjectReader& reader, std::string id) {
  reader.reject_unknown({"name", "months", "orders_at_least", "orders_at_most", "points_at_least",
                         "satisfaction_at_least", "member_for_days", "tiers", "badges",
                         "membership"});
  Segment segment;
  segment.id = std::move(id);
  segment.name = std::string(reader.string("name", true, 200).value_or(""));
  // Member states keep 36 months of facts (as for tiers' windows).
  segment.months = static_cast<int>(read_bounded(reader, "months", 1, 36).value_or(12));
  segment.orders_at_least = read_bounded(reader, "orders_at_least", 1, kCountMax);
  segment.orders_at_most = read_bounded(reader, "orders_at_most", 0, kCountMax);
  segment.points_at_least = read_bounded(reader, "points_at_least", 1, kPointsMax);
  segment.satisfaction_at_least = read_bounded(reader, "satisfaction_at_least", 0, 100);
  if (const auto days = read_bounded(reader, "member_for_days", 1, 36'600)) {
    segment.member_for_days = static_cast<int>(*days);
  }
  segment.tiers = read_id_list(reader, "tiers");
  segment.badges = read_id_list(reader, "badges");
  segment.membership = reader.boolean("membership", false).value_or(false);
  if (segment.orders_at_least && segment.orders_at_most &&
      *segment.orders_at_least > *segment.orders_at_most) {
    reader.add_error(ErrorCode::value_out_of_range,
                     "orders_at_least is more than orders_at_most: no member could be in it",
                     reader.pointer("orders_at_most"));
  }
  const bool any_condition = segment.orders_at_least || segment.orders_at_most ||
                             segment.points_at_least || segment.satisfaction_at_least ||
                             segment.member_for_days || !segment.tiers.empty() ||
                             !segment.badges.empty() || segment.membership;
  if (!any_condition) {
    reader.add_error(ErrorCode::field_missing,
                     "a segment needs at least one condition (orders_at_least, orders_at_most, "
                     "points_at_least, satisfaction_at_least, member_for_days, tiers, badges, "
                     "membership)",
                     reader.self_pointer());
  }
  return segment;
}

// Every badge the program can award: missions' and spend milestones'.
bool program_awards_badge(const Program& program, std::string_view badge) {
  for (const Mission& mission : program.missions) {
    if (mission.badge == badge) return true;
  }
  for (const SpendMilestone& milestone : program.spend_milestones) {
    if (milestone.badge == badge) return true;
  }
  return false;
}

}  // namespace

std::vector<std::string> read_id_list(ObjectReader& reader, std::string_view key) {
  std::vector<std::string> ids;
  const auto array = reader.array(key, false);
  if (!array) return ids;
  std::size_t index = 0;
  for (const auto element : *array) {
    const std::string pointer = core::json_pointer_index(reader.pointer(key), index++);
    std::string_view id;
    if (element.get_string().get(id) != simdjson::SUCCESS || !is_valid_id(id)) {
      reader.add_error(ErrorCode::id_invalid,
                       std::string(key) + " lists ids (1-128 printable ASCII characters)", pointer);
      continue;
    }
    ids.emplace_back(id);
  }
  if (ids.empty() && index == 0) {
    reader.add_error(ErrorCode::value_out_of_range, std::string(key) + " names at least one id",
                     reader.pointer(key));
  }
  return ids;
}

void read_segments(ObjectReader& root, Program& program) {
  read_rules(root, "segments", program.segments, read_segment);
  // What a segment names must exist: tier levels and badges of this program.
  for (const Segment& segment : program.segments) {
    const std::string pointer = core::json_pointer_child("/segments", segment.id);
    for (std::size_t i = 0; i < segment.tiers.size(); ++i) {
      if (!program.tiers || program.tiers->index_of(segment.tiers[i]) < 0) {
        root.add_error(ErrorCode::value_not_allowed,
                       "tier \"" + segment.tiers[i] + "\" is not a level of \"tiers\"",
                       core::json_pointer_index(core::json_pointer_child(pointer, "tiers"), i));
      }
    }
    for (std::size_t i = 0; i < segment.badges.size(); ++i) {
      if (!program_awards_badge(program, segment.badges[i])) {
        root.add_error(
            ErrorCode::value_not_allowed,
            "no mission or milestone of the program awards badge \"" + segment.badges[i] + "\"",
            core::json_pointer_index(core::json_pointer_child(pointer, "badges"), i));
      }
    }
    if (segment.membership && program.memberships.empty()) {
      root.add_error(ErrorCode::value_not_allowed,
                     "membership needs a paid membership plan (\"memberships\")",
                     core::json_pointer_child(pointer, "membership"));
    }
  }
  // A reward reserved to segments must name segments of this program.
  for (const Reward& reward : program.rewards) {
    const std::string pointer =
        core::json_pointer_child(core::json_pointer_child("/rewards", reward.id), "segments");
    for (std::size_t i = 0; i < reward.segments.size(); ++i) {
      if (program.segment(reward.segments[i]) == nullptr) {
        root.add_error(ErrorCode::value_not_allowed,
                       "segment \"" + reward.segments[i] + "\" is not one of \"segments\"",
                       core::json_pointer_index(pointer, i));
      }
    }
  }
}

}  // namespace fidelis::domain
