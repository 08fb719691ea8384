// End-to-end tests of `fidelis serve`: the real server on a free loopback port, spoken to over
// HTTP. Authentication, scopes, shops kept apart, malformed input, limits, group commit.
#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include <nlohmann/json.hpp>

#include "core/time.h"
#include "support/http_client.h"

namespace fidelis {
namespace {

using test_support::HttpClient;
using test_support::HttpReply;
using test_support::ServerProcess;

std::string order(const std::string& id, const std::string& member, const std::string& shop = "") {
  return R"({"id":")" + id + R"(","type":"order.placed","member":")" + member + R"(",)" +
         (shop.empty() ? "" : R"("shop":")" + shop + R"(",)") +
         R"("occurred_at":"2025-03-01T10:00:00Z","data":{"order_id":")" + id +
         R"(","currency":"EUR","lines":[{"sku":"A","quantity":1,"unit_price":"10.00"}]}})";
}

// A goodwill adjustment a minute ago (redemptions happen now: older points may have expired).
std::string adjust(const std::string& id, const std::string& member, int points) {
  const std::string at = core::format_rfc3339(
      core::Timestamp{core::wall_clock().micros - 60 * core::kMicrosPerSecond});
  return R"({"id":")" + id + R"(","type":"points.adjusted","member":")" + member +
         R"(","occurred_at":")" + at + R"(","data":{"points":)" + std::to_string(points) +
         R"(,"reason":"goodwill"}})";
}

// The code in a redemption answer.
std::string code_of(const std::string& body) {
  const auto at = body.find(R"("code":")");
  return at == std::string::npos ? "" : body.substr(at + 8, 15);
}

class Api : public test_support::CliTest {
 protected:
  void SetUp() override {
    const std::string program =
        (test_support::source_dir() / "examples/programs/engagement.json").string();
    for (const std::string shop : {"acme", "other"}) {
      ASSERT_EQ(run("--db " + db_ + " shop create " + shop).exit_code, 0);
      ASSERT_EQ(run("--db " + db_ + " --shop " + shop + " program activate " + program).exit_code,
                0);
    }
    server_key_ = key("acme", "server");
    other_key_ = key("other", "server");
  }

  // A new key of `scope` for `shop`.
  std::string key(const std::string& shop, const std::string& scope) {
    const auto created =
        run("--db " + db_ + " --shop " + shop + " key create --scope " + scope + " --json");
    EXPECT_EQ(created.exit_code, 0) << created.err;
    const auto id_at = created.out.find(R"("id":")");
    last_key_id_ = created.out.substr(id_at + 6, created.out.find('"', id_at + 6) - id_at - 6);
    const auto at = created.out.find(R"("key":")");
    return created.out.substr(at + 7, created.out.find('"', at + 7) - at - 7);
  }

  static std::vector<std::pair<std::string, std::string>> bearer(const std::string& key) {
    return {{"Authorization", "Bearer " + key}};
  }

  std::string server_key_, other_key_;
  std::string last_key_id_;  // of the key key() made last
};

TEST_F(Api, AnswersHealthReadinessAndMetricsWithoutAKey) {
  ServerProcess server(db_);
  ASSERT_GT(server.port(), 0);
  HttpClient client(server.port());
  EXPECT_EQ(client.request("GET", "/healthz").status, 200);
  EXPECT_EQ(client.request("GET", "/readyz").status, 200);
  EXPECT_EQ(client.request("POST", "/v1/events", order("h1", "m1"), bearer(server_key_)).status,
            201);
  const HttpReply openapi = client.request("GET", "/v1/openapi.json");
  EXPECT_EQ(openapi.status, 200);
  EXPECT_NE(openapi.body.find(R"("openapi": "3.0.3")"), std::string::npos);
  const HttpReply metrics = client.request("GET", "/metrics");
  EXPECT_EQ(metrics.status, 200);
  EXPECT_EQ(metrics.headers.at("content-type"), "text/plain; version=0.0.4");
  for (const char* line :
       {"fidelis_http_requests_total{route=\"/healthz\",status=\"200\"} 1\n",
        "fidelis_http_requests_total{route=\"/v1/events\",status=\"201\"} 1\n",
        "fidelis_http_request_seconds_count{route=\"/v1/events\"} 1\n",
        "fidelis_events_ingested_total 1\n", "fidelis_batch_events_bucket{le=\"1\"} 1\n",
        "fidelis_store_errors_total 0\n"}) {
    EXPECT_NE(metrics.body.find(line), std::string::npos) << line << metrics.body;
  }
  EXPECT_EQ(server.stop(SIGTERM), 0);
}

TEST_F(Api, RefusesMissingUnknownRevokedAndOutOfScopeKeys) {
  ServerProcess server(db_);
  HttpClient client(server.port());
  const HttpReply none = client.request("GET", "/v1/members/m1");
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(none.headers.at("content-type"), "application/problem+json");
  EXPECT_NE(none.body.find(R"("code":"unauthorized")"), std::string::npos) << none.body;
  EXPECT_EQ(client.request("GET", "/v1/members/m1", "", bearer("fk_nope")).status, 401);
  const std::string storefront = key("acme", "storefront");
  EXPECT_EQ(client.request("POST", "/v1/events", order("s1", "m1"), bearer(storefront)).status,
            403);
  EXPECT_EQ(client.request("GET", "/v1/members/m1", "", bearer(storefront)).status, 403);
  // Revoked while the server runs: refused from the next request on.
  const std::string doomed = key("acme", "server");
  EXPECT_EQ(client.request("POST", "/v1/events", order("d1", "m1"), bearer(doomed)).status, 201);
  ASSERT_EQ(run("--db " + db_ + " --shop acme key revoke " + last_key_id_).exit_code, 0);
  EXPECT_EQ(client.request("GET", "/v1/members/m1", "", bearer(doomed)).status, 401);
  EXPECT_EQ(client.request("GET", "/v1/members/m1", "", bearer(server_key_)).status, 200);
  EXPECT_EQ(run("--db " + db_ + " --shop acme key revoke key_000000000000").exit_code, 4);
}

