// `fidelis analyze` on real exports (tests/fixtures/README.md) and small hand-made ones. Expected
// figures for the Online Retail slice were computed independently (a few lines of Python over
// the same CSV with exact decimals); the CDNOW ones are the published estimates
// (../shared/reference/clv.md §2.1), reached here from the raw transactions. Runs the real binary.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/cli_runner.h"

namespace fidelis {
namespace {

class AnalyzeCli : public test_support::CliTest {
 protected:
  std::string fixture(const std::string& name) const {
    return (test_support::source_dir() / "tests/fixtures" / name).string();
  }
  nlohmann::json analyze(const std::string& arguments) {
    const auto outcome = run("analyze " + arguments + " --json");
    EXPECT_EQ(outcome.exit_code, 0) << outcome.err;
    return nlohmann::json::parse(outcome.out);
  }
};

TEST_F(AnalyzeCli, OnlineRetailSliceMatchesAnIndependentCount) {
  const auto result = analyze("--orders " + fixture("online-retail/online_retail_slice.csv") +
                              " --format online-retail");
  const auto& dataset = result["dataset"];
  EXPECT_EQ(dataset["orders"], 155);
  EXPECT_EQ(dataset["customers"], 43);
  EXPECT_EQ(dataset["lines"], 3313);
  EXPECT_EQ(dataset["currency"], "GBP");
  EXPECT_EQ(dataset["revenue"].dump(), "63324.43");  // exact decimal, not a rounded float
  EXPECT_EQ(dataset["refunds"].dump(), "1480.47");
  EXPECT_EQ(dataset["refund_count"], 28);
  EXPECT_EQ(dataset["guest_orders"], 2);
  EXPECT_EQ(dataset["guest_revenue"].dump(), "12436.79");
  EXPECT_EQ(dataset["adjustments"], 3);
  EXPECT_EQ(dataset["first_order_at"], "2010-12-01T09:09:00");
  EXPECT_EQ(dataset["last_order_at"], "2011-12-07T12:17:00");
  EXPECT_NEAR(result["repeat_purchase_rate"].get<double>(), 65.1163, 1e-3);
  EXPECT_NEAR(result["revenue_concentration"]["top_1_percent"].get<double>(), 19.5718, 1e-3);
  EXPECT_NEAR(result["revenue_concentration"]["top_20_percent"].get<double>(), 64.1804, 1e-3);
  // Months: (CS, CE, CN) = (0, 6, 6), (6, 9, 6), (9, 5, 2), (5, 12, 3).
  const auto& periods = result["periods"];
  ASSERT_EQ(periods.size(), 13u);
  EXPECT_EQ(periods[0]["start"], "2010-12-01");
  EXPECT_EQ(periods[0]["end"], "2011-01-01");
  EXPECT_TRUE(periods[0]["retention_rate"].is_null());
  EXPECT_EQ(periods[1]["customers_start"], 6);
  EXPECT_EQ(periods[1]["new_customers"], 6);
  EXPECT_DOUBLE_EQ(periods[1]["retention_rate"].get<double>(), 50);
  EXPECT_DOUBLE_EQ(periods[1]["churn_rate"].get<double>(), 50);
  EXPECT_NEAR(periods[2]["churn_rate"].get<double>(), 77.7778, 1e-3);
  EXPECT_DOUBLE_EQ(periods[3]["retention_rate"].get<double>(),
                   180);  // seed 003's formula counts returns
  EXPECT_EQ(result["cohorts"][0]["month"], "2010-12");
  EXPECT_EQ(result["cohorts"][0]["size"], 6);
  EXPECT_DOUBLE_EQ(result["cohorts"][0]["retention"][0].get<double>(), 100);
  EXPECT_DOUBLE_EQ(result["cohorts"][0]["retention"][1].get<double>(), 50);
  std::int64_t in_segments = 0;
  for (const auto& [name, count] : result["rfm"]["segments"].items())
    in_segments += count.get<std::int64_t>();
  EXPECT_EQ(in_segments, 43);
}

TEST_F(AnalyzeCli, CdnowTransactionsGiveThePublishedModels) {
  // The calibration period of the papers: weeks 1-39, up to 1997-09-30.
  const auto result = analyze("--orders " + fixture("cdnow/CDNOW_sample.txt") +
                              " --format cdnow --unit weeks --until 1997-09-30 --customers " +
                              scratch_.file("customers.csv"));
  EXPECT_EQ(result["dataset"]["customers"], 2357);
  const auto& clv = result["clv"];
  ASSERT_TRUE(clv["fitted"].get<bool>()) << clv.dump();
  const auto& purchases = clv["bgnbd"]["params"];
  EXPECT_NEAR(purchases["r"].get<double>(), 0.243, 0.015);
  EXPECT_NEAR(purchases["alpha"].get<double>(), 4.414, 0.015);
  EXPECT_NEAR(purchases["a"].get<double>(), 0.793, 0.015);
  EXPECT_NEAR(purchases["b"].get<double>(), 2.426, 0.015);
  EXPECT_NEAR(clv["bgnbd"]["log_likelihood"].get<double>(), -9582.4, 0.5);
  const auto& spend = clv["gammagamma"]["params"];
  EXPECT_NEAR(spend["p"].get<double>(), 6.25, 0.015);
  EXPECT_NEAR(spend["q"].get<double>(), 3.74, 0.015);
  EXPECT_NEAR(spend["v"].get<double>(), 15.44, 0.015);
  // lifetimes' CLV on the 2-decimal summary is 71,509.9; the raw dates differ by rounding only.
  EXPECT_NEAR(clv["total"].get<double>(), 71509.9, 10);
  const std::string customers = test_support::read_text(scratch_.file("customers.csv"));
  EXPECT_EQ(customers.substr(0, customers.find('\n')),
            "id,frequency,recency,T,monetary,r,f,m,segment,p_alive,expected_purchases,clv,"
            "lifecycle,value_score");
  EXPECT_NE(customers.find("\n1,2,30.4286,38.8571,22.3450,"),
            std::string::npos);  // CDNOW customer 1
}

TEST_F(AnalyzeCli, BadRowsAreCountedAndLocatedOrStopTheRunWhenStrict) {
  const std::string orders = write_file("orders.csv",
                                        "order_id,customer_id,ordered_at,currency,total\n"
                                        "o1,alice,2025-01-05,EUR,10.00\n"
                                        "o2,alice,2025-02-05 10:00,EUR,ten\n"
                                        "o3,bob,2025-02-31,EUR,5.00\n"
                                        "o4,bob,2025-03-01T09:00:00+01:00,EUR,7.5\n");
  const auto lenient = run("analyze --orders " + orders + " --json");
  ASSERT_EQ(lenient.exit_code, 0) << lenient.err;
  const auto result = nlohmann::json::parse(lenient.out);
  EXPECT_EQ(result["dataset"]["orders"], 2);
  EXPECT_EQ(result["dataset"]["bad_rows"], 2);
  EXPECT_EQ(result["bad_row_examples"][0]["where"], orders + ":3");
  EXPECT_NE(lenient.err.find(orders + ":4: ordered_at \"2025-02-31\""), std::string::npos)
      << lenient.err;

  const auto strict = run("analyze --orders " + orders + " --strict");
  EXPECT_EQ(strict.exit_code, 2);
  EXPECT_NE(strict.err.find(orders + ":3: total \"ten\""), std::string::npos) << strict.err;
  EXPECT_EQ(strict.out, "");

  const auto missing =
      run("analyze --orders " + write_file("no_total.csv", "order_id,customer_id,ordered_at\n"));
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("csv_column_missing"), std::string::npos) << missing.err;

