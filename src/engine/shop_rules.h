// What the engine decides beside the pure domain, for the engine and for the simulation's
// replayer alike (engine/replayer.h): a member's referral code, and what a member.enrolled event
// with `referred_by` learns about its referrer. One definition, so that a simulation can never
// read a shop differently from the live engine.
#pragma once

#include <string>

#include "core/digest.h"
#include "domain/event/event.h"
#include "domain/ledger/apply.h"
#include "domain/ledger/state.h"
#include "domain/program/program.h"
#include "store/store.h"

namespace fidelis::engine {

// The program version in force at `at` among `versions` up to `max_version` (0: all): the latest
// whose start is at or before `at` (the first version has no start). Sets `version`; null when
// none. `programs` are the versions' parsed definitions, in the same order.
const domain::Program* version_in_force(const std::vector<store::ProgramVersion>& versions,
                                        const std::vector<domain::Program>& programs,
                                        core::Timestamp at, int& version, int max_version = 0);

// The program of version number `version` among `versions`, or null.
const domain::Program* numbered_version(const std::vector<store::ProgramVersion>& versions,
                                        const std::vector<domain::Program>& programs, int version);

// A member's referral code, from the shop's keyed digest (stable, unguessable without the secret).
std::string referral_code_for(core::HmacSha256& keyed, const std::string& member);

// The referral a member.enrolled event starts, when it names someone (by member id or by referral
// code); null for any other event.
const std::string* referred_by(const domain::Event& event);

// Fills `view` for an enrolment naming `referrer`, an existing member whose state is `state`:
// who, their identity digests, and how many of their referrals this UTC month count toward the
// program's cap (flagged and rejected ones do not).
void view_existing_referrer(const domain::Event& event, const std::string& referrer,
                            const domain::MemberState& state, domain::ShopView& view);

}  // namespace fidelis::engine
