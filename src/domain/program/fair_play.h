// The fair-play check (seed 003, docs/reference/program.md "Fair play"): what a program may not do
// to its members, checked when it is checked or activated, beyond what parsing already refuses.
// Errors refuse the program; warnings are printed and let it through.
#pragma once

#include <optional>
#include <vector>

#include "core/result.h"
#include "core/time.h"
#include "domain/program/program.h"

namespace fidelis::domain {

// Shortest notice before points expire; shortest notice before a version that devalues points
// already earned takes effect.
inline constexpr int kExpiryNoticeDaysMin = 14;
inline constexpr int kDevaluationNoticeDaysMin = 30;

struct FairPlayReport {
  core::Errors errors;
  core::Errors warnings;
};

// One program on its own: no lottery or draw, no credit or interest, terms everywhere, a notice
// before expiry; warnings for mechanics that push members to buy more than they would.
FairPlayReport check_fair_play(const Program& program);

// A new version against the one it follows: lowering what earned points are worth (a reward
// removed, made dearer or smaller) needs notice: the version may start no sooner than
// kDevaluationNoticeDaysMin days after it is activated.
core::Errors check_devaluation(const Program& before, const Program& after,
                               std::optional<core::Timestamp> applies_from,
                               core::Timestamp activated_at);

}  // namespace fidelis::domain
