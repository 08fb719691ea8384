// Helpers shared by the readers of the program definition's parts (program_parse.cc,
// reward_parse.cc). Every helper records located errors in the reader instead of stopping.
#pragma once

#include <algorithm>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/json_reader.h"
#include "core/time.h"
#include "domain/event/event.h"
#include "domain/program/program.h"

namespace fidelis::domain {

using core::ErrorCode;
using core::ObjectReader;

// A string that must be one of `choices`; nothing (with an error) otherwise.
template <typename Enum>
std::optional<Enum> read_choice(ObjectReader& reader, std::string_view key,
                                std::initializer_list<std::pair<std::string_view, Enum>> choices) {
  const auto text = reader.string(key, false, 64);
  if (!text) return std::nullopt;
  std::string allowed;
  for (const auto& [name, value] : choices) {
    if (name == *text) return value;
    allowed += (allowed.empty() ? "" : ", ") + std::string(name);
  }
  reader.add_error(ErrorCode::value_not_allowed, std::string(key) + " must be one of: " + allowed,
                   reader.pointer(key));
  return std::nullopt;
}

// An integer in [low, high]; nothing (with an error) otherwise.
std::optional<std::int64_t> read_bounded(ObjectReader& reader, std::string_view key,
                                         std::int64_t low, std::int64_t high);
// An RFC 3339 time.
std::optional<core::Timestamp> read_time(ObjectReader& reader, std::string_view key);
// `from` and `until`: the window [from, until) of events that count.
void read_window(ObjectReader& reader, std::optional<core::Timestamp>& from,
                 std::optional<core::Timestamp>& until);

// "badge": an id, or empty when absent (program_parse.cc).
std::string read_badge(ObjectReader& reader);
// "amount": "5.00" with "currency": "EUR", more than zero (reward_parse.cc).
std::optional<core::Money> read_money(ObjectReader& reader);

// A string amount under `key` in `currency` (nothing without a currency), minor units
// (tier_parse.cc).
std::optional<std::int64_t> read_money_in(ObjectReader& reader, std::string_view key,
                                          const std::optional<core::Currency>& currency);

// An array of ids under `key` (at least one when present); empty when absent (segment_parse.cc).
std::vector<std::string> read_id_list(ObjectReader& reader, std::string_view key);
// Reads "segments" into the program and checks what segments and rewards' "segments" name
// (segment_parse.cc); after tiers, missions, milestones, memberships and rewards.
void read_segments(ObjectReader& root, Program& program);

// Reads "tiers" into the program (tier_parse.cc).
void read_tiers(ObjectReader& root, Program& program);

// Reads "milestones" and "leaderboard" into the program (milestone_parse.cc).
void read_milestones(ObjectReader& root, Program& program);
void read_leaderboard(ObjectReader& root, Program& program);

// Reads one entry of "rewards" (reward_parse.cc); `credit_currency` is cashback's, if any.
Reward read_reward(ObjectReader& reader, std::string id,
                   const std::optional<core::Currency>& credit_currency);
// Reads "cashback" (reward_parse.cc).
std::optional<Cashback> read_cashback(ObjectReader& root);

// Reads an object of rules keyed by id, in id order.
template <typename Rule, typename ReadRule>
void read_rules(ObjectReader& root, std::string_view key, std::vector<Rule>& out,
                ReadRule read_rule) {
  const auto object = root.object(key, false);
  if (!object) return;
  const std::string pointer = root.pointer(key);
  for (const auto field : *object) {
    const std::string field_pointer = core::json_pointer_child(pointer, field.key);
    if (!is_valid_id(field.key)) {
      root.add_error(ErrorCode::id_invalid, "a rule id is 1-128 printable ASCII characters",
                     field_pointer);
      continue;
    }
    simdjson::dom::object rule_object;
    if (field.value.get_object().get(rule_object) != simdjson::SUCCESS) {
      root.add_error(ErrorCode::field_wrong_type, "a rule is an object", field_pointer);
      continue;
    }
    ObjectReader reader(rule_object, field_pointer, root.errors());
    out.push_back(read_rule(reader, std::string(field.key)));
  }
  std::sort(out.begin(), out.end(), [](const Rule& a, const Rule& b) { return a.id < b.id; });
}

}  // namespace fidelis::domain