  const std::string guests = write_file("guests.csv",
                                        "order_id,customer_id,ordered_at,currency,total\n"
                                        "g1,,2025-01-05,EUR,10.00\n");
  const auto nothing = run("analyze --orders " + guests);
  EXPECT_EQ(nothing.exit_code, 2);
  EXPECT_NE(nothing.err.find("no_orders"), std::string::npos) << nothing.err;
}

TEST_F(AnalyzeCli, GenericLayoutWithMappingLinesMarginAndStatuses) {
  const std::string orders = write_file("orders.csv",
                                        "Invoice,Client,Date,Currency,Amount,State\n"
                                        "a1,ann,2025-01-10,EUR,100.00,paid\n"
                                        "a2,ann,2025-02-10,EUR,50.00,refunded\n"
                                        "b1,ben,2025-01-20,EUR,30.00,paid\n"
                                        "b2,ben,2025-01-25,EUR,30.00,cancelled\n"
                                        "g1,,2025-02-01,EUR,12.00,paid\n");
  const std::string lines = write_file("lines.csv",
                                       "Invoice,sku,category,quantity,unit_price,unit_cost\n"
                                       "a1,TEA,drinks,2,50.00,30.00\n"
                                       "a2,CUP,kitchen,1,50.00,20.00\n"
                                       "b1,TEA,drinks,1,30.00,30.00\n"
                                       "g1,TEA,drinks,1,12.00,8.00\n");
  const auto result = analyze("--orders " + orders + " --lines " + lines +
                              " --columns "
                              "order_id=Invoice,customer_id=Client,ordered_at=Date,currency="
                              "Currency,total=Amount,status=State");
  const auto& dataset = result["dataset"];
  EXPECT_EQ(dataset["orders"], 3);
  EXPECT_EQ(dataset["customers"], 2);
  EXPECT_EQ(dataset["lines"], 3);
  EXPECT_EQ(dataset["revenue"].dump(), "180.0");
  EXPECT_EQ(dataset["refunds"].dump(), "50.0");
  EXPECT_EQ(dataset["cancelled_orders"], 1);
  EXPECT_EQ(dataset["guest_orders"], 1);
  EXPECT_EQ(result["value_score"]["value_basis"], "margin");
  EXPECT_DOUBLE_EQ(result["repeat_purchase_rate"].get<double>(), 50);
  const auto& periods = result["periods"];
  ASSERT_EQ(periods.size(), 2u);
  EXPECT_EQ(periods[0]["average_order_value"].dump(), "65.0");
  EXPECT_DOUBLE_EQ(periods[1]["churn_rate"].get<double>(), 50);
  EXPECT_DOUBLE_EQ(periods[1]["repeat_purchase_rate"].get<double>(), 100);
  EXPECT_EQ(run("analyze --orders " + orders + " --columns order_id").exit_code, 1);
}

TEST_F(AnalyzeCli, ShopifyExportGroupsLineRowsIntoOrders) {
  const std::string orders = write_file(
      "shopify.csv",
      "Name,Email,Financial Status,Currency,Subtotal,Created at,Lineitem quantity,Lineitem "
      "name,Lineitem price,"
      "Lineitem sku,Refunded Amount\n"
      "#1001,ann@example.com,paid,USD,45.00,2024-01-05 10:11:12 +0100,1,\"Mug, large\",25.00,MUG,\n"
      "#1001,,,,,,2,Spoon,10.00,SPOON,\n"
      "#1002,ann@example.com,partially_refunded,USD,20.00,2024-02-05 09:00:00 "
      "+0100,1,Tea,20.00,TEA,5.00\n"
      "#1003,,paid,USD,9.00,2024-02-06 09:00:00 +0100,1,Tea,9.00,TEA,\n"
      "#1004,ben@example.com,voided,USD,9.00,2024-02-07 09:00:00 +0100,1,Tea,9.00,TEA,\n");
  const auto result = analyze("--orders " + orders + " --format shopify");
  const auto& dataset = result["dataset"];
  EXPECT_EQ(dataset["orders"], 2);
  EXPECT_EQ(dataset["customers"], 1);
  EXPECT_EQ(dataset["lines"], 3);
  EXPECT_EQ(dataset["revenue"].dump(), "65.0");
  EXPECT_EQ(dataset["refunds"].dump(), "5.0");
  EXPECT_EQ(dataset["guest_orders"], 1);
  EXPECT_EQ(dataset["cancelled_orders"], 1);
  EXPECT_EQ(dataset["first_order_at"], "2024-01-05T10:11:12");
}

// Without --orders, analyze reads the orders Fidelis stored: the same definitions over the ledger's
// own order records (cancelled orders apart, refunded merchandise as refunds).
TEST_F(AnalyzeCli, TheStoresOwnOrders) {
  write_file("program.json",
             R"({"name": "Basic", "earning": {"rates": {"EUR": {"points": 1, "per": "1.00"}}}})");
  ASSERT_EQ(run("--db " + db_ + " program activate " + scratch_.file("program.json")).exit_code, 0);
  auto order = [](const std::string& id, const std::string& member, const std::string& at,
                  const std::string& sku, const std::string& price) {
    return R"({"id":"e-)" + id + R"(","type":"order.placed","member":")" + member +
           R"(","occurred_at":")" + at + R"(","data":{"order_id":")" + id +
           R"(","currency":"EUR","lines":[{"sku":")" + sku + R"(","quantity":2,"unit_price":")" +
           price + "\"}]}}\n";
  };
  std::string events;
  events += order("o1", "ann", "2025-01-10T10:00:00Z", "TEA", "5.00");
  events += order("o2", "ann", "2025-02-10T10:00:00Z", "CUP", "7.50");
  events += order("o3", "ben", "2025-02-12T10:00:00Z", "TEA", "5.00");
  events += order("o4", "ben", "2025-02-13T10:00:00Z", "TEA", "5.00");
  events +=
      R"({"id":"e-c4","type":"order.cancelled","member":"ben","occurred_at":"2025-02-14T10:00:00Z","data":{"order_id":"o4"}})"
      "\n";
  events +=
      R"({"id":"e-r2","type":"order.refunded","member":"ann","occurred_at":"2025-02-15T10:00:00Z","data":{"order_id":"o2","amount":"5.00"}})"
      "\n";
  // Satisfaction from survey answers joins the value score: ann is delighted, ben is not.
  events +=
      R"({"id":"e-s1","type":"survey.answered","member":"ann","occurred_at":"2025-02-20T10:00:00Z","data":{"nps":10}})"
      "\n";
  events +=
      R"({"id":"e-s2","type":"survey.answered","member":"ben","occurred_at":"2025-02-20T10:00:00Z","data":{"nps":2,"csat":1}})"
      "\n";
  // Support load joins too: ben opened two tickets.
  for (const std::string id : {"t1", "t2"}) {
    events +=
        R"({"id":"e-)" + id +
        R"(","type":"support.ticket.opened","member":"ben","occurred_at":"2025-02-21T10:00:00Z","data":{"ticket_id":")" +
        id + R"(","topic":"late parcel"}})" + "\n";
  }
  const auto ingested = run("--db " + db_ + " ingest -", events);
  ASSERT_EQ(ingested.exit_code, 0) << ingested.out << ingested.err;
  ASSERT_EQ(run("--db " + db_ + " analyze --customers " + scratch_.file("customers.csv")).exit_code,
            0);
  const std::string customers = test_support::read_text(scratch_.file("customers.csv"));
  const auto score = [&](const std::string& id) {
    const std::size_t row = customers.find("\n" + id + ",");
    const std::size_t end = customers.find('\n', row + 1);
    return std::stod(
        customers.substr(customers.rfind(',', end) + 1, end - customers.rfind(',', end) - 1));
  };
  EXPECT_GT(score("ann"), score("ben"));
  const auto outcome = run("--db " + db_ + " analyze --json");
  ASSERT_EQ(outcome.exit_code, 0) << outcome.err;
  const auto result = nlohmann::json::parse(outcome.out);
  const auto& dataset = result["dataset"];
  EXPECT_EQ(dataset["orders"], 3);
  EXPECT_EQ(dataset["customers"], 2);
  EXPECT_EQ(dataset["lines"], 3);
  EXPECT_EQ(dataset["currency"], "EUR");
  EXPECT_EQ(dataset["revenue"].dump(), "35.0");
  EXPECT_EQ(dataset["refunds"].dump(), "5.0");
  EXPECT_EQ(dataset["cancelled_orders"], 1);
  EXPECT_EQ(result["periods"].size(), 2u);
  EXPECT_DOUBLE_EQ(result["repeat_purchase_rate"].get<double>(), 50);
  EXPECT_TRUE(result["value_score"]["weights"].contains("satisfaction"));
  EXPECT_TRUE(result["value_score"]["weights"].contains("support"));
}

