#include "api/routes.h"

#include "api/charts.h"
#include "api/kpis.h"
#include "api/member_directory.h"
#include "api/problem.h"
#include "api/store_orders.h"
#include "core/digest.h"
#include "core/json_reader.h"
#include "core/json_writer.h"
#include "core/time.h"
#include "domain/event/event.h"
#include "domain/ledger/redemption.h"
#include "domain/program/fair_play.h"
#include "domain/program/rules_page.h"
#include "engine/views.h"

namespace fidelis::api {
namespace {

using core::ErrorCode;

// "m%2F1" -> "m/1"; nothing when an escape is malformed.
std::optional<std::string> percent_decode(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    const int high = core::hex_digit(text[i + 1]), low = core::hex_digit(text[i + 2]);
    if (high < 0 || low < 0) return std::nullopt;
    out += static_cast<char>(high * 16 + low);
    i += 2;
  }
  return out;
}

// "/v1/members/m%2F1" -> {"v1", "members", "m/1"}; nothing when an escape is malformed.
std::optional<std::vector<std::string>> split_path(std::string_view path) {
  std::vector<std::string> segments;
  std::size_t start = 1;
  while (start <= path.size()) {
    const std::size_t end = std::min(path.find('/', start), path.size());
    auto segment = percent_decode(path.substr(start, end - start));
    if (!segment) return std::nullopt;
    segments.push_back(std::move(*segment));
    start = end + 1;
  }
  return segments;
}

constexpr std::string_view kBearer = "Bearer ";

// The key sent as "Authorization: Bearer KEY", or nothing.
std::optional<std::string_view> bearer_key(const http::Request& request) {
  const std::string_view header = request.authorization;
  if (!header.starts_with(kBearer) || header.size() == kBearer.size()) return std::nullopt;
  return header.substr(kBearer.size());
}

// The SHA-256 of the key a thread saw last: a shop's server sends the same key on every request,
// so most requests need no hash. Compared in constant time: the kept key is another caller's
// secret.
const std::string& key_hash(std::string_view sent) {
  struct Last {
    std::string key, hash;
  };
  thread_local Last last;
  if (!core::equal_in_constant_time(last.key, sent)) {
    last.key.assign(sent);
    last.hash = core::sha256_hex(sent);
  }
  return last.hash;
}

std::variant<Key, http::Response> authenticate(Context& context, const http::Request& request) {
  const auto sent = bearer_key(request);
  if (!sent) {
    auto response = problem(ErrorCode::unauthorized, "send an API key: Authorization: Bearer KEY",
                            "Authorization");
    response.headers.emplace_back("WWW-Authenticate", "Bearer");
    return response;
  }
  const std::string& hash = key_hash(*sent);
  if (auto cached = context.cache.key(hash)) return std::move(*cached);
  auto found = context.store.key_by_hash(hash);
  if (!found.ok()) return problem(found.errors());
  if (!*found || (*found)->revoked_at) {
    auto response =
        problem(ErrorCode::unauthorized, "the API key is unknown or revoked", "Authorization");
    response.headers.emplace_back("WWW-Authenticate", "Bearer error=\"invalid_token\"");
    return response;
  }
  Key key{(*found)->id, (*found)->shop, (*found)->scope, (*found)->rate};
  context.cache.put_key(hash, key, context.generation);
  return key;
}

// 429 with Retry-After when the key has a rate and no token left; takes a token otherwise.
std::optional<http::Response> rate_limited(RateLimiter& limiter, const Key& key) {
  if (!key.rate) return std::nullopt;
  const auto wait = limiter.take(key.id, *key.rate);
  if (!wait) return std::nullopt;
  auto response = problem(ErrorCode::rate_limited,
                          "key " + key.id + " is limited to " + std::to_string(*key.rate) +
                              " requests a second; retry in " + std::to_string(*wait) + " s",
                          "Authorization");
  response.headers.emplace_back("Retry-After", std::to_string(*wait));
  return response;
}

http::Response forbidden(const Key& key, std::string_view what) {
  return problem(ErrorCode::forbidden, "a " + key.scope + " key cannot " + std::string(what),
                 "Authorization");
}

http::Response method_not_allowed(std::string_view allow) {
  auto response =
      problem(ErrorCode::method_not_allowed, "this route accepts " + std::string(allow));
  response.headers.emplace_back("Allow", std::string(allow));
  return response;
}

// A request's JSON object body, read field by field. An empty body reads as {}; `refusal` is set
// when the body is not a JSON object, and unknown fields are errors.
class JsonBody {
 public:
  JsonBody(const std::string& text, std::initializer_list<std::string_view> known) {
    auto parsed = parser_.parse_object(text.empty() ? std::string_view("{}") : text);
    if (!parsed.ok()) {
      refusal = problem(parsed.errors());
      return;
    }
    reader.emplace(*parsed, "", errors);
    reader->reject_unknown(known);
  }
  JsonBody(const JsonBody&) = delete;
  JsonBody& operator=(const JsonBody&) = delete;

  std::optional<http::Response> refusal;
  core::Errors errors;
  std::optional<core::ObjectReader> reader;