// A storefront (browser) key reads one member, named by a short-lived token from the shop's
// server; nothing else.
TEST_F(Api, LetsAStorefrontKeyReadOnlyItsTokensMember) {
  ServerProcess server(db_);
  HttpClient client(server.port());
  ASSERT_EQ(client.request("POST", "/v1/events", order("t1", "m1"), bearer(server_key_)).status,
            201);
  const HttpReply minted =
      client.request("POST", "/v1/member-tokens", R"({"member":"m1"})", bearer(server_key_));
  ASSERT_EQ(minted.status, 201) << minted.body;
  const auto at = minted.body.find(R"("token":")");
  const std::string token = minted.body.substr(at + 9, minted.body.find('"', at + 9) - at - 9);
  const std::string storefront = key("acme", "storefront");
  auto with_token = bearer(storefront);
  with_token.emplace_back("X-Member-Token", token);
  EXPECT_EQ(client.request("GET", "/v1/members/m1", "", with_token).status, 200);
  EXPECT_EQ(client.request("GET", "/v1/members/m1/ledger", "", with_token).status, 200);
  EXPECT_EQ(client.request("GET", "/v1/members/m2", "", with_token).status, 403);
  EXPECT_EQ(client.request("POST", "/v1/member-tokens", R"({"member":"m2"})", with_token).status,
            403);
  // The member may redeem their own points (the widget's button), and nothing else.
  ASSERT_EQ(
      client.request("POST", "/v1/events", adjust("t2", "m1", 600), bearer(server_key_)).status,
      201);
  const HttpReply redeemed =
      client.request("POST", "/v1/members/m1/redemptions", R"({"reward":"voucher-5"})", with_token);
  ASSERT_EQ(redeemed.status, 201) << redeemed.body;
  EXPECT_EQ(
      client.request("POST", "/v1/members/m2/redemptions", R"({"reward":"voucher-5"})", with_token)
          .status,
      403);
  EXPECT_EQ(
      client.request("POST", "/v1/codes/" + code_of(redeemed.body) + "/cancel", "{}", with_token)
          .status,
      403);
  EXPECT_EQ(client.request("POST", "/v1/events", adjust("t3", "m1", 600), with_token).status, 403);
  std::string tampered = token;
  tampered.back() = tampered.back() == '0' ? '1' : '0';
  auto with_tampered = bearer(storefront);
  with_tampered.emplace_back("X-Member-Token", tampered);
  EXPECT_EQ(client.request("GET", "/v1/members/m1", "", with_tampered).status, 403);
  // Another shop's storefront key cannot use this shop's token.
  auto elsewhere = bearer(key("other", "storefront"));
  elsewhere.emplace_back("X-Member-Token", token);
  EXPECT_EQ(client.request("GET", "/v1/members/m1", "", elsewhere).status, 403);
  // Expired.
  const HttpReply brief = client.request("POST", "/v1/member-tokens",
                                         R"({"member":"m1","seconds":1})", bearer(server_key_));
  const auto brief_at = brief.body.find(R"("token":")");
  auto with_brief = bearer(storefront);
  with_brief.emplace_back(
      "X-Member-Token",
      brief.body.substr(brief_at + 9, brief.body.find('"', brief_at + 9) - brief_at - 9));
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  EXPECT_EQ(client.request("GET", "/v1/members/m1", "", with_brief).status, 403);
  EXPECT_EQ(client
                .request("POST", "/v1/member-tokens", R"({"member":"m1","seconds":7200})",
                         bearer(server_key_))
                .status,
            422);
}

// The front end's files are served from --web DIR without a key; "/" leads to the dashboard;
// nothing outside the directory can be reached.
TEST_F(Api, ServesTheDashboardsFilesFromItsDirectory) {
  const std::filesystem::path web = scratch_.file("web");
  std::filesystem::create_directories(web / "dashboard");
  write_file("web/dashboard/index.html", "<!doctype html><title>Fidelis</title>");
  write_file("web/dashboard/app.js", "console.log(1)");
  ServerProcess server(db_, "--web " + web.string());
  HttpClient client(server.port());
  const HttpReply page = client.request("GET", "/dashboard/", "", {});
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.body, "<!doctype html><title>Fidelis</title>");
  const HttpReply script = client.request("GET", "/dashboard/app.js", "", {});
  EXPECT_EQ(script.status, 200);
  EXPECT_NE(script.headers.at("content-type").find("javascript"), std::string::npos);
  EXPECT_EQ(client.request("GET", "/", "", {}).status, 302);
  EXPECT_EQ(client.request("GET", "/dashboard/../../secret", "", {}).status, 404);
  EXPECT_EQ(client.request("GET", "/dashboard/missing.js", "", {}).status, 404);
  // A --web directory that is not there is an error, not an empty dashboard.
  const auto refused = run("--db " + db_ + " serve --listen 127.0.0.1:0 --web /nonexistent");
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.err.find("/nonexistent"), std::string::npos) << refused.err;
}

TEST_F(Api, KeepsShopsApartOnEveryRoute) {
  ServerProcess server(db_);
  HttpClient client(server.port());
  ASSERT_EQ(client.request("POST", "/v1/events", order("a1", "m1"), bearer(server_key_)).status,
            201);
  // Another shop's key: the member is absent, and events cannot name the first shop.
  const HttpReply read = client.request("GET", "/v1/members/m1", "", bearer(other_key_));
  EXPECT_EQ(read.status, 404);
  EXPECT_NE(read.body.find("member_not_found"), std::string::npos) << read.body;
  EXPECT_EQ(client.request("GET", "/v1/members/m1/ledger", "", bearer(other_key_)).status, 404);
  EXPECT_EQ(client
                .request("POST", "/v1/members/m1/redemptions", R"({"reward":"voucher-5"})",
                         bearer(other_key_))
                .status,
            404);
  const HttpReply post =
      client.request("POST", "/v1/events", order("x1", "m1", "acme"), bearer(other_key_));
  EXPECT_EQ(post.status, 422);
  EXPECT_NE(post.body.find(R"("pointer":"/shop","code":"event_shop_mismatch")"), std::string::npos)
      << post.body;
  const HttpReply mine = client.request("GET", "/v1/members/m1", "", bearer(server_key_));
  EXPECT_EQ(mine.status, 200);
  EXPECT_NE(mine.body.find(R"("member":"m1","shop":"acme","points":{"available":0,"pending":10,)"),
            std::string::npos)
      << mine.body;
}

// Every route, with the other shop's admin key and this shop's ids: nothing of this shop is read
// or changed (member routes and codes answer 404 as for absent ones; what is written goes to the
// key's own shop).
TEST_F(Api, NoRouteCrossesFromOneShopToAnother) {
  ServerProcess server(db_);
  HttpClient client(server.port());
  const auto mine = bearer(key("acme", "admin"));
  const auto theirs = bearer(key("other", "admin"));
  ASSERT_EQ(client.request("POST", "/v1/events", adjust("x-g", "m1", 900), mine).status, 201);
  const HttpReply redeemed =
      client.request("POST", "/v1/members/m1/redemptions", R"({"reward":"voucher-5"})", mine);
  ASSERT_EQ(redeemed.status, 201);
  const std::string code = code_of(redeemed.body);
  const HttpReply before = client.request("GET", "/v1/members/m1/export", "", mine);

  for (const char* path :
       {"/v1/members/m1", "/v1/members/m1/ledger", "/v1/members/m1/rewards",
        "/v1/members/m1/missions", "/v1/members/m1/referral", "/v1/members/m1/export"}) {
    EXPECT_EQ(client.request("GET", path, "", theirs).status, 404) << path;
  }
  for (const std::string action : {"validate", "use", "cancel"}) {
    EXPECT_EQ(client.request("POST", "/v1/codes/" + code + "/" + action, "", theirs).status, 404)
        << action;
  }
  EXPECT_EQ(
      client.request("POST", "/v1/members/m1/redemptions", R"({"reward":"voucher-5"})", theirs)
          .status,
      404);
  EXPECT_EQ(client.request("POST", "/v1/events", order("x1", "m1", "acme"), theirs).status, 422);
  const HttpReply batch = client.request(
      "POST", "/v1/events:batch", R"({"events":[)" + order("x2", "m1", "acme") + "]}", theirs);
  EXPECT_NE(batch.body.find("event_shop_mismatch"), std::string::npos) << batch.body;
  // What another shop's key writes lands in its own shop.
  EXPECT_EQ(client
                .request("POST", "/v1/members/m1/adjustments", R"({"points":5,"reason":"theirs"})",
                         theirs)
                .status,
            201);
  EXPECT_EQ(client
                .request("PUT", "/v1/program?applies_from=2030-01-01T00:00:00Z",
                         test_support::read_text(test_support::source_dir() /
                                                 "examples/programs/full.json"),
                         theirs)
                .status,
            201);
  const HttpReply token = client.request("POST", "/v1/member-tokens", R"({"member":"m1"})", theirs);
  const auto at = token.body.find(R"("token":")");
  auto storefront = bearer(key("acme", "storefront"));
  storefront.emplace_back("X-Member-Token",
                          token.body.substr(at + 9, token.body.find('"', at + 9) - at - 9));
  EXPECT_EQ(client.request("GET", "/v1/members/m1", "", storefront).status, 403);

  const HttpReply after = client.request("GET", "/v1/members/m1/export", "", mine);
  EXPECT_EQ(after.body, before.body);
  const HttpReply program = client.request("GET", "/v1/program", "", mine);
  EXPECT_EQ(program.body.find(R"("version":2)"), std::string::npos) << program.body;
}

