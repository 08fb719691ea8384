// `fidelis clv fit|predict|value` on the CDNOW fixtures: the JSON a fit prints is what --params
// reads back, and the lifetimes CLV figures (../shared/reference/clv.md §2.2) come out. Runs the
// real binary.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/cli_runner.h"

namespace fidelis {
namespace {

class ClvCli : public test_support::CliTest {
 protected:
  std::string cdnow() const {
    return (test_support::source_dir() /
            "tests/fixtures/cdnow/cdnow_customers_summary_with_transactions.csv")
        .string();
  }
};

TEST_F(ClvCli, FitThenValueReproducesLifetimesClv) {
  const auto purchases = run("clv fit --summary " + cdnow() + " --model bgnbd --json");
  ASSERT_EQ(purchases.exit_code, 0) << purchases.err;
  const auto fit = nlohmann::json::parse(purchases.out);
  EXPECT_EQ(fit["model"], "bgnbd");
  EXPECT_NEAR(fit["params"]["r"].get<double>(), 0.2426, 1e-4);
  EXPECT_NEAR(fit["log_likelihood"].get<double>(), -9582.43, 0.01);
  EXPECT_EQ(fit["customers"], 2357);
  write_file("bgnbd.json", purchases.out);

  const auto spend = run("clv fit --summary " + cdnow() + " --model gammagamma --json");
  ASSERT_EQ(spend.exit_code, 0) << spend.err;
  write_file("gg.json", spend.out);

  // lifetimes: 12 months at 1 % a month, weekly data: Σ 71,509.9, mean 30.34, customer 1 36.28,
  // top 10 % hold 56.8 %.
  const auto value =
      run("clv value --summary " + cdnow() + " --params " + scratch_.file("bgnbd.json") +
          " --spend-params " + scratch_.file("gg.json") + " --unit weeks --json");
  ASSERT_EQ(value.exit_code, 0) << value.err;
  const auto clv = nlohmann::json::parse(value.out);
  EXPECT_NEAR(clv["total"].get<double>(), 71509.9, 0.1);
  EXPECT_NEAR(clv["mean"].get<double>(), 30.34, 0.01);
  EXPECT_NEAR(clv["top_10_percent_share"].get<double>(), 56.8, 0.05);
  EXPECT_EQ(clv["values"][0]["id"], "1");
  EXPECT_NEAR(clv["values"][0]["clv"].get<double>(), 36.28, 0.01);

  const auto predict = run("clv predict --summary " + cdnow() + " --params " +
                           scratch_.file("bgnbd.json") + " --t 39");
  ASSERT_EQ(predict.exit_code, 0) << predict.err;
  EXPECT_EQ(predict.out.substr(0, predict.out.find('\n', predict.out.find('\n') + 1)),
            "id,expected_purchases,p_alive\n1,1.225910,0.726609");
}

TEST_F(ClvCli, BadInputIsLocatedAndRefused) {
  const std::string bad = write_file("bad.csv", "frequency,recency,T\n1,2,3\n1,9,4\n");
  const auto rows = run("clv fit --summary " + bad + " --model bgnbd");
  EXPECT_EQ(rows.exit_code, 2);
  EXPECT_NE(rows.err.find(bad + ":3: recency is larger"), std::string::npos) << rows.err;

  EXPECT_EQ(run("clv fit --summary " + cdnow() + " --model nbd").exit_code, 1);
  const std::string wrong =
      write_file("wrong.json", R"({"model":"bgnbd","params":{"r":1,"alpha":-2}})");
  const auto params = run("clv predict --summary " + cdnow() + " --params " + wrong + " --t 39");
  EXPECT_EQ(params.exit_code, 2);
  EXPECT_NE(params.err.find("model_params_invalid"), std::string::npos) << params.err;
  const std::string good = write_file(
      "good.json", R"({"model":"bgnbd","params":{"r":0.243,"alpha":4.414,"a":0.793,"b":2.426}})");
  EXPECT_EQ(run("clv predict --summary " + cdnow() + " --params " + good + " --t soon").exit_code,
            1);
  EXPECT_EQ(run("clv predict --summary " + cdnow() + " --params " + good + " --t 39").exit_code, 0);
  EXPECT_EQ(run("clv predict --summary " + cdnow() + " --model bgnbd --params " + good + " --t 39")
                .exit_code,
            0);
  EXPECT_EQ(run("clv predict --summary " + cdnow() + " --model pareto --params " + good + " --t 39")
                .exit_code,
            2);
  // BG/NBD with a + b <= 1 cannot predict a customer without repeat purchases: refused with the
  // reason (it used to stop the process on an internal assertion).
  const std::string thin =
      write_file("thin.json", R"({"model":"bgnbd","params":{"r":0.2,"alpha":4,"a":0.3,"b":0.4}})");
  const auto refused = run("clv predict --summary " + cdnow() + " --params " + thin + " --t 39");
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("a + b = 0.700000 <= 1"), std::string::npos) << refused.err;
  const std::string flat =
      write_file("flat.json", R"({"model":"pareto","params":{"r":0.5,"alpha":4,"s":1,"beta":10}})");
  const auto pareto = run("clv predict --summary " + cdnow() + " --params " + flat + " --t 39");
  EXPECT_EQ(pareto.exit_code, 2);
  EXPECT_NE(pareto.err.find("s = 1"), std::string::npos) << pareto.err;
  const std::string unbounded =
      write_file("unbounded.json", R"({"model":"gammagamma","params":{"p":6,"q":0.5,"v":15}})");
  const auto spend = run("clv predict --summary " + cdnow() + " --params " + unbounded);
  EXPECT_EQ(spend.exit_code, 2);
  EXPECT_NE(spend.err.find("q = 0.500000 <= 1"), std::string::npos) << spend.err;
}

}  // namespace
}  // namespace fidelis