 private:
  core::JsonParser parser_;
};

using Params = std::vector<std::string>;
using Routed = std::variant<http::Response, PendingEvent>;

http::Response get_member(Context& context, const Key& key, const std::string& member) {
  auto state = context.engine.member(key.shop, member);
  if (!state.ok()) return problem(state.errors());
  // Another shop's member answers exactly as an absent one.
  if (!*state) {
    return problem(ErrorCode::member_not_found, "no member \"" + member + "\" in this shop",
                   "/member");
  }
  auto program = context.engine.program_in_force(key.shop, (*state)->clock);
  if (!program.ok()) return problem(program.errors());
  auto code = context.engine.referral_code(key.shop, member);
  if (!code.ok()) return problem(code.errors());
  core::JsonWriter out;
  engine::write_member_json(out, key.shop, **state, *program, *code);
  std::string body = out.take();
  // A pure function of stored data (the program in force at the member's own clock): the HTTP
  // threads may answer it again until something changes.
  context.cache.put_member(key.shop, member, body, context.generation);
  return json(200, std::move(body));
}

// The member and the program in force now, or the 404 / problem to answer.
struct MemberView {
  domain::MemberState state;
  const domain::Program* program = nullptr;
};
std::variant<MemberView, http::Response> member_view(Context& context, const Key& key,
                                                     const std::string& member) {
  auto state = context.engine.member(key.shop, member);
  if (!state.ok()) return problem(state.errors());
  if (!*state) {
    return problem(ErrorCode::member_not_found, "no member \"" + member + "\" in this shop",
                   "/member");
  }
  auto program = context.engine.program_in_force(key.shop, core::wall_clock());
  if (!program.ok()) return problem(program.errors());
  if (*program == nullptr) {
    return problem(ErrorCode::program_missing, "the shop has no program in force");
  }
  return MemberView{std::move(**state), *program};
}

// GET /v1/members/{id}/rewards: the catalogue, each reward with whether the member may redeem it
// now, why not, and the points missing.
Routed rewards_route(Context& context, const Key& key, const Params& params, http::Request&) {
  auto view = member_view(context, key, params[0]);
  if (auto* response = std::get_if<http::Response>(&view)) return std::move(*response);
  const auto& [state, program] = std::get<MemberView>(view);
  core::JsonWriter out;
  out.begin_object().key("member").value(state.member);
  out.key("available").value(state.available()).key("rewards").begin_array();
  for (const auto& reward : program->rewards) {
    auto outstanding = context.store.reward_outstanding(key.shop, reward.id);
    if (!outstanding.ok()) return problem(outstanding.errors());
    const auto refusal =
        domain::reward_refusal(*program, state, reward, *outstanding, core::wall_clock());
    out.begin_object().key("id").value(reward.id).key("name").value(reward.name);
    out.key("kind").value(domain::reward_kind_name(reward.kind));
    if (reward.credit_cost > 0) {
      out.key("credit_cost").value(reward.credit_cost);
    } else {
      out.key("points").value(reward.points);
    }
    out.key("eligible").value(!refusal.has_value());
    if (refusal) {
      out.key("why_not").value(refusal->message);
      out.key("code").value(core::error_code_name(refusal->code));
    }
    out.key("points_missing").value(std::max<domain::Points>(0, reward.points - state.available()));
    out.key("terms").value(reward.terms).end_object();
  }
  out.end_array().end_object();
  return json(200, out.take());
}

// GET /v1/analytics/missions: per mission of the program in force, how many members started and
// completed it, and the completion rate (percent of those who started, one decimal).
Routed mission_stats_route(Context& context, const Key& key, const Params&, http::Request&) {
  auto program = context.engine.program_in_force(key.shop, core::wall_clock());
  if (!program.ok()) return problem(program.errors());
  if (*program == nullptr) {
    return problem(ErrorCode::program_missing, "the shop has no program in force");
  }
  auto stats = engine::mission_stats(context.store, key.shop, **program);
  if (!stats.ok()) return problem(stats.errors());
  core::JsonWriter out;
  out.begin_object().key("shop").value(key.shop).key("missions").begin_array();
  for (const auto& entry : *stats) {
    out.begin_object().key("id").value(entry.mission).key("members").value(entry.members);
    out.key("started").value(entry.started).key("completed").value(entry.completed);
    out.key("completions").value(entry.completions);
    out.key("completion_rate")
        .value(std::to_string(entry.completion_rate_tenths / 10) + "." +
               std::to_string(entry.completion_rate_tenths % 10));
    out.end_object();
  }
  out.end_array().end_object();
  return json(200, out.take());
}

// GET /v1/members/{id}/missions: each mission of the program with the member's progress.
Routed missions_route(Context& context, const Key& key, const Params& params, http::Request&) {
  auto view = member_view(context, key, params[0]);
  if (auto* response = std::get_if<http::Response>(&view)) return std::move(*response);
  const auto& [state, program] = std::get<MemberView>(view);
  core::JsonWriter out;
  engine::write_missions_json(out, *program, state);
  return json(200, out.take());
}

// GET /v1/members/{id}/referral: the member's code, referrer and referees.
Routed referral_route(Context& context, const Key& key, const Params& params, http::Request&) {
  auto view = member_view(context, key, params[0]);
  if (auto* response = std::get_if<http::Response>(&view)) return std::move(*response);
  const auto& [state, program] = std::get<MemberView>(view);
  auto code = context.engine.referral_code(key.shop, state.member);
  if (!code.ok()) return problem(code.errors());
  core::JsonWriter out;
  engine::write_referral_json(out, program, state, *code);
  return json(200, out.take());
}

Routed member_route(Context& context, const Key& key, const Params& params, http::Request&) {
  return get_member(context, key, params[0]);
}

// The value of `name` in a query string ("a=1&b=2"), percent-decoding left out (values here are
// times and words); nothing when absent.
std::optional<std::string> query_value(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? "" : query.substr(amp + 1);
    const auto equals = pair.find('=');
    if (pair.substr(0, equals) == name) {
      return std::string(equals == std::string_view::npos ? "" : pair.substr(equals + 1));
    }
  }
  return std::nullopt;
}