TEST_F(Api, ExplainsBadRequestsWithLocatedProblems) {
  ServerProcess server(db_);
  HttpClient client(server.port());
  const auto key = bearer(server_key_);
  const HttpReply malformed = client.request("POST", "/v1/events", R"({"id": "e1",)", key);
  EXPECT_EQ(malformed.status, 422);
  EXPECT_NE(malformed.body.find("json_malformed"), std::string::npos) << malformed.body;
  EXPECT_NE(malformed.body.find("line 1, column"), std::string::npos) << malformed.body;
  std::string wrong = order("w1", "m1");
  wrong.replace(wrong.find(R"("quantity":1)"), 12, R"("quantity":"1")");
  const HttpReply typed = client.request("POST", "/v1/events", wrong, key);
  EXPECT_EQ(typed.status, 422);
  EXPECT_NE(typed.body.find(R"("pointer":"/data/lines/0/quantity")"), std::string::npos)
      << typed.body;
  const HttpReply huge =
      client.request("POST", "/v1/events", std::string(2 << 20, ' ') + order("h1", "m1"), key);
  EXPECT_EQ(huge.status, 413);
  HttpClient again(server.port());
  EXPECT_EQ(again.request("GET", "/v1/nowhere", "", key).status, 404);
  const HttpReply method = again.request("DELETE", "/v1/events", "", key);
  EXPECT_EQ(method.status, 405);
  EXPECT_EQ(method.headers.at("allow"), "POST");
  // Idempotent event ids: the same body again is a duplicate, another body a conflict.
  EXPECT_EQ(again.request("POST", "/v1/events", order("i1", "m2"), key).status, 201);
  const HttpReply duplicate = again.request("POST", "/v1/events", order("i1", "m2"), key);
  EXPECT_EQ(duplicate.status, 200);
  EXPECT_NE(duplicate.body.find(R"("outcome":"duplicate")"), std::string::npos);
  EXPECT_EQ(again.request("POST", "/v1/events", order("i1", "m3"), key).status, 409);
}

TEST_F(Api, LimitsTheRateOfAKeyThatHasOne) {
  const auto created =
      run("--db " + db_ + " --shop acme key create --scope server --rate 3 --json");
  ASSERT_EQ(created.exit_code, 0) << created.err;
  const auto at = created.out.find(R"("key":")");
  const auto limited = bearer(created.out.substr(at + 7, created.out.find('"', at + 7) - at - 7));
  ServerProcess server(db_);
  HttpClient client(server.port());
  int ok = 0;
  HttpReply refused;
  for (int i = 0; i < 10; ++i) {
    const HttpReply reply = client.request("GET", "/v1/program", "", limited);
    if (reply.status == 200) ++ok;
    if (reply.status == 429) refused = reply;
  }
  // The burst of 3, and maybe one or two more refilled while the requests ran (slow builds).
  EXPECT_GE(ok, 3);
  EXPECT_LE(ok, 5);
  ASSERT_EQ(refused.status, 429);
  EXPECT_EQ(refused.headers.at("retry-after"), "1");
  EXPECT_NE(refused.body.find("rate_limited"), std::string::npos);
  // Keys without a rate are not limited.
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(client.request("GET", "/v1/program", "", bearer(server_key_)).status, 200);
  }
  // Member reads answered from the read cache count against the same bucket.
  ASSERT_EQ(client.request("POST", "/v1/events", order("r1", "m1"), bearer(server_key_)).status,
            201);
  EXPECT_EQ(client.request("GET", "/v1/members/m1", "", bearer(server_key_)).status, 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // the bucket fills again
  ok = 0;
  for (int i = 0; i < 10; ++i)
    ok += client.request("GET", "/v1/members/m1", "", limited).status == 200;
  EXPECT_GE(ok, 3);
  EXPECT_LE(ok, 5);
}

// Member reads answered before are answered again on the HTTP threads from a cache; whatever
// commits in between (an event post, a redemption, another process ingesting or revoking a key)
// is seen by the next read, and rate limits still hold.
TEST_F(Api, AnswersRepeatedMemberReadsFromACacheThatNeverGoesStale) {
  ServerProcess server(db_);
  HttpClient client(server.port());
  const auto auth = bearer(server_key_);
  const auto read = [&](const std::vector<std::pair<std::string, std::string>>& with) {
    const HttpReply reply = client.request("GET", "/v1/members/m1", "", with);
    return std::pair{reply.status,
                     reply.status == 200 ? nlohmann::json::parse(reply.body) : nlohmann::json()};
  };
  const auto hits = [&] {
    const std::string body = client.request("GET", "/metrics").body;
    const std::string line = "fidelis_read_cache_total{result=\"hit\"} ";
    const auto at = body.find(line);
    EXPECT_NE(at, std::string::npos) << body;
    return std::stoll(body.substr(at + line.size()));
  };
  ASSERT_EQ(client.request("POST", "/v1/events", order("c1", "m1"), auth).status, 201);
  const auto first = read(auth);
  ASSERT_EQ(first.first, 200);
  const auto before = hits();
  EXPECT_EQ(read(auth), first);  // the same answer, from the cache
  EXPECT_EQ(read(auth), first);
  EXPECT_EQ(hits(), before + 2);
  // An event post: the next read shows it.
  ASSERT_EQ(client.request("POST", "/v1/events", order("c2", "m1"), auth).status, 201);
  EXPECT_EQ(read(auth).second["points"]["pending"],
            first.second["points"]["pending"].get<int>() * 2);
  // Another process ingests an order of m1: seen at once too.
  read(auth);
  const std::string file = write_file("cache.jsonl", order("c3", "m1"));
  ASSERT_EQ(run("--db " + db_ + " --shop acme ingest " + file).exit_code, 0);
  EXPECT_EQ(read(auth).second["points"]["pending"],
            first.second["points"]["pending"].get<int>() * 3);
  // A key whose reads are cached, revoked by the CLI: refused from the next read on.
  const std::string doomed = key("acme", "server");
  const std::string doomed_id = last_key_id_;
  EXPECT_EQ(read(bearer(doomed)).first, 200);
  const auto cached = hits();
  EXPECT_EQ(read(bearer(doomed)).first, 200);
  EXPECT_EQ(hits(), cached + 1);
  ASSERT_EQ(run("--db " + db_ + " --shop acme key revoke " + doomed_id).exit_code, 0);
  EXPECT_EQ(read(bearer(doomed)).first, 401);
  EXPECT_EQ(read(auth).first, 200);
  // Another shop's key never reads m1 from the cache (nor otherwise).
  EXPECT_EQ(read(bearer(other_key_)).first, 404);
  EXPECT_EQ(read(bearer(other_key_)).first, 404);
}

