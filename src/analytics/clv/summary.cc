#include "analytics/clv/summary.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <fstream>
#include <numeric>
#include <optional>
#include <string_view>
#include <thread>
#include <tuple>

namespace fidelis::analytics::clv {

namespace {

// A bad file stops being read after this many located errors: the first ones tell the story.
constexpr std::size_t kSummaryErrorsMax = 20;

std::vector<std::string_view> split_commas(std::string_view line) {
  std::vector<std::string_view> fields;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = line.find(',', start);
    fields.push_back(line.substr(start, comma == std::string_view::npos ? comma : comma - start));
    if (comma == std::string_view::npos) return fields;
    start = comma + 1;
  }
}

std::string lowercase(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  // Quoted header names ("frequency") are common in exports.
  std::erase_if(out, [](char c) { return c == '"' || c == ' ' || c == '\r'; });
  return out;
}

std::optional<std::size_t> find_column(const std::vector<std::string>& header,
                                       std::initializer_list<std::string_view> names) {
  for (std::string_view name : names) {
    for (std::size_t i = 0; i < header.size(); ++i) {
      if (header[i] == name) return i;
    }
  }
  return std::nullopt;
}

std::optional<double> parse_number(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\r')) text.remove_suffix(1);
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

bool is_integral(double value) { return value == std::floor(value); }

}  // namespace

double Summary::total_weight() const { return std::accumulate(weight.begin(), weight.end(), 0.0); }

std::vector<Pattern> to_patterns(const Summary& summary) {
  std::vector<Pattern> patterns(summary.size());
  for (std::size_t i = 0; i < summary.size(); ++i) {
    patterns[i] = {summary.frequency[i], summary.recency[i], summary.age[i], summary.weight[i]};
  }
  return patterns;
}

std::vector<Pattern> fold_patterns(const Summary& summary) {
  // Sorting whole rows (not indices into the columns) and folding in place: a million rows then
  // stream through memory once instead of jumping between arrays and filling new ones.
  std::vector<Pattern> patterns = to_patterns(summary);
  const auto before = [](const Pattern& left, const Pattern& right) {
    return std::tie(left.x, left.t_x, left.T) < std::tie(right.x, right.t_x, right.T);
  };
  // Two cores: each sorts half, then one merge.
  const auto middle = patterns.begin() + static_cast<std::ptrdiff_t>(patterns.size() / 2);
  std::thread helper([&] { std::sort(middle, patterns.end(), before); });
  std::sort(patterns.begin(), middle, before);
  helper.join();
  std::inplace_merge(patterns.begin(), middle, patterns.end(), before);
  std::size_t kept = 0;
  for (std::size_t i = 0; i < patterns.size(); ++i) {
    if (kept > 0 && patterns[kept - 1].x == patterns[i].x &&
        patterns[kept - 1].t_x == patterns[i].t_x && patterns[kept - 1].T == patterns[i].T) {
      patterns[kept - 1].weight += patterns[i].weight;
    } else {
      patterns[kept++] = patterns[i];
    }
  }
  patterns.resize(kept);
  return patterns;
}

core::Result<Summary> read_summary_csv(const std::string& path, SummaryLayout layout) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return core::make_error(core::ErrorCode::io_error, "cannot open the file", path);
  std::string line;
  if (!std::getline(in, line)) {
    return core::make_error(core::ErrorCode::csv_invalid, "the file is empty", path + ":1");
  }
  std::vector<std::string> header;
  for (std::string_view name : split_commas(line)) header.push_back(lowercase(name));
  const bool is_bgbb = layout == SummaryLayout::bgbb;
  const auto x_column = find_column(header, {"frequency", "x"});
  const auto t_x_column = find_column(header, {"recency", "t_x"});
  const auto age_column =
      is_bgbb ? find_column(header, {"periods", "n"}) : find_column(header, {"t"});
  const auto monetary_column = find_column(header, {"monetary_value", "zbar", "monetary"});
  const auto weight_column = find_column(header, {"weight", "weights"});
  const auto id_column = find_column(header, {"id", "customer_id"});
  core::Errors errors;
  auto missing = [&](const char* names) {
    errors.push_back(core::make_error(core::ErrorCode::csv_column_missing,
                                      std::string("the header has no column ") + names,
                                      path + ":1"));
  };
  if (!x_column) missing("frequency (or x)");
  if (!t_x_column) missing("recency (or t_x)");
  if (!age_column) missing(is_bgbb ? "periods (or n)" : "T");
  if (!errors.empty()) return errors;

  Summary summary;
  std::size_t line_number = 1;
  while (std::getline(in, line) && errors.size() < kSummaryErrorsMax) {
    ++line_number;
    if (line.empty() || line == "\r") continue;
    const std::vector<std::string_view> fields = split_commas(line);
    const std::string where = path + ":" + std::to_string(line_number);
    auto field = [&](std::optional<std::size_t> column, const char* name) -> std::optional<double> {
      if (!column) return std::nullopt;
      if (*column >= fields.size()) {
        errors.push_back(core::make_error(core::ErrorCode::csv_invalid,
                                          std::string("the row has no ") + name + " field", where));
        return std::nullopt;
      }
      const auto value = parse_number(fields[*column]);
      if (!value || *value < 0) {
        errors.push_back(core::make_error(core::ErrorCode::csv_invalid,
                                          std::string(name) + " \"" + std::string(fields[*column]) +
                                              "\" is not a non-negative number",
                                          where));
      }
      return value;
    };
    const std::size_t errors_before = errors.size();
    const auto x = field(x_column, "frequency");
    const auto t_x = field(t_x_column, "recency");
    const auto age = field(age_column, is_bgbb ? "periods" : "T");
    const auto monetary = field(monetary_column, "monetary_value");
    const auto weight = field(weight_column, "weight");
    if (errors.size() != errors_before) continue;
    if (!is_integral(*x) || (is_bgbb && (!is_integral(*t_x) || !is_integral(*age)))) {
      errors.push_back(core::make_error(core::ErrorCode::csv_invalid,
                                        is_bgbb
                                            ? "frequency, recency and periods must be whole numbers"
                                            : "frequency must be a whole number",
                                        where));
      continue;
    }
    if (*t_x > *age) {
      errors.push_back(core::make_error(core::ErrorCode::csv_invalid,
                                        "recency is larger than the customer's age (T or periods)",
                                        where));
      continue;
    }
    if (is_bgbb && *x > *t_x) {
      errors.push_back(
          core::make_error(core::ErrorCode::csv_invalid,
                           "frequency is larger than recency (one purchase per period)", where));
      continue;
    }
    summary.add(*x, *t_x, *age, monetary.value_or(0), weight.value_or(1));
    if (id_column) {
      summary.ids.emplace_back(*id_column < fields.size() ? fields[*id_column]
                                                          : std::string_view());
    }
  }
  if (!errors.empty()) return errors;
  if (summary.size() == 0) {
    return core::make_error(core::ErrorCode::csv_invalid, "the file has no customer rows", path);
  }
  return summary;
}

}  // namespace fidelis::analytics::clv