// GET /v1/analytics/kpis?period=month|quarter|year: the dashboard's key figures (admin).
// ?period=month|quarter|year of the dashboard's whole-shop routes, or the problem to answer.
std::variant<analytics::PeriodKind, http::Response> period_of(const http::Request& request) {
  const std::string name = query_value(request.query, "period").value_or("month");
  if (name == "month") return analytics::PeriodKind::month;
  if (name == "quarter") return analytics::PeriodKind::quarter;
  if (name == "year") return analytics::PeriodKind::year;
  return problem(ErrorCode::value_not_allowed, "period is month, quarter or year", "?period");
}

// A whole-shop answer of `route` for the request's period: kept in the worker's cache until
// something writes (ShopAnswerCache), computed by `compute` otherwise.
template <typename Compute>
Routed shop_answer(Context& context, const Key& key, std::string_view route,
                   const http::Request& request, Compute compute) {
  auto period = period_of(request);
  if (auto* refusal = std::get_if<http::Response>(&period)) return std::move(*refusal);
  const std::string cache_key = key.shop + "\n" + std::string(route) + "?" +
                                query_value(request.query, "period").value_or("month");
  if (const auto kept = context.shop_answers.answers.find(cache_key);
      kept != context.shop_answers.answers.end()) {
    return json(200, kept->second);
  }
  core::Result<std::string> body = compute(std::get<analytics::PeriodKind>(period));
  if (!body.ok()) return problem(body.errors());
  context.shop_answers.answers[cache_key] = *body;
  return json(200, std::move(*body));
}

// The shop's orders from the store, read once for all the whole-shop answers until a write.
core::Result<std::shared_ptr<const analytics::OrdersRead>> kept_orders(Context& context,
                                                                       const std::string& shop) {
  auto& kept = context.shop_answers.orders[shop];
  if (!kept) {
    FIDELIS_TRY(auto read, orders_from_store(context.store, shop, ""));
    kept = std::make_shared<const analytics::OrdersRead>(std::move(read));
  }
  return kept;
}

Routed kpis_route(Context& context, const Key& key, const Params&, http::Request& request) {
  return shop_answer(context, key, "/v1/analytics/kpis", request,
                     [&](analytics::PeriodKind period) -> core::Result<std::string> {
                       auto program = context.engine.program_in_force(key.shop, core::wall_clock());
                       if (!program.ok()) return program.errors();
                       FIDELIS_TRY(const auto orders, kept_orders(context, key.shop));
                       return kpis_json(context.store, key.shop, *program, period, *orders);
                     });
}

// GET /v1/analytics/charts?period=: the dashboard's charts (charts.h).
Routed charts_route(Context& context, const Key& key, const Params&, http::Request& request) {
  return shop_answer(context, key, "/v1/analytics/charts", request,
                     [&](analytics::PeriodKind period) -> core::Result<std::string> {
                       auto program = context.engine.program_in_force(key.shop, core::wall_clock());
                       if (!program.ok()) return program.errors();
                       FIDELIS_TRY(const auto orders, kept_orders(context, key.shop));
                       return charts_json(context.store, key.shop, *program, period, *orders);
                     });
}

// Case-insensitive: does `text` contain `part`?
bool contains_folded(std::string_view text, std::string_view part) {
  const auto fold = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
  const auto it = std::search(text.begin(), text.end(), part.begin(), part.end(),
                              [&](char a, char b) { return fold(a) == fold(b); });
  return it != text.end();
}

// GET /v1/members?q=&tier=&segment=&lifecycle=&cursor=&limit=: the dashboard's member list
// (admin), from the worker's directory of the shop.
Routed members_route(Context& context, const Key& key, const Params&, http::Request& request) {
  std::map<std::string, std::string, std::less<>> filters;
  for (const std::string_view name : {"q", "tier", "segment", "lifecycle", "cursor", "limit"}) {
    const auto raw = query_value(request.query, name);
    if (!raw) continue;
    auto decoded = percent_decode(*raw);
    if (!decoded) {
      return problem(ErrorCode::value_not_allowed, "a malformed %-escape", "?" + std::string(name));
    }
    filters.emplace(name, std::move(*decoded));
  }
  std::size_t limit = 50;
  if (const auto text = filters.find("limit"); text != filters.end()) {
    char* end = nullptr;
    const unsigned long long number = std::strtoull(text->second.c_str(), &end, 10);
    if (text->second.empty() || *end != '\0' || number < 1 || number > 1000) {
      return problem(ErrorCode::value_out_of_range, "limit is from 1 to 1000", "?limit");
    }
    limit = number;
  }
  // The directory, built once and kept until something writes or it ages.
  const core::Timestamp now = core::wall_clock();
  auto& kept = context.shop_answers.directories[key.shop];
  if (!kept ||
      now.micros - kept->as_of.micros >
          std::chrono::duration_cast<std::chrono::microseconds>(kDirectoryMaxAge).count()) {
    auto program = context.engine.program_in_force(key.shop, now);
    if (!program.ok()) return problem(program.errors());
    auto orders = kept_orders(context, key.shop);
    if (!orders.ok()) return problem(orders.errors());
    auto built = build_member_directory(context.store, key.shop, *program, now, **orders);
    if (!built.ok()) return problem(built.errors());
    kept = std::make_shared<const MemberDirectory>(std::move(*built));
  }
  const auto wanted = [&](std::string_view name) -> const std::string* {
    const auto it = filters.find(name);
    return it == filters.end() ? nullptr : &it->second;
  };
  const std::string *q = wanted("q"), *tier = wanted("tier"), *segment = wanted("segment"),
                    *lifecycle = wanted("lifecycle"), *cursor = wanted("cursor");
  // A segment is one of the program's, or an RFM segment of the analysis.
  const auto in_segment = [&](const MemberRow& row) {
    return row.rfm_segment == *segment ||
           std::find(row.segments.begin(), row.segments.end(), *segment) != row.segments.end();
  };
  // q: part of the member id, or a member's whole email (any case) when it has an "@".
  std::vector<std::string> by_email;
  if (q && q->find('@') != std::string::npos) {
    auto found = context.store.members_with_email(key.shop, *q);
    if (!found.ok()) return problem(found.errors());
    by_email = std::move(*found);
  }
  const auto matches_q = [&](const MemberRow& row) {
    return contains_folded(row.member, *q) ||
           std::binary_search(by_email.begin(), by_email.end(), row.member);
  };
  std::int64_t total = 0;
  bool more = false;  // members left after this page
  std::string last_listed;
  core::JsonWriter out;
  out.begin_object().key("shop").value(key.shop);
  out.key("as_of").value(core::format_rfc3339(kept->as_of)).key("members").begin_array();
  std::size_t listed = 0;
  for (const MemberRow& row : kept->rows) {
    if (q && !matches_q(row)) continue;
    if (tier && row.tier != *tier) continue;
    if (segment && !in_segment(row)) continue;
    if (lifecycle && row.lifecycle != *lifecycle) continue;
    ++total;
    if (cursor && row.member <= *cursor) continue;
    if (listed == limit) {
      more = true;
      continue;
    }
    ++listed;
    out.begin_object().key("member").value(row.member).key("points").begin_object();
    out.key("available").value(row.available).key("pending").value(row.pending);
    out.key("debt").value(row.debt).end_object();
    out.key("tier");
    row.tier.empty() ? out.null() : out.value(row.tier);
    out.key("segments").begin_array();
    for (const auto& id : row.segments) out.value(id);
    out.end_array().key("rfm_segment");
    row.rfm_segment.empty() ? out.null() : out.value(row.rfm_segment);
    out.key("lifecycle");
    row.lifecycle.empty() ? out.null() : out.value(row.lifecycle);
    out.key("clv");
    std::isnan(row.clv) ? out.null() : out.value(row.clv);
    out.key("p_alive");
    std::isnan(row.p_alive) ? out.null() : out.value(row.p_alive);
    out.end_object();
    last_listed = row.member;
  }
  out.end_array().key("total").value(total);
  out.key("next_cursor");
  more ? out.value(last_listed) : out.null();
  out.end_object();
  return json(200, out.take());
}