TEST_F(Api, AppliesABatchOfEventsWithAResultForEach) {
  ServerProcess server(db_);
  HttpClient client(server.port());
  std::string bad = order("b3", "m1");
  bad.replace(bad.find(R"("currency":"EUR")"), 16, R"("currency":"EURO")");
  const std::string batch = R"({"events":[)" + order("b1", "m1") + "," + order("b2", "m2") + "," +
                            bad + "," + order("b1", "m1") + "]}";
  const HttpReply reply = client.request("POST", "/v1/events:batch", batch, bearer(server_key_));
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_NE(reply.body.find(R"({"index":0,"id":"b1","outcome":"accepted","status":201})"),
            std::string::npos)
      << reply.body;
  EXPECT_NE(reply.body.find(R"({"index":2,"id":"","outcome":"rejected","status":422,)"
                            R"("errors":[{"pointer":"/data/currency")"),
            std::string::npos)
      << reply.body;
  EXPECT_NE(reply.body.find(R"({"index":3,"id":"b1","outcome":"duplicate","status":200})"),
            std::string::npos)
      << reply.body;
  EXPECT_EQ(
      client.request("POST", "/v1/events:batch", R"({"events":{}})", bearer(server_key_)).status,
      422);
}

TEST_F(Api, GroupCommitsConcurrentPostsAndLosesNoneOnAGracefulStop) {
  ServerProcess server(db_);
  constexpr int kClients = 8, kEach = 40;
  std::vector<std::thread> clients;
  std::atomic<int> created{0};
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      HttpClient client(server.port());
      for (int i = 0; i < kEach; ++i) {
        const std::string id = "c" + std::to_string(c) + "-" + std::to_string(i);
        if (client.request("POST", "/v1/events", order(id, "m-busy"), bearer(server_key_)).status ==
            201) {
          ++created;
        }
      }
    });
  }
  for (auto& thread : clients) thread.join();
  EXPECT_EQ(created.load(), kClients * kEach);
  EXPECT_EQ(server.stop(SIGTERM), 0);
  const auto shown = run("--db " + db_ + " --shop acme member show m-busy --json");
  EXPECT_NE(shown.out.find(R"("pending":3200,)"), std::string::npos) << shown.out;
  EXPECT_EQ(run("--db " + db_ + " replay --verify").exit_code, 0);
}

TEST_F(Api, RedeemsValidatesUsesAndCancelsCodes) {
  ServerProcess server(db_);
  HttpClient client(server.port());
  const auto key = bearer(server_key_);
  ASSERT_EQ(client.request("POST", "/v1/events", adjust("g1", "m1", 1200), key).status, 201);
  const HttpReply redeemed =
      client.request("POST", "/v1/members/m1/redemptions", R"({"reward":"voucher-5"})", key);
  ASSERT_EQ(redeemed.status, 201) << redeemed.body;
  EXPECT_NE(redeemed.body.find(R"("available_after":700)"), std::string::npos) << redeemed.body;
  const std::string code = code_of(redeemed.body);
  ASSERT_EQ(code.size(), 15u) << redeemed.body;
  // Short balance: 409 with the reason; unknown reward: 404; bad body: 422 with its pointer.
  ASSERT_EQ(
      client.request("POST", "/v1/members/m1/redemptions", R"({"reward":"voucher-5"})", key).status,
      201);
  const HttpReply short_balance =
      client.request("POST", "/v1/members/m1/redemptions", R"({"reward":"voucher-5"})", key);
  EXPECT_EQ(short_balance.status, 409);
  EXPECT_NE(short_balance.body.find("insufficient_points"), std::string::npos);
  EXPECT_EQ(
      client.request("POST", "/v1/members/m1/redemptions", R"({"reward":"nope"})", key).status,
      404);
  const HttpReply typo =
      client.request("POST", "/v1/members/m1/redemptions", R"({"rewrd":"voucher-5"})", key);
  EXPECT_EQ(typo.status, 422);
  EXPECT_NE(typo.body.find(R"("pointer":"/rewrd")"), std::string::npos) << typo.body;

  const HttpReply valid = client.request("POST", "/v1/codes/" + code + "/validate", "", key);
  EXPECT_EQ(valid.status, 200);
  EXPECT_NE(valid.body.find(R"({"valid":true,"member":"m1")"), std::string::npos) << valid.body;
  // Another shop's key does not know the code.
  EXPECT_EQ(
      client.request("POST", "/v1/codes/" + code + "/validate", "", bearer(other_key_)).status,
      404);
  EXPECT_EQ(
      client.request("POST", "/v1/codes/" + code + "/use", R"({"order_id":"o-9"})", key).status,
      200);
  EXPECT_EQ(client.request("POST", "/v1/codes/" + code + "/use", "", key).status, 409);
  EXPECT_EQ(client.request("POST", "/v1/codes/" + code + "/cancel", "", key).status, 409);
  EXPECT_EQ(client.request("POST", "/v1/codes/0000-0000-00000/validate", "", key).status, 404);

  // The catalogue says what the member may redeem now, and why not.
  const HttpReply rewards = client.request("GET", "/v1/members/m1/rewards", "", key);
  EXPECT_EQ(rewards.status, 200);
  EXPECT_NE(rewards.body.find(R"({"id":"voucher-5","name":"5.00 off your next order",)"
                              R"("kind":"fixed_discount","points":500,"eligible":false,)"),
            std::string::npos)
      << rewards.body;
  EXPECT_NE(rewards.body.find(R"("points_missing":300,)"), std::string::npos) << rewards.body;
  const HttpReply missions = client.request("GET", "/v1/members/m1/missions", "", key);
  EXPECT_NE(missions.body.find(R"({"id":"reviews-3","on":"review.posted","target":3,"count":0,)"),
            std::string::npos)
      << missions.body;
  EXPECT_EQ(client.request("GET", "/v1/members/m1/referral", "", key).status, 200);
  EXPECT_EQ(client.request("GET", "/v1/members/nobody/rewards", "", key).status, 404);

  // The ledger, a page at a time.
  const HttpReply first = client.request("GET", "/v1/members/m1/ledger?limit=2", "", key);
  EXPECT_EQ(first.status, 200);
  EXPECT_NE(first.body.find(R"("next_after":2})"), std::string::npos) << first.body;
  const HttpReply rest = client.request("GET", "/v1/members/m1/ledger?after=2&limit=2", "", key);
  EXPECT_NE(rest.body.find(R"("seq":3,)"), std::string::npos) << rest.body;
  EXPECT_NE(rest.body.find(R"("next_after":null})"), std::string::npos) << rest.body;
  EXPECT_EQ(client.request("GET", "/v1/members/m1/ledger?limit=0", "", key).status, 422);
  // Mission completion across the shop: one member posted a review, none completed "reviews-3".
  const std::string review =
      R"({"id":"rv1","type":"review.posted","member":"m1","occurred_at":"2025-03-01T10:00:00Z",)"
      R"("data":{"review_id":"r1","sku":"A","rating":5}})";
  ASSERT_EQ(client.request("POST", "/v1/events", review, key).status, 201);
  const HttpReply stats = client.request("GET", "/v1/analytics/missions", "", key);
  EXPECT_EQ(stats.status, 200);
  EXPECT_NE(stats.body.find(R"({"id":"reviews-3","members":1,"started":1,"completed":0,)"
                            R"("completions":0,"completion_rate":"0.0"})"),
            std::string::npos)
      << stats.body;
}

