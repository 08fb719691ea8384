// Customers summarised the way the buy-till-you-die models read them (lifetimes' convention):
// frequency x = repeat purchases, recency t_x = time of the last one since the first purchase,
// age T = time from the first purchase to the end of the observation (for BG/BB, the number of
// opportunities n), monetary = mean value of the repeat purchases, weight = how many customers
// share the row. Columns, not rows, so a million customers cost five arrays.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "core/result.h"

namespace fidelis::analytics::clv {

struct Summary {
  std::vector<double> frequency;
  std::vector<double> recency;
  std::vector<double> age;
  std::vector<double> monetary;
  std::vector<double> weight;
  std::vector<std::string> ids;  // the file's id column, when it has one (else empty)

  std::size_t size() const { return frequency.size(); }
  void add(double x, double t_x, double T, double monetary_value, double count) {
    frequency.push_back(x);
    recency.push_back(t_x);
    age.push_back(T);
    monetary.push_back(monetary_value);
    weight.push_back(count);
  }
  double total_weight() const;
};

// One (x, t_x, T) pattern and how many customers have it: what the purchase models read.
struct Pattern {
  double x = 0;
  double t_x = 0;
  double T = 0;
  double weight = 0;
};

// The summary's rows as patterns, in row order.
std::vector<Pattern> to_patterns(const Summary& summary);
// Rows with the same (x, t_x, T) folded into one pattern whose weight is their sum, sorted by
// (x, t_x, T). The likelihood is unchanged and a fit touches each pattern once.
std::vector<Pattern> fold_patterns(const Summary& summary);

// The layouts a summary file may have. Column names are matched case-insensitively; the first
// listed name found is used.
enum class SummaryLayout {
  transactions,  // [id], frequency|x, recency|t_x, T, [monetary_value|zbar|monetary],
                 // [weight|weights]
  bgbb,          // [id], frequency, recency, periods|n, [weights|weight]
};

// Reads a lifetimes-style summary CSV (header row, comma-separated numbers). Every bad row is an
// error located "FILE:LINE"; values must be finite, non-negative, x integral, t_x <= T, and for
// BG/BB t_x and n integral too.
core::Result<Summary> read_summary_csv(const std::string& path, SummaryLayout layout);

}  // namespace fidelis::analytics::clv