// GET /v1/members/{id}/ledger?after=SEQ&limit=N
Routed ledger_route(Context& context, const Key& key, const Params& params,
                    http::Request& request) {
  std::uint64_t after = 0;
  std::size_t limit = 100;
  for (const std::string_view name : {"after", "limit"}) {
    const auto text = query_value(request.query, name);
    if (!text) continue;
    char* end = nullptr;
    const unsigned long long number = std::strtoull(text->c_str(), &end, 10);
    const bool ok =
        !text->empty() && *end == '\0' && (name == "after" || (number >= 1 && number <= 1000));
    if (!ok) {
      return problem(ErrorCode::value_out_of_range,
                     "after is a sequence number; limit is from 1 to 1000",
                     "?" + std::string(name));
    }
    (name == "after" ? after : limit) = number;
  }
  auto state = context.engine.member(key.shop, params[0]);
  if (!state.ok()) return problem(state.errors());
  if (!*state) return get_member(context, key, params[0]);  // the same 404
  auto lines = context.store.ledger(key.shop, params[0], after, limit);
  if (!lines.ok()) return problem(lines.errors());
  core::JsonWriter out;
  engine::write_ledger_page_json(out, key.shop, **state, *lines, limit);
  return json(200, out.take());
}

void write_acted(core::JsonWriter& out, const engine::Engine::Redeemed& acted) {
  out.begin_object().key("member").value(acted.member).key("event").value(acted.event_id);
  out.key("available_after").value(acted.available_after);
  out.key("redemption");
  engine::write_redemption_json(out, acted.redemption);
  out.end_object();
}

// POST /v1/members/{id}/redemptions {"reward": "voucher-5"}: 201 with the code.
Routed redeem_route(Context& context, const Key& key, const Params& params,
                    http::Request& request) {
  JsonBody body(request.body, {"reward"});
  if (body.refusal) return std::move(*body.refusal);
  const std::string reward(body.reader->string("reward", true, 128).value_or(""));
  if (!body.errors.empty()) return problem(body.errors);
  http::Response response;
  auto redeemed = context.engine.redeem(
      key.shop, params[0], reward, core::wall_clock(), [&](const engine::Engine::Redeemed& done) {
        core::JsonWriter out;
        write_acted(out, done);
        response = json(201, out.take());
        keep_response(context.engine, key.shop, context.idempotency, response);
      });
  if (!redeemed.ok()) return problem(redeemed.errors());
  return response;
}

// POST /v1/codes/{code}/validate: valid? for whom? what does it give?
Routed validate_route(Context& context, const Key& key, const Params& params, http::Request&) {
  auto found = context.engine.find_code(key.shop, params[0]);
  if (!found.ok()) return problem(found.errors());
  if (!*found) {
    return problem(ErrorCode::code_not_found, "no code " + params[0] + " in this shop", "/code");
  }
  const auto unusable = domain::code_unusable((*found)->redemption, core::wall_clock());
  core::JsonWriter out;
  out.begin_object().key("valid").value(!unusable.has_value());
  out.key("member").value((*found)->member);
  if (unusable) out.key("why_not").value(unusable->message);
  out.key("redemption");
  engine::write_redemption_json(out, (*found)->redemption);
  out.end_object();
  return json(200, out.take());
}