// The dashboard's key figures: the order KPIs of the latest period and the one before, from the
// shop's own orders only, with the points totals; admin keys only.
TEST_F(Api, SumsUpTheShopsKeyFiguresForTheDashboard) {
  ServerProcess server(db_);
  HttpClient client(server.port());
  const auto admin = bearer(key("acme", "admin"));
  const auto dated = [](const std::string& id, const std::string& member, const char* at) {
    return R"({"id":")" + id + R"(","type":"order.placed","member":")" + member +
           R"(","occurred_at":")" + at + R"(","data":{"order_id":")" + id +
           R"(","currency":"EUR","lines":[{"sku":"A","quantity":1,"unit_price":"10.00"}]}})";
  };
  // January: m3; February: m1 (new) and m3 again; March (still running): m1 again and m2, new.
  // Another shop's order must not count.
  for (const auto& event :
       {dated("k0", "m3", "2025-01-10T10:00:00Z"), dated("k1", "m1", "2025-02-03T10:00:00Z"),
        dated("k2", "m3", "2025-02-10T10:00:00Z"), dated("k3", "m1", "2025-03-03T10:00:00Z"),
        dated("k4", "m2", "2025-03-04T10:00:00Z")}) {
    ASSERT_EQ(client.request("POST", "/v1/events", event, admin).status, 201) << event;
  }
  ASSERT_EQ(client.request("POST", "/v1/events", order("k9", "m9"), bearer(other_key_)).status,
            201);
  const HttpReply kpis = client.request("GET", "/v1/analytics/kpis", "", admin);
  ASSERT_EQ(kpis.status, 200) << kpis.body;
  const auto body = nlohmann::json::parse(kpis.body);
  EXPECT_EQ(body["members"], 3);
  EXPECT_EQ(body["customers"], 3);
  EXPECT_EQ(body["currency"], "EUR");
  // Five orders of 10.00, 10 points each: m3's January and m1's February orders were released
  // when those members' next orders brought their timers up; the rest are pending (14-day
  // window, no tick).
  EXPECT_EQ(body["points"]["available"], 20);
  EXPECT_EQ(body["points"]["pending"], 30);
  EXPECT_EQ(body["points"]["outstanding"], 50);
  EXPECT_EQ(body["points"]["redemption_rate"], 0.0);
  // The last complete period is February: CS = {m3}, CE = {m1, m3}, CN = {m1}.
  const auto& current = body["current"];
  EXPECT_EQ(current["start"], "2025-02-01");
  EXPECT_EQ(current["customers_start"], 1);
  EXPECT_EQ(current["customers_end"], 2);
  EXPECT_EQ(current["new_customers"], 1);
  EXPECT_EQ(current["retention_rate"], 100.0);  // (CE - CN) / CS
  EXPECT_EQ(current["churn_rate"], 0.0);
  EXPECT_EQ(body["previous"]["start"], "2025-01-01");
  EXPECT_EQ(body["previous"]["retention_rate"], nullptr);  // no customer before January
  // March so far: CS = {m1, m3}, CE = {m1, m2}, CN = {m2}.
  const auto& to_date = body["to_date"];
  EXPECT_EQ(to_date["start"], "2025-03-01");
  EXPECT_EQ(to_date["retention_rate"], 50.0);
  EXPECT_EQ(to_date["churn_rate"], 50.0);  // m3 did not come back
  EXPECT_EQ(to_date["orders"], 2);
  EXPECT_EQ(body["repeat_purchase_rate"].get<double>() * 3, 200.0);  // m1 and m3 of three
  // The program's figures by the same periods: February ends with m3 and m1 (joined then), 20
  // points issued (k1, k2), 30 outstanding (k0 too), nothing redeemed; January: m3, 10 points.
  const auto& program_now = body["program_periods"]["current"];
  EXPECT_EQ(program_now["members"], 2);
  EXPECT_EQ(program_now["joined"], 1);
  EXPECT_EQ(program_now["referral_rate"], 0.0);
  EXPECT_EQ(program_now["points"]["issued"], 20);
  EXPECT_EQ(program_now["points"]["outstanding"], 30);
  EXPECT_EQ(program_now["redemption_rate"], 0.0);
  EXPECT_EQ(body["program_periods"]["previous"]["members"], 1);
  EXPECT_EQ(body["program_periods"]["previous"]["points"]["outstanding"], 10);
  EXPECT_EQ(body["program_periods"]["to_date"]["members"], 3);
  EXPECT_EQ(body["program_periods"]["to_date"]["points"]["outstanding"], 50);
  EXPECT_TRUE(body.contains("clv")) << kpis.body;

  const HttpReply quarter = client.request("GET", "/v1/analytics/kpis?period=quarter", "", admin);
  EXPECT_EQ(nlohmann::json::parse(quarter.body)["to_date"]["start"], "2025-01-01");
  EXPECT_EQ(nlohmann::json::parse(quarter.body)["current"], nullptr);  // none complete yet
  EXPECT_EQ(client.request("GET", "/v1/analytics/kpis?period=week", "", admin).status, 422);
  EXPECT_EQ(client.request("GET", "/v1/analytics/kpis", "", bearer(server_key_)).status, 403);
  // Kept until something writes: an event post, or another process (the CLI) writing.
  EXPECT_EQ(client.request("GET", "/v1/analytics/kpis", "", admin).body, kpis.body);
  ASSERT_EQ(
      client.request("POST", "/v1/events", dated("k5", "m4", "2025-03-05T10:00:00Z"), admin).status,
      201);
  const auto posted =
      nlohmann::json::parse(client.request("GET", "/v1/analytics/kpis", "", admin).body);
  EXPECT_EQ(posted["members"], 4);
  EXPECT_EQ(posted["to_date"]["orders"], 3);
  const std::string file = write_file("more.jsonl", dated("k6", "m5", "2025-03-06T10:00:00Z"));
  ASSERT_EQ(run("--db " + db_ + " --shop acme ingest " + file).exit_code, 0);
  const auto ingested =
      nlohmann::json::parse(client.request("GET", "/v1/analytics/kpis", "", admin).body);
  EXPECT_EQ(ingested["members"], 5);
  EXPECT_EQ(ingested["to_date"]["orders"], 4);
  EXPECT_EQ(ingested["missions"]["started"], 0);  // "3 reviews": nobody reviewed yet
  EXPECT_EQ(ingested["referrals"]["referral_rate"], 0.0);
  // Surveys, by the period they were answered in (each also earns 10 points here).
  const auto survey = [](const std::string& id, const std::string& member, const char* at,
                         const std::string& scores) {
    return R"({"id":")" + id + R"(","type":"survey.answered","member":")" + member +
           R"(","occurred_at":")" + at + R"(","data":{)" + scores + "}}";
  };
  for (const auto& event :
       {survey("s1", "m1", "2025-02-20T10:00:00Z", R"("nps":10)"),
        survey("s2", "m3", "2025-02-21T10:00:00Z", R"("nps":5,"csat":5,"ces":2)"),
        survey("s3", "m2", "2025-03-10T10:00:00Z", R"("nps":9)")}) {
    ASSERT_EQ(client.request("POST", "/v1/events", event, admin).status, 201) << event;
  }
  const auto surveyed =
      nlohmann::json::parse(client.request("GET", "/v1/analytics/kpis", "", admin).body);
  const auto& february = surveyed["satisfaction"]["current"];
  EXPECT_EQ(february["nps_answers"], 2);
  EXPECT_EQ(february["nps"], 0.0);  // one promoter, one detractor
  EXPECT_EQ(february["csat"], 100.0);
  EXPECT_EQ(february["ces"], 2.0);
  EXPECT_EQ(surveyed["satisfaction"]["to_date"]["nps"], 100.0);
  EXPECT_EQ(surveyed["satisfaction"]["previous"]["nps"], nullptr);
  // Seven orders and three surveys, 10 points each: 100 points at 5.00 per 500 (voucher-5).
  EXPECT_EQ(surveyed["points"]["outstanding"], 100);
  EXPECT_EQ(surveyed["points"]["liability"]["amount"], "1.00");
  EXPECT_EQ(surveyed["points"]["liability"]["currency"], "EUR");
  // Orders of customers outside the program: no member, no points, counted apart (AOV members vs
  // non-members). February: 25.00 and 35.00 less 5.00; March: 12.00; a USD order is left out.
  const auto guest = [](const std::string& id, const char* at, const char* currency,
                        const char* price, const char* discount) {
    return R"({"id":")" + id + R"(","type":"guest.order.placed","occurred_at":")" + at +
           R"(","data":{"order_id":")" + id + R"(","currency":")" + currency +
           R"(","lines":[{"sku":"A","quantity":1,"unit_price":")" + price + R"("}],"discount":")" +
           discount + R"("}})";
  };
  for (const auto& event : {guest("g1", "2025-02-11T10:00:00Z", "EUR", "25.00", "0.00"),
                            guest("g2", "2025-02-12T10:00:00Z", "EUR", "35.00", "5.00"),
                            guest("g3", "2025-03-12T10:00:00Z", "EUR", "12.00", "0.00"),
                            guest("g4", "2025-02-13T10:00:00Z", "USD", "99.00", "0.00")}) {
    ASSERT_EQ(client.request("POST", "/v1/events", event, admin).status, 201) << event;
  }
  std::string with_member = guest("g5", "2025-02-13T10:00:00Z", "EUR", "1.00", "0.00");
  with_member.insert(1, R"("member":"m1",)");
  const HttpReply refused = client.request("POST", "/v1/events", with_member, admin);
  EXPECT_EQ(refused.status, 422);
  EXPECT_NE(refused.body.find(R"("pointer":"/member")"), std::string::npos) << refused.body;
  const auto guests =
      nlohmann::json::parse(client.request("GET", "/v1/analytics/kpis", "", admin).body);
  EXPECT_EQ(guests["members"], 5);
  EXPECT_EQ(guests["points"]["outstanding"], 100);
  EXPECT_EQ(guests["current"]["average_order_value"], 10.0);  // members: k1 and k2
  EXPECT_EQ(guests["non_members"]["current"]["orders"], 2);
  EXPECT_EQ(guests["non_members"]["current"]["revenue"], 55.0);
  EXPECT_EQ(guests["non_members"]["current"]["average_order_value"], 27.5);
  EXPECT_EQ(guests["non_members"]["to_date"]["orders"], 1);
  EXPECT_EQ(guests["non_members"]["previous"]["orders"], 0);
  EXPECT_EQ(guests["non_members"]["previous"]["average_order_value"], nullptr);
  // The other shop sees its own member and order only.
  const HttpReply theirs =
      client.request("GET", "/v1/analytics/kpis", "", bearer(key("other", "admin")));
  EXPECT_EQ(nlohmann::json::parse(theirs.body)["members"], 1) << theirs.body;

  // The charts: per-period points from the ledgers (the three months of orders and surveys),
  // the outstanding points at the end equal to the KPI's, members by tier, surveys per period.
  const HttpReply charts = client.request("GET", "/v1/analytics/charts", "", admin);
  ASSERT_EQ(charts.status, 200) << charts.body;
  const auto drawn = nlohmann::json::parse(charts.body);
  EXPECT_EQ(drawn["members"], 5);
  EXPECT_EQ(drawn["tiers"][""], 5);  // the engagement program has no tiers
  ASSERT_EQ(drawn["points"].size(), 3u) << charts.body;
  EXPECT_EQ(drawn["points"][0]["start"], "2025-01-01");
  EXPECT_EQ(drawn["points"][0]["issued"], 10);  // k0
  EXPECT_EQ(drawn["points"][1]["issued"], 40);  // k1, k2 and two surveys
  EXPECT_EQ(drawn["points"][2]["outstanding"], surveyed["points"]["outstanding"]);
  EXPECT_EQ(drawn["satisfaction"][1]["scores"]["nps_answers"], 2);
  EXPECT_EQ(drawn["analysis"]["dataset"]["orders"], 7);
  EXPECT_EQ(drawn["clv_distribution"]["customers"], 5);
  EXPECT_EQ(client.request("GET", "/v1/analytics/charts?period=day", "", admin).status, 422);

  // The forecast as made at the end of February and of January: what `analyze --until` says.
  for (const auto& [label, until] :
       {std::pair{"current", "2025-02-28"}, std::pair{"previous", "2025-01-31"}}) {
    const auto cli = run("--db " + db_ + " --shop acme --json analyze --until " + until);
    ASSERT_EQ(cli.exit_code, 0) << cli.err;
    EXPECT_EQ(guests["clv_periods"][label], nlohmann::json::parse(cli.out)["clv"]) << label;
  }
  // Missions by period: m1 completes "reviews-3" in February, m2 starts it in March; the rate
  // counts what was started and completed up to each period's end.
  const auto review = [](const std::string& id, const std::string& member, const char* at) {
    return R"({"id":")" + id + R"(","type":"review.posted","member":")" + member +
           R"(","occurred_at":")" + at + R"(","data":{"review_id":")" + id +
           R"(","sku":"A","rating":5}})";
  };
  for (const auto& event :
       {review("r1", "m1", "2025-02-14T10:00:00Z"), review("r2", "m1", "2025-02-15T10:00:00Z"),
        review("r3", "m1", "2025-02-16T10:00:00Z"), review("r4", "m2", "2025-03-11T10:00:00Z")}) {
    ASSERT_EQ(client.request("POST", "/v1/events", event, admin).status, 201) << event;
  }
  const auto reviewed =
      nlohmann::json::parse(client.request("GET", "/v1/analytics/kpis", "", admin).body);
  EXPECT_EQ(reviewed["missions"]["started"], 2);
  EXPECT_EQ(reviewed["missions"]["completed"], 1);
  const auto& periods = reviewed["program_periods"];
  EXPECT_EQ(periods["previous"]["missions"]["started_to_end"], 0);
  EXPECT_EQ(periods["previous"]["missions"]["completion_rate"], nullptr);
  EXPECT_EQ(periods["current"]["missions"]["started"], 1);
  EXPECT_EQ(periods["current"]["missions"]["completed"], 1);
  EXPECT_EQ(periods["current"]["missions"]["completion_rate"], 100.0);
  EXPECT_EQ(periods["to_date"]["missions"]["started"], 1);
  EXPECT_EQ(periods["to_date"]["missions"]["completed"], 0);
  EXPECT_EQ(periods["to_date"]["missions"]["completion_rate"], 50.0);
  const HttpReply progress =
      client.request("GET", "/v1/members/m1/missions", "", bearer(server_key_));
  EXPECT_NE(progress.body.find(R"("completed":1,"completed_at":"2025-02-16T10:00:00Z",)"),
            std::string::npos)
      << progress.body;
  EXPECT_EQ(client.request("GET", "/v1/analytics/charts", "", bearer(server_key_)).status, 403);
}