// import turns the exports into events; ingested, the store's analysis matches the exports'.
TEST_F(AnalyzeCli, ImportedExportsAnalyseLikeTheExports) {
  const std::string orders = write_file("orders.csv",
                                        "order_id,customer_id,ordered_at,currency,total,status\n"
                                        "a1,ann,2025-01-10 10:00,EUR,100.00,paid\n"
                                        "a2,ann,2025-02-10 11:00,EUR,15.00,refunded\n"
                                        "b1,ben,2025-01-20 12:00,EUR,30.00,paid\n"
                                        "b2,ben,2025-01-25 13:00,EUR,30.00,cancelled\n"
                                        "g1,,2025-02-01 14:00,EUR,12.00,paid\n");
  const std::string lines = write_file("lines.csv",
                                       "order_id,sku,category,quantity,unit_price\n"
                                       "a1,TEA,drinks,2,50.00\n"
                                       "a2,CUP,kitchen,1,15.00\n"
                                       "b1,TEA,drinks,1,30.00\n");
  const std::string exports = "--orders " + orders + " --lines " + lines;
  const auto imported = run("import " + exports + " --out " + scratch_.file("events.jsonl"));
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  EXPECT_NE(imported.err.find("2 members, 3 orders (3 lines), 1 refunds"), std::string::npos)
      << imported.err;
  write_file("program.json",
             R"({"name": "Basic", "earning": {"rates": {"EUR": {"points": 1, "per": "1.00"}}}})");
  ASSERT_EQ(run("--db " + db_ + " program activate " + scratch_.file("program.json")).exit_code, 0);
  const auto ingested = run("--db " + db_ + " ingest " + scratch_.file("events.jsonl"));
  ASSERT_EQ(ingested.exit_code, 0) << ingested.out << ingested.err;
  // Importing again changes nothing: every event is a duplicate.
  run("import " + exports + " --out " + scratch_.file("again.jsonl"));
  EXPECT_NE(run("--db " + db_ + " ingest " + scratch_.file("again.jsonl"))
                .out.find("0 accepted, 6 duplicate"),
            std::string::npos);

  const auto from_exports = analyze(exports);
  const auto from_store = analyze("--db " + db_);
  for (const char* key : {"orders", "customers", "lines", "revenue", "refunds", "first_order_at"}) {
    EXPECT_EQ(from_store["dataset"][key], from_exports["dataset"][key]) << key;
  }
  EXPECT_EQ(from_store["repeat_purchase_rate"], from_exports["repeat_purchase_rate"]);
}

}  // namespace
}  // namespace fidelis
