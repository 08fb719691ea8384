// JSON views of member state and ledger lines (CONTRACT.md "Member state", "Ledger lines"), shared
// by the CLI and, later, the HTTP API so that both print exactly the same thing.
#pragma once

#include <string>

#include "core/json_writer.h"
#include "domain/ledger/state.h"
#include "domain/program/program.h"

namespace fidelis::engine {

// `program` is the version in force at the member's clock (for the tier and what remains to the
// next one); null when the shop has none. `referral_code` is the member's own (Engine::
// referral_code), shown when the program has referrals.
void write_member_json(core::JsonWriter& out, const std::string& shop,
                       const domain::MemberState& state, const domain::Program* program,
                       std::string_view referral_code = {});
// A redemption code: what it gives, its status and validity.
void write_redemption_json(core::JsonWriter& out, const domain::Redemption& redemption);
// A ledger line with its reason in the member's locale; `credit_currency` is the wallet's.
void write_ledger_line_json(core::JsonWriter& out, const domain::LedgerLine& line,
                            std::string_view locale, std::string_view credit_currency);

// The referral block of a member: own code, who referred them, whom they referred; null when
// there is nothing to show.
void write_referral_json(core::JsonWriter& out, const domain::Program* program,
                         const domain::MemberState& state, std::string_view referral_code);
// The program's missions with the member's progress.
void write_missions_json(core::JsonWriter& out, const domain::Program& program,
                         const domain::MemberState& state);

// A page of a member's ledger: {"member", "shop", "lines", "next_after"}; `next_after` is the
// last seq when the page is full (`limit` lines: there may be more), else null.
void write_ledger_page_json(core::JsonWriter& out, const std::string& shop,
                            const domain::MemberState& state,
                            const std::vector<domain::LedgerLine>& lines, std::size_t limit);

// A simulation report (`simulate --json`, POST /v1/program:simulate).
struct SimulationReport;
void write_simulation_json(core::JsonWriter& out, const std::string& shop,
                           const SimulationReport& report, std::optional<core::Timestamp> from,
                           std::optional<core::Timestamp> to);

}  // namespace fidelis::engine