// The dashboard's member list: filters, a total, pages by cursor; admin keys only.
TEST_F(Api, ListsMembersWithFiltersATotalAndPages) {
  ServerProcess server(db_);
  HttpClient client(server.port());
  const auto admin = bearer(key("acme", "admin"));
  // m1 orders three times, the others once; m5 only joins.
  std::vector<std::string> events = {order("l1", "m1"), order("l2", "m2"), order("l3", "m3"),
                                     order("l4", "m4")};
  for (const char* day : {"2025-01-05", "2025-02-05"}) {
    events.push_back(
        R"({"id":"l1-)" + std::string(day) +
        R"(","type":"order.placed","member":"m1","occurred_at":")" + day +
        R"(T10:00:00Z","data":{"order_id":"l1-)" + day +
        R"(","currency":"EUR","lines":[{"sku":"A","quantity":1,"unit_price":"5.00"}]}})");
  }
  events.push_back(
      R"({"id":"j5","type":"member.enrolled","member":"m5","occurred_at":"2025-03-01T10:00:00Z","data":{"email":"Ana.Lopez@example.com"}})");
  for (const auto& event : events) {
    ASSERT_EQ(client.request("POST", "/v1/events", event, admin).status, 201) << event;
  }
  ASSERT_EQ(client.request("POST", "/v1/events", order("l9", "m9"), bearer(other_key_)).status,
            201);
  const auto list = [&](const std::string& query) {
    const HttpReply reply = client.request("GET", "/v1/members" + query, "", admin);
    EXPECT_EQ(reply.status, 200) << query << " " << reply.body;
    return nlohmann::json::parse(reply.body);
  };
  const auto ids = [](const nlohmann::json& body) {
    std::vector<std::string> out;
    for (const auto& row : body["members"]) out.push_back(row["member"]);
    return out;
  };
  const auto all = list("");
  EXPECT_EQ(all["total"], 5);
  EXPECT_EQ(ids(all), (std::vector<std::string>{"m1", "m2", "m3", "m4", "m5"}));
  EXPECT_EQ(all["next_cursor"], nullptr);
  // m1's March order is pending; their January and February orders, posted after it, were
  // past their return window at the member's clock and released at once.
  EXPECT_EQ(all["members"][0]["points"]["pending"], 10);
  EXPECT_EQ(all["members"][0]["points"]["available"], 10);
  EXPECT_EQ(all["members"][4]["rfm_segment"], nullptr);  // no order: not a customer
  // Pages: two at a time, each naming where the next starts.
  const auto first = list("?limit=2");
  EXPECT_EQ(ids(first), (std::vector<std::string>{"m1", "m2"}));
  EXPECT_EQ(first["next_cursor"], "m2");
  EXPECT_EQ(first["total"], 5);
  const auto second = list("?limit=2&cursor=m2");
  EXPECT_EQ(ids(second), (std::vector<std::string>{"m3", "m4"}));
  const auto last = list("?limit=2&cursor=m4");
  EXPECT_EQ(ids(last), (std::vector<std::string>{"m5"}));
  EXPECT_EQ(last["next_cursor"], nullptr);
  // Search (any case) and filters by the analysis' segment and lifecycle stage.
  EXPECT_EQ(ids(list("?q=M3")), (std::vector<std::string>{"m3"}));
  EXPECT_EQ(ids(list("?q=ana.lopez%40EXAMPLE.com")), (std::vector<std::string>{"m5"}));
  EXPECT_EQ(list("?q=ana%40example.com")["total"], 0);  // a whole email, not a part
  const std::string m1_segment = all["members"][0]["rfm_segment"];
  const auto same = list("?segment=" + m1_segment);
  for (const auto& row : same["members"]) EXPECT_EQ(row["rfm_segment"], m1_segment);
  EXPECT_EQ(same["members"][0]["member"], "m1");
  const std::string m2_stage = all["members"][1]["lifecycle"];
  EXPECT_GE(list("?lifecycle=" + m2_stage)["total"], 1);
  EXPECT_EQ(list("?segment=nobody")["total"], 0);
  EXPECT_EQ(client.request("GET", "/v1/members?limit=0", "", admin).status, 422);
  EXPECT_EQ(client.request("GET", "/v1/members?q=%zz", "", admin).status, 422);
  EXPECT_EQ(client.request("GET", "/v1/members", "", bearer(server_key_)).status, 403);
  // Kept until something writes; the other shop lists its own member only.
  ASSERT_EQ(client.request("POST", "/v1/events", order("l6", "m6"), admin).status, 201);
  EXPECT_EQ(list("")["total"], 6);
  const HttpReply theirs = client.request("GET", "/v1/members", "", bearer(key("other", "admin")));
  EXPECT_EQ(nlohmann::json::parse(theirs.body)["total"], 1) << theirs.body;
}