// POST /v1/codes/{code}/use {"order_id"?} and /cancel {"reason"?}.
Routed code_action_route(Context& context, const Key& key, const Params& params,
                         http::Request& request, bool use) {
  const std::string_view field = use ? "order_id" : "reason";
  JsonBody body(request.body, {field});
  if (body.refusal) return std::move(*body.refusal);
  const std::string note(body.reader->string(field, false, use ? 128 : 500).value_or(""));
  if (!body.errors.empty()) return problem(body.errors);
  http::Response response;
  auto acted = context.engine.act_on_code(key.shop, params[0], use, note, core::wall_clock(),
                                          [&](const engine::Engine::Redeemed& done) {
                                            core::JsonWriter out;
                                            write_acted(out, done);
                                            response = json(200, out.take());
                                            keep_response(context.engine, key.shop,
                                                          context.idempotency, response);
                                          });
  if (!acted.ok()) return problem(acted.errors());
  return response;
}

Routed use_route(Context& context, const Key& key, const Params& params, http::Request& request) {
  return code_action_route(context, key, params, request, true);
}

Routed cancel_route(Context& context, const Key& key, const Params& params,
                    http::Request& request) {
  return code_action_route(context, key, params, request, false);
}

// An RFC 3339 time in the query, or a problem; nothing when absent.
std::variant<std::optional<core::Timestamp>, http::Response> query_time(
    const http::Request& request, std::string_view name) {
  const auto text = query_value(request.query, name);
  if (!text) return std::optional<core::Timestamp>{};
  auto at = core::parse_rfc3339(*text);
  if (!at.ok()) {
    return problem(ErrorCode::timestamp_invalid,
                   std::string(name) + ": " + at.error().message + " (write Z times in queries)",
                   "?" + std::string(name));
  }
  return std::optional<core::Timestamp>(*at);
}

// GET /v1/program: the versions, and the one in force now with its definition.
Routed get_program_route(Context& context, const Key& key, const Params&, http::Request&) {
  auto versions = context.store.programs(key.shop);
  if (!versions.ok()) return problem(versions.errors());
  const core::Timestamp now = core::wall_clock();
  const store::ProgramVersion* in_force = nullptr;
  core::JsonWriter out;
  out.begin_object().key("shop").value(key.shop).key("versions").begin_array();
  for (const auto& version : *versions) {
    if (!version.applies_from || *version.applies_from <= now) in_force = &version;
    out.begin_object().key("version").value(version.version).key("applies_from");
    version.applies_from ? out.value(core::format_rfc3339(*version.applies_from)) : out.null();
    out.key("activated_at").value(core::format_rfc3339(version.activated_at)).end_object();
  }
  out.end_array().key("in_force");
  if (in_force != nullptr) {
    out.begin_object().key("version").value(in_force->version);
    out.key("definition").raw(in_force->definition).end_object();
  } else {
    out.null();
  }
  out.end_object();
  return json(200, out.take());
}

// PUT /v1/program?applies_from=TIME with the definition as body: checked (fair play included),
// then activated as a new version.
Routed put_program_route(Context& context, const Key& key, const Params&, http::Request& request) {
  auto from = query_time(request, "applies_from");
  if (auto* response = std::get_if<http::Response>(&from)) return std::move(*response);
  auto version = context.engine.activate_program(
      key.shop, request.body, std::get<std::optional<core::Timestamp>>(from), core::wall_clock());
  if (!version.ok()) return problem(version.errors());
  core::JsonWriter out;
  out.begin_object().key("shop").value(key.shop).key("version").value(*version).end_object();
  return json(201, out.take());
}

// GET /v1/program/rules-page?lang=en|fr&format=md|html: what members read, from the version in
// force now.
Routed rules_page_route(Context& context, const Key& key, const Params&, http::Request& request) {
  const std::string lang = query_value(request.query, "lang").value_or("en");
  const std::string format = query_value(request.query, "format").value_or("html");
  if ((lang != "en" && lang != "fr") || (format != "md" && format != "html")) {
    return problem(ErrorCode::value_not_allowed, "lang is en or fr; format is md or html", "?lang");
  }
  auto program = context.engine.program_in_force(key.shop, core::wall_clock());
  if (!program.ok()) return problem(program.errors());
  if (*program == nullptr) {
    return problem(ErrorCode::program_missing, "the shop has no program in force");
  }
  http::Response response;
  response.content_type =
      format == "html" ? "text/html; charset=utf-8" : "text/markdown; charset=utf-8";
  response.body = domain::render_rules_page(
      **program, lang == "fr" ? domain::PageLanguage::fr : domain::PageLanguage::en,
      format == "html" ? domain::PageFormat::html : domain::PageFormat::markdown);
  return response;
}

// POST /v1/program:simulate?from=&to= with a draft definition as body.
Routed simulate_route(Context& context, const Key& key, const Params&, http::Request& request) {
  auto from = query_time(request, "from");
  if (auto* response = std::get_if<http::Response>(&from)) return std::move(*response);
  auto to = query_time(request, "to");
  if (auto* response = std::get_if<http::Response>(&to)) return std::move(*response);
  {
    core::JsonParser parser;
    auto draft = domain::parse_program(parser, request.body);
    core::Errors refused = draft.ok() ? domain::check_fair_play(*draft).errors : draft.errors();
    if (!refused.empty()) return problem(refused);
  }
  const auto from_time = std::get<std::optional<core::Timestamp>>(from);
  const auto to_time = std::get<std::optional<core::Timestamp>>(to);
  auto report = engine::simulate(context.store, key.shop, request.body, from_time, to_time);
  if (!report.ok()) return problem(report.errors());
  core::JsonWriter out;
  engine::write_simulation_json(out, key.shop, *report, from_time, to_time);
  return json(200, out.take());
}

