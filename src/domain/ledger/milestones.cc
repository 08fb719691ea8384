#include "domain/ledger/milestones.h"

#include <algorithm>
#include <cstdio>

namespace fidelis::domain {
namespace {

const YearlyMilestone* yearly_rule(const Program* program, Yearly which) {
  if (program == nullptr) return nullptr;
  switch (which) {
    case Yearly::birthday:
      return program->birthday ? &*program->birthday : nullptr;
    case Yearly::purchase_anniversary:
      return program->purchase_anniversary ? &*program->purchase_anniversary : nullptr;
    case Yearly::program_anniversary:
      return program->program_anniversary ? &*program->program_anniversary : nullptr;
  }
  return nullptr;
}

std::string_view yearly_rule_name(Yearly which) {
  switch (which) {
    case Yearly::birthday:
      return "milestone.birthday";
    case Yearly::purchase_anniversary:
      return "milestone.first_purchase_anniversary";
    case Yearly::program_anniversary:
      return "milestone.program_anniversary";
  }
  return "";
}

// "MM-DD" as month and day.
core::MonthDay parse_month_day(const std::string& text) {
  return {std::stoi(text.substr(0, 2)), std::stoi(text.substr(3, 2))};
}

}  // namespace

std::optional<core::Timestamp>& yearly_timer(MemberState& state, Yearly which) {
  switch (which) {
    case Yearly::birthday:
      return state.next_birthday;
    case Yearly::purchase_anniversary:
      return state.next_purchase_anniversary;
    case Yearly::program_anniversary:
      break;
  }
  return state.next_program_anniversary;
}

void schedule_yearly(MemberState& state, const Program* program, Yearly which,
                     core::Timestamp after) {
  std::optional<core::Timestamp>& timer = yearly_timer(state, which);
  timer.reset();
  const YearlyMilestone* rule = yearly_rule(program, which);
  if (rule == nullptr) return;
  core::MonthDay date;
  if (which == Yearly::program_anniversary) {
    // The launch's UTC date; the day after launch at the earliest, so the launch day itself is
    // never its own anniversary, whatever the member's zone.
    date = core::local_month_day("", rule->launched_at);
    after = std::max(after, core::add_days(rule->launched_at, 1));
  } else {
    const std::string& own =
        which == Yearly::birthday ? state.birthday_md : state.first_purchase_md;
    if (own.empty()) return;
    date = parse_month_day(own);
  }
  timer = core::next_local_day(state.time_zone, date.month, date.day, after);
}

void sync_yearly(MemberState& state, const Program& program, core::Timestamp now,
                 bool dates_moved) {
  for (const Yearly which : kYearlyMilestones) {
    const bool celebrated = yearly_rule(&program, which) != nullptr;
    if (dates_moved || celebrated != yearly_timer(state, which).has_value()) {
      schedule_yearly(state, &program, which, now);
    }
  }
}

void celebrate_yearly(LedgerWriter& writer, const Program* program, Yearly which,
                      core::Timestamp at) {
  if (const YearlyMilestone* rule = yearly_rule(program, which)) {
    Event cause;
    cause.id = "timer";
    writer.credit(rule->points, LotState::available, LineKind::earn, at, at,
                  program->lot_expiry(at), cause, std::string(yearly_rule_name(which)), "", "", 0);
  }
  schedule_yearly(writer.state(), program, which, at);
}

void order_settled(LedgerWriter& writer, const Program* program, const Lot& lot, core::Timestamp at,
                   const std::string& cause_id) {
  MemberState& s = writer.state();
  if (s.first_purchase_md.empty()) {
    const core::MonthDay date = core::local_month_day(s.time_zone, lot.earned_at);
    char text[8];
    std::snprintf(text, sizeof text, "%02d-%02d", date.month, date.day);
    s.first_purchase_md = text;
    schedule_yearly(s, program, Yearly::purchase_anniversary, at);
  }
  if (program == nullptr || lot.spend == 0) return;
  s.settled_spend += lot.spend;
  for (const SpendMilestone& milestone : program->spend_milestones) {
    if (s.settled_spend < milestone.amount.minor) break;  // ascending amounts
    if (std::find(s.spend_reached.begin(), s.spend_reached.end(), milestone.id) !=
        s.spend_reached.end()) {
      continue;
    }
    s.spend_reached.push_back(milestone.id);
    const std::string rule = "milestone.spend";
    if (milestone.points > 0) {
      Event cause;
      cause.id = cause_id;
      writer.credit(milestone.points, LotState::available, LineKind::earn, at, at,
                    program->lot_expiry(at), cause, rule, "", milestone.id, 0);
    }
    writer.award_badge(milestone.badge, at, rule + "." + milestone.id);
  }
}

}  // namespace fidelis::domain