// SIGKILL during a load of event posts: every event that got a 2xx is there after a restart (its
// repost answers "duplicate"), and the ledger still equals a replay of the log.
TEST_F(Api, LosesNoAcknowledgedEventWhenKilled) {
  auto server = std::make_unique<ServerProcess>(db_);
  constexpr int kClients = 4;
  std::vector<std::vector<std::string>> acknowledged(kClients);
  std::atomic<bool> go_on{true};
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      HttpClient client(server->port());
      for (int i = 0; go_on; ++i) {
        const std::string id = "k" + std::to_string(c) + "-" + std::to_string(i);
        const int status =
            client
                .request("POST", "/v1/events", order(id, "m" + std::to_string(i % 50)),
                         bearer(server_key_))
                .status;
        if (status == 201) acknowledged[c].push_back(id);
        if (status == 0) break;  // the server is gone
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  server->stop(SIGKILL);
  go_on = false;
  for (auto& thread : clients) thread.join();
  server = std::make_unique<ServerProcess>(db_);
  HttpClient client(server->port());
  std::size_t checked = 0;
  for (int c = 0; c < kClients; ++c) {
    for (const std::string& id : acknowledged[c]) {
      const int i = std::stoi(id.substr(id.find('-') + 1));
      const HttpReply again = client.request(
          "POST", "/v1/events", order(id, "m" + std::to_string(i % 50)), bearer(server_key_));
      EXPECT_EQ(again.status, 200) << id << ": " << again.body;
      ++checked;
    }
  }
  EXPECT_GT(checked, 0u);
  EXPECT_EQ(server->stop(SIGTERM), 0);
  EXPECT_EQ(run("--db " + db_ + " replay --verify").exit_code, 0);
}

TEST_F(Api, ReplaysTheKeptAnswerForAnIdempotencyKey) {
  ServerProcess server(db_);
  HttpClient client(server.port());
  auto key = bearer(server_key_);
  ASSERT_EQ(client.request("POST", "/v1/events", adjust("g1", "m1", 1200), key).status, 201);
  auto with_key = key;
  with_key.emplace_back("Idempotency-Key", "redeem-attempt-1");
  const HttpReply first =
      client.request("POST", "/v1/members/m1/redemptions", R"({"reward":"voucher-5"})", with_key);
  ASSERT_EQ(first.status, 201) << first.body;
  // A retry gets the same answer, and no second code is issued.
  const HttpReply retry =
      client.request("POST", "/v1/members/m1/redemptions", R"({"reward":"voucher-5"})", with_key);
  EXPECT_EQ(retry.status, 201);
  EXPECT_EQ(retry.body, first.body);
  EXPECT_EQ(retry.headers.at("idempotent-replayed"), "true");
  const HttpReply member = client.request("GET", "/v1/members/m1", "", key);
  EXPECT_NE(member.body.find(R"("available":700,)"), std::string::npos) << member.body;
  // The same key for another request: refused.
  const HttpReply other =
      client.request("POST", "/v1/members/m1/redemptions", R"({"reward":"nope"})", with_key);
  EXPECT_EQ(other.status, 422);
  EXPECT_NE(other.body.find("idempotency_key_reused"), std::string::npos) << other.body;
  // Event posts too: the kept answer says "accepted" again, even after a restart.
  auto event_key = key;
  event_key.emplace_back("Idempotency-Key", "post-o7");
  ASSERT_EQ(client.request("POST", "/v1/events", order("o7", "m1"), event_key).status, 201);
  client.disconnect();
  EXPECT_EQ(server.stop(SIGTERM), 0);
  ServerProcess again(db_);
  HttpClient later(again.port());
  const HttpReply replayed = later.request("POST", "/v1/events", order("o7", "m1"), event_key);
  EXPECT_EQ(replayed.status, 201);
  EXPECT_NE(replayed.body.find(R"("outcome":"accepted")"), std::string::npos) << replayed.body;
}

TEST_F(Api, ManagesTheProgramAdjustsAndExportsWithAnAdminKey) {
  ServerProcess server(db_);
  HttpClient client(server.port());
  const auto admin = bearer(key("acme", "admin"));
  const auto server_only = bearer(server_key_);
  const HttpReply program = client.request("GET", "/v1/program", "", server_only);
  EXPECT_EQ(program.status, 200);
  EXPECT_NE(program.body.find(R"("in_force":{"version":1,"definition":{)"), std::string::npos)
      << program.body;
  EXPECT_NE(program.body.find(R"("name": "Points and engagement")"), std::string::npos)
      << program.body;
  const std::string full =
      test_support::read_text(test_support::source_dir() / "examples/programs/full.json");
  // Server keys may read, not change; a second version needs its start; bad drafts are located.
  EXPECT_EQ(
      client.request("PUT", "/v1/program?applies_from=2030-01-01T00:00:00Z", full, server_only)
          .status,
      403);
  EXPECT_EQ(client.request("PUT", "/v1/program", full, admin).status, 422);
  const HttpReply unfair = client.request("PUT", "/v1/program?applies_from=2030-01-01T00:00:00Z",
                                          R"({"name":"Lottery","earning":{"rates":{"EUR":)"
                                          R"({"points":1,"per":"1.00"}}}})",
                                          admin);
  EXPECT_EQ(unfair.status, 422);
  EXPECT_NE(unfair.body.find("fair_play_chance"), std::string::npos) << unfair.body;
  const HttpReply activated =
      client.request("PUT", "/v1/program?applies_from=2030-01-01T00:00:00Z", full, admin);
  EXPECT_EQ(activated.status, 201) << activated.body;
  EXPECT_NE(activated.body.find(R"("version":2)"), std::string::npos);
  const HttpReply page =
      client.request("GET", "/v1/program/rules-page?lang=fr&format=md", "", server_only);
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.headers.at("content-type"), "text/markdown; charset=utf-8");
  EXPECT_NE(page.body.find("# "), std::string::npos);

  // Adjustments: admin only, reason required, through the event batch.
  const std::string goodwill = R"({"points":250,"reason":"late parcel"})";
  EXPECT_EQ(client.request("POST", "/v1/members/m1/adjustments", goodwill, server_only).status,
            403);
  EXPECT_EQ(client.request("POST", "/v1/members/m1/adjustments", R"({"points":5})", admin).status,
            422);
  EXPECT_EQ(client.request("POST", "/v1/members/m1/adjustments", goodwill, admin).status, 201);
  const HttpReply exported = client.request("GET", "/v1/members/m1/export", "", admin);
  EXPECT_EQ(exported.status, 200);
  EXPECT_NE(exported.body.find(R"("note":"late parcel")"), std::string::npos) << exported.body;
  EXPECT_EQ(client.request("GET", "/v1/members/m1/export", "", server_only).status, 403);

  const HttpReply simulated = client.request("POST", "/v1/program:simulate", full, admin);
  EXPECT_EQ(simulated.status, 200) << simulated.body;
  EXPECT_NE(simulated.body.find(R"("live":{"points_issued":250,)"), std::string::npos)
      << simulated.body;
}

