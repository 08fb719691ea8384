// Milestones (docs/reference/program.md "Milestones"): yearly dates celebrated at local midnight
// in the member's time zone, and lifetime spend thresholds reached as orders settle.
#pragma once

#include "domain/ledger/ledger_writer.h"

namespace fidelis::domain {

// Sets the timer of `which` to its next date after `after` under `program`, or clears it when the
// program does not celebrate it or the member's date is unknown.
void schedule_yearly(MemberState& state, const Program* program, Yearly which,
                     core::Timestamp after);

// Schedules the yearly milestones the program celebrates and the member has no timer for, and
// clears those it does not (or all of them again when `dates_moved`: a new birthday or zone).
void sync_yearly(MemberState& state, const Program& program, core::Timestamp now, bool dates_moved);

// A yearly milestone's timer: its points under the version in force, then next year's date.
void celebrate_yearly(LedgerWriter& writer, const Program* program, Yearly which,
                      core::Timestamp at);

// An order that earned points settled (its return window passed with some of it kept, or there
// was none): the first one sets the first-purchase date; its spend counts toward spend milestones.
// `cause_id` names the ledger lines' cause: "timer", or the order event when it settles at once.
void order_settled(LedgerWriter& writer, const Program* program, const Lot& lot, core::Timestamp at,
                   const std::string& cause_id);

}  // namespace fidelis::domain
