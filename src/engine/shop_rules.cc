#include "engine/shop_rules.h"

#include "domain/reward/code.h"

namespace fidelis::engine {

const domain::Program* version_in_force(const std::vector<store::ProgramVersion>& versions,
                                        const std::vector<domain::Program>& programs,
                                        core::Timestamp at, int& version, int max_version) {
  for (std::size_t i = versions.size(); i-- > 0;) {
    if (max_version > 0 && versions[i].version > max_version) continue;
    const auto& from = versions[i].applies_from;
    if (!from || *from <= at) {
      version = versions[i].version;
      return &programs[i];
    }
  }
  return nullptr;
}

const domain::Program* numbered_version(const std::vector<store::ProgramVersion>& versions,
                                        const std::vector<domain::Program>& programs, int version) {
  for (std::size_t i = 0; i < versions.size(); ++i) {
    if (versions[i].version == version) return &programs[i];
  }
  return nullptr;
}

std::string referral_code_for(core::HmacSha256& keyed, const std::string& member) {
  return domain::referral_code_from_digest(keyed.hex("referral\x1f" + member));
}

const std::string* referred_by(const domain::Event& event) {
  const auto* change = std::get_if<domain::MemberChange>(&event.data);
  if (event.type != domain::EventType::member_enrolled || change == nullptr ||
      change->referred_by.empty()) {
    return nullptr;
  }
  return &change->referred_by;
}

void view_existing_referrer(const domain::Event& event, const std::string& referrer,
                            const domain::MemberState& state, domain::ShopView& view) {
  view.referrer = referrer;
  view.referrer_identity = state.identity;
  const std::int64_t month = core::utc_month_number(event.occurred_at);
  for (const auto& referee : state.referees) {
    if (core::utc_month_number(referee.at) == month &&
        referee.status != domain::ReferralStatus::flagged &&
        referee.status != domain::ReferralStatus::rejected) {
      ++view.referrer_this_month;
    }
  }
}

}  // namespace fidelis::engine
