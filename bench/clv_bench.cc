// BG/NBD fitting speed on a synthetic population (reference/clv.md §4.2: lifetimes takes 14.6 s
// on 1M customers here). Run it twice under farm-bench, the folded fit against the row-by-row
// baseline (`--plain`), on the same seeded data; it prints the parameters so the two can be
// compared to 4 significant digits. See docs/performance.md "CLV fitting".
//
//   clv_bench [--customers N] [--seed S] [--days] [--plain] [--write FILE.csv]
//   --days rounds times to whole days (real order dates); without it times are continuous.
//   --write saves the summary as CSV (for `fidelis clv fit --summary`) and does not fit.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "analytics/clv/fit.h"
#include "analytics/clv/synthetic.h"

int main(int argc, char** argv) {
  using namespace fidelis::analytics::clv;
  SyntheticSpec spec{.customers = 1'000'000, .seed = 1000};
  FitOptions options;
  const char* write_path = nullptr;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--customers") == 0 && i + 1 < argc) {
      spec.customers = std::strtoull(argv[++i], nullptr, 10);
    } else if (std::strcmp(argv[i], "--seed") == 0 && i + 1 < argc) {
      spec.seed = std::strtoull(argv[++i], nullptr, 10);
    } else if (std::strcmp(argv[i], "--days") == 0) {
      spec.time_step = 1.0 / 7;
    } else if (std::strcmp(argv[i], "--plain") == 0) {
      options.fold_patterns = false;
    } else if (std::strcmp(argv[i], "--write") == 0 && i + 1 < argc) {
      write_path = argv[++i];
    } else {
      std::fprintf(
          stderr,
          "usage: clv_bench [--customers N] [--seed S] [--days] [--plain] [--write FILE.csv]\n");
      return 1;
    }
  }
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  const Summary customers = generate_bgnbd_customers(spec);
  const auto generated = Clock::now();
  if (write_path) {
    std::FILE* out = std::fopen(write_path, "w");
    if (!out) return 1;
    std::fprintf(out, "frequency,recency,T\n");
    for (std::size_t i = 0; i < customers.size(); ++i) {
      std::fprintf(out, "%.0f,%.17g,%.17g\n", customers.frequency[i], customers.recency[i],
                   customers.age[i]);
    }
    return std::fclose(out) == 0 ? 0 : 1;
  }
  auto fit = fit_model(Model::bgnbd, customers, options);
  const auto fitted = Clock::now();
  if (!fit.ok()) {
    std::fprintf(stderr, "clv_bench: %s\n", fit.errors().front().message.c_str());
    return 2;
  }
  const auto seconds = [](auto from, auto to) {
    return std::chrono::duration<double>(to - from).count();
  };
  std::printf(
      "%llu customers, %s, %s: generate %.3f s, fit %.3f s (%d evaluations, with standard "
      "errors)\n",
      static_cast<unsigned long long>(spec.customers), spec.time_step > 0 ? "days" : "continuous",
      options.fold_patterns ? "folded" : "plain", seconds(start, generated),
      seconds(generated, fitted), fit->evaluations);
  std::printf("r %.6g alpha %.6g a %.6g b %.6g log-likelihood %.3f\n", fit->params[0],
              fit->params[1], fit->params[2], fit->params[3], fit->log_likelihood);
  return 0;
}
