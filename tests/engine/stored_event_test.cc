// Replay and simulation read stored events with parse_stored_event, which keeps the body from the
// log instead of writing it again. That is only right if writing a canonical body again gives
// the same bytes: checked here on every event of a realistic generated shop (all event types,
// personal fields, identities, birthdays), and that both parses read the same event.
#include <gtest/gtest.h>

#include <cstdio>
#include <functional>
#include <string>

#include "core/json_reader.h"
#include "domain/event/event.h"
#include "sim/shop_generator.h"

namespace fidelis {
namespace {

TEST(StoredEvent, KeepsABodyThatWritingAgainWouldNotChange) {
  sim::ShopSpec spec;
  spec.shop = "s";
  spec.members = 300;
  spec.days = 120;
  spec.start = *core::parse_rfc3339("2025-01-01T00:00:00Z");
  spec.engagement_per_mille = 200;
  spec.realistic = true;
  const domain::IdentityHasher hasher = [](std::string_view shop, std::string_view value) {
    // A stand-in for the keyed digest, in the same alphabet (hex).
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016zx",
                  std::hash<std::string>{}(std::string(shop) + std::string(value)));
    return std::string(hex);
  };
  core::JsonParser parser;
  std::size_t events = 0, with_personal = 0;
  sim::generate_shop(spec, [&](std::string_view line) {
    auto fresh = domain::parse_event(parser, line, "s", {}, hasher);
    ASSERT_TRUE(fresh.ok()) << line << ": " << fresh.error().message;
    ++events;
    if (!fresh->personal.empty()) ++with_personal;
    const std::string body = fresh->body;
    auto rewritten = domain::parse_event(parser, body, "s");
    ASSERT_TRUE(rewritten.ok()) << body << ": " << rewritten.error().message;
    EXPECT_EQ(rewritten->body, body);
    EXPECT_TRUE(rewritten->personal.empty()) << body;
    auto stored = domain::parse_stored_event(parser, body, "s");
    ASSERT_TRUE(stored.ok()) << body;
    EXPECT_EQ(stored->body, body);
    EXPECT_EQ(stored->id, rewritten->id);
    EXPECT_EQ(stored->type_name, rewritten->type_name);
    EXPECT_EQ(stored->member, rewritten->member);
    EXPECT_EQ(stored->occurred_at, rewritten->occurred_at);
    EXPECT_EQ(stored->data.index(), rewritten->data.index());
  });
  EXPECT_GT(events, 1000u);
  EXPECT_GT(with_personal, 100u);  // the check covered bodies that had personal fields moved out
}

TEST(StoredEvent, RefusesWhatParseEventRefuses) {
  core::JsonParser parser;
  EXPECT_FALSE(
      domain::parse_stored_event(parser, R"({"id":"e1","type":"order.placed"})", "s").ok());
  EXPECT_FALSE(domain::parse_stored_event(parser, "{", "s").ok());
}

}  // namespace
}  // namespace fidelis
