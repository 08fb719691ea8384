#include "domain/event/event.h"
#include "core/json_reader.h"

#include <gtest/gtest.h>

namespace fidelis::domain {
namespace {

TEST(Event, ParsesAnOrderAndCanonicalisesItsBody) {
  core::JsonParser parser;
  auto event = parse_event(parser, R"({"type": "order.placed", "id": "e1", "member": "m1",
    "occurred_at": "2025-03-01T10:15:00+01:00",
    "data": {"order_id": "o1", "currency": "EUR", "lines": [{"sku": "A", "quantity": 2, "unit_price": "19.90"}]}})",
                           "acme");
  ASSERT_TRUE(event.ok()) << event.error().message;
  EXPECT_EQ(event->shop, "acme");
  EXPECT_EQ(std::get<OrderPlaced>(event->data).lines[0].unit_price, 1990);
  EXPECT_EQ(event->body.substr(0, 20), R"({"data":{"currency":)");
  EXPECT_NE(event->body.find(R"("shop":"acme")"), std::string::npos);
}

// A guest order: an order's data, no member; its lines and discount are checked as an order's.
TEST(Event, ParsesAGuestOrderWithoutAMember) {
  core::JsonParser parser;
  auto event = parse_event(parser, R"({"type": "guest.order.placed", "id": "g1",
    "occurred_at": "2025-03-01T10:15:00Z", "data": {"order_id": "o1", "currency": "EUR",
    "lines": [{"sku": "A", "quantity": 2, "unit_price": "19.90"}], "discount": "4.80"}})",
                           "acme");
  ASSERT_TRUE(event.ok()) << event.error().message;
  EXPECT_EQ(event->member, "");
  EXPECT_EQ(net_merchandise(std::get<GuestOrderPlaced>(event->data).order), 3500);
  auto named = parse_event(parser, R"({"type": "guest.order.placed", "id": "g1", "member": "m1",
    "occurred_at": "2025-03-01T10:15:00Z", "data": {"order_id": "o1", "currency": "EUR",
    "lines": [{"sku": "A", "quantity": 1, "unit_price": "1.00"}], "discount": "2.00"}})",
                           "acme");
  ASSERT_FALSE(named.ok());
  ASSERT_EQ(named.errors().size(), 2u);
  EXPECT_EQ(named.errors()[0].where, "/member");
  EXPECT_EQ(named.errors()[0].code, core::ErrorCode::field_unknown);
  EXPECT_EQ(named.errors()[1].code, core::ErrorCode::discount_exceeds_merchandise);
  EXPECT_FALSE(parse_event(parser, R"({"type": "guest.order.placed", "id": "g1",
    "occurred_at": "2025-03-01T10:15:00Z"})",
                           "acme")
                   .ok());
}

TEST(Event, KeepsPersonalFieldsOutOfTheBody) {
  core::JsonParser parser;
  auto event = parse_event(parser, R"({"type": "member.enrolled", "id": "e1", "member": "m1",
    "occurred_at": "2025-03-01T10:15:00Z", "data": {"email": "a@b.c", "locale": "fr"}})",
                           "acme");
  ASSERT_TRUE(event.ok());
  EXPECT_EQ(event->body.find("a@b.c"), std::string::npos);
  EXPECT_EQ(event->personal, R"({"email":"a@b.c"})");
}

// `data` is optional for member events; the engine still reads them as a (blank) change.
TEST(Event, MemberEventsWithoutDataCarryAnEmptyChange) {
  core::JsonParser parser;
  for (const char* type : {"member.enrolled", "member.updated"}) {
    auto event =
        parse_event(parser,
                    std::string(R"({"type": ")") + type +
                        R"(", "id": "e1", "member": "m1", "occurred_at": "2025-03-01T10:15:00Z"})",
                    "acme");
    ASSERT_TRUE(event.ok()) << type;
    EXPECT_TRUE(std::holds_alternative<MemberChange>(event->data)) << type;
  }
}