// POST /v1/members/{id}/adjustments {"points": N, "reason": "…"}: a points.adjusted event, through
// the batch like any event post.
Routed adjustment_route(Context& context, const Key& key, const Params& params,
                        http::Request& request) {
  JsonBody body(request.body, {"points", "reason", "actor"});
  if (body.refusal) return std::move(*body.refusal);
  const auto points = body.reader->integer("points", true);
  const auto reason = body.reader->string("reason", true, 500);
  const auto actor = body.reader->string("actor", false, 128);
  if (!body.errors.empty()) return problem(body.errors);
  core::JsonWriter event;
  event.begin_object().key("id").value("adjust-" + core::random_hex(12));
  event.key("type").value("points.adjusted").key("member").value(params[0]);
  event.key("occurred_at").value(core::format_rfc3339(core::wall_clock()));
  event.key("data").begin_object().key("points").value(*points).key("reason").value(*reason);
  if (actor) event.key("actor").value(*actor);
  event.end_object().end_object();
  return PendingEvent{key.shop, {event.take()}, {}, context.idempotency};
}

// GET /v1/members/{id}/export: everything held on the member (state, profile, whole ledger).
Routed export_route(Context& context, const Key& key, const Params& params, http::Request&) {
  auto state = context.engine.member(key.shop, params[0]);
  if (!state.ok()) return problem(state.errors());
  if (!*state) return get_member(context, key, params[0]);  // the same 404
  http::Response member = get_member(context, key, params[0]);
  if (member.status != 200) return member;
  auto profile = context.store.profile(key.shop, params[0]);
  if (!profile.ok()) return problem(profile.errors());
  auto lines = context.store.ledger(key.shop, params[0], 0, SIZE_MAX);
  if (!lines.ok()) return problem(lines.errors());
  core::JsonWriter out;
  out.begin_object().key("state").raw(member.body).key("profile");
  if (*profile) {
    const store::Profile& p = **profile;
    out.begin_object();
    for (const auto& [name, field] : {std::pair{"email", &p.email},
                                      {"phone", &p.phone},
                                      {"name", &p.name},
                                      {"birthday", &p.birthday},
                                      {"address", &p.address}}) {
      if (*field) out.key(name).value(**field);
    }
    out.key("updated_at").value(core::format_rfc3339(p.updated_at)).end_object();
  } else {
    out.null();
  }
  out.key("ledger");
  engine::write_ledger_page_json(out, key.shop, **state, *lines, SIZE_MAX);
  out.end_object();
  return json(200, out.take());
}

constexpr std::int64_t kMemberTokenSecondsDefault = 900;
constexpr std::int64_t kMemberTokenSecondsMax = 3600;

// What a member token signs: the shop, the member and the end of its validity.
std::string token_message(const std::string& shop, const std::string& member,
                          std::int64_t expires) {
  return "member-token\x1f" + shop + "\x1f" + member + "\x1f" + std::to_string(expires);
}

// POST /v1/member-tokens {"member": "m1", "seconds"?: 900}: a token a storefront key presents
// (X-Member-Token) to read that one member, "mt_" HEX(member) "." EXPIRES "." HMAC.
Routed member_token_route(Context& context, const Key& key, const Params&, http::Request& request) {
  JsonBody body(request.body, {"member", "seconds"});
  if (body.refusal) return std::move(*body.refusal);
  const std::string member(body.reader->string("member", true, 128).value_or(""));
  const std::int64_t seconds =
      body.reader->integer("seconds", false).value_or(kMemberTokenSecondsDefault);
  if (seconds < 1 || seconds > kMemberTokenSecondsMax) {
    body.errors.push_back(
        core::make_error(ErrorCode::value_out_of_range, "seconds is from 1 to 3600", "/seconds"));
  }
  if (!body.errors.empty()) return problem(body.errors);
  auto token = mint_member_token(context.engine, key.shop, member, seconds);
  if (!token.ok()) return problem(token.errors());
  core::JsonWriter out;
  out.begin_object().key("member").value(member).key("token").value(token->token);
  out.key("expires_at").value(core::format_rfc3339(token->expires_at)).end_object();
  return json(201, out.take());
}

// The member a valid, unexpired token of the shop names, or nothing.
std::optional<std::string> token_member(Context& context, const std::string& shop,
                                        std::string_view token) {
  if (!token.starts_with("mt_")) return std::nullopt;
  token.remove_prefix(3);
  const auto first = token.find('.');
  const auto second = token.find('.', first == std::string_view::npos ? 0 : first + 1);
  if (first == std::string_view::npos || second == std::string_view::npos) return std::nullopt;
  const auto member = core::hex_decode(token.substr(0, first));
  const std::string expires_text(token.substr(first + 1, second - first - 1));
  char* end = nullptr;
  const long long expires = std::strtoll(expires_text.c_str(), &end, 10);
  if (!member || expires_text.empty() || *end != '\0') return std::nullopt;
  if (expires <= core::wall_clock().micros / core::kMicrosPerSecond) return std::nullopt;
  auto digest = context.engine.keyed_digest(shop, token_message(shop, *member, expires));
  if (!digest.ok() || !core::equal_in_constant_time(*digest, token.substr(second + 1))) {
    return std::nullopt;
  }
  return member;
}

Routed events_route(Context& context, const Key& key, const Params&, http::Request& request) {
  // The key's shop only.
  return PendingEvent{key.shop, {std::move(request.body)}, {}, context.idempotency};
}

constexpr std::size_t kBatchItemsMax = 1000;

