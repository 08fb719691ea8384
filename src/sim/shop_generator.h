// A seeded generator of realistic shop histories: members enrol, order from a catalogue at their
// own pace, sometimes cancel or refund (whole, by line, or by amount), and spend points. The same
// seed always gives the same events, on every machine (own PRNG, no std distributions).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "core/time.h"

namespace fidelis::sim {

struct ShopSpec {
  std::uint64_t seed = 42;
  std::string shop = "demo";
  std::size_t members = 3000;
  int days = 365;
  core::Timestamp start;              // first day, 00:00 UTC
  int mean_days_between_orders = 40;  // per member, varied around this
  int cancel_per_mille = 30;          // orders cancelled within a day
  int refund_per_mille = 80;          // orders refunded within 30 days
  int spend_per_mille = 150;          // chance an order is followed by a points spend
  // Chance an order is followed by a review (a third with a photo); half as often a survey. New
  // members then also complete their profile or follow the shop now and then. 0 (the default)
  // generates none of these and draws no random numbers for them, so workloads stay the same.
  int engagement_per_mille = 0;
  // The demo's shop (off by default: benchmarks and the crash test keep their workload): members
  // join over the whole period with a pace from a heavy-tailed mix and may drop out after any
  // order (BG/NBD-like); some have a favourite (replenished) product; they give birthdays and
  // time zones; some join by referral (a few abusive: a shared email, a referral ring); some pay
  // for the VIP club; surveys carry NPS, CSAT and CES; refunds and a few orders open support
  // tickets; shoppers outside the program place guest orders.
  bool realistic = false;
  // Called at the start of every generated day (0 to days-1), e.g. for a progress bar.
  std::function<void(int day)> on_day;
};

struct GeneratedCounts {
  std::size_t events = 0;
  std::size_t orders = 0;
  std::size_t cancellations = 0;
  std::size_t refunds = 0;
  std::size_t spends = 0;
  std::size_t actions = 0;       // reviews, surveys, follows, completed profiles
  std::size_t referrals = 0;     // members who joined with referred_by (realistic)
  std::size_t tickets = 0;       // support tickets opened (realistic)
  std::size_t memberships = 0;   // VIP memberships started (realistic)
  std::size_t guest_orders = 0;  // orders of shoppers outside the program (realistic)
};

// Calls `emit` with each event as one line of JSON, in time order.
GeneratedCounts generate_shop(const ShopSpec& spec,
                              const std::function<void(std::string_view)>& emit);

// The end of the generated period (start + days).
core::Timestamp generated_until(const ShopSpec& spec);

}  // namespace fidelis::sim
