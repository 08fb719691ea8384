// Custom segments (program "segments"): whether a member meets a segment's conditions at a
// time, from the monthly facts kept in the member state (docs/reference/program.md "Segments").
#pragma once

#include <string>
#include <vector>

#include "core/time.h"
#include "domain/ledger/state.h"
#include "domain/program/program.h"

namespace fidelis::domain {

bool in_segment(const Program& program, const Segment& segment, const MemberState& state,
                core::Timestamp at);
// The ids of the program's segments the member is in at `at`, in id order.
std::vector<std::string> member_segments(const Program& program, const MemberState& state,
                                         core::Timestamp at);

}  // namespace fidelis::domain
