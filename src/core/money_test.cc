#include "core/money.h"

#include <gtest/gtest.h>

namespace fidelis::core {
namespace {

Currency currency(std::string_view code) { return *find_currency(code); }

TEST(Money, ParsesPerCurrencyExponent) {
  EXPECT_EQ(*parse_amount("19.90", currency("EUR")), 1990);
  EXPECT_EQ(*parse_amount("19.9", currency("EUR")), 1990);
  EXPECT_EQ(*parse_amount("19", currency("EUR")), 1900);
  EXPECT_EQ(*parse_amount("0.05", currency("EUR")), 5);
  EXPECT_EQ(*parse_amount("1990", currency("JPY")), 1990);
  EXPECT_EQ(*parse_amount("1.250", currency("KWD")), 1250);
  EXPECT_EQ(*parse_amount("0", currency("KWD")), 0);
}

TEST(Money, RefusesMoreDecimalsThanTheMinorUnit) {
  EXPECT_EQ(parse_amount("19.905", currency("EUR")).error().code,
            ErrorCode::money_too_many_decimals);
  EXPECT_EQ(parse_amount("10.5", currency("JPY")).error().code, ErrorCode::money_too_many_decimals);
  EXPECT_EQ(parse_amount("1.2345", currency("KWD")).error().code,
            ErrorCode::money_too_many_decimals);
}

TEST(Money, RefusesMalformedAmounts) {
  for (const char* text : {"", "-1.00", "1.", ".5", "1e3", "1,50", " 1", "01.00", "abc", "1.2.3"}) {
    SCOPED_TRACE(text);
    EXPECT_EQ(parse_amount(text, currency("EUR")).error().code, ErrorCode::money_invalid);
  }
  EXPECT_EQ(parse_amount("99999999999999999999", currency("EUR")).error().code,
            ErrorCode::money_out_of_range);
  EXPECT_EQ(parse_amount("10000000000000.01", currency("EUR")).error().code,
            ErrorCode::money_out_of_range);
}

TEST(Money, FormatsWithTheCurrencyExponent) {
  EXPECT_EQ(format_amount(1990, currency("EUR")), "19.90");
  EXPECT_EQ(format_amount(5, currency("EUR")), "0.05");
  EXPECT_EQ(format_amount(-5, currency("EUR")), "-0.05");
  EXPECT_EQ(format_amount(1990, currency("JPY")), "1990");
  EXPECT_EQ(format_amount(1250, currency("KWD")), "1.250");
  EXPECT_EQ(format_amount(INT64_MIN, currency("EUR")), "-92233720368547758.08");
}

TEST(Money, KnowsIso4217Codes) {
  EXPECT_EQ(currency("JPY").exponent, 0);
  EXPECT_EQ(currency("KWD").exponent, 3);
  EXPECT_EQ(currency("CLF").exponent, 4);
  EXPECT_EQ(currency("USD").exponent, 2);
  EXPECT_FALSE(find_currency("EURO"));
  EXPECT_FALSE(find_currency("eur"));
  EXPECT_FALSE(find_currency("XXX"));
}

}  // namespace
}  // namespace fidelis::core