// The birthday is personal; its month and day go to the log for the birthday timer.
TEST(Event, KeepsTheBirthdaysMonthAndDayInTheBodyAndTheRestApart) {
  core::JsonParser parser;
  auto event = parse_event(parser, R"({"type": "member.enrolled", "id": "e1", "member": "m1",
    "occurred_at": "2025-03-01T10:15:00Z",
    "data": {"birthday": "1990-03-15", "time_zone": "Europe/Paris"}})",
                           "acme");
  ASSERT_TRUE(event.ok()) << event.error().message;
  EXPECT_EQ(event->personal, R"({"birthday":"1990-03-15"})");
  EXPECT_NE(event->body.find(R"("data":{"birthday_md":"03-15","time_zone":"Europe/Paris"})"),
            std::string::npos)
      << event->body;
  EXPECT_EQ(event->body.find("1990"), std::string::npos) << event->body;
  // The stored body parses back to the same month and day.
  auto stored = parse_event(parser, event->body, "acme");
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(std::get<MemberChange>(stored->data).birthday_md, "03-15");
  EXPECT_EQ(stored->body, event->body);
}

// Email, phone and address stay personal; their keyed digests go to the log in their place.
TEST(Event, WritesIdentityDigestsInPlaceOfEmailPhoneAndAddress) {
  core::JsonParser parser;
  std::vector<std::string> hashed;
  const IdentityHasher hasher = [&hashed](std::string_view shop, std::string_view value) {
    hashed.push_back(std::string(shop) + "|" + std::string(value));
    return std::string(16, static_cast<char>('a' + hashed.size()));
  };
  auto event = parse_event(parser, R"({"type": "member.enrolled", "id": "e1", "member": "m1",
    "occurred_at": "2025-03-01T10:15:00Z", "data": {"email": " A.B+news@GoogleMail.com",
    "phone": "+33 (0)6 12 34 56 78", "address": "1 Main St.", "locale": "fr"}})",
                           "acme", {}, hasher);
  ASSERT_TRUE(event.ok()) << event.error().message;
  EXPECT_EQ(hashed, (std::vector<std::string>{"acme|email:ab@gmail.com", "acme|phone:612345678",
                                              "acme|address:1mainst"}));
  EXPECT_EQ(event->personal, R"({"address":"1 Main St.","email":" A.B+news@GoogleMail.com",)"
                             R"("phone":"+33 (0)6 12 34 56 78"})");
  EXPECT_NE(event->body.find(R"("data":{"identity":"bbbbbbbbbbbbbbbb cccccccccccccccc )"
                             R"(dddddddddddddddd","locale":"fr"})"),
            std::string::npos)
      << event->body;
  // Stored, it parses back without the hasher; from outside, "identity" is refused.
  auto stored = parse_event(parser, event->body, "acme");
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(std::get<MemberChange>(stored->data).identity.size(), 3u);
  EXPECT_EQ(stored->body, event->body);
  EXPECT_FALSE(parse_event(parser, event->body, "acme", {}, hasher).ok());
  EXPECT_EQ(normalized_phone("12"), "");
  EXPECT_EQ(normalized_email("no-at-sign"), "");
}

TEST(Event, ReportsEveryErrorWithItsPointer) {
  core::JsonParser parser;
  auto event = parse_event(parser, R"({"type": "order.placed", "id": "e1", "member": "m1",
    "occurred_at": "2025-03-01",
    "data": {"order_id": "o1", "currency": "EUR", "lines": [{"sku": "A", "quantity": 0, "unit_price": 19.9}]}})",
                           "acme");
  ASSERT_FALSE(event.ok());
  ASSERT_EQ(event.errors().size(), 3u);
  EXPECT_EQ(event.errors()[0].where, "/occurred_at");
  EXPECT_EQ(event.errors()[1].where, "/data/lines/0/quantity");
  EXPECT_EQ(event.errors()[2].where, "/data/lines/0/unit_price");
  EXPECT_EQ(event.errors()[2].code, core::ErrorCode::field_wrong_type);
}

}  // namespace
}  // namespace fidelis::domain
