// Money parsing and formatting, and the ISO 4217 table of currencies and their exponents.
#include "core/money.h"

#include <algorithm>
#include <array>

namespace fidelis::core {
namespace {

struct CurrencyEntry {
  std::string_view code;
  int exponent;
};

// ISO 4217 active codes. Exponent 2 unless listed otherwise.
constexpr std::array<std::string_view, 147> kTwoDecimalCodes = {
    "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT",
    "BGN", "BMD", "BND", "BOB", "BOV", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD", "CDF",
    "CHE", "CHF", "CHW", "CNY", "COP", "COU", "CRC", "CUC", "CUP", "CVE", "CZK", "DKK", "DOP",
    "DZD", "EGP", "ERN", "ETB", "EUR", "FJD", "FKP", "GBP", "GEL", "GHS", "GIP", "GMD", "GTQ",
    "GYD", "HKD", "HNL", "HTG", "HUF", "IDR", "ILS", "INR", "IRR", "JMD", "KES", "KGS", "KHR",
    "KPW", "KYD", "KZT", "LAK", "LBP", "LKR", "LRD", "LSL", "MAD", "MDL", "MGA", "MKD", "MMK",
    "MNT", "MOP", "MRU", "MUR", "MVR", "MWK", "MXN", "MXV", "MYR", "MZN", "NAD", "NGN", "NIO",
    "NOK", "NPR", "NZD", "PAB", "PEN", "PGK", "PHP", "PKR", "PLN", "QAR", "RON", "RSD", "RUB",
    "SAR", "SBD", "SCR", "SDG", "SEK", "SGD", "SHP", "SLE", "SLL", "SOS", "SRD", "SSP", "STN",
    "SVC", "SYP", "SZL", "THB", "TJS", "TMT", "TOP", "TRY", "TTD", "TWD", "TZS", "UAH", "USD",
    "USN", "UYU", "UZS", "VED", "VES", "WST", "XCD", "XCG", "YER", "ZAR", "ZMW", "ZWG", "ZWL",
    "XDR", "XSU", "XUA", "CNH"};
constexpr std::array<CurrencyEntry, 26> kOtherExponents = {{
    {"BIF", 0}, {"CLP", 0}, {"DJF", 0}, {"GNF", 0}, {"ISK", 0}, {"JPY", 0}, {"KMF", 0},
    {"KRW", 0}, {"PYG", 0}, {"RWF", 0}, {"UGX", 0}, {"UYI", 0}, {"VND", 0}, {"VUV", 0},
    {"XAF", 0}, {"XOF", 0}, {"XPF", 0}, {"BHD", 3}, {"IQD", 3}, {"JOD", 3}, {"KWD", 3},
    {"LYD", 3}, {"OMR", 3}, {"TND", 3}, {"CLF", 4}, {"UYW", 4},
}};

Currency make_currency(std::string_view code, int exponent) {
  Currency currency;
  std::copy(code.begin(), code.end(), currency.code);
  currency.exponent = exponent;
  return currency;
}

}  // namespace

std::int64_t Currency::minor_per_unit() const {
  std::int64_t factor = 1;
  for (int i = 0; i < exponent; ++i) factor *= 10;
  return factor;
}

std::optional<Currency> find_currency(std::string_view code) {
  if (code.size() != 3) return std::nullopt;
  for (const auto& entry : kOtherExponents) {
    if (entry.code == code) return make_currency(code, entry.exponent);
  }
  if (std::find(kTwoDecimalCodes.begin(), kTwoDecimalCodes.end(), code) != kTwoDecimalCodes.end()) {
    return make_currency(code, 2);
  }
  return std::nullopt;
}

Result<std::int64_t> parse_amount(std::string_view text, const Currency& currency) {
  // The amount as quoted in messages: built only for an error (this runs for every price read).
  const auto shown = [text] { return "\"" + std::string(text.substr(0, 40)) + "\""; };
  if (text.empty()) return make_error(ErrorCode::money_invalid, "amount is empty");
  if (text[0] == '-') {
    return make_error(ErrorCode::money_invalid, "amount " + shown() + " must not be negative");
  }
  const std::size_t point = text.find('.');
  const std::string_view whole = text.substr(0, point);
  const std::string_view fraction =
      point == std::string_view::npos ? std::string_view{} : text.substr(point + 1);
  auto all_digits = [](std::string_view part) {
    return std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (whole.empty() || !all_digits(whole) || !all_digits(fraction) ||
      (point != std::string_view::npos && fraction.empty())) {
    return make_error(ErrorCode::money_invalid,
                      "amount " + shown() + " is not a decimal number like \"19.90\"");
  }
  if (whole.size() > 1 && whole[0] == '0') {
    return make_error(ErrorCode::money_invalid, "amount " + shown() + " has a leading zero");
  }
  if (static_cast<int>(fraction.size()) > currency.exponent) {
    return make_error(ErrorCode::money_too_many_decimals,
                      "amount " + shown() + " has " + std::to_string(fraction.size()) +
                          " decimals but " + std::string(currency.code_view()) + " has " +
                          std::to_string(currency.exponent));
  }
  if (whole.size() > 16) {
    return make_error(ErrorCode::money_out_of_range, "amount " + shown() + " is too large");
  }
  std::int64_t minor = 0;
  for (char c : whole) minor = minor * 10 + (c - '0');
  for (int i = 0; i < currency.exponent; ++i) {
    const char c = i < static_cast<int>(fraction.size()) ? fraction[i] : '0';
    minor = minor * 10 + (c - '0');
    if (minor > kMoneyMinorMax) break;
  }
  if (minor > kMoneyMinorMax) {
    return make_error(ErrorCode::money_out_of_range, "amount " + shown() + " is too large");
  }
  return minor;
}

std::string format_amount(std::int64_t minor, const Currency& currency) {
  const bool negative = minor < 0;
  // Work on the magnitude as unsigned so that the most negative value stays representable.
  const std::uint64_t magnitude =
      negative ? static_cast<std::uint64_t>(-(minor + 1)) + 1 : static_cast<std::uint64_t>(minor);
  const auto per_unit = static_cast<std::uint64_t>(currency.minor_per_unit());
  std::string text = std::to_string(magnitude / per_unit);
  if (currency.exponent > 0) {
    std::string fraction = std::to_string(magnitude % per_unit);
    text += '.';
    text.append(static_cast<std::size_t>(currency.exponent) - fraction.size(), '0');
    text += fraction;
  }
  return negative ? "-" + text : text;
}

}  // namespace fidelis::core