// POST /v1/events:batch {"events": [EVENT, …]}: up to 1,000 events in one transaction, each with
// its own result (a bad item does not stop the others).
Routed events_batch_route(Context& context, const Key& key, const Params&, http::Request& request) {
  JsonBody body(request.body, {"events"});
  if (body.refusal) return std::move(*body.refusal);
  const auto events = body.reader->array("events", true);
  if (events && events->size() > kBatchItemsMax) {
    body.errors.push_back(core::make_error(ErrorCode::value_out_of_range,
                                           "at most 1000 events per batch", "/events"));
  }
  if (!body.errors.empty()) return problem(body.errors);
  PendingEvent pending{key.shop, {}, {}, context.idempotency, true};
  for (const auto element : *events) {
    core::JsonWriter item;
    std::string pointer = "/events/" + std::to_string(pending.bodies.size());
    if (auto written = core::write_canonical(item, element, pointer); !written.ok()) {
      return problem(written.errors());
    }
    pending.bodies.push_back(item.take());
  }
  return pending;
}

struct Route {
  std::string_view method;
  std::vector<std::string_view> pattern;  // "{}" matches one segment
  Routed (*handle)(Context&, const Key&, const Params&, http::Request&);
  bool admin = false;  // admin keys only (else server and admin keys)
};

const std::vector<Route>& routes() {
  static const std::vector<Route> table = {
      {"POST", {"v1", "events"}, events_route},
      {"POST", {"v1", "events:batch"}, events_batch_route},
      {"GET", {"v1", "members", "{}"}, member_route},
      {"GET", {"v1", "members", "{}", "ledger"}, ledger_route},
      {"GET", {"v1", "members", "{}", "rewards"}, rewards_route},
      {"GET", {"v1", "members", "{}", "missions"}, missions_route},
      {"GET", {"v1", "members", "{}", "referral"}, referral_route},
      {"POST", {"v1", "members", "{}", "redemptions"}, redeem_route},
      {"POST", {"v1", "codes", "{}", "validate"}, validate_route},
      {"POST", {"v1", "codes", "{}", "use"}, use_route},
      {"POST", {"v1", "codes", "{}", "cancel"}, cancel_route},
      {"POST", {"v1", "member-tokens"}, member_token_route},
      {"POST", {"v1", "members", "{}", "adjustments"}, adjustment_route, true},
      {"GET", {"v1", "members", "{}", "export"}, export_route, true},
      {"GET", {"v1", "program"}, get_program_route},
      {"GET", {"v1", "analytics", "missions"}, mission_stats_route},
      {"GET", {"v1", "analytics", "kpis"}, kpis_route, true},
      {"GET", {"v1", "analytics", "charts"}, charts_route, true},
      {"GET", {"v1", "members"}, members_route, true},
      {"PUT", {"v1", "program"}, put_program_route, true},
      {"GET", {"v1", "program", "rules-page"}, rules_page_route},
      {"POST", {"v1", "program:simulate"}, simulate_route, true},
  };
  return table;
}

// The segments that fill the pattern's "{}", or nothing when the path does not match.
std::optional<Params> match(const Route& route, const std::vector<std::string>& segments) {
  if (route.pattern.size() != segments.size()) return std::nullopt;
  Params params;
  for (std::size_t i = 0; i < segments.size(); ++i) {
    if (route.pattern[i] == "{}") {
      if (segments[i].empty()) return std::nullopt;
      params.push_back(segments[i]);
    } else if (route.pattern[i] != segments[i]) {
      return std::nullopt;
    }
  }
  return params;
}

std::string pattern_text(const Route& route) {
  std::string name;
  for (const auto part : route.pattern) name += "/" + std::string(part);
  return name;
}

}  // namespace

std::optional<std::int64_t> RateLimiter::take(const std::string& key_id, std::int64_t rate) {
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mutex_);
  auto [it, added] = buckets_.try_emplace(key_id, Bucket{static_cast<double>(rate), now});
  Bucket& bucket = it->second;
  if (!added) {
    const std::chrono::duration<double> elapsed = now - bucket.last;
    bucket.tokens = std::min(static_cast<double>(rate), bucket.tokens + elapsed.count() * rate);
    bucket.last = now;
  }
  if (bucket.tokens >= 1) {
    bucket.tokens -= 1;
    return std::nullopt;
  }
  return std::max<std::int64_t>(1,
                                static_cast<std::int64_t>(std::ceil((1 - bucket.tokens) / rate)));
}

core::Result<MemberToken> mint_member_token(engine::Engine& engine, const std::string& shop,
                                            const std::string& member, std::int64_t seconds) {
  const std::int64_t expires = core::wall_clock().micros / core::kMicrosPerSecond + seconds;
  FIDELIS_TRY(const auto digest, engine.keyed_digest(shop, token_message(shop, member, expires)));
  return MemberToken{
      "mt_" + core::hex_encode(member) + "." + std::to_string(expires) + "." + digest,
      core::Timestamp{expires * core::kMicrosPerSecond}};
}

std::vector<std::string> route_list() {
  std::vector<std::string> list;
  for (const Route& route : routes()) {
    list.push_back(std::string(route.method) + " " + pattern_text(route));
  }
  return list;
}

std::string route_name(const http::Request& request) {
  if (request.path == "/healthz" || request.path == "/readyz" || request.path == "/metrics") {
    return request.path;
  }
  const auto segments = split_path(request.path);
  if (!segments) return "unmatched";
  for (const Route& candidate : routes()) {
    if (match(candidate, *segments)) return pattern_text(candidate);
  }
  return "unmatched";
}