// Many clients redeem at once against a balance that covers some of them: never more.
TEST_F(Api, ConcurrentRedemptionsNeverOverspend) {
  ServerProcess server(db_);
  constexpr int kRounds = 5, kClients = 8;
  for (int round = 0; round < kRounds; ++round) {
    const std::string member = "r" + std::to_string(round);
    HttpClient setup(server.port());
    // 1,700 points: three codes of 500, whatever the interleaving.
    ASSERT_EQ(
        setup
            .request("POST", "/v1/events", adjust("g-" + member, member, 1700), bearer(server_key_))
            .status,
        201);
    std::atomic<int> created{0}, refused{0};
    std::vector<std::thread> clients;
    for (int c = 0; c < kClients; ++c) {
      clients.emplace_back([&] {
        HttpClient client(server.port());
        const int status = client
                               .request("POST", "/v1/members/" + member + "/redemptions",
                                        R"({"reward":"voucher-5"})", bearer(server_key_))
                               .status;
        (status == 201 ? created : refused)++;
      });
    }
    for (auto& thread : clients) thread.join();
    EXPECT_EQ(created.load(), 3) << "round " << round;
    EXPECT_EQ(refused.load(), kClients - 3) << "round " << round;
    const HttpReply shown = setup.request("GET", "/v1/members/" + member, "", bearer(server_key_));
    EXPECT_NE(shown.body.find(R"("available":200,)"), std::string::npos) << shown.body;
  }
}

}  // namespace
}  // namespace fidelis
