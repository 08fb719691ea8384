#include "store/codec.h"

#include <gtest/gtest.h>

#include <random>

#include "domain/ledger/apply.h"

namespace fidelis::store {
namespace {

domain::MemberState sample() {
  domain::MemberState state = domain::new_member("cust-42");
  state.clock = core::Timestamp{1'740'000'000'123'456};
  state.first_seen_at = core::Timestamp{1'700'000'000'000'000};
  state.earned = 300;
  state.spent = 100;
  state.expired = 35;
  state.reversed = 0;
  state.next_lot_id = 4;
  state.next_seq = 12;
  state.inactivity_deadline = core::Timestamp{1'760'000'000'000'000};
  state.cap_day = 20'000;
  state.cap_day_points = 7;
  state.locale = "fr-FR";
  domain::Lot pending;
  pending.id = 2;
  pending.granted = pending.remaining = 45;
  pending.earned_at = core::Timestamp{1'739'000'000'000'000};
  pending.available_at = core::Timestamp{1'740'209'600'000'000};
  pending.order_id = "o-1";
  domain::Lot available;
  available.id = 3;
  available.state = domain::LotState::available;
  available.granted = 150;
  available.remaining = 120;
  available.earned_at = core::Timestamp{-5};  // before the epoch, to test signed deltas
  available.available_at = core::Timestamp{-5};
  available.expires_at = core::Timestamp{31'536'000'000'000};
  state.lots = {pending, available};
  state.actions = {{"review", 3, core::Timestamp{1'739'500'000'000'000}, 24'302, 1},
                   {"signup", 1, core::Timestamp{1'700'000'000'000'000}, 24'287, 1}};
  state.missions = {
      {"reviews-3", 2, 0, INT64_MIN, core::Timestamp{1'739'400'000'000'000}, std::nullopt},
      {"monthly", 1, 4, 24'302, core::Timestamp{1'700'000'000'000'000},
       core::Timestamp{1'700'100'000'000'000}}};
  state.badges = {{"critic", core::Timestamp{1'739'500'000'000'000}, "mission.reviews-3"}};
  domain::Redemption issued;
  issued.code = "K7QF-9M2X-ZT4PA";
  issued.reward = "voucher-5";
  issued.event = "redeem-1";
  issued.points = 30;
  issued.issued_at = core::Timestamp{1'739'600'000'000'000};
  issued.expires_at = core::Timestamp{1'741'600'000'000'000};
  issued.name = "5.00 off";
  issued.amount = core::Money{500, *core::find_currency("EUR")};
  issued.lots = {{3, 30, 150, core::Timestamp{31'536'000'000'000}, ""}};
  domain::Redemption used;
  used.code = "0000-0000-00001";
  used.reward = "mug";
  used.event = "redeem-2";
  used.points = 10;
  used.return_on_expiry = false;
  used.status = domain::CodeStatus::used;
  used.closed_at = core::Timestamp{1'739'700'000'000'000};
  used.order_id = "o-9";
  used.kind = domain::RewardKind::free_product;
  used.target = "MUG-1";
  state.redemptions = {issued, used};
  state.tier = domain::MemberTier{"silver", core::Timestamp{1'739'000'000'000'000},
                                  core::Timestamp{1'740'787'200'000'000},
                                  core::Timestamp{1'741'000'000'000'000}};
  state.tier_months = {{24'302, 12'000, 1'500, 3'000, 2, 120, 170, 2},
                       {24'303, 0, 0, 0, 0, -20, 0, 0}};
  state.referral = domain::Referral{
      "cust-7", domain::ReferralStatus::ordered,        "",  core::Timestamp{1'739'000'000'000'000},
      "o-1",    core::Timestamp{1'740'209'600'000'000}, 500, 250};
  state.referees = {
      {"cust-99", domain::ReferralStatus::flagged, core::Timestamp{1'739'100'000'000'000}}};
  state.first_purchase_md = "02-14";
  state.next_purchase_anniversary = core::Timestamp{1'771'027'200'000'000};
  state.next_program_anniversary = core::Timestamp{1'772'323'200'000'000};
  state.settled_spend = 52'000;
  state.spend_reached = {"spend-100", "spend-500"};
  state.lots.back().spend = 11'500;
  state.wallet = {"EUR", 230, {{"o-2", 120, core::Timestamp{1'741'000'000'000'000}}}, 400, 50, 0};
  state.redemptions.back().credit = 500;
  state.redemptions.back().points = 0;
  state.identity = {"0123456789abcdef", "fedcba9876543210"};
  state.leaderboard = true;
  state.consents = {{"email", true, core::Timestamp{1'740'000'000'000'000}},
                    {"sms.offers", false, core::Timestamp{1'741'000'000'000'000}}};
  state.tickets = 7;
  state.recent_tickets = {{"t-6", "delivery late", core::Timestamp{1'742'000'000'000'000}},
                          {"t-7", "", core::Timestamp{1'743'000'000'000'000}}};
  return state;
}

// Encoding then decoding gives back the same value.
template <typename T, typename Encode, typename Decode>
void expect_round_trip(const T& value, Encode encode, Decode decode) {
  std::string bytes;
  encode(value, bytes);
  auto decoded = decode(bytes);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(*decoded, value);
}

TEST(Codec, MemberStatesRoundTrip) { expect_round_trip(sample(), encode_member, decode_member); }

// Lots at the extremes of time: steps between them wrap around, and still come back exact.
TEST(Codec, LotTimesRoundTripWholeOrNot) {
  domain::MemberState state = sample();
  domain::Lot extreme;
  extreme.id = 9;
  extreme.granted = 1;
  extreme.remaining = -3;  // more than granted taken: stored as a step, whatever its sign
  extreme.earned_at = core::Timestamp{INT64_MIN};
  extreme.available_at = core::Timestamp{INT64_MAX};
  extreme.expires_at = core::Timestamp{INT64_MIN + 1};
  extreme.order_id = "o-10";  // shares "o-1" with the pending lot's id before it
  // Twice: the second shares the whole id with the first.
  state.lots.insert(state.lots.begin() + 1, 2, extreme);
  expect_round_trip(state, encode_member, decode_member);
}

// A version 9 blob (lots unpacked) as an ingest stored it (member m-000194 of the benchmark's
// shop): it still reads, and reads the same once written again in the current, smaller format.
TEST(Codec, ReadsVersion9LotsAndPacksThem) {
  const std::string hex =
      "09086D2D30303031393480D4A093E8C39E0680F7C9F5D8A79906980F8801000000070D00C6BD02B201E6FB02B201"
      "02656E060101E8016080F7C9F5D8A799068080BA9CB4460180809FC1D1AB0E096F2D303138363533350201BC05BC"
      "05808AC485B9D59A068080BA9CB4460180809FC1D1AB0E096F2D303330393739380301A403A40380BDAF8DF08C9B"
      "068080BA9CB4460180809FC1D1AB0E096F2D3033353536343504019E019E01808BE39CB5819C068080BA9CB44601"
      "80809FC1D1AB0E096F2D3034363035323505018002800280CCA3DF89B29D068080BA9CB4460180809FC1D1AB0E09"
      "6F2D303632353431380600B201B20180D4A093E8C39E068080BA9CB4460180809FC1D1AB0E096F2D303735343339"
      "330000000000000000000000000530342D3133000000000000000000000000011037366261383062396633366630"
      "3365310000000000";
  std::string bytes;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    bytes += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  }
  ASSERT_EQ(bytes.front(), '\x09');
  auto decoded = decode_member(bytes);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->member, "m-000194");
  ASSERT_EQ(decoded->lots.size(), 6u);
  EXPECT_EQ(decoded->lots[0].order_id, "o-0186535");
  EXPECT_EQ(decoded->lots[0].granted, 116);
  EXPECT_EQ(decoded->lots[0].remaining, 48);
  EXPECT_EQ(decoded->lots[0].state, domain::LotState::available);
  ASSERT_TRUE(decoded->lots[0].expires_at.has_value());
  EXPECT_EQ(decoded->lots[0].expires_at->micros - decoded->lots[0].available_at.micros,
            std::int64_t{365} * 86'400'000'000);
  std::string packed;
  encode_member(*decoded, packed);
  EXPECT_EQ(packed.front(), '\x0a');
  EXPECT_LE(packed.size(), 256u);  // 330 bytes before
  auto again = decode_member(packed);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *decoded);
}

TEST(Codec, ReadsOlderMemberStates) {
  domain::MemberState state = sample();
  // Versions 1-9 share the layout of the current one but for the lots (tested above).
  state.lots.clear();
  state.next_lot_id = 1;
  state.actions.clear();
  state.missions.clear();
  state.badges.clear();
  state.redemptions.clear();
  state.tier.reset();
  state.tier_months.clear();
  state.referral.reset();
  state.referees.clear();
  state.membership.reset();
  state.birthday_md.clear();
  state.time_zone.clear();
  state.next_birthday.reset();
  state.first_purchase_md.clear();
  state.next_purchase_anniversary.reset();
  state.next_program_anniversary.reset();
  state.settled_spend = 0;
  state.spend_reached.clear();
  for (auto& lot : state.lots) lot.spend = 0;
  state.wallet = {};
  state.identity.clear();
  state.leaderboard = false;
  state.consents.clear();
  state.tickets = 0;
  state.recent_tickets.clear();
  std::string bytes;
  encode_member(state, bytes);
  ASSERT_EQ(bytes.front(), '\x0a');
  ASSERT_EQ(bytes.substr(bytes.size() - 31), std::string(31, '\0'));
  // Trailing zero bytes each version lacks: v5 ends with counts of actions, missions, badges,
  // redemptions, a tier flag, a count of tier months, a referral flag, a count of referees and
  // a membership flag, then an empty birthday, an empty time zone and no next birthday, then no
  // first purchase, no anniversaries, no settled spend, no spend milestones, no lot spend, then an
  // empty wallet (currency, available, pending, earned, spent, reversed) and no codes paid with
  // credit, then no identity digests and no leaderboard opt-in, then no consents, no tickets and
  // no recent tickets, then no mission dates; v8 stops before the mission dates, v7 before the
  // consents, v6 before the digests, v5
  // before the wallet, v4
  // before the first purchase, v3 after badges, v2 after actions, v1 before them.
  for (const auto& [version, missing] :
       {std::pair{1, 31}, {2, 30}, {3, 28}, {4, 19}, {5, 13}, {6, 6}, {7, 4}, {8, 1}, {9, 0}}) {
    const std::string older =
        static_cast<char>(version) + bytes.substr(1, bytes.size() - 1 - missing);
    auto decoded = decode_member(older);
    ASSERT_TRUE(decoded.ok()) << version;
    EXPECT_EQ(*decoded, state) << version;
  }
  EXPECT_FALSE(decode_member('\x0b' + bytes.substr(1)).ok());
}

TEST(Codec, OrderRecordsRoundTrip) {
  domain::OrderRecord order;
  order.order_id = "o-1";
  order.member = "cust-42";
  order.event_id = "evt-1";
  order.currency = *core::find_currency("KWD");
  order.placed_at = core::Timestamp{1'740'000'000'000'000};
  order.total_paid = 12'500;
  order.points = 12;
  order.lot_id = 2;
  order.refunded_amount = 1'000;
  order.reversed = 1;
  order.lines = {{"L1", "A", 2, 1, 10, 11'500}, {"#shipping", "#shipping", 1, 0, 2, 0}};
  order.merchandise = 11'500;
  order.cashback = 230;
  order.cashback_reversed = 20;
  expect_round_trip(order, encode_order, decode_order);
}

TEST(Codec, ReadsOlderOrderRecords) {
  // Version 2 adds each line's net after its points, and the merchandise at the end; version 3
  // the cashback and cashback taken back after it.
  domain::OrderRecord order;
  order.order_id = "o-1";
  order.member = "m";
  order.event_id = "e";
  order.currency = *core::find_currency("EUR");
  order.lines = {{"L1", "A", 2, 0, 10, 0}};
  std::string bytes;
  encode_order(order, bytes);
  ASSERT_EQ(bytes.front(), '\x03');
  // Version 2: drop the two zero cashback bytes.
  auto v2 = decode_order('\x02' + bytes.substr(1, bytes.size() - 3));
  ASSERT_TRUE(v2.ok());
  EXPECT_EQ(*v2, order);
  // Version 1: also drop the line's net (the byte before the merchandise) and the merchandise.
  auto v1 = decode_order('\x01' + bytes.substr(1, bytes.size() - 5));
  ASSERT_TRUE(v1.ok());
  EXPECT_EQ(*v1, order);
}

TEST(Codec, CorruptBlobsAreErrorsNotCrashes) {
  std::string bytes;
  encode_member(sample(), bytes);
  for (std::size_t length = 0; length < bytes.size(); ++length) {
    EXPECT_FALSE(decode_member(bytes.substr(0, length)).ok()) << "truncated at " << length;
  }
  EXPECT_FALSE(decode_member(bytes + "x").ok());
  std::mt19937_64 random(1);
  for (int i = 0; i < 2000; ++i) {
    std::string noise(random() % 64, '\0');
    for (auto& c : noise) c = static_cast<char>(random());
    const auto member = decode_member(noise);
    const auto order = decode_order(noise);
    if (!member.ok()) {
      EXPECT_EQ(member.error().code, core::ErrorCode::storage_error);
    }
    if (!order.ok()) {
      EXPECT_EQ(order.error().code, core::ErrorCode::storage_error);
    }
  }
  EXPECT_FALSE(decode_lots("3:-20,x").ok());
  EXPECT_EQ(decode_lots("3:-20,5:10")->size(), 2u);
}

}  // namespace
}  // namespace fidelis::store