Routed route(Context& context, http::Request& request) {
  const auto segments = split_path(request.path);
  if (!segments) return problem(ErrorCode::route_not_found, "no route " + request.path);
  const Route* chosen = nullptr;
  Params params;
  std::string allow;
  for (const Route& candidate : routes()) {
    auto matched = match(candidate, *segments);
    if (!matched) continue;
    allow += (allow.empty() ? "" : ", ") + std::string(candidate.method);
    if (candidate.method == request.method) {
      chosen = &candidate;
      params = std::move(*matched);
    }
  }
  if (allow.empty()) return problem(ErrorCode::route_not_found, "no route " + request.path);
  if (chosen == nullptr) return method_not_allowed(allow);

  auto authenticated = authenticate(context, request);
  if (auto* response = std::get_if<http::Response>(&authenticated)) return std::move(*response);
  const Key& key = std::get<Key>(authenticated);
  if (auto limited = rate_limited(context.limiter, key)) return std::move(*limited);
  if (key.scope == "storefront") {
    // A browser's key: its own member's reads, and redeeming that member's points (the member
    // spends what is theirs), proved by a token from the shop's server.
    const bool member_read = request.method == "GET" && request.path.starts_with("/v1/members/");
    const bool own_redemption = chosen->handle == redeem_route;
    if (!member_read && !own_redemption) return forbidden(key, "use this route");
    const auto member = token_member(context, key.shop, request.member_token);
    if (!member || *member != params[0]) {
      return problem(ErrorCode::forbidden,
                     "a storefront key reads one member, named by a valid X-Member-Token",
                     "X-Member-Token");
    }
  }
  if (chosen->admin && key.scope != "admin") return forbidden(key, "use this route");
  if (request.method == "POST" && !request.idempotency_key.empty()) {
    const std::string& idempotency_key = request.idempotency_key;
    if (idempotency_key.size() > 255 || !domain::is_valid_id(idempotency_key.substr(0, 128))) {
      return problem(ErrorCode::value_not_allowed,
                     "Idempotency-Key is 1-255 printable ASCII characters", "Idempotency-Key");
    }
    const std::string digest =
        core::sha256_hex(request.method + " " + request.path + "\n" + request.body);
    auto kept = context.store.idempotency(key.shop, idempotency_key);
    if (!kept.ok()) return problem(kept.errors());
    if (*kept) {
      if ((*kept)->request_digest != digest) {
        return problem(ErrorCode::idempotency_key_reused,
                       "Idempotency-Key \"" + idempotency_key +
                           "\" was used with another request: use a new key for a new request",
                       "Idempotency-Key");
      }
      http::Response replay;
      replay.status = (*kept)->status;
      replay.content_type = (*kept)->content_type;
      replay.body = (*kept)->body;
      replay.headers.emplace_back("Idempotent-Replayed", "true");
      return replay;
    }
    context.idempotency = IdempotencyIntent{idempotency_key, digest};
  }
  return chosen->handle(context, key, params, request);
}

CachedAnswer answer_from_cache(ReadCache& cache, ChangeWatch& watch, RateLimiter& limiter,
                               const http::Request& request) {
  constexpr std::string_view kMembers = "/v1/members/";
  if (request.method != "GET" || !request.path.starts_with(kMembers)) return {};
  const auto sent = bearer_key(request);
  if (!sent) return {};
  const std::string_view rest = std::string_view(request.path).substr(kMembers.size());
  if (rest.empty() || rest.find('/') != std::string_view::npos) return {};
  const auto member = percent_decode(rest);
  if (!member || member->empty()) return {};
  // Looked at first: a change committed before this request arrived empties the cache here.
  if (!watch.fresh(cache)) return {true, std::nullopt};
  const auto key = cache.key(key_hash(*sent));
  // Storefront keys prove their member with a token the worker checks.
  if (!key || key->scope == "storefront") return {true, std::nullopt};
  auto body = cache.member(key->shop, *member);
  if (!body) return {true, std::nullopt};
  if (auto limited = rate_limited(limiter, *key)) return {true, std::move(limited)};
  return {true, json(200, std::move(*body))};
}

void keep_response(engine::Engine& engine, const std::string& shop,
                   const std::optional<IdempotencyIntent>& intent, const http::Response& response) {
  if (!intent || response.status >= 500) return;
  store::IdempotencyRecord record;
  record.key = intent->key;
  record.request_digest = intent->request_digest;
  record.status = response.status;
  record.content_type = response.content_type;
  record.body = response.body;
  record.created_at = core::wall_clock();
  engine.stage_idempotency(shop, std::move(record));
}

namespace {

http::Response single_response(const engine::SubmitResult& result) {
  if (result.outcome == engine::Outcome::accepted || result.outcome == engine::Outcome::duplicate) {
    core::JsonWriter out;
    out.begin_object().key("id").value(result.event_id);
    out.key("outcome").value(engine::outcome_name(result.outcome)).end_object();
    return json(result.outcome == engine::Outcome::accepted ? 201 : 200, out.take());
  }
  return problem(result.errors);
}

}  // namespace

http::Response event_response(const PendingEvent& event,
                              const std::vector<engine::SubmitResult>& results) {
  if (!event.is_batch) return single_response(results.front());
  core::JsonWriter out;
  out.begin_object().key("results").begin_array();
  for (std::size_t i = 0; i < results.size(); ++i) {
    out.begin_object().key("index").value(static_cast<std::uint64_t>(i));
    out.key("id").value(results[i].event_id);
    out.key("outcome").value(engine::outcome_name(results[i].outcome));
    const int status = results[i].errors.empty()
                           ? (results[i].outcome == engine::Outcome::accepted ? 201 : 200)
                           : status_for(results[i].errors.front().code);
    out.key("status").value(status);
    if (!results[i].errors.empty()) {
      out.key("errors");
      write_errors(out, results[i].errors);
    }
    out.end_object();
  }
  out.end_array().end_object();
  return json(200, out.take());
}

}  // namespace fidelis::api
